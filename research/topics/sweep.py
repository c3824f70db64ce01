"""Choosing K: train one model per (K, alpha, eta), score each on held-out documents, recommend a K.

Per setting: coherence (c_v, NPMI, u_mass; gensim ``CoherenceModel`` on the held-out token lists), held-out
perplexity, topic diversity (unique share of the top-25 words) and training time. All models share one train /
held-out split (seeded) and one vocabulary filter, so only K and the priors change between rows.
"""
from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from ..errors import ResearchError
from .coherence import coherence_per_topic, mean_finite
from .lda import LdaTopics
from .metrics import perplexity, topic_diversity

log = logging.getLogger(__name__)

NPMI_TOLERANCE = 0.005
"""A smaller K within this much held-out NPMI of the best K is preferred (simpler model, same coherence)."""


@dataclass
class SweepRow:
    k: int
    alpha: Any
    eta: Any
    c_v: float
    npmi: float
    u_mass: float
    perplexity: float
    diversity: float
    fit_seconds: float
    top_words: list[list[str]] = field(default_factory=list, repr=False)

    def table_row(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("top_words")
        return out


def split_heldout(n_docs: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(train indices, held-out indices), a seeded random split; both sorted."""
    if n_docs < 4:
        raise ResearchError(f"a topic sweep needs at least 4 documents, got {n_docs}")
    n_held = min(n_docs - 2, max(2, int(round(n_docs * fraction))))
    perm = np.random.default_rng(seed).permutation(n_docs)
    return np.sort(perm[n_held:]), np.sort(perm[:n_held])


def run_sweep(token_lists: Sequence[Sequence[str]], k_values: Sequence[int], lda_params: dict[str, Any],
              heldout_fraction: float = 0.1, seed: int = 0, alphas: Sequence[Any] | None = None,
              etas: Sequence[Any] | None = None, top_n: int = 10, max_heldout_docs: int | None = 5000,
              progress: bool | None = None) -> list[SweepRow]:
    """Train ``LdaTopics(**lda_params, n_topics=K, alpha=a, eta=e)`` for every combination; score on held-out docs."""
    from tqdm.auto import tqdm

    k_values = [int(k) for k in k_values]
    bad = [k for k in k_values if k < 2]
    if not k_values or bad:
        raise ResearchError(f"topic sweep: every K must be >= 2, got {list(k_values)}")
    train_idx, held_idx = split_heldout(len(token_lists), heldout_fraction, seed)
    if max_heldout_docs and held_idx.size > max_heldout_docs:
        held_idx = np.sort(np.random.default_rng(seed + 1).choice(held_idx, max_heldout_docs, replace=False))
    train_docs = [token_lists[i] for i in train_idx]
    held_docs = [token_lists[i] for i in held_idx]
    grid = [(k, a, e) for k in k_values for a in (alphas or [lda_params.get("alpha", "symmetric")])
            for e in (etas or [lda_params.get("eta")])]
    rows: list[SweepRow] = []
    models: list[LdaTopics] = []
    disable = None if progress is None else not progress
    for k, a, e in tqdm(grid, desc="topic sweep", unit="model", disable=disable):
        params = {**lda_params, "n_topics": k, "alpha": a, "eta": e}
        t0 = time.perf_counter()
        model = LdaTopics(**params).fit(train_docs)
        fit_seconds = time.perf_counter() - t0
        held_counts = model.count_matrix(held_docs)
        words = [[w for w, _ in topic] for topic in model.top_words(max(top_n, 25))]
        rows.append(SweepRow(k=k, alpha=a, eta=e, c_v=math.nan, npmi=math.nan, u_mass=math.nan,
                             perplexity=perplexity(model.components_, model.alpha_, held_counts),
                             diversity=topic_diversity(words, 25), fit_seconds=round(fit_seconds, 2),
                             top_words=[w[:top_n] for w in words]))
        models.append(model)
        log.info("K=%d alpha=%s eta=%s fitted in %.1fs", k, a, e, fit_seconds)
    t0 = time.perf_counter()
    scores = coherence_per_topic([r.top_words for r in rows], held_docs, topn=top_n)
    log.info("coherence of %d models on %d held-out documents in %.1fs", len(rows), len(held_docs),
             time.perf_counter() - t0)
    for row, per in zip(rows, scores):
        row.c_v, row.npmi, row.u_mass = (mean_finite(per["c_v"]), mean_finite(per["c_npmi"]),
                                         mean_finite(per["u_mass"]))
    return rows


def recommend(rows: Sequence[SweepRow], tolerance: float = NPMI_TOLERANCE) -> tuple[SweepRow, str]:
    """The row to use and why: highest held-out NPMI, except that the smallest K within ``tolerance`` of it wins."""
    scored = [r for r in rows if np.isfinite(r.npmi)]
    if not scored:
        raise ResearchError("topic sweep: no model could be scored for coherence (held-out texts too small?)")
    best = max(scored, key=lambda r: (r.npmi, -r.k))
    close = [r for r in scored if r.npmi >= best.npmi - tolerance]
    pick = min(close, key=lambda r: (r.k, -r.npmi))
    setting = f"K={pick.k}" + ("" if len({(r.alpha, r.eta) for r in rows}) == 1 else f" (alpha={pick.alpha}, eta={pick.eta})")
    if pick is best:
        reason = (f"{setting} has the highest held-out NPMI ({pick.npmi:.3f}; c_v {pick.c_v:.3f}, "
                  f"topic diversity {pick.diversity:.2f})")
        if len(close) > 1:
            reason += f" and no smaller K comes within {tolerance} of it"
    else:
        reason = (f"{setting} is the smallest K whose held-out NPMI ({pick.npmi:.3f}) is within {tolerance} of the "
                  f"best (K={best.k}: {best.npmi:.3f}); fewer topics at the same coherence (c_v {pick.c_v:.3f}, "
                  f"diversity {pick.diversity:.2f} vs {best.diversity:.2f})")
    return pick, reason


def markdown_table(rows: Sequence[SweepRow], recommended: SweepRow | None = None) -> str:
    varied = len({(str(r.alpha), str(r.eta)) for r in rows}) > 1
    head = ["K"] + (["alpha", "eta"] if varied else []) + ["c_v", "NPMI", "u_mass", "perplexity", "diversity",
                                                            "fit s"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        mark = " *" if r is recommended else ""
        cells = [f"{r.k}{mark}"] + ([str(r.alpha), str(r.eta)] if varied else []) + [
            f"{r.c_v:.3f}", f"{r.npmi:.3f}", f"{r.u_mass:.2f}", f"{r.perplexity:.0f}", f"{r.diversity:.2f}",
            f"{r.fit_seconds:.1f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def plot_sweep(rows: Sequence[SweepRow], path, recommended: SweepRow | None = None, title: str = "") -> None:
    from ..plotting import new_figure, save

    metrics = [("c_v", "c_v (held-out) ↑"), ("npmi", "NPMI (held-out) ↑"), ("u_mass", "u_mass ↑"),
               ("perplexity", "held-out perplexity ↓"), ("diversity", "topic diversity (top 25) ↑"),
               ("fit_seconds", "training time (s)")]
    fig = new_figure(12, 6.5)
    axes = fig.subplots(2, 3)
    settings = sorted({(str(r.alpha), str(r.eta)) for r in rows})
    for ax, (key, label) in zip(axes.ravel(), metrics):
        for a, e in settings:
            sub = sorted((r for r in rows if (str(r.alpha), str(r.eta)) == (a, e)), key=lambda r: r.k)
            name = f"alpha={a}, eta={e}" if len(settings) > 1 else None
            ax.plot([r.k for r in sub], [getattr(r, key) for r in sub], marker="o", label=name)
        if recommended is not None:
            ax.axvline(recommended.k, color="grey", linestyle="--", linewidth=1)
        ax.set_title(label, fontsize=10)
        ax.set_xlabel("K")
        ax.grid(alpha=0.3)
    if len(settings) > 1:
        axes[0, 0].legend(fontsize=7)
    fig.suptitle(title + (f"  (recommended K={recommended.k})" if recommended else ""), fontsize=11)
    save(fig, path, dpi=120)
