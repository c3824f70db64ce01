"""k-fold cross-validation of a config on the training part, with iterative multi-label stratification.

Gives a spread (mean and standard deviation over folds) for the headline metrics that a single split cannot. The
test part of the run's split is never touched; folds are made from the training documents only.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np

from ..evaluate import multilabel_metrics
from ..labels import to_indicator
from .fitting import fit_pipeline, transform_features
from .stratify import IterativeStratifiedKFold

log = logging.getLogger(__name__)
KEYS = ("micro_f1", "macro_f1", "subset_accuracy", "hamming_loss")


def cross_validate(config, train_docs: list, cache_dir: Path | None, lda_store=None) -> dict[str, Any]:
    from ..pipeline import build_pipeline

    k = config.evaluation.cv_folds
    Y = to_indicator([d.labels for d in train_docs])
    folds: list[dict[str, float]] = []
    for f, (tr, te) in enumerate(IterativeStratifiedKFold(k, seed=config.seed).split(None, Y)):
        pipe = build_pipeline(config, cache_dir=cache_dir)
        fit_pipeline(pipe, [train_docs[i].text for i in tr], [list(train_docs[i].labels) for i in tr], lda_store)
        X = transform_features(pipe, [train_docs[i].text for i in te], lda_store)
        labels, primary, _ = pipe.named_steps["clf"].predict_labels(X)
        m = multilabel_metrics(Y[te], to_indicator(labels), [train_docs[i].primary for i in te], primary)
        folds.append({key: m[key] for key in KEYS})
        log.info("cv fold %d/%d: macro-F1 %.3f", f + 1, k, m["macro_f1"])
    out: dict[str, Any] = {"folds": k, "per_fold": folds}
    for key in KEYS:
        values = np.array([fold[key] for fold in folds])
        out[key] = {"mean": round(float(values.mean()), 6), "sd": round(float(values.std(ddof=1)), 6)}
    return out
