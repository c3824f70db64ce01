"""Weak labels as data: a versioned lexicon (rules_v1.yaml), an Aho-Corasick matcher and the labeller."""
from __future__ import annotations

from pathlib import Path

from .labeller import WeakLabel, WeakLabeller
from .lexicon import Lexicon, load_lexicon, parse_lexicon, read_rules
from .tag_map import TagMapLabeller

__all__ = ["Lexicon", "TagMapLabeller", "WeakLabel", "WeakLabeller", "load_lexicon", "make_labeller"]


def make_labeller(rules: str | Path = "builtin:v1") -> WeakLabeller | TagMapLabeller:
    """The labeller a rules file describes: keyword rules (the default) or a plain tag map (``kind: tag_map``)."""
    data, sha256 = read_rules(rules)
    if isinstance(data, dict) and data.get("kind") == "tag_map":
        return TagMapLabeller(data, where=str(rules), sha256=sha256)
    return WeakLabeller(parse_lexicon(data, where=str(rules), sha256=sha256))
