"""MultiLabelClassifier: one-vs-rest linear models, one per label, with per-label thresholds and a primary label.

It follows scikit-learn's classifier contract:

* ``fit(X, y)`` takes ``y`` as a 0/1 indicator matrix (multi-label; columns are ``labels`` when given, else
  ``0..k-1``), as label lists (``[["investment", "logistics"], [], ...]``, binarised at the edge against
  ``labels``, default research.labels.LABELS), or as a 1-D target (binary / multi-class: one-vs-rest over the
  classes found in ``y``). ``classes_`` is learnt from ``y``.
* ``predict`` answers in the form ``y`` was given: an indicator matrix for multi-label ``y``, class labels for
  1-D ``y``. ``decision_scores`` gives comparable per-label scores (probabilities where the model has them,
  margins otherwise); the primary label is the best predicted one.
* Parameters are validated in ``fit`` (one ``ValueError`` path), ``random_state`` seeds the solvers.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from .classifiers import classifier_kind
from .labels import LABELS, from_indicator, primary_labels, to_indicator


def make_estimator(kind: str, C: float, alpha: float, class_weight, max_iter: int, seed: int):
    """The binary estimator used for each label (see :mod:`research.classifiers`)."""
    return classifier_kind(kind).binary(C, alpha, class_weight, max_iter, seed)


class MultiLabelClassifier(ClassifierMixin, BaseEstimator):
    """One binary linear model per label.

    Parameters
    ----------
    kind : {"logreg", "linear_svm", "complement_nb", "sgd"}, default="logreg"
        The per-label model (research.classifiers.REGISTRY).
    C : float, default=4.0
        Inverse regularisation for logreg / linear_svm.
    alpha : float, default=1e-4
        Smoothing (complement_nb) or regularisation (sgd).
    class_weight : {"balanced", None}, default="balanced"
        Re-weighting of each label's positives against its negatives.
    threshold : float, sequence of float or None, default=None
        Score at or above which a label is predicted: one value for all labels, one per label, or None for the
        kind's natural threshold (0.5 on probabilities, 0 on margins).
    max_iter : int, default=2000
        Optimiser iterations.
    random_state : int, default=0
        Seed of the solvers that use one.
    labels : sequence of str or None, default=None
        Names of the label columns when ``y`` is label lists or an indicator matrix; None = research.labels.LABELS
        for label lists, ``0..k-1`` for an indicator matrix.
    n_jobs : int or None, default=None
        Labels fitted in parallel threads (None = 1, -1 = all cores); the fitted models never depend on it.

    Attributes
    ----------
    classes_ : ndarray
        Label names (multi-label) or classes (1-D ``y``), learnt from ``y``.
    estimators_ : list
        One fitted binary model per column of ``classes_`` (None where the column was constant).
    constant_ : ndarray of shape (n_columns,)
        The value of each constant column (NaN where a model was fitted).
    thresholds_ : ndarray of shape (n_columns,)
        The decision threshold of each column.
    uses_probability_ : bool
        Scores are probabilities (else margins).
    multilabel_ : bool
        ``y`` was multi-label (indicator or label lists): ``predict`` returns an indicator matrix.
    indicator_dtype_ : str
        dtype name of the predicted indicator matrix: that of an indicator ``y``, int8 for label lists.
    n_iter_ : ndarray of shape (n_columns,)
        Solver iterations of each column's model (0 for constant columns and models without iterations).
    n_features_in_ : int
    """

    def __init__(self, kind="logreg", C=4.0, alpha=1e-4, class_weight="balanced", threshold=None, max_iter=2000,
                 random_state=0, labels=None, n_jobs=None):
        self.kind = kind
        self.C = C
        self.alpha = alpha
        self.class_weight = class_weight
        self.threshold = threshold
        self.max_iter = max_iter
        self.random_state = random_state
        self.labels = labels
        self.n_jobs = n_jobs

    def __setstate__(self, state):
        """Models saved before the scikit-learn contract work: ``seed`` became ``random_state``, and every one of
        them was multi-label."""
        state = dict(state)
        if "seed" in state and "random_state" not in state:
            state["random_state"] = state.pop("seed")
        if "estimators_" in state:
            state.setdefault("multilabel_", True)
            state.setdefault("indicator_dtype_", "int8")
        super().__setstate__(state)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        tags.input_tags.sparse = True
        return tags

    def _check_params(self) -> None:
        """Every bad parameter is a ValueError naming it (scikit-learn raises in fit, never in __init__)."""
        classifier_kind(self.kind)  # ValueError naming the known kinds
        for name in ("C", "alpha"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value) or value <= 0:
                raise ValueError(f"{name} must be a positive finite number, got {value!r}")
        if not (self.class_weight in ("balanced", None) or isinstance(self.class_weight, dict)):
            raise ValueError(f"class_weight must be 'balanced', None or a dict, got {self.class_weight!r}")
        if isinstance(self.max_iter, bool) or not isinstance(self.max_iter, (int, np.integer)) or self.max_iter < 1:
            raise ValueError(f"max_iter must be a positive integer, got {self.max_iter!r}")

    def _targets(self, y) -> tuple[np.ndarray, np.ndarray, bool]:
        """(indicator Y, classes, multilabel?) from any of the accepted forms of ``y``."""
        if _is_label_lists(y):
            names = list(self.labels) if self.labels is not None else list(LABELS)
            return to_indicator(y, names), np.asarray(names, dtype=object), True
        target = type_of_target(y, input_name="y")
        if target == "multilabel-indicator":
            self.indicator_dtype_ = np.asarray(y).dtype.name
            Y = np.asarray(y).astype(np.int8)
            names = list(self.labels) if self.labels is not None else list(range(Y.shape[1]))
            if len(names) != Y.shape[1]:
                raise ValueError(f"labels has {len(names)} names but y has {Y.shape[1]} columns")
            return Y, np.asarray(names, dtype=object if self.labels is not None else None), True
        if target in ("binary", "multiclass"):
            y = column_or_1d(y, warn=True)
            classes = np.unique(y)
            if len(classes) < 2:
                raise ValueError(f"y has only one class ({classes[0]!r}): a classifier needs at least two")
            Y = (y[:, None] == classes[None, :]).astype(np.int8)
            return (Y[:, 1:] if len(classes) == 2 else Y), classes, False
        raise ValueError(f"Unknown label type {target!r}: y must be label lists, a 0/1 indicator matrix or a "
                         "binary/multi-class target")

    def fit(self, X, y):
        self._check_params()
        X = validate_data(self, X, accept_sparse=("csr", "csc"), reset=True)
        self.indicator_dtype_ = "int8"  # a name, not a dtype object: model files hold only trusted types
        Y, self.classes_, self.multilabel_ = self._targets(y)
        if Y.shape[0] != X.shape[0]:
            raise ValueError(f"X has {X.shape[0]} rows but y has {Y.shape[0]}")
        base = make_estimator(self.kind, self.C, self.alpha, self.class_weight, self.max_iter, self.random_state)
        self.estimators_ = []
        self.constant_ = np.full(Y.shape[1], np.nan)
        for j in range(Y.shape[1]):
            column = Y[:, j]
            if column.min() == column.max():  # a label never (or always) seen: predict it constantly
                self.estimators_.append(None)
                self.constant_[j] = float(column[0])
                continue
            self.estimators_.append(column)  # fitted below, the labels in parallel
        self.estimators_ = _fit_columns(base, X, self.estimators_, getattr(self, "n_jobs", None))
        self.uses_probability_ = classifier_kind(self.kind).probability
        self.thresholds_ = self._resolve_thresholds(Y.shape[1])
        self.n_iter_ = np.asarray([_iterations(est) for est in self.estimators_])
        return self

    def _resolve_thresholds(self, n_columns: int) -> np.ndarray:
        default = 0.5 if self.uses_probability_ else 0.0
        if self.threshold is None:
            return np.full(n_columns, default)
        values = np.atleast_1d(np.asarray(self.threshold, dtype=float))
        if values.size == 1:
            return np.full(n_columns, float(values[0]))
        if values.size != n_columns:
            raise ValueError(f"threshold needs 1 or {n_columns} values, got {values.size}")
        return values

    def set_thresholds(self, values) -> "MultiLabelClassifier":
        """Change the decision thresholds of a fitted model (e.g. tuned on validation data): the ``threshold``
        parameter and ``thresholds_`` together, by the rule ``fit`` uses."""
        check_is_fitted(self, "estimators_")
        self.threshold = values
        self.thresholds_ = self._resolve_thresholds(len(self.estimators_))
        return self

    def decision_scores(self, X) -> np.ndarray:
        """(n, n_columns) scores, comparable across labels: probabilities for logreg/NB/SGD, margins for
        linear_svm."""
        check_is_fitted(self, "estimators_")
        X = validate_data(self, X, accept_sparse=("csr", "csc"), reset=False)
        out = np.empty((X.shape[0], len(self.estimators_)))
        for j, est in enumerate(self.estimators_):
            if est is None:
                out[:, j] = self.constant_[j] if self.uses_probability_ else (1.0 if self.constant_[j] else -1.0)
            elif self.uses_probability_:
                out[:, j] = est.predict_proba(X)[:, 1]
            else:
                out[:, j] = est.decision_function(X)
        return out

    def decision_function(self, X) -> np.ndarray:
        """Scores minus thresholds, so that a positive value means "predicted" (scikit-learn's convention):
        (n, n_columns), or (n,) for a binary target."""
        margin = self.decision_scores(X) - self.thresholds_
        return margin[:, 0] if not self.multilabel_ and len(self.classes_) == 2 else margin

    def predict_proba(self, X) -> np.ndarray:
        """Multi-label: each label's own probability (n, n_labels); margins are squashed for linear_svm.
        1-D targets: class probabilities (n, n_classes), rows summing to one."""
        scores = self.decision_scores(X)
        proba = scores if self.uses_probability_ else 1.0 / (1.0 + np.exp(-scores))
        if self.multilabel_:
            return proba
        if len(self.classes_) == 2:
            return np.column_stack([1.0 - proba[:, 0], proba[:, 0]])
        total = proba.sum(axis=1, keepdims=True)
        return np.divide(proba, total, out=np.full_like(proba, 1.0 / proba.shape[1]), where=total > 0)

    def predict(self, X) -> np.ndarray:
        scores = self.decision_scores(X)
        if self.multilabel_:
            return (scores >= self.thresholds_).astype(self.indicator_dtype_)
        if len(self.classes_) == 2:
            return self.classes_[(scores[:, 0] >= self.thresholds_[0]).astype(int)]
        return self.classes_[scores.argmax(axis=1)]

    def predict_labels(self, X) -> tuple[list[list[str]], list[str], np.ndarray]:
        """(label lists, primary labels, scores) in one pass (multi-label models)."""
        if not self.multilabel_:
            raise ValueError("predict_labels is for multi-label models; this one was fitted on a 1-D target")
        scores = self.decision_scores(X)
        indicator = (scores >= self.thresholds_).astype(np.int8)
        names = [str(c) for c in self.classes_]
        return from_indicator(indicator, names), primary_labels(scores, indicator, names), scores

    def score(self, X, y, sample_weight=None):
        """Multi-label: micro-averaged F1 (subset accuracy is too strict); 1-D targets: accuracy."""
        from sklearn.metrics import accuracy_score, f1_score

        if not self.multilabel_:
            return accuracy_score(y, self.predict(X), sample_weight=sample_weight)
        Y = to_indicator(y, [str(c) for c in self.classes_]) if _is_label_lists(y) else np.asarray(y)
        return f1_score(Y, self.predict(X), average="micro", zero_division=0, sample_weight=sample_weight)


def _iterations(est) -> int:
    """Solver iterations of one fitted binary model (0 when it has none, or the column was constant)."""
    n = getattr(est, "n_iter_", None) if est is not None else None
    return 0 if n is None else int(np.max(n))


def _is_label_lists(y) -> bool:
    """``[["investment"], [], ...]``: a sequence of label-name sequences (not an array of numbers)."""
    if isinstance(y, np.ndarray) or not isinstance(y, Sequence) or isinstance(y, str):
        return False
    return all(isinstance(row, (list, tuple, set, frozenset)) and all(isinstance(n, str) for n in row) for row in y)


def _fit_columns(base, X, columns: list, n_jobs) -> list:
    """One clone of ``base`` fitted per 0/1 column (None stays None). With ``n_jobs`` > 1 (-1 = all cores) the
    columns are fitted in forked processes that inherit ``X`` (nothing large is pickled on the way in); not in
    threads, because liblinear seeds and draws from the C library's one global random generator. Each model sees
    only its own column and seed, so the models are the same for any ``n_jobs`` (None = 1)."""
    import multiprocessing
    import threading

    from .cpus import effective_workers

    global _FORK_STATE
    todo = [j for j, column in enumerate(columns) if column is not None]
    workers = effective_workers(n_jobs if n_jobs is not None else 1, limit=max(1, len(todo)))
    if multiprocessing.current_process().daemon or threading.current_thread() is not threading.main_thread():
        workers = 1  # a pool or Dask worker (no child processes), or a thread (forking from one can deadlock)
    out = [None] * len(columns)
    if workers == 1:
        for j in todo:
            out[j] = clone(base).fit(X, columns[j])
        return out
    _FORK_STATE = (base, X, columns)
    try:
        with multiprocessing.get_context("fork").Pool(workers, initializer=_ignore_sigint) as pool:
            fitted = pool.map(_fit_column, todo, chunksize=1)
    finally:
        _FORK_STATE = None
    for j, model in zip(todo, fitted):
        out[j] = model
    return out


_FORK_STATE: tuple | None = None


def _fit_column(j: int):
    base, X, columns = _FORK_STATE  # type: ignore[misc]
    return clone(base).fit(X, columns[j])


def _ignore_sigint() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
