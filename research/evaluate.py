"""Multi-label metrics and the figures a researcher looks at first."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.metrics import (accuracy_score, f1_score, hamming_loss, multilabel_confusion_matrix,
                             precision_recall_fscore_support)

from .labels import LABELS, NONE_LABEL
from .plotting import new_figure, save


def multilabel_metrics(Y_true: np.ndarray, Y_pred: np.ndarray, primary_true: list[str], primary_pred: list[str]) -> dict:
    """Per-label P/R/F1/support, micro/macro F1, subset accuracy, Hamming loss, primary-label accuracy."""
    p, r, f, s = precision_recall_fscore_support(Y_true, Y_pred, average=None, zero_division=0,
                                                 labels=list(range(len(LABELS))))
    per_label = {
        name: {"precision": _r(p[j]), "recall": _r(r[j]), "f1": _r(f[j]), "support": int(s[j])}
        for j, name in enumerate(LABELS)
    }
    known = [(t, q) for t, q in zip(primary_true, primary_pred) if t is not None]
    return {
        "n_test": int(Y_true.shape[0]),
        "labels": per_label,
        "micro_f1": _r(f1_score(Y_true, Y_pred, average="micro", zero_division=0)),
        "macro_f1": _r(f1_score(Y_true, Y_pred, average="macro", zero_division=0)),
        "subset_accuracy": _r(accuracy_score(Y_true, Y_pred)),
        "hamming_loss": _r(hamming_loss(Y_true, Y_pred)),
        "primary_accuracy": _r(np.mean([t == q for t, q in known])) if known else None,
    }


def _r(x) -> float:
    return round(float(x), 6)


def plot_label_scores(metrics: dict, path: Path, title: str = "") -> None:
    names = list(LABELS)
    x = np.arange(len(names))
    fig = new_figure(7, 3.6)
    ax = fig.subplots()
    for i, key in enumerate(("precision", "recall", "f1")):
        values = [metrics["labels"][n][key] for n in names]
        bars = ax.bar(x + (i - 1) * 0.27, values, width=0.27, label=key)
        if key == "f1":
            ax.bar_label(bars, fmt="%.2f", fontsize=8)
    ax.set_xticks(x, [f"{n}\n(n={metrics['labels'][n]['support']})" for n in names], fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("score on test set")
    ax.set_title(title or f"per-label scores (macro-F1 {metrics['macro_f1']:.3f})", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    save(fig, path)


def plot_confusions(Y_true: np.ndarray, Y_pred: np.ndarray, primary_true: list[str], primary_pred: list[str],
                    path: Path) -> None:
    """Left: one 2x2 confusion per label. Right: primary-label confusion (rows true, columns predicted)."""
    mcm = multilabel_confusion_matrix(Y_true, Y_pred, labels=list(range(len(LABELS))))
    names = list(LABELS) + [NONE_LABEL]
    idx = {n: i for i, n in enumerate(names)}
    prim = np.zeros((len(names), len(names)), dtype=int)
    for t, q in zip(primary_true, primary_pred):
        if t is not None:
            prim[idx[t], idx[q]] += 1
    fig = new_figure(11, 4.2)
    for j, name in enumerate(LABELS):
        ax = fig.add_subplot(2, 6, (1 + j % 2) + 6 * (j // 2))
        ax.imshow(mcm[j], cmap="Blues")
        for (a, b), v in np.ndenumerate(mcm[j]):
            ax.text(b, a, str(v), ha="center", va="center", fontsize=8)
        ax.set_xticks([0, 1], ["pred 0", "pred 1"], fontsize=7)
        ax.set_yticks([0, 1], ["true 0", "true 1"], fontsize=7)
        ax.set_title(name, fontsize=8)
    ax = fig.add_subplot(1, 2, 2)
    ax.imshow(prim, cmap="Greens")
    for (a, b), v in np.ndenumerate(prim):
        ax.text(b, a, str(v), ha="center", va="center", fontsize=8)
    ax.set_xticks(range(len(names)), names, rotation=30, fontsize=8)
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.set_xlabel("predicted primary")
    ax.set_ylabel("true primary")
    ax.set_title("primary label", fontsize=9)
    save(fig, path)
