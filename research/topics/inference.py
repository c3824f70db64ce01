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


PARALLEL_MIN_DOCS = 2000  # below this, one process is faster than forking


def infer_gamma(X: sp.csr_matrix, exp_elog_beta: np.ndarray, alpha: np.ndarray, max_iter: int = 100,
                tol: float = 1e-3, batch_size: int = 1024, n_jobs: int | None = 1) -> np.ndarray:
    """Variational Dirichlet parameters (n_docs, K) for the count matrix ``X`` (n_docs, V).

    A document with no known word gets ``gamma = alpha``: after normalisation, the prior (uniform for a symmetric
    prior) rather than an error. ``n_jobs`` > 1 (or -1/None = all cores) infers contiguous row blocks in forked
    processes; every row is computed on its own, so the result is identical for any ``n_jobs`` and batch size.
    """
    X = sp.csr_matrix(X, dtype=np.float64)
    jobs = _jobs(n_jobs, X.shape[0])
    if jobs > 1:
        return _infer_parallel(X, exp_elog_beta, alpha, max_iter, tol, batch_size, jobs)
    n_docs, K = X.shape[0], exp_elog_beta.shape[0]
    gamma = np.tile(np.asarray(alpha, dtype=np.float64), (n_docs, 1))
    beta_t = np.ascontiguousarray(exp_elog_beta.T)  # (V, K)
    for start in range(0, n_docs, batch_size):
        stop = min(start + batch_size, n_docs)
        gamma[start:stop] = _infer_batch(X[start:stop], beta_t, alpha, max_iter, tol)
    return gamma


def _jobs(n_jobs: int | None, n_docs: int) -> int:
    import multiprocessing
    import threading

    from ..cpus import effective_workers

    if (n_docs < PARALLEL_MIN_DOCS or multiprocessing.current_process().daemon  # a pool/Dask worker: no children
            or threading.current_thread() is not threading.main_thread()):  # forking from a thread can deadlock
        return 1
    return effective_workers(n_jobs, limit=n_docs // (PARALLEL_MIN_DOCS // 2))


_FORK_STATE: tuple | None = None


def _infer_parallel(X, exp_elog_beta, alpha, max_iter, tol, batch_size, jobs: int) -> np.ndarray:
    from multiprocessing import get_context

    global _FORK_STATE
    n = X.shape[0]
    bounds = np.linspace(0, n, jobs + 1).astype(int)
    _FORK_STATE = (X, exp_elog_beta, alpha, max_iter, tol, batch_size)  # inherited by the forked workers
    try:
        with get_context("fork").Pool(jobs, initializer=_ignore_sigint) as pool:
            parts = pool.map(_infer_rows, list(zip(bounds[:-1].tolist(), bounds[1:].tolist())))
    finally:
        _FORK_STATE = None
    return np.vstack(parts)


def _infer_rows(bounds: tuple[int, int]) -> np.ndarray:
    X, exp_elog_beta, alpha, max_iter, tol, batch_size = _FORK_STATE  # type: ignore[misc]
    return infer_gamma(X[bounds[0]:bounds[1]], exp_elog_beta, alpha, max_iter, tol, batch_size, n_jobs=1)


def _ignore_sigint() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _infer_batch(X: sp.csr_matrix, beta_t: np.ndarray, alpha: np.ndarray, max_iter: int, tol: float) -> np.ndarray:
    """The documents of one batch, each iterated until its own mean |change| of gamma drops below ``tol``.

    The rows of ``beta_t`` a batch needs are gathered once (not once per iteration) into a contiguous (words x K)
    array, which is compacted as documents converge; the arithmetic per document is the same as before, so the
    result is bit-identical to the straightforward loop and still independent of the batch.
    """
    n, K = X.shape[0], beta_t.shape[1]
    gamma = np.ones((n, K), dtype=np.float64)
    lengths = np.diff(X.indptr)
    has_words = lengths > 0
    gamma[~has_words] = alpha
    active = np.flatnonzero(has_words)
    if active.size == 0:
        return gamma
    keep = np.repeat(has_words, lengths)
    counts = np.asarray(X.data, dtype=np.float64)[keep]
    words = beta_t[X.indices[keep]]  # (active words, K), contiguous
    lens = lengths[active]
    g = gamma[active]
    exp_elog_theta = np.exp(dirichlet_expectation(g))
    for _ in range(max_iter):
        indptr = np.concatenate(([0], np.cumsum(lens)))
        rows = np.repeat(np.arange(lens.size), lens)
        phinorm = np.einsum("ij,ij->i", exp_elog_theta[rows], words) + 1e-100
        ratio = sp.csr_matrix((counts / phinorm, np.arange(counts.size), indptr), shape=(lens.size, counts.size))
        new_gamma = alpha + exp_elog_theta * (ratio @ words)
        change = np.abs(new_gamma - g).mean(axis=1)
        gamma[active] = new_gamma
        still = change >= tol
        if not still.any():
            break
        exp_elog_theta = np.exp(dirichlet_expectation(new_gamma))
        if not still.all():  # drop the converged documents' words
            mask = np.repeat(still, lens)
            counts, words = counts[mask], words[mask]
            active, lens = active[still], lens[still]
            exp_elog_theta, new_gamma = exp_elog_theta[still], new_gamma[still]
        g = new_gamma
    return gamma
