"""Deterministic variational inference of document-topic proportions for a trained LDA model.

gensim's own inference starts every document from a random draw of the model's (stateful) RNG, so the same text
gets different topic vectors depending on what was inferred before. Here the start is fixed (gamma = 1) and each
document's updates use only its own row, so a document's vector never depends on the batch it arrives in, on call
order, or on the engine that trained the topics. The update is Hoffman et al.'s (as in gensim and scikit-learn),
vectorised over a batch with sparse matrices.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.special import psi


def dirichlet_expectation(alpha: np.ndarray) -> np.ndarray:
    """E[log theta] for theta ~ Dir(alpha), row-wise."""
    if alpha.ndim == 1:
        return psi(alpha) - psi(alpha.sum())
    return psi(alpha) - psi(alpha.sum(axis=1))[:, None]


def infer_gamma(X: sp.csr_matrix, exp_elog_beta: np.ndarray, alpha: np.ndarray, max_iter: int = 100,
                tol: float = 1e-3, batch_size: int = 1024) -> np.ndarray:
    """Variational Dirichlet parameters (n_docs, K) for the count matrix ``X`` (n_docs, V).

    A document with no known word gets ``gamma = alpha``: after normalisation, the prior (uniform for a symmetric
    prior) rather than an error.
    """
    X = sp.csr_matrix(X, dtype=np.float64)
    n_docs, K = X.shape[0], exp_elog_beta.shape[0]
    gamma = np.tile(np.asarray(alpha, dtype=np.float64), (n_docs, 1))
    beta_t = np.ascontiguousarray(exp_elog_beta.T)  # (V, K)
    for start in range(0, n_docs, batch_size):
        stop = min(start + batch_size, n_docs)
        gamma[start:stop] = _infer_batch(X[start:stop], beta_t, alpha, max_iter, tol)
    return gamma


def _infer_batch(X: sp.csr_matrix, beta_t: np.ndarray, alpha: np.ndarray, max_iter: int, tol: float) -> np.ndarray:
    n, K = X.shape[0], beta_t.shape[1]
    gamma = np.ones((n, K), dtype=np.float64)
    has_words = np.diff(X.indptr) > 0
    gamma[~has_words] = alpha
    active = np.flatnonzero(has_words)
    exp_elog_theta = np.exp(dirichlet_expectation(gamma))
    for _ in range(max_iter):
        if active.size == 0:
            break
        Xa = X[active]
        rows = np.repeat(np.arange(active.size), np.diff(Xa.indptr))
        theta_a = exp_elog_theta[active]
        phinorm = np.einsum("ij,ij->i", theta_a[rows], beta_t[Xa.indices]) + 1e-100
        ratio = sp.csr_matrix((Xa.data / phinorm, Xa.indices, Xa.indptr), shape=Xa.shape)
        new_gamma = alpha + theta_a * (ratio @ beta_t)
        change = np.abs(new_gamma - gamma[active]).mean(axis=1)
        gamma[active] = new_gamma
        exp_elog_theta[active] = np.exp(dirichlet_expectation(new_gamma))
        active = active[change >= tol]
    return gamma
