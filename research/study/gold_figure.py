"""The figure of hand-read scores every run writes (``figures/hand_read_scores.png``): per hand-read set and per
label, the model's F1 and the rules' F1 against the reader's labels, with 95 % bootstrap intervals over items."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..labels import LABELS, to_indicator
from .bootstrap import per_label_f1_ci

SET_TITLES = {"hand_checked": "hand-checked news (新闻联播)", "hand_checked_reports": "hand-checked report paragraphs",
              "in_domain": "in-domain seed pages"}


def hand_read_label_scores(results: dict[str, Any], n_boot: int = 1000, seed: int = 0) -> dict[str, Any]:
    """{set: {"items", "model": [per-label F1 + CI], "baseline": [...], "baseline_name"}} from gold.json data."""
    out = {}
    for name, res in results.items():
        rows = res.get("predictions") or []
        if not rows:
            continue
        Y = to_indicator([p["gold"] for p in rows])
        out[name] = {"items": len(rows), "baseline_name": res.get("baseline"),
                     "model": per_label_f1_ci(Y, to_indicator([p["model"] for p in rows]), n_boot, seed),
                     "baseline": per_label_f1_ci(Y, to_indicator([p["baseline"] for p in rows]), n_boot, seed)}
    return out


def plot_hand_read_scores(scores: dict[str, Any], path: Path, title: str = "") -> Path | None:
    """One panel per hand-read set: per-label F1 of the model and of the rules, 95 % CI whiskers, label support."""
    from ..plotting import distinct_colors, new_figure, save

    if not scores:
        return None
    fig = new_figure(4.2 * len(scores) + 0.6, 3.9)
    axes = fig.subplots(1, len(scores), squeeze=False)[0]
    colors = distinct_colors(2)
    x = np.arange(len(LABELS))
    for ax, (name, s) in zip(axes, scores.items()):
        for i, (who, label) in enumerate((("model", "model"), ("baseline", s.get("baseline_name") or "rules"))):
            rows = s[who]
            values = np.array([r["value"] for r in rows])
            err = np.array([[r["value"] - r["lo"] for r in rows], [r["hi"] - r["value"] for r in rows]])
            ax.bar(x + (i - 0.5) * 0.38, values, width=0.38, yerr=np.clip(err, 0, None), capsize=2,
                   color=colors[i], label=label, error_kw={"elinewidth": 0.8})
        ax.set_xticks(x, [f"{n}\n(n={r['support']})" for n, r in zip(LABELS, s["model"])], fontsize=7)
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("F1 against the reader's labels", fontsize=8)
        ax.set_title(f"{SET_TITLES.get(name, name)}, {s['items']} items", fontsize=9)
        ax.legend(fontsize=7, loc="lower right")
    fig.suptitle(title or "hand-read scores per label (95 % bootstrap CI over items)", fontsize=10)
    return save(fig, path)
