"""The label set: four topics of Chinese local news, multi-label, plus "none".

Every stage uses these names in this order; a model's ``classes_`` equals :data:`LABELS`.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

LABELS: tuple[str, ...] = ("party_building", "investment", "logistics", "livelihood")
NONE_LABEL = "none"  # primary label of a document that carries none of LABELS

LABEL_DESCRIPTIONS = {
    "party_building": "党建: Party organisation, discipline inspection, propaganda/united-front work, cadre education",
    "investment": "招商引资: projects, industry, enterprises, business environment, economic rankings",
    "logistics": "物流: 中欧班列, ports/口岸, multimodal freight, logistics hubs, cross-border e-commerce",
    "livelihood": "民生: resettlement housing, education, health, jobs, greening, community services",
}


def to_indicator(label_sets: Iterable[Sequence[str]], labels: Sequence[str] = LABELS) -> np.ndarray:
    """Label lists -> (n, len(labels)) 0/1 matrix; unknown names are an error, not silently dropped."""
    index = {name: i for i, name in enumerate(labels)}
    rows = list(label_sets)
    out = np.zeros((len(rows), len(labels)), dtype=np.int8)
    for r, names in enumerate(rows):
        for name in names:
            if name not in index:
                raise ValueError(f"unknown label {name!r}; expected one of {list(labels)}")
            out[r, index[name]] = 1
    return out


def from_indicator(indicator: np.ndarray, labels: Sequence[str] = LABELS) -> list[list[str]]:
    """(n, k) 0/1 matrix -> label lists, in label order."""
    return [[labels[j] for j in np.flatnonzero(row)] for row in np.asarray(indicator)]


def primary_labels(scores: np.ndarray, indicator: np.ndarray, labels: Sequence[str] = LABELS) -> list[str]:
    """Primary label = the highest-scoring label among those predicted; "none" when none is predicted."""
    scores = np.asarray(scores, dtype=float)
    masked = np.where(np.asarray(indicator) > 0, scores, -np.inf)
    best = masked.argmax(axis=1)
    has_any = np.asarray(indicator).sum(axis=1) > 0
    return [labels[b] if ok else NONE_LABEL for b, ok in zip(best, has_any)]
