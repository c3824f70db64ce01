"""Reading topics: word rankings (probability, FREX, relevance), representative documents, shares by year/label,
and an inter-topic map. Pure numpy; :mod:`research.topics.report` writes the results to files.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

RELEVANCE_LAMBDA = 0.6  # Sievert & Shirley (2014): lambda = 0.6 was best for interpretation in their user study
FREX_WEIGHT = 0.5       # Bischof & Airoldi / stm's calcfrex default: equal weight to exclusivity and frequency


def word_frequencies(X: sp.csr_matrix) -> np.ndarray:
    """Marginal word probability p(w) in the corpus (V,), smoothed so that no word has probability 0."""
    counts = np.asarray(X.sum(axis=0)).ravel() + 0.5
    return counts / counts.sum()


def relevance(phi: np.ndarray, p_w: np.ndarray, lam: float = RELEVANCE_LAMBDA) -> np.ndarray:
    """lambda log phi_kw + (1 - lambda) log(phi_kw / p_w), (K, V)."""
    log_phi = np.log(phi)
    return lam * log_phi + (1.0 - lam) * (log_phi - np.log(p_w)[None, :])


def frex(phi: np.ndarray, w: float = FREX_WEIGHT) -> np.ndarray:
    """FREX (K, V): harmonic mean of the within-topic ECDF ranks of exclusivity (phi_kw / sum_k phi_kw) and
    frequency (phi_kw)."""
    excl = phi / phi.sum(axis=0, keepdims=True)
    return 1.0 / (w / _ecdf_rows(excl) + (1.0 - w) / _ecdf_rows(phi))


def _ecdf_rows(a: np.ndarray) -> np.ndarray:
    ranks = np.argsort(np.argsort(a, axis=1, kind="stable"), axis=1, kind="stable")
    return (ranks + 1.0) / a.shape[1]


def top_indices(scores: np.ndarray, n: int) -> np.ndarray:
    """(K, n) column indices of the highest scores per row, best first (ties: lower index first)."""
    n = min(n, scores.shape[1])
    return np.argsort(-scores, axis=1, kind="stable")[:, :n]


def representative_documents(theta: np.ndarray, n: int = 5, min_share: float = 0.0) -> list[list[int]]:
    """Per topic, the documents where the topic's share is highest (best first)."""
    order = np.argsort(-theta, axis=0, kind="stable")[: min(n, theta.shape[0])]
    return [[int(d) for d in order[:, k] if theta[d, k] > min_share] for k in range(theta.shape[1])]


def share_by_group(theta: np.ndarray, groups: Sequence[Sequence[str]]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(group names sorted, mean topic share per group (G, K), documents per group (G,)); a document may belong to
    several groups (multi-label) or none."""
    names = sorted({g for gs in groups for g in gs})
    index = {g: i for i, g in enumerate(names)}
    sums = np.zeros((len(names), theta.shape[1]))
    counts = np.zeros(len(names))
    for row, gs in zip(theta, groups):
        for g in set(gs):
            sums[index[g]] += row
            counts[index[g]] += 1
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts[:, None] > 0, sums / np.maximum(counts[:, None], 1), 0.0)
    return names, means, counts


def topic_map(phi: np.ndarray) -> np.ndarray:
    """2-D coordinates (K, 2) of topics: classical MDS of the Jensen-Shannon distances between topic-word
    distributions (what pyLDAvis draws)."""
    K = phi.shape[0]
    if K < 2:
        return np.zeros((K, 2))
    logp = np.log(phi)
    d = np.zeros((K, K))
    for i in range(K):
        m = 0.5 * (phi[i][None, :] + phi)
        logm = np.log(m)
        js = 0.5 * ((phi[i] * (logp[i] - logm)).sum(axis=1) + (phi * (logp - logm)).sum(axis=1))
        d[i] = np.sqrt(np.clip(js, 0.0, None))
    d = 0.5 * (d + d.T)
    j = np.eye(K) - 1.0 / K
    b = -0.5 * j @ (d ** 2) @ j
    vals, vecs = np.linalg.eigh(b)
    top = np.argsort(vals)[::-1][:2]
    coords = vecs[:, top] * np.sqrt(np.clip(vals[top], 0.0, None))
    # fix the sign so the picture does not flip between identical runs on different BLAS builds
    for c in range(coords.shape[1]):
        if coords[np.argmax(np.abs(coords[:, c])), c] < 0:
            coords[:, c] *= -1
    return coords
