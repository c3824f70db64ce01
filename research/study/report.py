"""Optional additions to an ordinary run folder, switched on by the ``evaluation`` section of the config.

* ``bootstrap: N``   -> metrics["ci"]: 95 % percentile-bootstrap CIs of micro/macro-F1, subset accuracy, Hamming loss
* ``curves: true``   -> figures/pr_curves.png, figures/reliability.png, metrics["curves"] (AP, Brier)
* ``calibrate``      -> calibrated probabilities of the test rows (maps fitted on validation only) + calibration.json
* ``explain_top_n``  -> per-row explanation column in predictions.csv
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np


def study_outputs(config, run_path: Path, pipeline, features, Y_true: np.ndarray, Y_pred: np.ndarray,
                  scores: np.ndarray, pred_labels: list[list[str]], validation=None) -> dict[str, Any]:
    """Writes the optional figures/files; returns metric additions and per-row extras for predictions.csv."""
    ev = config.evaluation
    added: dict[str, Any] = {}
    extras: dict[str, list] = {}
    if ev.bootstrap:
        from .bootstrap import multilabel_ci

        added["ci"] = multilabel_ci(Y_true, Y_pred, n_boot=ev.bootstrap, seed=config.seed)
    calibrated = None
    if validation is not None and validation.calibrator is not None:
        import json

        calibrated = validation.calibrator.transform(scores)
        (run_path / "calibration.json").write_text(json.dumps(validation.calibrator.to_json(), indent=1) + "\n",
                                                   encoding="utf-8")
        extras["calibrated"] = calibrated
    if ev.curves or calibrated is not None:
        from .curves import curve_summary, plot_pr_curves, plot_reliability

        probs = pipeline.named_steps["clf"].predict_proba(features)
        added["curves"] = curve_summary(Y_true, scores, probs, calibrated)
        if config.output.figures:
            plot_pr_curves(Y_true, scores, run_path / "figures" / "pr_curves.png", title=f"{config.experiment}: PR")
            plot_reliability(Y_true, probs, run_path / "figures" / "reliability.png", calibrated)
    if ev.explain_top_n:
        extras["explanation"] = explain(pipeline, features, pred_labels, ev.explain_top_n, scores)
    return {"metrics": added, "extras": extras}


def explain(pipeline, features, pred_labels: list[list[str]], top_n: int, scores: np.ndarray) -> list[str]:
    """One text cell per test row: for each predicted label (or the best-scoring one when none is predicted), the
    terms and topics that pushed it up, from the shared :func:`research.explain.explain_scores`."""
    from ..explain import explain_scores
    from ..labels import LABELS

    rows = explain_scores(pipeline, features, top_n=top_n, scores=scores)
    cells = []
    for i, (entry, labels) in enumerate(zip(rows, pred_labels)):
        shown = labels or [LABELS[int(np.argmax(scores[i]))]]
        parts = []
        for label in shown:
            e = entry[label]
            items = [f"{t}(+{w:.2f})" for t, w in e.get("terms", [])]
            items += [f"[{'/'.join(tp['words'][:3])}](+{tp['weight']:.2f})" for tp in e.get("topics", [])]
            parts.append(f"{label}: " + " ".join(items))
        cells.append("; ".join(parts))
    return cells
