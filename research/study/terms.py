"""Terms typical of each label: smoothed log-odds of a term's document frequency inside vs outside the label.

With weak labels these largely rediscover the rule lexicons, which is a check on the labels rather than a finding.
"""
from __future__ import annotations

from collections import Counter

import numpy as np

from ..labels import LABELS, NONE_LABEL


def label_groups(doc) -> list[str]:
    """The groups a document counts in: its labels, else ``none`` (confidently none of the four) or ``unlabelled``."""
    if doc.labels:
        return list(doc.labels)
    return [NONE_LABEL if doc.primary == NONE_LABEL else "unlabelled"]


def top_terms_by_label(docs, token_lists, n: int = 10, min_share: float = 0.02,
                       groups: tuple[str, ...] = (*LABELS, NONE_LABEL)) -> dict[str, dict]:
    """{group: {"documents": n_in, "terms": [(term, log-odds), ...]}}, best first, among terms in at least
    ``min_share`` of the group's documents (add-one smoothing)."""
    doc_sets = [set(toks) for toks in token_lists]
    df_all = Counter(t for s in doc_sets for t in s)
    out = {}
    for g in groups:
        members = [s for d, s in zip(docs, doc_sets) if g in label_groups(d)]
        n_in, n_out = len(members), len(doc_sets) - len(members)
        df_in = Counter(t for s in members for t in s)
        score = {t: float(np.log((c + 1) / (n_in - c + 1)) - np.log((df_all[t] - c + 1) / (n_out - df_all[t] + c + 1)))
                 for t, c in df_in.items() if c >= min_share * n_in}
        out[g] = {"documents": n_in, "terms": sorted(score.items(), key=lambda kv: (-kv[1], kv[0]))[:n]}
    return out
