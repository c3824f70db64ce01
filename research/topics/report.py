"""write_topic_report: topics.json, topics.md, topics.html (offline view) and figures for a fitted LdaTopics.

Called by the experiment runner when LDA is enabled (and usable on its own). Per topic: top words with probability,
FREX and relevance rankings, the most representative documents, the topic's share by year and by label.
Fast on a few thousand documents: one batched inference pass, the rest is numpy.
"""
from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

import numpy as np

from .inference import infer_gamma
from .reading import (RELEVANCE_LAMBDA, frex, relevance, representative_documents, share_by_group, top_indices,
                      topic_map, word_frequencies)
from .view import write_view

log = logging.getLogger(__name__)

N_REPRESENTATIVE = 5
N_VIEW_TERMS = 30
SNIPPET_CHARS = 120


def write_topic_report(lda, documents: list, token_lists: list[list[str]], out_dir: Path, top_n: int = 10) -> dict:
    """Write the topic report of ``lda`` over ``documents`` (aligned with ``token_lists``) into ``out_dir``."""
    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    (out_dir / "figures").mkdir(parents=True, exist_ok=True)
    if len(documents) != len(token_lists):
        raise ValueError(f"write_topic_report: {len(documents)} documents but {len(token_lists)} token lists")
    data = topic_data(lda, documents, token_lists, top_n)

    (out_dir / "topics.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    (out_dir / "topics.md").write_text(_markdown(data, top_n), encoding="utf-8")
    write_view(data, out_dir / "topics.html")
    figures = _figures(data, out_dir / "figures")
    files = ["topics.json", "topics.md", "topics.html"] + [f"figures/{p.name}" for p in figures]
    seconds = round(time.perf_counter() - t0, 2)
    log.info("topic report: %d topics over %d documents in %.1fs -> %s", len(data["topics"]), len(documents),
             seconds, out_dir)
    return {
        "n_topics": len(data["topics"]),
        "n_documents": len(documents),
        "files": files,
        "seconds": seconds,
        "top_words": {t["name"]: " ".join(w["word"] for w in t["words"][:5]) for t in data["topics"]},
    }


def topic_data(lda, documents: list, token_lists: list[list[str]], top_n: int = 10) -> dict[str, Any]:
    """Everything the report shows, as JSON-ready data."""
    X = lda.count_matrix(token_lists)
    if X.shape[0]:
        gamma = infer_gamma(X, lda._exp_elog_beta(), lda.alpha_, lda.inference_max_iter, lda.inference_tol)
        theta = gamma / gamma.sum(axis=1, keepdims=True)
    else:
        theta = np.zeros((0, lda.components_.shape[0]))
    phi = lda.topic_word_
    vocab = lda.vocabulary_
    K = phi.shape[0]
    names = list(getattr(lda, "topic_names_", None) or [f"topic_{k:02d}" for k in range(K)])
    p_w = word_frequencies(X) if X.nnz else np.full(phi.shape[1], 1.0 / phi.shape[1])
    rel = relevance(phi, p_w)
    fx = frex(phi)
    by_prob, by_frex, by_rel = top_indices(phi, top_n), top_indices(fx, top_n), top_indices(rel, top_n)
    prevalence = theta.mean(axis=0) if theta.shape[0] else np.full(K, 1.0 / K)
    coords = topic_map(phi)
    reps = representative_documents(theta, N_REPRESENTATIVE) if theta.shape[0] else [[] for _ in range(K)]

    years_of = [[str(d.year)] if getattr(d, "year", None) else [] for d in documents]
    years, year_share, year_n = share_by_group(theta, years_of)
    labels_of = [list(d.labels) or [_no_label(d)] for d in documents]
    labels, label_share, label_n = share_by_group(theta, labels_of)
    from ..plotting import in_label_order

    order = [labels.index(g) for g in in_label_order(labels)]  # one label order in every table and figure
    labels, label_share, label_n = [labels[i] for i in order], label_share[order], label_n[order]

    # candidate terms for the interactive relevance slider: best 30 at lambda in 0, 0.2, ..., 1
    view_terms = []
    for k in range(K):
        cand: list[int] = []
        for lam in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0):
            cand.extend(top_indices(relevance(phi[k : k + 1], p_w, lam), N_VIEW_TERMS)[0].tolist())
        view_terms.append(sorted(set(cand)))

    topics = []
    for k in range(K):
        topics.append({
            "id": k,
            "name": names[k],
            "prevalence": round(float(prevalence[k]), 5),
            "seed_words": list((getattr(lda, "seed_words_used_", None) or {}).get(names[k], [])),
            "words": [{"word": vocab[j], "prob": round(float(phi[k, j]), 5)} for j in by_prob[k]],
            "frex": [vocab[j] for j in by_frex[k]],
            "relevance": [vocab[j] for j in by_rel[k]],
            "documents": [_doc_entry(documents[d], float(theta[d, k])) for d in reps[k]],
            "share_by_year": [round(float(v), 5) for v in year_share[:, k]],
            "share_by_label": [round(float(v), 5) for v in label_share[:, k]],
            "xy": [round(float(c), 5) for c in coords[k]],
            "terms": [{"w": vocab[j], "phi": float(f"{phi[k, j]:.4g}"), "pw": float(f"{p_w[j]:.4g}")}
                      for j in view_terms[k]],
        })
    return {
        "model": {
            "engine": getattr(lda, "engine", None),
            "n_topics": K,
            "vocabulary_size": len(vocab),
            "alpha": [round(float(a), 5) for a in np.atleast_1d(lda.alpha_)],
            "seeded": bool(getattr(lda, "seed_words_used_", None)),
        },
        "n_documents": len(documents),
        "relevance_lambda": RELEVANCE_LAMBDA,
        "years": years,
        "documents_per_year": [int(n) for n in year_n],
        "labels": labels,
        "documents_per_label": [int(n) for n in label_n],
        "topics": topics,
    }


