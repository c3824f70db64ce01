"""Documents + tokens for topic studies (sweep, benchmark, seeding comparison), with the shared token cache."""
from __future__ import annotations

import logging
import time
from pathlib import Path

from ..config import ExperimentConfig

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CACHE_DIR = REPO_ROOT / "results" / ".cache"  # the experiment runner's token cache
SHARED_XWLB = REPO_ROOT.parent / "shared" / "data" / "xwlb" / "xwlb_2012_2025.jsonl.gz"


def make_tokenizer(config: ExperimentConfig, cache_dir: str | Path | None = DEFAULT_CACHE_DIR, progress=None):
    from ..pipeline import make_tokenizer as pipeline_tokenizer

    return pipeline_tokenizer(config.tokenize, cache_dir, progress=progress).fit()


def load_tokenized(config: ExperimentConfig, config_source: str | None = None,
                   cache_dir: str | Path | None = DEFAULT_CACHE_DIR) -> tuple[list, list[list[str]]]:
    """(documents, token lists) of the corpus a config names: every document, labelled or not."""
    from ..datasets import load_corpus

    t0 = time.perf_counter()
    corpus = load_corpus(config.data, config_source, config.seed)
    docs = corpus.documents
    log.info("loaded %d documents from %s in %.1fs", len(docs), corpus.path, time.perf_counter() - t0)
    t0 = time.perf_counter()
    tokens = make_tokenizer(config, cache_dir).transform([d.text for d in docs])
    log.info("tokenized %d documents in %.1fs", len(docs), time.perf_counter() - t0)
    return docs, tokens
