"""Precision-recall curves and reliability diagrams on the test set, with their summary numbers.

PR curves are threshold-free: they show what each label could reach at any threshold, so they complement the
single operating point in metrics.json. Reliability diagrams compare predicted probability with observed frequency
in bins; the Brier score summarises the same. Both are computed for the raw scores (margins squashed by a logistic
for ``linear_svm``) and, when a calibration map was fitted on validation data, for the calibrated probabilities.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from sklearn.calibration import calibration_curve
from sklearn.metrics import average_precision_score, brier_score_loss, precision_recall_curve

from ..labels import LABELS


def curve_summary(Y: np.ndarray, scores: np.ndarray, probs: np.ndarray,
                  calibrated: np.ndarray | None = None, n_bins: int = 10) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for j, name in enumerate(LABELS):
        y = Y[:, j]
        entry: dict[str, Any] = {"support": int(y.sum())}
        if 0 < y.sum() < len(y):
            entry["average_precision"] = round(float(average_precision_score(y, scores[:, j])), 6)
            entry["brier_raw"] = round(float(brier_score_loss(y, probs[:, j])), 6)
            if calibrated is not None:
                entry["brier_calibrated"] = round(float(brier_score_loss(y, calibrated[:, j])), 6)
        out[name] = entry
    return out


def plot_pr_curves(Y: np.ndarray, scores: np.ndarray, path: Path, title: str = "") -> None:
    from ..plotting import new_figure, save

    fig = new_figure(5.2, 4.2)
    ax = fig.subplots()
    for j, name in enumerate(LABELS):
        y = Y[:, j]
        if not 0 < y.sum() < len(y):
            continue
        p, r, _ = precision_recall_curve(y, scores[:, j])
        ap = average_precision_score(y, scores[:, j])
        ax.plot(r, p, label=f"{name} (AP {ap:.2f}, n={int(y.sum())})", lw=1.4)
    ax.set_xlabel("recall")
    ax.set_ylabel("precision")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_title(title or "precision-recall on test", fontsize=9)
    ax.legend(fontsize=7, loc="lower left")
    save(fig, path)


def plot_reliability(Y: np.ndarray, probs: np.ndarray, path: Path, calibrated: np.ndarray | None = None,
                     n_bins: int = 10, title: str = "") -> None:
    from ..plotting import new_figure, save

    fig = new_figure(3.1 * len(LABELS), 3.2)
    axes = fig.subplots(1, len(LABELS), sharey=True)
    for j, (ax, name) in enumerate(zip(axes, LABELS)):
        y = Y[:, j]
        ax.plot([0, 1], [0, 1], ls=":", color="grey", lw=1)
        if 0 < y.sum() < len(y):
            for data, label in ((probs, "raw"), (calibrated, "calibrated")):
                if data is None:
                    continue
                frac, mean = calibration_curve(y, np.clip(data[:, j], 0, 1), n_bins=n_bins, strategy="quantile")
                brier = brier_score_loss(y, np.clip(data[:, j], 0, 1))
                ax.plot(mean, frac, marker="o", ms=3, lw=1.2, label=f"{label} (Brier {brier:.3f})")
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("predicted probability", fontsize=8)
        ax.legend(fontsize=7, loc="upper left")
    axes[0].set_ylabel("observed frequency", fontsize=8)
    fig.suptitle(title or "reliability on test (calibration fitted on validation only)", fontsize=9)
    save(fig, path)
