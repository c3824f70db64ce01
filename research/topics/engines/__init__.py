"""LDA training engines. Each returns the same thing: variational topic-word parameters (K, V) and alpha (K,).

Inference on new documents is shared (research.topics.inference), so engines differ only in how they learn topics.
"""
from __future__ import annotations

from .base import TrainedTopics
from .gensim_engine import train_gensim
from .tomotopy_engine import tomotopy_priors, train_tomotopy

ENGINES = {"gensim": train_gensim, "tomotopy": train_tomotopy}
"""The registry of LDA engines: name -> ``train(X, vocabulary, **params) -> TrainedTopics``. Adding an engine is
one module and one entry here; ``features.lda.engine`` accepts exactly these names."""


def base_eta(engine: str, eta, n_topics: int) -> float:
    """The symmetric topic-word prior an engine uses for ``eta`` (the base of a seeded eta matrix)."""
    if engine == "tomotopy":
        return tomotopy_priors(None, eta, n_topics)[2]
    if eta is None or eta == "symmetric":
        return 1.0 / n_topics
    if isinstance(eta, (int, float)) and not isinstance(eta, bool) and eta > 0:
        return float(eta)
    from ...errors import ResearchError

    raise ResearchError(f"seeded topics need eta None, 'symmetric' or a positive float, got {eta!r}")


def train(engine: str, X, vocabulary: list[str], params: dict) -> TrainedTopics:
    try:
        trainer = ENGINES[engine]
    except KeyError:
        raise ValueError(f"unknown LDA engine {engine!r}; choose one of {sorted(ENGINES)}") from None
    return trainer(X, vocabulary, **params)


__all__ = ["ENGINES", "TrainedTopics", "base_eta", "train"]
