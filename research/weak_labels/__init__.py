"""Weak labels as data: a versioned lexicon (rules_v1.yaml), an Aho-Corasick matcher and the labeller."""
from __future__ import annotations

from pathlib import Path

from ..errors import DataError
from .expansion_spec import ExpansionSpec
from .labeller import WeakLabel, WeakLabeller
from .lexicon import Lexicon, load_lexicon, parse_lexicon, read_rules
from .tag_map import TagMapLabeller

__all__ = ["ExpansionSpec", "Lexicon", "TagMapLabeller", "WeakLabel", "WeakLabeller", "expansion_spec", "load_lexicon", "make_labeller"]


def make_labeller(rules: str | Path = "builtin:v1") -> WeakLabeller | TagMapLabeller:
    """The labeller a rules file describes: keyword rules (the default) or a plain tag map (``kind: tag_map``)."""
    data, sha256 = read_rules(rules)
    kind = data.get("kind") if isinstance(data, dict) else None
    if kind == "tag_map":
        return TagMapLabeller(data, where=str(rules), sha256=sha256)
    if kind == "model_expansion":
        raise DataError(f"{rules}: model-expansion rules label a whole corpus at once (research dataset build, "
                        f"data.corpus: xwlb), not one text at a time; use their base rules {data.get('base')!r} here")
    return WeakLabeller(parse_lexicon(data, where=str(rules), sha256=sha256))


def expansion_spec(rules: str | Path):
    """The :class:`~research.weak_labels.expansion_spec.ExpansionSpec` of ``rules``, or None for per-item rules."""
    data, sha256 = read_rules(rules)
    if not (isinstance(data, dict) and data.get("kind") == "model_expansion"):
        return None
    return ExpansionSpec.parse(data, where=str(rules), sha256=sha256)
