"""Model-level topic metrics: held-out perplexity and topic diversity."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from scipy.special import gammaln, logsumexp

from .inference import dirichlet_expectation, infer_gamma


def perplexity(components: np.ndarray, alpha: np.ndarray, X: sp.csr_matrix, max_iter: int = 100,
               tol: float = 1e-3, batch_size: int = 512) -> float:
    """exp(-bound / words) on held-out counts ``X`` (n_docs, V), with the document part of the variational bound
    (as scikit-learn's ``perplexity`` without the topic-word term): lower is better. Documents without known words
    contribute nothing; NaN when there is no word at all."""
    X = sp.csr_matrix(X, dtype=np.float64)
    n_words = X.sum()
    if n_words <= 0:
        return float("nan")
    elog_beta = dirichlet_expectation(components)
    exp_elog_beta = np.exp(elog_beta)
    alpha = np.asarray(alpha, dtype=np.float64)
    total = 0.0
    for start in range(0, X.shape[0], batch_size):
        Xb = X[start : start + batch_size]
        gamma = infer_gamma(Xb, exp_elog_beta, alpha, max_iter, tol)
        elog_theta = dirichlet_expectation(gamma)
        rows = np.repeat(np.arange(Xb.shape[0]), np.diff(Xb.indptr))
        # E[log p(w | theta, beta)] lower bound per token: logsumexp_k (Elog theta_dk + Elog beta_kw)
        ll = logsumexp(elog_theta[rows] + elog_beta[:, Xb.indices].T, axis=1)
        total += float(np.dot(Xb.data, ll))
        has = np.diff(Xb.indptr) > 0
        g, et = gamma[has], elog_theta[has]
        total += float(np.sum((alpha - g) * et) + np.sum(gammaln(g) - gammaln(alpha))
                       + np.sum(gammaln(alpha.sum()) - gammaln(g.sum(axis=1))))
    return float(np.exp(-total / n_words))


def topic_diversity(topics: Sequence[Sequence[str]], topn: int = 25) -> float:
    """Share of unique words among all topics' top ``topn`` words (Dieng et al. 2020): 1 = no overlap."""
    words = [w for topic in topics for w in list(topic)[:topn]]
    return len(set(words)) / len(words) if words else float("nan")
