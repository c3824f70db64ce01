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
from ..safe_yaml import YamlSizeError, safe_load

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
    genre_thresholds: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    """genre (e.g. ``report``) -> label -> thresholds with the genre's overrides applied on top of the label's."""
    genre_common: dict[str, dict[str, float]] = field(default_factory=dict)
    """genre -> the general thresholds (secondary_ratio, other_max_score, ...) with the genre's overrides."""
    genre_other_leads: dict[str, tuple[tuple[str, ...], int]] = field(default_factory=dict)
    """genre -> (terms, characters): a text of that genre whose first characters hold a term is "other" (a report's
    list of problems or of next year's targets names every topic and is about none)."""
    genre_weights: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    """genre -> term -> label -> weight: the genre's weight for a term it re-weights (e.g. 全会精神, a stock phrase
    that opens half the paragraphs of a report, counts little there)."""
    source: str = ""
    sha256: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def thresholds_for(self, label: str, genre: str | None = None) -> dict[str, float]:
        """A label's decision thresholds for a text genre (None = the default genre, news items).

        Rules written before genres existed (v0, v1) judge every text as a news item."""
        if genre is None or not self.genre_thresholds:
            return self.label_thresholds[label]
        try:
            return self.genre_thresholds[genre][label]
        except KeyError:
            raise DataError(f"{self.source}: no genre {genre!r} in rules {self.version} "
                            f"(genres: {sorted(self.genre_thresholds) or 'none'})") from None

    def general_thresholds(self, genre: str | None = None) -> dict[str, float]:
        """The thresholds that do not belong to one label (secondary_ratio, other_max_score) for a genre."""
        if genre is None or not self.genre_thresholds:
            return self.thresholds
        self.thresholds_for(LABELS[0], genre)  # a clear error for an unknown genre
        return self.genre_common[genre]

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
    unknown = set(data) - {"version", "thresholds", "label_thresholds", "tags", "exclusions", "shields", "labels",
                           "genres"}
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

    genres, genre_common, genre_leads, genre_weights = _parse_genres(data.get("genres") or {}, thresholds, per_label, where)
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

    for genre, table in genre_weights.items():
        for term, by_label in table.items():
            known = {lab for lab, _ in terms.get(term, ())}
            for label in by_label:
                if label not in known:
                    raise _fail(where, f"genres.{genre}.weights: {term!r} is not a {label} term of labels.{label}")

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
        genre_thresholds=genres,
        genre_common=genre_common,
        genre_other_leads=genre_leads,
        genre_weights=genre_weights,
        source=where,
        sha256=sha256,
        raw=data,
    )


_GENRE_KEYS = ("min_score", "min_core", "min_density", "min_distinct_terms", "secondary_ratio", "other_max_score",
               "density_floor_chars")
"""What a genre may change: how much evidence a label needs, never how terms are counted."""


def _parse_genres(genres: Any, thresholds: dict[str, float], per_label: dict[str, dict[str, float]],
                  where: str) -> tuple[dict[str, Any], dict[str, dict[str, float]], dict[str, Any], dict[str, Any]]:
    """``genres: {report: {thresholds: {...}, label_thresholds: {label: {...}}}}`` -> genre -> label -> thresholds.

    A genre's overrides apply on top of each label's own thresholds: report paragraphs are dense, short and
    formulaic, so one clause about 中欧班列 in a 200-character paragraph is as strong as three in a news item."""
    if not isinstance(genres, dict):
        raise _fail(where, "genres: expected a mapping genre -> {thresholds, label_thresholds}")
    out: dict[str, dict[str, dict[str, float]]] = {}
    general: dict[str, dict[str, float]] = {}
    leads: dict[str, tuple[tuple[str, ...], int]] = {}
    reweight: dict[str, dict[str, dict[str, float]]] = {}
    for genre, spec in genres.items():
        spec = spec or {}
        unknown = set(spec) - {"thresholds", "label_thresholds", "other_lead_terms", "lead_chars", "weights"}
        if unknown:
            raise _fail(where, f"genres.{genre}: unknown key(s) {sorted(unknown)}")
        common = _genre_values(spec.get("thresholds") or {}, f"genres.{genre}.thresholds", where)
        out[str(genre)] = {}
        general[str(genre)] = {**thresholds, **common}
        leads[str(genre)] = (tuple(str(t) for t in spec.get("other_lead_terms") or ()), int(spec.get("lead_chars", 40)))
        reweight[str(genre)] = _genre_weights(spec.get("weights") or {}, f"genres.{genre}.weights", where)
        for label in LABELS:
            own = _genre_values((spec.get("label_thresholds") or {}).get(label) or {},
                                f"genres.{genre}.label_thresholds.{label}", where)
            out[str(genre)][label] = {**per_label[label], **common, **own}
        bad = set(spec.get("label_thresholds") or {}) - set(LABELS)
        if bad:
            raise _fail(where, f"genres.{genre}.label_thresholds: unknown label(s) {sorted(bad)}")
    return out, general, leads, reweight


def _genre_weights(spec: Any, key: str, where: str) -> dict[str, dict[str, float]]:
    """``{label: {weight: [terms]}}`` -> term -> label -> weight (checked against the lexicon by the caller)."""
    if not isinstance(spec, dict):
        raise _fail(where, f"{key}: expected a mapping label -> {{weight: [terms]}}")
    out: dict[str, dict[str, float]] = {}
    for label, by_weight in spec.items():
        if label not in LABELS or not isinstance(by_weight, dict):
            raise _fail(where, f"{key}.{label}: expected one of {list(LABELS)} mapping weight -> [terms]")
        for weight, terms in by_weight.items():
            try:
                w = float(weight)
            except (TypeError, ValueError):
                raise _fail(where, f"{key}.{label}: weight {weight!r} is not a number") from None
            for term in terms or []:
                out.setdefault(str(term), {})[label] = w
    return out


def _genre_values(values: Any, key: str, where: str) -> dict[str, float]:
    if not isinstance(values, dict):
        raise _fail(where, f"{key}: expected a mapping")
    for name, value in values.items():
        if name not in _GENRE_KEYS:
            raise _fail(where, f"{key}: {name!r} cannot be set per genre (allowed: {', '.join(_GENRE_KEYS)})")
        if not isinstance(value, (int, float)) or value < 0:
            raise _fail(where, f"{key}.{name}: expected a non-negative number, got {value!r}")
    return dict(values)


def read_rules(rules: str | Path) -> tuple[Any, str]:
    """The parsed YAML of a rules file and the sha256 of its bytes (the fingerprint a corpus records)."""
    path = resolve_rules_path(rules)
    raw = path.read_bytes()
    try:
        data = safe_load(raw.decode("utf-8"))  # aliases that would expand past a sane size are refused
    except YamlSizeError as exc:
        raise DataError(f"{path}: {exc}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: not valid UTF-8 YAML ({exc})") from None
    return data, hashlib.sha256(raw).hexdigest()


def load_lexicon(rules: str | Path = "builtin:v1") -> Lexicon:
    data, sha256 = read_rules(rules)
    return parse_lexicon(data, where=str(rules), sha256=sha256)
