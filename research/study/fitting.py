"""Fit a built pipeline step by step, so that fitted topic models can be shared between runs.

``fit_pipeline(pipeline, texts, y, lda_store=None)`` is ``pipeline.fit(texts, y)`` when no store is given. With a
:class:`~research.study.lda_store.FeatureStore`, each branch of the feature union (``lda``, ``tfidf``) is taken from
the store (fitted once per distinct setting + seed + training documents, then reused by every sweep variant that
shares them) and its output for a given document set is cached as well. The pipeline that comes out is an ordinary fitted
scikit-learn Pipeline (the union holds the fitted transformers), so it predicts and saves exactly as before.
"""
from __future__ import annotations

from sklearn.pipeline import Pipeline

from ..progress import step


def fit_pipeline(pipeline: Pipeline, texts: list[str], y, lda_store=None, compute=None) -> Pipeline:
    if lda_store is None:  # tokenization and features on the configured backend (local = pipeline.fit)
        from ..compute import fit_pipeline as fit_on_backend

        return fit_on_backend(pipeline, texts, y, compute)
    tokens = pipeline.named_steps["tokens"].fit(texts).transform(texts)
    union = pipeline.named_steps["features"]
    Xs, fitted = [], []
    for name, trans in union.transformer_list:
        if trans == "drop" or trans is None:
            fitted.append((name, trans))
            continue
        with step(f"fit {name}"):
            trans, X = lda_store.fit_transform(trans, tokens)
        fitted.append((name, trans))
        Xs.append(X)
    union.transformer_list = fitted
    with step("fit classifier"):
        pipeline.named_steps["clf"].fit(union._hstack(Xs), y)
    return pipeline


def transform_features(pipeline: Pipeline, texts: list[str], lda_store=None):
    """Feature matrix of ``texts`` (what ``pipeline[:-1].transform`` gives), with cached topic proportions."""
    if lda_store is None:
        return pipeline[:-1].transform(texts)
    tokens = pipeline.named_steps["tokens"].transform(texts)
    union = pipeline.named_steps["features"]
    Xs = []
    for name, trans in union.transformer_list:
        if trans == "drop" or trans is None:
            continue
        Xs.append(lda_store.transform(trans, tokens))
    return union._hstack(Xs)
