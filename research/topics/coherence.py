"""Topic coherence on held-out text with gensim's ``CoherenceModel`` (c_v, c_npmi, u_mass).

Co-occurrence counting dominates the cost, so all topics of all models being compared are scored together: one
pass over the reference texts per measure, whatever the number of models or K values. Words that never occur in
the reference texts are dropped from a topic; a topic with fewer than two remaining words scores NaN (and is left
out of the means).
"""
from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

MEASURES = ("c_v", "c_npmi", "u_mass")


def coherence_per_topic(topic_sets: Sequence[Sequence[Sequence[str]]], texts: Sequence[Sequence[str]],
                        measures: Sequence[str] = MEASURES, topn: int = 10) -> list[dict[str, np.ndarray]]:
    """For each model (a list of topics, each a list of words best first): {measure: per-topic scores}."""
    from gensim.corpora import Dictionary
    from gensim.models import CoherenceModel

    logging.getLogger("gensim").setLevel(logging.WARNING)
    texts = [list(t) for t in texts if t]
    dictionary = Dictionary(texts)
    known = dictionary.token2id
    flat: list[list[str]] = []
    slots: list[int | None] = []  # index into flat, or None when the topic cannot be scored
    for topics in topic_sets:
        for topic in topics:
            words = [w for w in list(topic)[:topn] if w in known]
            if len(words) >= 2:
                slots.append(len(flat))
                flat.append(words)
            else:
                slots.append(None)
    scores: dict[str, np.ndarray] = {}
    for measure in measures:
        if not flat:
            scores[measure] = np.zeros(0)
            continue
        corpus = [dictionary.doc2bow(t) for t in texts] if measure == "u_mass" else None
        model = CoherenceModel(topics=flat, texts=None if corpus else texts, corpus=corpus, dictionary=dictionary,
                               coherence=measure, topn=topn, processes=1)
        scores[measure] = np.asarray(model.get_coherence_per_topic(), dtype=np.float64)
    out: list[dict[str, np.ndarray]] = []
    pos = 0
    for topics in topic_sets:
        per: dict[str, np.ndarray] = {}
        for measure in measures:
            per[measure] = np.asarray(
                [scores[measure][slots[pos + i]] if slots[pos + i] is not None else np.nan for i in range(len(topics))],
                dtype=np.float64,
            )
        out.append(per)
        pos += len(topics)
    return out


def mean_finite(values: np.ndarray) -> float:
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values)]
    return float(values.mean()) if values.size else float("nan")