def _no_label(doc) -> str:
    status = getattr(doc, "label_status", "")
    return "none" if status == "other" or getattr(doc, "primary", None) == "none" else "unlabelled"


def _doc_entry(doc, share: float) -> dict[str, Any]:
    text = (getattr(doc, "text", "") or "").replace("\n", " ")
    title = getattr(doc, "title", "") or text[:40]
    return {"id": str(doc.id), "title": title, "date": getattr(doc, "date", None), "share": round(share, 4),
            "labels": list(getattr(doc, "labels", ()) or ()), "snippet": text[:SNIPPET_CHARS]}


def _markdown(data: dict[str, Any], top_n: int) -> str:
    m = data["model"]
    lines = [f"# Topics ({m['engine']}, K={m['n_topics']}, {m['vocabulary_size']} words, "
             f"{data['n_documents']} documents)", "",
             f"Words by probability; FREX (frequent and exclusive) and relevance (lambda={data['relevance_lambda']}) "
             "rankings. Share = mean topic proportion over the documents.", "",
             "| topic | share | top words (prob) | FREX | relevance |", "|---|---|---|---|---|"]
    for t in sorted(data["topics"], key=lambda t: -t["prevalence"]):
        words = " ".join(f"{w['word']}({w['prob']:.3f})" for w in t["words"][:top_n])
        lines.append(f"| {t['name']} | {t['prevalence']:.3f} | {words} | {' '.join(t['frex'][:top_n])} | "
                     f"{' '.join(t['relevance'][:top_n])} |")
    lines.append("")
    for t in data["topics"]:
        lines.append(f"## {t['name']} (share {t['prevalence']:.3f})")
        if t["seed_words"]:
            lines.append(f"Seeded with: {' '.join(t['seed_words'][:20])}")
        lines.append(f"Top words: {' '.join(w['word'] for w in t['words'])}")
        if data["labels"]:
            best = sorted(zip(data["labels"], t["share_by_label"]), key=lambda x: -x[1])
            lines.append("By label: " + ", ".join(f"{lab} {v:.3f}" for lab, v in best))
        lines.append("")
        for d in t["documents"]:
            lines.append(f"- {d['date'] or ''} `{d['id']}` ({d['share']:.2f}) {d['title']}")
        lines.append("")
    return "\n".join(lines)


def _figures(data: dict[str, Any], fig_dir: Path) -> list[Path]:
    """Topic share by year and by label: one row per topic, named by its id and top words (Chinese is drawn with
    the packaged CJK font), labels in the package's label order, a colour bar that says what it measures."""
    from ..plotting import in_label_order, label_colorbar, new_figure, save, topic_label

    paths = []
    topics = data["topics"]
    names = [topic_label(t["name"], [w["word"] for w in t["words"]]) for t in topics]
    for key, groups, fname, xlabel in (("share_by_year", data["years"], "topic_share_by_year.png", "year"),
                                       ("share_by_label", data["labels"], "topic_share_by_label.png", "label")):
        if not groups:
            continue
        mat = np.asarray([t[key] for t in topics])  # (K, G)
        if key == "share_by_label":
            order = in_label_order(groups)
            mat = mat[:, [groups.index(g) for g in order]]
            groups = order
        fig = new_figure(max(6, 0.5 * len(groups) + 4.5), max(3, 0.24 * len(topics) + 1.5))
        ax = fig.subplots()
        im = ax.imshow(mat, aspect="auto", cmap="viridis", interpolation="nearest")
        ax.set_xticks(range(len(groups)), groups, rotation=35, ha="right", fontsize=8)
        ax.set_yticks(range(len(topics)), names, fontsize=7 if len(topics) > 25 else 8)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("topic (top words)")
        ax.set_title(f"mean topic share by {xlabel}", fontsize=10)
        label_colorbar(fig, im, ax, f"mean topic share of the {xlabel}'s documents", fraction=0.04)
        paths.append(save(fig, fig_dir / fname))
    return paths
