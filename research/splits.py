"""Train/test splits chosen in the config: random (stratified by primary label) or temporal (train < year, test = year).
"""
from __future__ import annotations

from collections import Counter

import numpy as np
from sklearn.model_selection import train_test_split

from .config import SplitConfig
from .datasets import Document
from .errors import DataError


def split_documents(docs: list[Document], split: SplitConfig, seed: int) -> tuple[list[Document], list[Document]]:
    if split.kind == "temporal":
        return _temporal(docs, split.test_year)
    return _random(docs, split.test_size, seed)


def _random(docs: list[Document], test_size: float, seed: int):
    strata = [d.primary or "none" for d in docs]
    counts = Counter(strata)
    strata = [s if counts[s] >= 2 else "_rare" for s in strata]  # stratify needs >= 2 per class
    if Counter(strata).get("_rare", 2) < 2:
        strata = [s if s != "_rare" else next(iter(counts)) for s in strata]
    index = np.arange(len(docs))
    try:
        train_idx, test_idx = train_test_split(index, test_size=test_size, random_state=seed, stratify=strata)
    except ValueError:  # too few documents per class to stratify: fall back to a plain shuffled split
        train_idx, test_idx = train_test_split(index, test_size=test_size, random_state=seed)
    return [docs[i] for i in sorted(train_idx)], [docs[i] for i in sorted(test_idx)]


def _temporal(docs: list[Document], test_year: int):
    undated = sum(1 for d in docs if d.year is None)
    if undated:
        raise DataError(f"temporal split needs a date on every document; {undated} have none")
    train = [d for d in docs if d.year < test_year]
    test = [d for d in docs if d.year == test_year]
    if not train or not test:
        years = sorted({d.year for d in docs})
        raise DataError(f"temporal split at {test_year} leaves train={len(train)}, test={len(test)} documents; "
                        f"the corpus covers {years[0]}-{years[-1]}")
    return train, test
