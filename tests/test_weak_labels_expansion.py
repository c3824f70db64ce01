"""The model-expansion pass: it labels only what the rules left open, only the labels it is allowed to add."""
from __future__ import annotations

from dataclasses import replace

import pytest

from research.datasets.records import Document
from research.datasets.toy import toy_documents
from research.errors import DataError
from research.weak_labels import expansion_spec, make_labeller
from research.datasets.expansion import expand
from research.weak_labels import ExpansionSpec

SPEC = {"kind": "model_expansion", "version": "toy_x", "base": "builtin:v1", "exclude": [],
        "thresholds": {"party_building": None, "investment": None, "logistics": None, "livelihood": 0.3},
        "model": {"min_df": 1, "max_df": 1.0, "max_features": 5000, "C": 4.0}, "seed": 0}


def _corpus() -> list[Document]:
    """The toy corpus with every third document's label hidden (as if the rules had left it open)."""
    docs = toy_documents()
    return [replace(d, labels=(), primary=None, label_status="unlabelled") if i % 3 == 0 else d
            for i, d in enumerate(docs)]


def test_expansion_adds_only_allowed_labels_to_unlabelled_items():
    spec = ExpansionSpec.parse(SPEC, "<toy>", "0" * 64)
    docs = _corpus()
    out, info = expand(docs, spec, cache_dir=None)
    assert [d.id for d in out] == [d.id for d in docs]
    for before, after in zip(docs, out):
        if before.label_status != "unlabelled":
            assert after == before  # rule labels are never touched
        elif after.label_status == "labelled":
            assert after.labels == ("livelihood",) and after.label_source == "model:toy_x"
            assert after.meta["model_scores"]["livelihood"] >= 0.3 and after.label_score >= 0.3
    added = [a for b, a in zip(docs, out) if b.label_status == "unlabelled" and a.label_status == "labelled"]
    assert added and info["added_per_label"] == {"party_building": 0, "investment": 0, "logistics": 0,
                                                 "livelihood": len(added)}
    assert expand(docs, spec, cache_dir=None)[0] == out  # deterministic


def test_bad_expansion_specs_are_refused(tmp_path):
    with pytest.raises(DataError, match="thresholds"):
        ExpansionSpec.parse({**SPEC, "thresholds": {"livelihood": 0.8}}, "<x>", "")
    with pytest.raises(DataError, match="thresholds"):
        ExpansionSpec.parse({**SPEC, "thresholds": {**SPEC["thresholds"], "livelihood": 1.5}}, "<x>", "")
    with pytest.raises(DataError, match="unknown key"):
        ExpansionSpec.parse({**SPEC, "treshold": 1}, "<x>", "")
    with pytest.raises(DataError, match="model: unknown key"):
        ExpansionSpec.parse({**SPEC, "model": {"C": 1, "alpha": 2}}, "<x>", "")


def test_shipped_expansion_rules_expand_livelihood_only_and_cannot_label_single_texts():
    spec = expansion_spec("builtin:v1_model")
    assert spec.base == "builtin:v1" and "builtin:hand_checked_v1" in spec.exclude
    assert [lab for lab, t in spec.thresholds.items() if t is not None] == ["livelihood"]
    assert expansion_spec("builtin:v1") is None
    with pytest.raises(DataError, match="whole corpus"):
        make_labeller("builtin:v1_model")


def test_expansion_check_file_is_well_formed():
    from research.datasets.gold import read_gold
    header, items = read_gold("builtin:expansion_checked_v1")
    assert len(items) == 100 and {g.split for g in items} == {"heldout"}
    assert header["drawn_with_rules"] == "builtin:v1_model" and header["label_source"] == "model:v1_model"
    assert all(g.reason for g in items)
