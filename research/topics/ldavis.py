"""pyLDAvis export of a fitted topic model (``topics.ldavis: true``; ``pip install "research[ldavis]"``).

Writes ``topics_ldavis.html`` next to the package's own offline view (``topics.html``), with pyLDAvis's JavaScript
and CSS copied into ``ldavis/`` beside it, so the page opens without a network. Topic numbers follow the
package's topic ids (``start_index=0``, not re-sorted by size), so topic 7 there is ``topic_07`` everywhere else.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from .inference import infer_gamma


def write_ldavis(lda, token_lists: list[list[str]], out_dir: str | Path, n_jobs: int = 1) -> Path:
    """pyLDAvis view of ``lda`` (a fitted :class:`~research.topics.LdaTopics`) over ``token_lists``."""
    try:
        import pyLDAvis
    except ImportError:
        from ..errors import ConfigError

        raise ConfigError('topics.ldavis: true needs pyLDAvis: pip install "research[ldavis]"') from None
    out_dir = Path(out_dir)
    X = lda.count_matrix(token_lists)
    keep = np.asarray(X.sum(axis=1)).ravel() > 0  # pyLDAvis needs documents with at least one known word
    X = X[keep]
    gamma = infer_gamma(X, lda._exp_elog_beta(), lda.alpha_, lda.inference_max_iter, lda.inference_tol)
    theta = gamma / gamma.sum(axis=1, keepdims=True)
    term_frequency = np.asarray(X.sum(axis=0)).ravel().astype(float)
    term_frequency = np.maximum(term_frequency, 1e-12)  # pyLDAvis divides by it
    vis = pyLDAvis.prepare(np.asarray(lda.topic_word_, dtype=float), theta,
                           np.asarray(X.sum(axis=1)).ravel(), list(lda.vocabulary_), term_frequency,
                           sort_topics=False, start_index=0, n_jobs=n_jobs)
    assets = out_dir / "ldavis"
    assets.mkdir(parents=True, exist_ok=True)
    js = Path(pyLDAvis.__file__).parent / "js"
    for name in ("d3.v5.min.js", "ldavis.v3.0.0.js", "ldavis.v1.0.0.css"):
        shutil.copyfile(js / name, assets / name)
    path = out_dir / "topics_ldavis.html"
    with open(path, "w", encoding="utf-8") as fh:
        pyLDAvis.save_html(vis, fh, d3_url="ldavis/d3.v5.min.js", ldavis_url="ldavis/ldavis.v3.0.0.js",
                           ldavis_css_url="ldavis/ldavis.v1.0.0.css")
    return path
