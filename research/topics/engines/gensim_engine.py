"""gensim's online variational Bayes LDA (``LdaModel``), single process: deterministic for a fixed seed."""
from __future__ import annotations

import logging

import numpy as np

from . import TrainedTopics


def train_gensim(X, vocabulary: list[str], *, n_topics: int, passes: int, iterations: int, alpha, eta,
                 chunksize: int, seed: int, eta_matrix: np.ndarray | None = None) -> TrainedTopics:
    """``eta_matrix`` (K, V), when given, replaces ``eta`` (seeded topics)."""
    from gensim.matutils import Sparse2Corpus
    from gensim.models import LdaModel

    logging.getLogger("gensim").setLevel(logging.WARNING)
    corpus = Sparse2Corpus(X, documents_columns=False)
    model = LdaModel(
        corpus=corpus,
        id2word=dict(enumerate(vocabulary)),
        num_topics=n_topics,
        passes=passes,
        iterations=iterations,
        alpha=alpha,
        eta=eta if eta_matrix is None else np.asarray(eta_matrix, dtype=np.float64),
        chunksize=chunksize,
        random_state=seed,
        eval_every=None,
        dtype=np.float64,
    )
    return TrainedTopics(components=np.asarray(model.state.get_lambda(), dtype=np.float64),
                         alpha=np.asarray(model.alpha, dtype=np.float64))
