"""scikit-learn's own estimator checks on every custom estimator, and the contract the pipeline relies on.

MultiLabelClassifier takes numeric features and runs the full suite (60 checks) with one expected failure. The
text estimators (JiebaTokenizer, TfidfOnTokens, LdaTopics) declare string input (``TextInputMixin``), as
scikit-learn's ``TfidfVectorizer`` does, so the suite does not feed them float matrices; the API checks that apply
to any estimator are run on them by name, and their text behaviour is tested on a toy corpus below.
"""
from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import cross_val_score
from sklearn.utils.estimator_checks import (check_get_params_invariance, check_no_attributes_set_in_init,
                                            check_parameters_default_constructible, check_set_params,
                                            parametrize_with_checks)

from research.classify import MultiLabelClassifier
from research.datasets.toy import TOY_LABELS, TOY_TEXTS
from research.features import TfidfOnTokens
from research.labels import LABELS, to_indicator
from research.tokenize import JiebaTokenizer
from research.topics import LdaTopics

EXPECTED_FAILURES = {
    "check_class_weight_classifiers": "class_weight weighs each label's positives against its negatives (one "
                                      "binary model per label), not the classes of a multi-class target",
}


@parametrize_with_checks([MultiLabelClassifier(), MultiLabelClassifier(kind="linear_svm"), JiebaTokenizer(),
                          TfidfOnTokens(), LdaTopics(n_topics=3)],
                         expected_failed_checks=lambda est: EXPECTED_FAILURES
                         if isinstance(est, MultiLabelClassifier) else {})
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


@pytest.mark.parametrize("estimator", [JiebaTokenizer(), TfidfOnTokens(), LdaTopics(n_topics=3),
                                       MultiLabelClassifier()], ids=lambda e: type(e).__name__)
@pytest.mark.parametrize("check", [check_no_attributes_set_in_init, check_parameters_default_constructible,
                                   check_get_params_invariance, check_set_params], ids=lambda c: c.__name__)
def test_api_checks_that_apply_to_text_estimators(estimator, check):
    check(type(estimator).__name__, estimator)


def toy_tokens():
    return TOY_TEXTS, JiebaTokenizer(n_jobs=1).fit(TOY_TEXTS).transform(TOY_TEXTS)


@pytest.mark.parametrize("make", [TfidfOnTokens, lambda: LdaTopics(n_topics=3, iterations=20, min_df=1)],
                         ids=["TfidfOnTokens", "LdaTopics"])
def test_text_estimators_fit_transform_clone_pickle(make):
    _, tokens = toy_tokens()
    est = make()
    out = est.fit(tokens).transform(tokens)
    assert out.shape[0] == len(tokens) and len(est.get_feature_names_out()) == out.shape[1]
    assert not [k for k in vars(clone(est)) if k.endswith("_") and not k.startswith("_")]  # clone = unfitted
    again = pickle.loads(pickle.dumps(est)).transform(tokens)
    diff = (out != again)
    assert (diff.nnz if hasattr(diff, "nnz") else int(np.sum(diff))) == 0


def test_indicator_targets_learn_classes_and_predict_in_kind():
    rng = np.random.default_rng(0)
    X = rng.random((60, 5))
    Y = np.column_stack([X[:, 0] > 0.5, X[:, 1] > 0.5, X[:, 2] > 0.6]).astype(np.int64)
    clf = MultiLabelClassifier().fit(X, Y)
    assert clf.classes_.tolist() == [0, 1, 2] and clf.predict(X).dtype == np.int64 and clf.predict(X).shape == (60, 3)
    named = MultiLabelClassifier(labels=["a", "b", "c"]).fit(X, Y)
    assert named.classes_.tolist() == ["a", "b", "c"] and named.predict_labels(X[:2])[0][0] in (
        [], ["a"], ["b"], ["c"], ["a", "b"], ["a", "c"], ["b", "c"], ["a", "b", "c"])
    lists = [[LABELS[j] for j in np.flatnonzero(row)] for row in Y]
    assert MultiLabelClassifier().fit(X, lists).classes_.tolist() == list(LABELS)


def test_one_d_targets_are_plain_classification():
    rng = np.random.default_rng(1)
    X = rng.random((80, 4))
    y = np.where(X[:, 0] > 0.66, "high", np.where(X[:, 0] > 0.33, "mid", "low"))
    clf = MultiLabelClassifier(C=50.0).fit(X, y)
    assert sorted(clf.classes_) == ["high", "low", "mid"] and set(clf.predict(X)) <= {"high", "low", "mid"}
    assert np.allclose(clf.predict_proba(X).sum(axis=1), 1.0) and clf.score(X, y) > 0.8


def test_bad_parameters_are_one_value_error_at_fit():
    X, Y = np.eye(4), np.eye(4, dtype=int)
    for params, message in [({"kind": "xgb"}, "unknown classifier kind"), ({"C": 0}, "C must be"),
                            ({"alpha": -1.0}, "alpha must be"), ({"class_weight": "x"}, "class_weight"),
                            ({"max_iter": 0}, "max_iter"), ({"threshold": [0.1, 0.2]}, "threshold needs")]:
        clf = MultiLabelClassifier(**params)  # __init__ stores, never checks
        with pytest.raises(ValueError, match=message):
            clf.fit(X, Y)


def test_cross_val_score_on_the_pipeline_gives_numbers():
    """Scorers work on the whole text pipeline when the labels are an indicator matrix."""
    from research.config import validate_config
    from research.pipeline import build_pipeline

    config = validate_config({"experiment": "cv", "tokenize": {"cache": False, "n_jobs": 1},
                              "features": {"lda": {"enabled": False}, "tfidf": {"min_df": 1}}}, source="test")
    Y = to_indicator(TOY_LABELS)
    scores = cross_val_score(build_pipeline(config), TOY_TEXTS, Y, scoring="f1_micro", cv=3)
    assert scores.shape == (3,) and np.all(np.isfinite(scores)) and np.all((scores >= 0) & (scores <= 1))
