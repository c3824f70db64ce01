"""Does seeding help? Fit the same LDA with and without lexicon-seeded topics and compare.

Measured on a seeded random split of the trainable (labelled / other) documents:
- coherence of all topics and of the seeded topics (c_v, NPMI on the test documents),
- alignment: per label, the ROC AUC of the label's seeded topic share as a score for that label (0.5 = unrelated),
  and for the unseeded model the best AUC any topic reaches for the label,
- downstream: macro-F1 of a one-vs-rest logistic regression on the topic vectors alone (K features), so the
  comparison isolates the topics (TF-IDF would dominate a combined model).

Caveat: the weak labels of the CCTV corpus are produced from the same lexicon that seeds the topics, so the
alignment and F1 gains are partly circular; on hand-labelled data only the coherence columns are unbiased.
"""
from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np

from .coherence import coherence_per_topic, mean_finite
from .lda import LdaTopics

log = logging.getLogger(__name__)


def compare_seeding(documents: list, token_lists: list[list[str]], lda_params: dict[str, Any],
                    seed_words: dict[str, list[str]], seed_weight: float, test_size: float = 0.2, seed: int = 0,
                    max_eval_docs: int = 5000) -> dict[str, Any]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score, roc_auc_score
    from sklearn.multiclass import OneVsRestClassifier

    from ..labels import LABELS, to_indicator

    keep = [i for i, d in enumerate(documents) if getattr(d, "trainable", True)]
    rng = np.random.default_rng(seed)
    perm = rng.permutation(keep)
    n_test = max(1, int(round(len(perm) * test_size)))
    test_idx, train_idx = np.sort(perm[:n_test]), np.sort(perm[n_test:])
    train_tok = [token_lists[i] for i in train_idx]
    test_tok = [token_lists[i] for i in test_idx]
    Y_train = to_indicator([documents[i].labels for i in train_idx])
    Y_test = to_indicator([documents[i].labels for i in test_idx])
    coh_ref = test_tok[:max_eval_docs]

    variants = {"unseeded": dict(lda_params), "seeded": {**lda_params, "seed_words": seed_words,
                                                         "seed_weight": seed_weight}}
    out: dict[str, Any] = {"documents": {"train": len(train_idx), "test": len(test_idx)},
                           "params": {k: v for k, v in lda_params.items()}, "seed_weight": seed_weight,
                           "variants": {}}
    models = {}
    for name, params in variants.items():
        t0 = time.perf_counter()
        model = LdaTopics(**params).fit(train_tok)
        fit_s = time.perf_counter() - t0
        th_train, th_test = model.transform(train_tok), model.transform(test_tok)
        clf = OneVsRestClassifier(LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000))
        clf.fit(np.log(th_train + 1e-6), Y_train)
        pred = clf.predict(np.log(th_test + 1e-6))
        per_label_f1 = f1_score(Y_test, pred, average=None, zero_division=0)
        auc = {}
        for j, label in enumerate(LABELS):
            y = Y_test[:, j]
            if y.min() == y.max():
                continue
            if name == "seeded" and label in model.topic_names_:
                k = model.topic_names_.index(label)
                auc[label] = {"topic": label, "auc": float(roc_auc_score(y, th_test[:, k]))}
            else:
                scores = [roc_auc_score(y, th_test[:, k]) for k in range(th_test.shape[1])]
                k = int(np.argmax(scores))
                auc[label] = {"topic": model.topic_names_[k], "auc": float(scores[k])}
        models[name] = model
        out["variants"][name] = {
            "fit_seconds": round(fit_s, 1),
            "macro_f1": float(np.mean(per_label_f1)),
            "f1": {lab: float(v) for lab, v in zip(LABELS, per_label_f1)},
            "label_auc": auc,
            "top_words": {model.topic_names_[k]: [w for w, _ in words]
                          for k, words in enumerate(model.top_words(10))},
        }
        log.info("%s: macro-F1 %.3f in %.1fs", name, out["variants"][name]["macro_f1"], fit_s)
    scores = coherence_per_topic([list(v["top_words"].values()) for v in out["variants"].values()], coh_ref,
                                 measures=("c_v", "c_npmi"))
    n_seeded = len(seed_words)
    for (name, v), per in zip(out["variants"].items(), scores):
        v["c_v"], v["npmi"] = mean_finite(per["c_v"]), mean_finite(per["c_npmi"])
        v["c_v_first_topics"] = mean_finite(per["c_v"][:n_seeded])
        v["npmi_first_topics"] = mean_finite(per["c_npmi"][:n_seeded])
        v["npmi_free_topics"] = mean_finite(per["c_npmi"][n_seeded:])
    out["seed_words_used"] = models["seeded"].seed_words_used_
    return out


def markdown(result: dict[str, Any]) -> str:
    from ..labels import LABELS

    v = result["variants"]
    lines = ["| model | macro-F1 (topic features only) | c_v | NPMI | NPMI first 4 topics | NPMI other topics | "
             + " | ".join(f"AUC {lab}" for lab in LABELS) + " | fit s |",
             "|---" * (7 + len(LABELS)) + "|"]
    for name in ("unseeded", "seeded"):
        r = v[name]
        aucs = " | ".join(f"{r['label_auc'][lab]['auc']:.3f}" if lab in r["label_auc"] else "-" for lab in LABELS)
        lines.append(f"| {name} | {r['macro_f1']:.3f} | {r['c_v']:.3f} | {r['npmi']:.3f} | "
                     f"{r['npmi_first_topics']:.3f} | {r['npmi_free_topics']:.3f} | {aucs} | {r['fit_seconds']:.0f} |")
    lines.append("")
    lines.append("Seeded topics (top words):")
    for lab in LABELS:
        if lab in v["seeded"]["top_words"]:
            lines.append(f"- {lab}: {' '.join(v['seeded']['top_words'][lab])}")
    lines.append("")
    lines.append("Unseeded: best-matching topic per label (by AUC):")
    for lab, a in v["unseeded"]["label_auc"].items():
        lines.append(f"- {lab}: {a['topic']} ({a['auc']:.3f}): {' '.join(v['unseeded']['top_words'][a['topic']])}")
    return "\n".join(lines) + "\n"
