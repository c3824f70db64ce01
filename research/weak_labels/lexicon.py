"""Load and validate a weak-labelling rules file (YAML), and fingerprint it (sha256 of the file's bytes).

``builtin:v1`` names the rules shipped with the package (``research/weak_labels/rules_v1.yaml``); anything else
is a path to a YAML file with the same schema.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..errors import DataError
from ..labels import LABELS

BUILTIN_PREFIX = "builtin:"

_THRESHOLD_KEYS = {
    "title_multiplier": 2.0,
    "max_hits_per_term": 3,
    "min_score": 6.0,
    "min_core": 0.0,
    "min_density": 0.8,
    "min_distinct_terms": 2,
    "anchor_weight": 2.0,
    "secondary_ratio": 0.4,
    "other_max_score": 2.0,
    "density_floor_chars": 300,
}


@dataclass(frozen=True)
class Lexicon:
    version: str
    terms: dict[str, tuple[tuple[str, float], ...]]
    """term -> ((label, weight), ...): a term may score for several labels (e.g. 防汛 is a penalty for logistics
    and for livelihood); shields map to () (they only hide shorter terms)."""
    tags: dict[str, dict[str, float]]
    thresholds: dict[str, float]
    label_thresholds: dict[str, dict[str, float]] = field(default_factory=dict)
    """label -> thresholds with that label's overrides applied."""
    foreign_tags: frozenset[str] = frozenset()
    foreign_title_terms: tuple[str, ...] = ()
    foreign_title_prefixes: tuple[str, ...] = ()
    foreign_tag_exempt_title_terms: tuple[str, ...] = ()
    foreign_lead_terms: tuple[str, ...] = ()
    foreign_lead_chars: int = 40
    other_title_terms: tuple[str, ...] = ()
    diplomacy_tags: frozenset[str] = frozenset()
    diplomacy_title_terms: tuple[str, ...] = ()
    diplomacy_override_score: float = 30.0
    source: str = ""
    sha256: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def label_terms(self, label: str) -> dict[str, float]:
        return {t: w for t, pairs in self.terms.items() for lab, w in pairs if lab == label}

    @property
    def shields(self) -> tuple[str, ...]:
        return tuple(t for t, pairs in self.terms.items() if not pairs)


def builtin_rules_path(name: str) -> Path:
    path = Path(str(resources.files("research.weak_labels") / f"rules_{name}.yaml"))
    if not path.is_file():
        raise DataError(f"no built-in weak-labelling rules {name!r} (expected {path.name})")
    return path


def resolve_rules_path(rules: str | Path) -> Path:
    text = str(rules)
    if text.startswith(BUILTIN_PREFIX):
        return builtin_rules_path(text[len(BUILTIN_PREFIX):])
    path = Path(text)
    if not path.is_file():
        raise DataError(f"rules file not found: {path}")
    return path


def _fail(where: str, msg: str) -> DataError:
    return DataError(f"{where}: {msg}")


