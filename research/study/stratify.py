"""Iterative stratification for multi-label data (Sechidis, Tsoumakas & Vlahavas, ECML-PKDD 2011), seeded.

A plain stratified split keys on one label per document; with multi-label documents that leaves rare labels
(``logistics``) unevenly spread over folds. Iterative stratification deals out the documents of the rarest
remaining label first, each to the fold that still lacks most of that label, so every fold gets close to its share
of every label. Documents without any label are treated as one more column ("none"), so they are spread evenly too.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np


def _with_none_column(Y: np.ndarray) -> np.ndarray:
    Y = np.asarray(Y, dtype=np.int8)
    if Y.ndim != 2:
        raise ValueError(f"expected an (n, labels) indicator matrix, got shape {Y.shape}")
    return np.hstack([Y, (Y.sum(axis=1) == 0).astype(np.int8)[:, None]])


def iterative_assign(Y: np.ndarray, proportions: Sequence[float], seed: int = 0) -> np.ndarray:
    """Fold index (0..len(proportions)-1) for every row of the indicator matrix ``Y``.

    ``proportions`` are the desired fold sizes as fractions (normalised to sum 1). Deterministic for a seed.
    """
    rng = np.random.default_rng(seed)
    Yx = _with_none_column(Y)
    n, n_labels = Yx.shape
    r = np.asarray(proportions, dtype=float)
    if r.ndim != 1 or len(r) < 2 or (r <= 0).any():
        raise ValueError("proportions must be at least two positive numbers")
    r = r / r.sum()
    desired = r * n                                   # documents still wanted per fold
    desired_label = np.outer(Yx.sum(axis=0), r).astype(float)  # (labels, folds)
    fold = np.full(n, -1, dtype=np.int64)
    remaining = np.ones(n, dtype=bool)
    # random order of documents breaks ties between otherwise identical documents
    order = rng.permutation(n)
    while remaining.any():
        counts = Yx[remaining].sum(axis=0)
        candidates = np.flatnonzero(counts > 0)
        if candidates.size == 0:  # cannot happen: the none column covers unlabelled rows
            break
        fewest = counts[candidates].min()
        label = rng.choice(candidates[counts[candidates] == fewest])
        rows = order[remaining[order] & (Yx[order, label] == 1)]
        for i in rows:
            want = desired_label[label]
            best = np.flatnonzero(want == want.max())
            if best.size > 1:
                best = best[desired[best] == desired[best].max()]
            f = best[0] if best.size == 1 else rng.choice(best)
            fold[i] = f
            remaining[i] = False
            desired[f] -= 1
            desired_label[Yx[i] == 1, f] -= 1
    return fold


class IterativeStratifiedKFold:
    """k-fold with iterative stratification; ``split(X, Y)`` yields (train_idx, test_idx) like scikit-learn."""

    def __init__(self, n_splits: int = 5, seed: int = 0):
        if n_splits < 2:
            raise ValueError(f"n_splits must be >= 2, got {n_splits}")
        self.n_splits = n_splits
        self.seed = seed

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        return self.n_splits

    def split(self, X, Y, groups=None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        Y = np.asarray(Y)
        if Y.shape[0] < self.n_splits:
            raise ValueError(f"cannot make {self.n_splits} folds from {Y.shape[0]} rows")
        fold = iterative_assign(Y, [1.0] * self.n_splits, self.seed)
        index = np.arange(Y.shape[0])
        for k in range(self.n_splits):
            yield index[fold != k], index[fold == k]


def iterative_train_test_split(Y: np.ndarray, test_size: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(train_idx, test_idx), sorted, with ``test_size`` of the rows in the test part, label-stratified."""
    if not 0.0 < test_size < 1.0:
        raise ValueError(f"test_size must be in (0, 1), got {test_size}")
    fold = iterative_assign(Y, [1.0 - test_size, test_size], seed)
    index = np.arange(np.asarray(Y).shape[0])
    return index[fold == 0], index[fold == 1]
