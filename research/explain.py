"""Why a document got its scores: per label, the terms and topics that pushed the score up (and down).

For the linear models the score is a function of ``w · x + b``; the contribution of feature ``j`` to label ``l`` is
``w[l, j] * x[j]`` over the feature union's columns (TF-IDF terms, then LDA topic proportions). The weight vector is

the one the classifier's kind names in :mod:`research.classifiers` (``coef_`` for logreg, linear_svm and sgd;
``feature_log_prob_[1] - feature_log_prob_[0]`` for complement_nb).

A label whose training column was constant has no estimator and no explanation (``constant: true``). Either branch
of the union may be disabled; the explanation then simply has no terms (or no topics).

:func:`explain_scores` works on a batch, so a predictions file can carry explanations at little extra cost::

    tokens = pipeline.named_steps["tokens"].transform(texts)
    rows = explain_scores(pipeline, tokens, top_n=5)
    rows[0]["logistics"]["terms"]   # [["中欧班列", 1.83], ["集结", 0.91], ...]
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import scipy.sparse as sp

from .classifiers import classifier_kind
from .labels import LABELS


class LinearExplainer:
    """Weights and feature names of a fitted pipeline, computed once, applied to any number of batches."""

    def __init__(self, pipeline, topic_words: int = 6):
        self.pipeline = pipeline
        union = pipeline.named_steps["features"]
        self.clf = pipeline.named_steps["clf"]
        names: list[str] = []
        kinds: list[str] = []  # "term" or "topic"
        self.topic_info: dict[int, tuple[str, list[str]]] = {}  # column -> (topic name, top words)
        weights = dict(getattr(union, "transformer_weights", None) or {})
        self._column_scale: list[float] = []
        for name, transformer in union.transformer_list:
            if transformer is None or (isinstance(transformer, str) and transformer in ("drop", "passthrough")):
                continue
            scale = float(weights.get(name, 1.0))
            if name == "lda" or hasattr(transformer, "components_"):
                k = int(transformer.n_features_out_)
                top = transformer.top_words(topic_words)
                tnames = list(getattr(transformer, "topic_names_", None) or [f"topic_{i:02d}" for i in range(k)])
                for t in range(k):
                    self.topic_info[len(names)] = (tnames[t], [w for w, _ in top[t]])
                    names.append(tnames[t])
                    kinds.append("topic")
            else:
                for term in transformer.get_feature_names_out():
                    names.append(str(term))
                    kinds.append("term")
            self._column_scale.extend([scale] * (len(names) - len(self._column_scale)))
        self.feature_names = np.asarray(names, dtype=object)
        self.is_topic = np.asarray([k == "topic" for k in kinds], dtype=bool)
        self.weights = self._weights(len(names))  # (n_features, n_labels); NaN column = constant label
        scale = np.asarray(self._column_scale, dtype=float)
        if scale.size and not np.all(scale == 1.0):
            self.weights = self.weights * scale[:, None]

    def _weights(self, n_features: int) -> np.ndarray:
        W = np.full((n_features, len(LABELS)), np.nan)
        for j, est in enumerate(self.clf.estimators_):
            if est is None:
                continue
            w = classifier_kind(self.clf.kind).weights(est)
            if w is None:  # not a linear model: no per-feature explanation
                continue
            if w.size != n_features:
                raise ValueError(f"label {LABELS[j]}: {w.size} weights for {n_features} feature names")
            W[:, j] = w
        return W

    def features(self, X) -> sp.csr_matrix:
        """Union features as CSR from texts, token lists, or an already computed feature matrix."""
        if sp.issparse(X) or isinstance(X, np.ndarray):
            return sp.csr_matrix(X)
        docs = list(X)
        if docs and isinstance(docs[0], str):
            docs = self.pipeline.named_steps["tokens"].transform(docs)
        return sp.csr_matrix(self.pipeline.named_steps["features"].transform(docs))

    def explain(self, X, top_n: int = 5, scores: np.ndarray | None = None,
                only: Sequence[Sequence[str]] | None = None) -> list[dict[str, dict[str, Any]]]:
        """One dict per document: label -> {score, predicted, terms, topics, against, constant}.

        ``terms``: the ``top_n`` TF-IDF terms with the largest positive contribution, ``[term, contribution]``;
        ``topics``: the ``top_n`` topics with the largest positive contribution, each with its share in the
        document and its top words; ``against``: the ``top_n`` features (terms or topics) pulling the score down.
        ``only`` (one list of label names per document) restricts each document's explanation to those labels.
        """
        F = self.features(X)
        if scores is None:
            scores = self.clf.decision_scores(F)
        thresholds = np.asarray(self.clf.thresholds_, dtype=float)
        out: list[dict[str, dict[str, Any]]] = []
        for i in range(F.shape[0]):
            row = F.getrow(i)
            cols, vals = row.indices, row.data
            doc: dict[str, dict[str, Any]] = {}
            wanted = None if only is None else set(only[i])
            for j, label in enumerate(LABELS):
                if wanted is not None and label not in wanted:
                    continue
                entry: dict[str, Any] = {"score": round(float(scores[i, j]), 6),
                                         "predicted": bool(scores[i, j] >= thresholds[j])}
                w = self.weights[:, j]
                if np.isnan(w).all():
                    entry.update(constant=True, terms=[], topics=[], against=[])
                    doc[label] = entry
                    continue
                contrib = vals * w[cols]
                entry.update(constant=False, terms=self._top(cols, vals, contrib, top_n, topic=False),
                             topics=self._top(cols, vals, contrib, top_n, topic=True),
                             against=self._against(cols, contrib, top_n))
                doc[label] = entry
            out.append(doc)
        return out

    def _top(self, cols, vals, contrib, top_n, topic: bool) -> list:
        mask = (self.is_topic[cols] == topic) & (contrib > 0)
        idx = np.flatnonzero(mask)
        idx = idx[np.lexsort((cols[idx], -contrib[idx]))][:top_n]  # stable: ties by column
        if not topic:
            return [[str(self.feature_names[cols[k]]), round(float(contrib[k]), 4)] for k in idx]
        return [{"topic": self.topic_info[cols[k]][0], "weight": round(float(contrib[k]), 4),
                 "share": round(float(vals[k]), 4), "words": self.topic_info[cols[k]][1]} for k in idx]

    def _against(self, cols, contrib, top_n) -> list:
        idx = np.flatnonzero(contrib < 0)
        idx = idx[np.lexsort((cols[idx], contrib[idx]))][:top_n]
        return [[str(self.feature_names[cols[k]]), round(float(contrib[k]), 4)] for k in idx]


def explain_scores(pipeline, X, top_n: int = 5, scores: np.ndarray | None = None) -> list[dict[str, dict[str, Any]]]:
    """Explanations for a batch: X = texts, token lists (preferred: tokenize once) or the union's feature matrix.

    Build a :class:`LinearExplainer` yourself when explaining many batches with the same pipeline.
    """
    return LinearExplainer(pipeline).explain(X, top_n=top_n, scores=scores)


def top_terms(explanation: dict[str, dict[str, Any]], labels: Sequence[str], n: int = 5) -> list[str]:
    """The strongest positive terms (then topics, by their first words) across ``labels``, for a compact column."""
    pooled: dict[str, float] = {}
    for label in labels:
        entry = explanation.get(label) or {}
        for term, weight in entry.get("terms", []):
            pooled[term] = max(pooled.get(term, 0.0), weight)
        for topic in entry.get("topics", []):
            key = f"[{'/'.join(topic['words'][:3])}]"
            pooled[key] = max(pooled.get(key, 0.0), topic["weight"])
    return [t for t, _ in sorted(pooled.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]
