"""Seeded (guided) topics: per-topic word priors from the category lexicons.

``seed_words = {"party_building": ["党建", ...], ...}`` seeds topic 0 with the first list, topic 1 with the second,
and so on; the remaining topics stay free. A seed word ``w`` of topic ``k`` gets the Dirichlet prior
``eta[k, w] = seed_weight`` (a pseudo-count), and a weak prior ``eta * SEED_OTHER_FACTOR`` in every other topic,
so the sampler (tomotopy word priors) or the variational updates (gensim's eta matrix) pull it, and the words that
co-occur with it, into topic ``k``. Seed words missing from the vocabulary are ignored (and reported).
"""
from __future__ import annotations

import numpy as np

from ..errors import ResearchError

SEED_OTHER_FACTOR = 0.1
"""A seed word's prior in the topics it does not seed, as a fraction of the base eta."""


def eta_matrix(seed_words: dict[str, list[str]], vocabulary: list[str], n_topics: int, base_eta: float,
               seed_weight: float) -> tuple[np.ndarray, dict[str, list[str]]]:
    """(K, V) prior matrix and, per seeded topic name, the seed words actually found in the vocabulary."""
    if len(seed_words) > n_topics:
        raise ResearchError(f"{len(seed_words)} seeded topics need n_topics >= {len(seed_words)}, got {n_topics}")
    if not seed_weight or seed_weight <= 0:
        raise ResearchError(f"seed_weight must be a positive number, got {seed_weight!r}")
    index = {w: i for i, w in enumerate(vocabulary)}
    eta = np.full((n_topics, len(vocabulary)), float(base_eta), dtype=np.float64)
    used: dict[str, list[str]] = {}
    claimed: dict[str, str] = {}
    for k, (name, words) in enumerate(seed_words.items()):
        used[name] = []
        for word in words:
            j = index.get(word)
            if j is None or word in claimed:
                continue  # unknown word, or already seeding an earlier topic: first topic wins
            claimed[word] = name
            eta[:, j] = base_eta * SEED_OTHER_FACTOR
            eta[k, j] = seed_weight
            used[name].append(word)
    return eta, used
