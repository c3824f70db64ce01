"""The rules file of a model-expansion pass (``kind: model_expansion``, e.g. ``rules_v1_model.yaml``): parsed and
checked here, as data; the pass itself trains a model and lives with the corpora it labels
(:mod:`research.datasets.expansion`).

Rules file::

    kind: model_expansion
    version: v1_model
    base: builtin:v1                       # the rules whose labels train the model
    exclude: [builtin:hand_checked_v1]     # hand-read items never train it (so they can judge it)
    thresholds: {livelihood: 0.8, party_building: null, ...}   # probability needed; null = never added
    model: {max_features: 50000, min_df: 3, max_df: 0.9, C: 4.0}
    seed: 0
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import DataError
from ..labels import LABELS

_KEYS = {"kind", "version", "base", "exclude", "thresholds", "model", "seed"}
_MODEL_KEYS = {"max_features": 50000, "min_df": 3, "max_df": 0.9, "C": 4.0}


@dataclass(frozen=True)
class ExpansionSpec:
    version: str
    base: str
    exclude: tuple[str, ...]
    thresholds: dict[str, float | None]
    """label -> probability needed to add it; None = this pass never adds the label."""
    model: dict[str, Any]
    seed: int
    sha256: str

    @classmethod
    def parse(cls, data: dict[str, Any], where: str, sha256: str) -> "ExpansionSpec":
        unknown = set(data) - _KEYS
        if unknown:
            raise DataError(f"{where}: unknown key(s) {sorted(unknown)}")
        if not data.get("version") or not data.get("base"):
            raise DataError(f"{where}: needs 'version' and 'base' (the rules whose labels train the model)")
        thresholds = data.get("thresholds") or {}
        if set(thresholds) != set(LABELS) or not all(
                t is None or (isinstance(t, (int, float)) and 0.0 < t <= 1.0) for t in thresholds.values()):
            raise DataError(f"{where}: thresholds: one probability in (0, 1] (or null: never added) per label "
                            f"{list(LABELS)}")
        model = dict(_MODEL_KEYS)
        for key, value in (data.get("model") or {}).items():
            if key not in _MODEL_KEYS:
                raise DataError(f"{where}: model: unknown key {key!r}")
            model[key] = value
        return cls(str(data["version"]), str(data["base"]), tuple(data.get("exclude") or ()),
                   {lab: None if thresholds[lab] is None else float(thresholds[lab]) for lab in LABELS}, model,
                   int(data.get("seed", 0)), sha256)


__all__ = ["ExpansionSpec"]
