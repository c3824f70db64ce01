"""Bag-of-words for topic models: one document-frequency filter shared by every engine.

Deterministic by construction: ties in document frequency are broken by the token itself, and ids follow the
sorted token order, so the same corpus and settings always give the same vocabulary and matrix.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

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


def doc_term_matrix(docs: Sequence[Sequence[str]], index: dict[str, int]) -> sp.csr_matrix:
    """Counts of known tokens per document (CSR, float64); unknown tokens are ignored."""
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for doc in docs:
        counts = Counter(index[t] for t in doc if t in index)
        for col in sorted(counts):
            indices.append(col)
            data.append(float(counts[col]))
        indptr.append(len(indices))
    return sp.csr_matrix(
        (np.asarray(data, dtype=np.float64), np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int64)),
        shape=(len(docs), len(index)),
    )
