"""MultiLabelClassifier: one-vs-rest linear models over the four labels, with thresholds and a primary label.

``fit`` takes label lists (``[["investment", "logistics"], [], ...]``); ``predict`` returns the 0/1 indicator
matrix with columns ``classes_`` (= research.labels.LABELS); ``decision_scores`` gives comparable per-label scores
(probabilities where the model has them, margins otherwise) from which the primary label is the best predicted one.
"""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.validation import check_is_fitted

from .classifiers import classifier_kind
from .labels import LABELS, from_indicator, primary_labels, to_indicator

def make_estimator(kind: str, C: float, alpha: float, class_weight, max_iter: int, seed: int):
    """The binary estimator used for each label (see :mod:`research.classifiers`)."""
    return classifier_kind(kind).binary(C, alpha, class_weight, max_iter, seed)


class MultiLabelClassifier(ClassifierMixin, BaseEstimator):
    """One binary linear model per label.

    Parameters
    ----------
    kind : "logreg" (default), "linear_svm", "complement_nb" or "sgd".
    C : inverse regularisation for logreg / linear_svm.
    alpha : smoothing (complement_nb) or regularisation (sgd).
    class_weight : "balanced" or None.
    threshold : score above which a label is predicted: a float for all labels, a list of one per label, or None
        for the kind's natural threshold (0.5 on probabilities, 0 on margins).
    max_iter, seed : optimiser settings.
    """

    def __init__(self, kind="logreg", C=4.0, alpha=1e-4, class_weight="balanced", threshold=None, max_iter=2000,
                 seed=0):
        self.kind = kind
        self.C = C
        self.alpha = alpha
        self.class_weight = class_weight
        self.threshold = threshold
        self.max_iter = max_iter
        self.seed = seed

    def fit(self, X, y):
        Y = _as_indicator(y)
        if Y.shape[0] != X.shape[0]:
            raise ValueError(f"X has {X.shape[0]} rows but y has {Y.shape[0]}")
        base = make_estimator(self.kind, self.C, self.alpha, self.class_weight, self.max_iter, self.seed)
        self.classes_ = np.asarray(LABELS, dtype=object)
        self.estimators_ = []
        self.constant_ = np.full(len(LABELS), np.nan)
        for j in range(len(LABELS)):
            column = Y[:, j]
            if column.min() == column.max():  # a label never (or always) seen: predict it constantly
                self.estimators_.append(None)
                self.constant_[j] = float(column[0])
                continue
            self.estimators_.append(clone(base).fit(X, column))
        self.uses_probability_ = classifier_kind(self.kind).probability
        self.thresholds_ = self._resolve_thresholds()
        self.n_features_in_ = X.shape[1]
        return self

    def _resolve_thresholds(self) -> np.ndarray:
        default = 0.5 if self.uses_probability_ else 0.0
        if self.threshold is None:
            return np.full(len(LABELS), default)
        values = np.atleast_1d(np.asarray(self.threshold, dtype=float))
        if values.size == 1:
            return np.full(len(LABELS), float(values[0]))
        if values.size != len(LABELS):
            raise ValueError(f"threshold needs 1 or {len(LABELS)} values, got {values.size}")
        return values

    def decision_scores(self, X) -> np.ndarray:
        """(n, 4) scores, comparable across labels: probabilities for logreg/NB/SGD, margins for linear_svm."""
        check_is_fitted(self, "estimators_")
        out = np.empty((X.shape[0], len(LABELS)))
        for j, est in enumerate(self.estimators_):
            if est is None:
                out[:, j] = self.constant_[j] if self.uses_probability_ else (1.0 if self.constant_[j] else -1.0)
            elif self.uses_probability_:
                out[:, j] = est.predict_proba(X)[:, 1]
            else:
                out[:, j] = est.decision_function(X)
        return out

    def predict_proba(self, X) -> np.ndarray:
        """Per-label probability of the label being present (n, 4); margins are squashed for linear_svm."""
        scores = self.decision_scores(X)
        return scores if self.uses_probability_ else 1.0 / (1.0 + np.exp(-scores))

    def predict(self, X) -> np.ndarray:
        return (self.decision_scores(X) >= self.thresholds_).astype(np.int8)

    def predict_labels(self, X) -> tuple[list[list[str]], list[str], np.ndarray]:
        """(label lists, primary labels, scores) in one pass."""
        scores = self.decision_scores(X)
        indicator = (scores >= self.thresholds_).astype(np.int8)
        return from_indicator(indicator), primary_labels(scores, indicator), scores

    def score(self, X, y, sample_weight=None):
        """Micro-averaged F1 (accuracy is too strict for multi-label)."""
        from sklearn.metrics import f1_score

        return f1_score(_as_indicator(y), self.predict(X), average="micro", zero_division=0)


def _as_indicator(y) -> np.ndarray:
    arr = y if isinstance(y, np.ndarray) and y.ndim == 2 else None
    if arr is not None:
        return arr.astype(np.int8)
    return to_indicator(y)
