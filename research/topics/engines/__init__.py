"""LDA training engines. Each returns the same thing: variational topic-word parameters (K, V) and alpha (K,).

Inference on new documents is shared (research.topics.inference), so engines differ only in how they learn topics.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class TrainedTopics:
    components: np.ndarray  # (K, V) variational Dirichlet parameters of topic-word distributions ("lambda")
    alpha: np.ndarray       # (K,) document-topic prior
    native: object | None = field(default=None, repr=False)  # the engine's own model, only when asked (benchmarks)


def base_eta(engine: str, eta, n_topics: int) -> float:
    """The symmetric topic-word prior an engine uses for ``eta`` (the base of a seeded eta matrix)."""
    if engine == "tomotopy":
        from .tomotopy_engine import tomotopy_priors

        return tomotopy_priors(None, eta, n_topics)[2]
    if eta is None or eta == "symmetric":
        return 1.0 / n_topics
    if isinstance(eta, (int, float)) and not isinstance(eta, bool) and eta > 0:
        return float(eta)
    from ...errors import ResearchError

    raise ResearchError(f"seeded topics need eta None, 'symmetric' or a positive float, got {eta!r}")


def train(engine: str, X, vocabulary: list[str], params: dict) -> TrainedTopics:
    if engine == "gensim":
        from .gensim_engine import train_gensim

        return train_gensim(X, vocabulary, **params)
    if engine == "tomotopy":
        from .tomotopy_engine import train_tomotopy

        return train_tomotopy(X, vocabulary, **params)
    raise ValueError(f"unknown LDA engine {engine!r}; choose 'gensim' or 'tomotopy'")
