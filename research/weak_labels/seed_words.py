"""Seed words for guided topics, read from the weak-labelling lexicon: the label's strongest terms.

The topic model (:mod:`research.topics.seeding`) takes plain word lists and knows nothing of lexicons; the
pipeline turns ``topics.seed_lexicon`` into those lists here.
"""
from __future__ import annotations

from ..labels import LABELS
from .lexicon import load_lexicon


def lexicon_seed_words(rules: str = "builtin:v1", min_weight: float = 3.0, max_words: int | None = 25) -> dict[str, list[str]]:
    """Seed words per label from the weak-labelling lexicon: terms with weight >= ``min_weight``, strongest first."""
    lexicon = load_lexicon(rules)
    out: dict[str, list[str]] = {}
    for label in LABELS:
        terms = sorted(((-w, t) for t, w in lexicon.label_terms(label).items() if w >= min_weight))
        out[label] = [t for _, t in terms][: max_words or None]
    return out


__all__ = ["lexicon_seed_words"]
