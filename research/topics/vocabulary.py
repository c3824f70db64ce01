"""Bag-of-words for topic models: one document-frequency filter shared by every engine.

Deterministic by construction: ties in document frequency are broken by the token itself, and ids follow the
sorted token order, so the same corpus and settings always give the same vocabulary and matrix.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import chain, repeat

import numpy as np
import scipy.sparse as sp


def build_vocabulary(docs: Sequence[Sequence[str]], min_df: int, max_df: float, max_features: int | None) -> list[str]:
    """Tokens in at least ``min_df`` documents and at most ``max_df`` (fraction) of them; the ``max_features``
    most frequent kept; returned sorted."""
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(set(doc))
    limit = max_df * len(docs)
    kept = [(token, n) for token, n in df.items() if n >= min_df and n <= limit]
    if max_features is not None and len(kept) > max_features:
        kept.sort(key=lambda item: (-item[1], item[0]))
        kept = kept[:max_features]
    return sorted(token for token, _ in kept)


def doc_term_matrix(docs: Sequence[Sequence[str]], index: dict[str, int], dtype=np.float64) -> sp.csr_matrix:
    """Counts of known tokens per document (CSR with sorted column indices); unknown tokens are ignored.

    Tokens are looked up with ``map(index.get, ...)`` and counted by scipy, so no Python code runs per token.
    """
    docs = docs if isinstance(docs, list) else list(docs)
    n = len(docs)
    lengths = np.fromiter(map(len, docs), dtype=np.int64, count=n)
    total = int(lengths.sum())
    ids = np.fromiter(chain.from_iterable(map(index.get, doc, repeat(-1, len(doc))) for doc in docs),
                      dtype=np.int64, count=total)
    rows = np.repeat(np.arange(n, dtype=np.int64), lengths)
    known = ids >= 0
    X = sp.csr_matrix((np.ones(int(known.sum()), dtype=dtype), (rows[known], ids[known])), shape=(n, len(index)))
    X.sum_duplicates()  # also sorts the column indices of every row
    return X