def parse_lexicon(data: Any, where: str = "<rules>", sha256: str = "") -> Lexicon:
    """Validate the parsed YAML; every problem names the key at fault."""
    if not isinstance(data, dict):
        raise _fail(where, "top level must be a mapping")
    unknown = set(data) - {"version", "thresholds", "label_thresholds", "tags", "exclusions", "shields", "labels"}
    if unknown:
        raise _fail(where, f"unknown top-level key(s) {sorted(unknown)}")
    version = str(data.get("version") or "")
    if not version:
        raise _fail(where, "missing 'version'")

    thresholds = dict(_THRESHOLD_KEYS)
    for key, value in (data.get("thresholds") or {}).items():
        if key not in _THRESHOLD_KEYS:
            raise _fail(where, f"thresholds: unknown key {key!r}")
        if not isinstance(value, (int, float)) or value < 0:
            raise _fail(where, f"thresholds.{key}: expected a non-negative number, got {value!r}")
        thresholds[key] = value

    if "min_core" not in (data.get("thresholds") or {}):
        # default: at least one anchor term must fire (core >= one anchor hit), the v0 rule
        thresholds["min_core"] = thresholds["anchor_weight"]
    per_label: dict[str, dict[str, float]] = {}
    for label, overrides in (data.get("label_thresholds") or {}).items():
        if label not in LABELS:
            raise _fail(where, f"label_thresholds: unknown label {label!r}")
        merged = dict(thresholds)
        for key, value in (overrides or {}).items():
            if key not in _THRESHOLD_KEYS:
                raise _fail(where, f"label_thresholds.{label}: unknown key {key!r}")
            if not isinstance(value, (int, float)) or value < 0:
                raise _fail(where, f"label_thresholds.{label}.{key}: expected a non-negative number")
            merged[key] = value
        per_label[label] = merged
    for label in LABELS:
        per_label.setdefault(label, dict(thresholds))

    terms: dict[str, tuple[tuple[str, float], ...]] = {}

    def add(term: Any, label: str, weight: float, key: str) -> None:
        if not isinstance(term, str) or not term.strip():
            raise _fail(where, f"{key}: empty or non-string term {term!r}")
        term = term.strip()
        pairs = terms.get(term)
        if pairs is not None and (not label or not pairs or any(lab == label for lab, _ in pairs)):
            where_ = ", ".join(lab for lab, _ in pairs) or "shields"
            raise _fail(where, f"{key}: term {term!r} listed twice (already under {where_})")
        terms[term] = (*(pairs or ()), *(((label, weight),) if label else ()))

    labels = data.get("labels") or {}
    if not isinstance(labels, dict):
        raise _fail(where, "labels: expected a mapping label -> {weight: [terms]}")
    for label, by_weight in labels.items():
        if label not in LABELS:
            raise _fail(where, f"labels: unknown label {label!r}; expected one of {list(LABELS)}")
        if not isinstance(by_weight, dict):
            raise _fail(where, f"labels.{label}: expected a mapping weight -> [terms]")
        for weight, items in by_weight.items():
            try:
                w = float(weight)
            except (TypeError, ValueError):
                raise _fail(where, f"labels.{label}: weight {weight!r} is not a number") from None
            if w == 0:
                raise _fail(where, f"labels.{label}: weight 0 is not allowed (use shields); negative = penalty")
            for term in items or []:
                add(term, label, w, f"labels.{label}.{weight}")
    missing = [lab for lab in LABELS if lab not in labels]
    if missing:
        raise _fail(where, f"labels: no terms for {missing}")
    for term in data.get("shields") or []:
        add(term, "", 0.0, "shields")

    tags: dict[str, dict[str, float]] = {}
    for tag, mapping in (data.get("tags") or {}).items():
        if not isinstance(mapping, dict):
            raise _fail(where, f"tags.{tag}: expected a mapping label -> weight")
        for label, weight in mapping.items():
            if label not in LABELS:
                raise _fail(where, f"tags.{tag}: unknown label {label!r}")
            if not isinstance(weight, (int, float)):
                raise _fail(where, f"tags.{tag}.{label}: weight must be a number")
        tags[str(tag)] = {lab: float(w) for lab, w in mapping.items()}

    excl = data.get("exclusions") or {}
    foreign = excl.get("foreign") or {}
    diplomacy = excl.get("diplomacy") or {}
    unknown = set(excl) - {"foreign", "diplomacy", "other_title_terms"}
    if unknown:
        raise _fail(where, f"exclusions: unknown key(s) {sorted(unknown)}")
    return Lexicon(
        version=version,
        terms=terms,
        tags=tags,
        thresholds=thresholds,
        label_thresholds=per_label,
        foreign_tags=frozenset(foreign.get("tags") or ()),
        foreign_title_terms=tuple(foreign.get("title_terms") or ()),
        foreign_title_prefixes=tuple(foreign.get("title_prefixes") or ()),
        foreign_tag_exempt_title_terms=tuple(foreign.get("tag_exempt_title_terms") or ()),
        foreign_lead_terms=tuple(foreign.get("lead_terms") or ()),
        foreign_lead_chars=int(foreign.get("lead_chars") or 40),
        other_title_terms=tuple(excl.get("other_title_terms") or ()),
        diplomacy_tags=frozenset(diplomacy.get("tags") or ()),
        diplomacy_title_terms=tuple(diplomacy.get("title_terms") or ()),
        diplomacy_override_score=float(diplomacy.get("override_score", 30.0)),
        source=where,
        sha256=sha256,
        raw=data,
    )


def read_rules(rules: str | Path) -> tuple[Any, str]:
    """The parsed YAML of a rules file and the sha256 of its bytes (the fingerprint a corpus records)."""
    path = resolve_rules_path(rules)
    raw = path.read_bytes()
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: not valid UTF-8 YAML ({exc})") from None
    return data, hashlib.sha256(raw).hexdigest()


def load_lexicon(rules: str | Path = "builtin:v1") -> Lexicon:
    data, sha256 = read_rules(rules)
    return parse_lexicon(data, where=str(rules), sha256=sha256)
