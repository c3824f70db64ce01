import numpy as np
import pytest

from research.labels import LABELS, NONE_LABEL, from_indicator, primary_labels, to_indicator


def test_indicator_round_trip():
    sets = [["investment", "logistics"], [], ["party_building"]]
    Y = to_indicator(sets)
    assert Y.tolist() == [[0, 1, 1, 0], [0, 0, 0, 0], [1, 0, 0, 0]]
    assert from_indicator(Y) == sets


def test_unknown_label_is_an_error():
    with pytest.raises(ValueError, match="unknown label 'sports'"):
        to_indicator([["sports"]])


def test_primary_is_best_predicted_label_or_none():
    scores = np.array([[0.9, 0.95, 0.1, 0.2], [0.4, 0.3, 0.2, 0.1], [0.6, 0.7, 0.1, 0.2]])
    indicator = np.array([[1, 1, 0, 0], [0, 0, 0, 0], [1, 0, 0, 0]])
    assert primary_labels(scores, indicator) == ["investment", NONE_LABEL, "party_building"]
    assert len(LABELS) == 4
