"""Classify and topic-model Chinese local news.

raw page text -> cleaned articles/sections -> jieba tokens -> TF-IDF + LDA topic features -> multi-label classifiers,
driven by YAML experiment configs that write each run to ``results/``.

The public API is imported lazily so that ``import research`` stays fast (no jieba/gensim/sklearn at import time).
"""
from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("research")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+unknown"

_LAZY = {
    "LABELS": "research.labels",
    "load_config": "research.config",
    "run_experiment": "research.experiment",
    "build_pipeline": "research.pipeline",
    "JiebaTokenizer": "research.tokenize",
    "LdaTopics": "research.topics.lda",
    "TfidfOnTokens": "research.features",
    "MultiLabelClassifier": "research.classify",
    "load_model": "research.model",
    "TaggingModel": "research.model",
    "explain_scores": "research.explain",
    "save_model": "research.persistence",
    "segment": "research.ingest",
    "segment_file": "research.ingest",
    "read_text": "research.ingest",
}

__all__ = sorted(_LAZY) + ["__version__"]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'research' has no attribute {name!r}")
