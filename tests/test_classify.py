import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone

from research.classifiers import KINDS
from research.classify import MultiLabelClassifier
from research.labels import LABELS

rng = np.random.RandomState(0)
X = sp.csr_matrix(np.abs(rng.randn(40, 12)))
# label j is present when feature j is large: learnable by every kind
Y = [[LABELS[j] for j in range(4) if X[i, j] > 0.8] for i in range(40)]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_fits_and_predicts(kind):
    clf = MultiLabelClassifier(kind=kind, C=10.0, alpha=0.01).fit(X, Y)
    assert list(clf.classes_) == list(LABELS)
    pred = clf.predict(X)
    assert pred.shape == (40, 4) and set(np.unique(pred)) <= {0, 1}
    labels, primary, scores = clf.predict_labels(X)
    assert len(labels) == len(primary) == 40 and scores.shape == (40, 4)
    for labs, prim in zip(labels, primary):
        assert (prim == "none") == (not labs)
        assert prim == "none" or prim in labs
    proba = clf.predict_proba(X)
    assert ((proba >= 0) & (proba <= 1)).all()
    assert clf.score(X, Y) > 0.5


def test_label_absent_from_training_is_predicted_constantly():
    y = [["investment"] if i % 2 else [] for i in range(40)]
    clf = MultiLabelClassifier().fit(X, y)
    assert clf.estimators_[0] is None and clf.predict(X)[:, 0].sum() == 0


def test_thresholds_scalar_list_and_bad_length():
    assert MultiLabelClassifier(threshold=0.3).fit(X, Y).thresholds_.tolist() == [0.3] * 4
    assert MultiLabelClassifier(threshold=[0.1, 0.2, 0.3, 0.4]).fit(X, Y).thresholds_.tolist() == [0.1, 0.2, 0.3, 0.4]
    assert MultiLabelClassifier(kind="linear_svm").fit(X, Y).thresholds_.tolist() == [0.0] * 4
    with pytest.raises(ValueError, match="1 or 4"):
        MultiLabelClassifier(threshold=[0.1, 0.2]).fit(X, Y)


def test_init_does_no_work_and_params_round_trip():
    clf = MultiLabelClassifier(kind="not-a-kind")  # validated in fit, not __init__
    assert clone(clf).get_params() == clf.get_params()
    with pytest.raises(ValueError, match="unknown classifier kind"):
        clf.fit(X, Y)
