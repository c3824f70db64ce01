"""Per-label decision thresholds and probability calibration, chosen on a validation split of the training part.

Split discipline: :func:`carve_validation` takes the *training* documents only (the caller has already removed the
test set) and returns two disjoint index sets. The model is fitted on the first, thresholds and calibration maps
are fitted on the model's scores for the second; the test documents are never passed to anything in this module.
:func:`fit_with_validation` records which document ids each step saw, so a test can check the sets are disjoint.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

from ..labels import LABELS, to_indicator
from .fitting import fit_pipeline, transform_features
from .stratify import iterative_train_test_split

log = logging.getLogger(__name__)


def carve_validation(train_labels: list, size: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(fit_idx, val_idx) into the training documents, label-stratified (iterative stratification)."""
    Y = to_indicator(train_labels)
    fit_idx, val_idx = iterative_train_test_split(Y, size, seed)
    if len(val_idx) == 0 or len(fit_idx) == 0:
        raise ValueError(f"validation_size {size} leaves an empty part of {len(train_labels)} training documents")
    return fit_idx, val_idx


def best_f1_threshold(scores: np.ndarray, truth: np.ndarray, default: float) -> tuple[float, float]:
    """(threshold, F1) maximising F1 of ``scores >= threshold`` on one label; ``default`` when there is no positive.

    The threshold is the midpoint between the last accepted score and the next one below it, so it generalises
    a little better than the score itself.
    """
    truth = np.asarray(truth).astype(bool)
    n_pos = int(truth.sum())
    if n_pos == 0 or n_pos == len(truth):
        return float(default), float("nan")
    order = np.argsort(-scores, kind="stable")
    s = scores[order]
    t = truth[order]
    tp = np.cumsum(t)
    k = np.arange(1, len(s) + 1)
    f1 = 2 * tp / (k + n_pos)
    # only cut between distinct scores
    distinct = np.r_[s[1:] != s[:-1], True]
    f1 = np.where(distinct, f1, -1.0)
    best = int(np.argmax(f1))
    threshold = (s[best] + s[best + 1]) / 2 if best + 1 < len(s) else s[best] - 1e-9
    return float(threshold), float(f1[best])


def tune_thresholds(scores: np.ndarray, Y: np.ndarray, default: float) -> tuple[np.ndarray, list[float]]:
    out, f1s = [], []
    for j in range(Y.shape[1]):
        thr, f1 = best_f1_threshold(scores[:, j], Y[:, j], default)
        out.append(thr)
        f1s.append(f1)
    return np.asarray(out), f1s


class ScoreCalibrator:
    """One monotone map per label from the classifier's score (probability or margin) to a calibrated probability.

    ``method="isotonic"`` (non-parametric, needs a few hundred validation rows per label) or ``"sigmoid"`` (Platt).
    Labels without both classes in the validation data keep the identity (probabilities) / logistic (margins).
    """

    def __init__(self, method: str = "isotonic"):
        self.method = method

    def fit(self, scores: np.ndarray, Y: np.ndarray) -> "ScoreCalibrator":
        self.maps_: list[Any] = []
        for j in range(Y.shape[1]):
            y = Y[:, j]
            if y.min() == y.max():
                self.maps_.append(None)
            elif self.method == "isotonic":
                self.maps_.append(IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(scores[:, j], y))
            else:
                self.maps_.append(LogisticRegression(C=1e6).fit(scores[:, [j]], y))
        return self

    def transform(self, scores: np.ndarray) -> np.ndarray:
        out = np.empty_like(scores, dtype=float)
        for j, m in enumerate(self.maps_):
            if m is None:
                col = scores[:, j]
                out[:, j] = col if (col.min() >= 0 and col.max() <= 1) else 1 / (1 + np.exp(-col))
            elif self.method == "isotonic":
                out[:, j] = m.predict(scores[:, j])
            else:
                out[:, j] = m.predict_proba(scores[:, [j]])[:, 1]
        return out

    def to_json(self) -> dict[str, Any]:
        maps = {}
        for name, m in zip(LABELS, self.maps_):
            if m is None:
                maps[name] = None
            elif self.method == "isotonic":
                maps[name] = {"x": [round(float(v), 6) for v in m.X_thresholds_],
                              "y": [round(float(v), 6) for v in m.y_thresholds_]}
            else:
                maps[name] = {"coef": float(m.coef_[0, 0]), "intercept": float(m.intercept_[0])}
        return {"method": self.method, "maps": maps}


@dataclass
class ValidationResult:
    fit_ids: list[str]
    validation_ids: list[str]
    thresholds: list[float] | None = None
    validation_f1: list[float] | None = None
    calibrator: ScoreCalibrator | None = None
    seen: dict[str, list[str]] = field(default_factory=dict)
    """Step name -> document ids it was given (model fit, threshold tuning, calibration); for audits and tests."""

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {"n_fit": len(self.fit_ids), "n_validation": len(self.validation_ids)}
        if self.thresholds is not None:
            out["thresholds"] = {n: round(float(t), 6) for n, t in zip(LABELS, self.thresholds)}
            out["validation_f1_at_threshold"] = {n: (None if np.isnan(f) else round(f, 4))
                                                 for n, f in zip(LABELS, self.validation_f1)}
        if self.calibrator is not None:
            out["calibration"] = self.calibrator.method
        return out


def fit_with_validation(pipeline, train_docs: list, evaluation, seed: int, lda_store=None) -> ValidationResult:
    """Fit ``pipeline`` on train-minus-validation, then tune thresholds / calibrate on validation (never test).

    The classifier's ``threshold`` is set to the tuned per-label values, so the returned pipeline (and a saved
    model) predicts with them.
    """
    fit_idx, val_idx = carve_validation([d.labels for d in train_docs], evaluation.validation_size, seed)
    fit_docs = [train_docs[i] for i in fit_idx]
    val_docs = [train_docs[i] for i in val_idx]
    result = ValidationResult(fit_ids=[d.id for d in fit_docs], validation_ids=[d.id for d in val_docs])
    result.seen["fit"] = list(result.fit_ids)
    fit_pipeline(pipeline, [d.text for d in fit_docs], [list(d.labels) for d in fit_docs], lda_store)
    clf = pipeline.named_steps["clf"]
    scores = clf.decision_scores(transform_features(pipeline, [d.text for d in val_docs], lda_store))
    Y_val = to_indicator([d.labels for d in val_docs])
    if evaluation.tune_thresholds:
        default = 0.5 if clf.uses_probability_ else 0.0
        thresholds, f1s = tune_thresholds(scores, Y_val, default)
        clf.set_thresholds([float(t) for t in thresholds])
        result.thresholds, result.validation_f1 = [float(t) for t in thresholds], f1s
        result.seen["thresholds"] = list(result.validation_ids)
        log.info("thresholds tuned on %d validation documents: %s", len(val_docs),
                 ", ".join(f"{n}={t:.3f}" for n, t in zip(LABELS, thresholds)))
    if evaluation.calibrate:
        result.calibrator = ScoreCalibrator(evaluation.calibration_method).fit(scores, Y_val)
        result.seen["calibration"] = list(result.validation_ids)
    return result
