"""Percentile-bootstrap confidence intervals for the headline metrics of one test set.

Resampling the test rows with replacement is done with multinomial row weights, so a resample costs a few matrix
products instead of re-running scikit-learn's metric functions: 1,000 resamples of 10,000 rows take well under a
second. The CI says how much the figure would move on another test sample of the same size from the same
distribution; it says nothing about label noise or about drift to other years.
"""
from __future__ import annotations

import numpy as np

HEADLINE = ("micro_f1", "macro_f1", "subset_accuracy", "hamming_loss")


def _weights(n_rows: int, n_boot: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.multinomial(n_rows, np.full(n_rows, 1.0 / n_rows), size=n_boot).astype(float)  # (B, n)


def _f1(tp, fp, fn):
    denom = 2 * tp + fp + fn
    return np.divide(2 * tp, denom, out=np.zeros_like(denom, dtype=float), where=denom > 0)


def multilabel_point(Y_true: np.ndarray, Y_pred: np.ndarray) -> dict[str, float]:
    w = np.ones((1, Y_true.shape[0]))
    return {k: float(v[0]) for k, v in _multilabel_stats(Y_true, Y_pred, w).items()}


def _multilabel_stats(Y_true: np.ndarray, Y_pred: np.ndarray, w: np.ndarray) -> dict[str, np.ndarray]:
    Yt = np.asarray(Y_true, dtype=float)
    Yp = np.asarray(Y_pred, dtype=float)
    tp = w @ (Yt * Yp)            # (B, L)
    fp = w @ ((1 - Yt) * Yp)
    fn = w @ (Yt * (1 - Yp))
    n = w.sum(axis=1)
    exact = (Yt == Yp).all(axis=1).astype(float)
    wrong = (Yt != Yp).mean(axis=1)
    return {
        "micro_f1": _f1(tp.sum(axis=1), fp.sum(axis=1), fn.sum(axis=1)),
        "macro_f1": _f1(tp, fp, fn).mean(axis=1),
        "subset_accuracy": (w @ exact) / n,
        "hamming_loss": (w @ wrong) / n,
    }


def multilabel_ci(Y_true: np.ndarray, Y_pred: np.ndarray, n_boot: int = 1000, seed: int = 0,
                  level: float = 0.95) -> dict[str, dict[str, float]]:
    """{metric: {"value", "lo", "hi"}} for micro/macro-F1, subset accuracy and Hamming loss."""
    point = multilabel_point(Y_true, Y_pred)
    boots = _multilabel_stats(Y_true, Y_pred, _weights(Y_true.shape[0], n_boot, seed))
    return {k: _interval(point[k], boots[k], level, n_boot) for k in HEADLINE}


def per_label_f1_ci(Y_true: np.ndarray, Y_pred: np.ndarray, n_boot: int = 1000, seed: int = 0,
                    level: float = 0.95) -> list[dict[str, float]]:
    """Per label (column): F1 with its percentile-bootstrap interval over rows, and its support."""
    Y_true = np.asarray(Y_true, dtype=float)
    Y_pred = np.asarray(Y_pred, dtype=float)

    def f1(w):
        tp = w @ (Y_true * Y_pred)
        fp = w @ ((1 - Y_true) * Y_pred)
        fn = w @ (Y_true * (1 - Y_pred))
        return _f1(tp, fp, fn)  # (B, L)

    point = f1(np.ones((1, Y_true.shape[0])))[0]
    boots = f1(_weights(Y_true.shape[0], n_boot, seed))
    return [{**_interval(float(point[j]), boots[:, j], level, n_boot), "support": int(Y_true[:, j].sum())}
            for j in range(Y_true.shape[1])]


def multiclass_ci(y_true, y_pred, n_boot: int = 1000, seed: int = 0, level: float = 0.95) -> dict[str, dict]:
    """Accuracy and macro-F1 CIs for single-label (benchmark) predictions."""
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    classes = np.unique(np.concatenate([y_true, y_pred]))
    Yt = (y_true[:, None] == classes[None, :]).astype(float)
    Yp = (y_pred[:, None] == classes[None, :]).astype(float)
    correct = (y_true == y_pred).astype(float)

    def stats(w):
        tp = w @ (Yt * Yp)
        fp = w @ ((1 - Yt) * Yp)
        fn = w @ (Yt * (1 - Yp))
        present = (w @ Yt) > 0  # macro over classes present in the (resampled) truth, as sklearn does with labels=None
        f1 = _f1(tp, fp, fn)
        macro = np.where(present | ((w @ Yp) > 0), f1, np.nan)
        return {"accuracy": (w @ correct) / w.sum(axis=1), "macro_f1": np.nanmean(macro, axis=1)}

    point = {k: float(v[0]) for k, v in stats(np.ones((1, len(y_true)))).items()}
    boots = stats(_weights(len(y_true), n_boot, seed))
    return {k: _interval(point[k], boots[k], level, n_boot) for k in ("accuracy", "macro_f1")}


def _interval(value: float, samples: np.ndarray, level: float, n_boot: int) -> dict[str, float]:
    lo, hi = np.nanquantile(samples, [(1 - level) / 2, 1 - (1 - level) / 2])
    return {"value": round(float(value), 6), "lo": round(float(lo), 6), "hi": round(float(hi), 6),
            "level": level, "n_boot": n_boot}


def paired_delta_ci(Y_true: np.ndarray, Y_pred_a: np.ndarray, Y_pred_b: np.ndarray, n_boot: int = 1000,
                    seed: int = 0, level: float = 0.95) -> dict[str, dict[str, float]]:
    """CI of metric(b) - metric(a) on the *same* test rows, resampled jointly (paired bootstrap).

    Far tighter than comparing two separate CIs, because both models meet the same hard and easy documents.
    """
    w = _weights(Y_true.shape[0], n_boot, seed)
    one = np.ones((1, Y_true.shape[0]))
    out = {}
    a_pt, b_pt = _multilabel_stats(Y_true, Y_pred_a, one), _multilabel_stats(Y_true, Y_pred_b, one)
    a_bs, b_bs = _multilabel_stats(Y_true, Y_pred_a, w), _multilabel_stats(Y_true, Y_pred_b, w)
    for k in ("micro_f1", "macro_f1"):
        out[k] = _interval(float(b_pt[k][0] - a_pt[k][0]), b_bs[k] - a_bs[k], level, n_boot)
    return out
