"""Error analysis of a finished run from its ``predictions.csv``: which test documents got a wrong label set,
per label how many were missed or wrongly added, and the most confident mistakes first."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from ..labels import LABELS


@dataclass(frozen=True)
class Prediction:
    id: str
    date: str
    title: str
    true: frozenset[str]
    pred: frozenset[str]
    scores: dict[str, float]

    @property
    def wrong(self) -> frozenset[str]:
        """Labels decided wrongly: missed or wrongly added."""
        return self.true ^ self.pred


def read_predictions(run_dir: str | Path) -> list[Prediction]:
    """The rows of a run folder's predictions.csv (or of that file itself)."""
    path = Path(run_dir)
    path = path / "predictions.csv" if path.is_dir() else path
    with open(path, encoding="utf-8", newline="") as fh:
        return [Prediction(id=r["id"], date=r.get("date", ""), title=r.get("title", ""),
                           true=frozenset(filter(None, r["true_labels"].split("|"))),
                           pred=frozenset(filter(None, r["pred_labels"].split("|"))),
                           scores={lab: float(r[f"score_{lab}"]) for lab in LABELS if f"score_{lab}" in r})
                for r in csv.DictReader(fh)]


def error_counts(predictions: list[Prediction]) -> dict[str, dict[str, int]]:
    """Per label: {"missed": n, "added": n} over the test documents."""
    return {lab: {"missed": sum(lab in p.true - p.pred for p in predictions),
                  "added": sum(lab in p.pred - p.true for p in predictions)} for lab in LABELS}


def worst_mistakes(predictions: list[Prediction], thresholds: dict[str, float], n: int = 10) -> list[Prediction]:
    """Documents with a wrong label set, the most confident mistake (largest distance of a wrongly decided
    label's score from its threshold) first."""
    wrong = [p for p in predictions if p.wrong]
    return sorted(wrong, key=lambda p: max(abs(p.scores[lab] - thresholds[lab]) for lab in p.wrong), reverse=True)[:n]
