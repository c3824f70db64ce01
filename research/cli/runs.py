"""``research runs [EXPERIMENT] [--by METRIC] [--results DIR]``: finished runs, their hand-read scores, what differs.

Reads ``results/runs.jsonl``; runs whose folder was deleted are left out. The table shows, per run, the weak-label
test macro-F1, the hand-read scores (``hand_dev``: mean macro-F1 on the dev halves of the hand-checked news and
report sets, what ``best:`` ranks by; ``hand_heldout``: the same on the held-out halves; news/report micro-F1 over
all items), the ``--set`` overrides it was run with, and the config keys whose values differ between the listed
runs of an experiment. ``research runs --resolve best:default`` prints the model path an alias stands for (the
same resolution ``research predict`` and ``load_model`` use).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

MAX_DIFF_CHARS = 60


def add_parser(subparsers) -> None:
    from ..runs_index import DEFAULT_RANKING, RANKINGS

    p = subparsers.add_parser("runs", help="list finished runs (hand-read scores, differences, model paths); "
                                           "resolve best:/latest:",
                              formatter_class=argparse.RawDescriptionHelpFormatter,
                              description=__doc__.split("\n", 1)[1].strip()
                              + "\n\nRankings (--by):\n" + "\n".join(f"  {k:<13} {v}" for k, v in RANKINGS.items())
                              + "\n\nExamples:\n  research runs default\n  research runs default --by macro_f1\n"
                              "  research predict $(research runs --resolve best:default) page.txt")
    p.add_argument("experiment", nargs="?", default=None, help="only this experiment")
    p.add_argument("--results", default=None, help="results folder (default: results/)")
    p.add_argument("--by", choices=tuple(RANKINGS), default=DEFAULT_RANKING,
                   help=f"the metric best:<experiment> and * rank by (default: {DEFAULT_RANKING})")
    p.add_argument("--sort", choices=("time", "score", "macro_f1", "micro_f1"), default="time",
                   help="order (default: time, newest last; score = the --by metric, best first)")
    p.add_argument("--json", action="store_true", help="one JSON object per run instead of a table")
    p.add_argument("--resolve", metavar="ALIAS", default=None,
                   help="print the model path of best:<experiment> or latest:<experiment> and exit")
    p.set_defaults(handler=main)


def main(args) -> int:
    from ..runs_index import default_results_dir, rank_runs, read_runs, resolve_alias

    results = args.results or default_results_dir()
    if args.resolve:
        print(resolve_alias(args.resolve, results, by=args.by).model)
        return 0
    runs = read_runs(results, args.experiment)
    if args.sort == "score":
        ranked, _ = rank_runs(runs, args.by)
        runs = ranked + [r for r in runs if r not in ranked]
    elif args.sort != "time":
        runs.sort(key=lambda r: (getattr(r, args.sort) is None, -(getattr(r, args.sort) or 0.0), -r.line))
    differs = _differing_keys(runs)
    if args.json:
        for r in runs:
            print(json.dumps({"experiment": r.experiment, "run_id": r.run_id, "path": str(r.path),
                              "macro_f1": r.macro_f1, "micro_f1": r.micro_f1,
                              "hand_dev": r.score("hand_dev"), "hand_heldout": r.score("hand_heldout"),
                              "gold": r.gold, "overrides": r.overrides, "differs": differs.get(r.run_id, {}),
                              "model": str(r.model) if r.has_model else None}, ensure_ascii=False))
        return 0
    if not runs:
        where = f" of experiment {args.experiment!r}" if args.experiment else ""
        print(f"no finished runs{where} in {results}/runs.jsonl")
        return 0
    best, used = {}, {}
    for exp in sorted({r.experiment for r in runs}):
        ranked, metric = rank_runs([r for r in runs if r.experiment == exp and r.has_model], args.by)
        if ranked:
            best[exp], used[exp] = ranked[0], metric
    header = ("experiment", "run_id", "weak_macro", "hand_dev", "hand_heldout", "news_micro", "reports_micro",
              "overrides / differing config", "model")
    rows = [header]
    for r in runs:
        mark = " *" if best.get(r.experiment) is r else ""
        gold = r.gold
        notes = [f"--set {o}" for o in r.overrides]
        notes += [f"{k}={v}" for k, v in differs.get(r.run_id, {}).items() if not any(o.startswith(f"{k}=")
                                                                                     for o in r.overrides)]
        rows.append((r.experiment, r.run_id + mark, _f(r.macro_f1), _f(r.score("hand_dev")),
                     _f(r.score("hand_heldout")), _f(gold.get("hand_checked", {}).get("micro_f1")),
                     _f(gold.get("hand_checked_reports", {}).get("micro_f1")), "; ".join(notes) or "-",
                     str(r.model) if r.has_model else "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row[:-1], widths)) + "  " + row[-1])
    fallback = sorted(exp for exp, metric in used.items() if metric != args.by)
    print(f"\n{len(runs)} run(s); * = best:<experiment>, ranked by {args.by}"
          + (f" (no hand-read scores in {', '.join(fallback)}: ranked by weak-label macro_f1 there)"
             if fallback else ""))
    print("weak_macro: test split vs the rules' labels; hand_dev / hand_heldout: mean macro-F1 of the hand-checked "
          "news and report sets' dev / held-out halves; news_micro / reports_micro: micro-F1 over all their items")
    return 0


def _differing_keys(runs) -> dict[str, dict[str, str]]:
    """run_id -> {dotted config key: value} for the keys whose values differ between runs of one experiment
    (among the keys all of them recorded)."""
    from ..config import flatten

    out: dict[str, dict[str, str]] = {}
    by_exp: dict[str, list] = {}
    for r in runs:
        by_exp.setdefault(r.experiment, []).append(r)
    for exp_runs in by_exp.values():
        if len(exp_runs) < 2:
            continue
        flat = {r.run_id: flatten(_read_config(r.path)) for r in exp_runs}
        # keys every run recorded (a key only some runs have comes from a newer or older package version)
        keys = sorted(set.intersection(*(set(f) for f in flat.values())))
        varying = [k for k in keys if len({json.dumps(f.get(k), sort_keys=True, ensure_ascii=False)
                                           for f in flat.values()}) > 1]
        for r in exp_runs:
            out[r.run_id] = {k: _short(flat[r.run_id].get(k, "-")) for k in varying}
    return out


def _read_config(path: Path) -> dict[str, Any]:
    from ..safe_yaml import safe_load

    try:
        return safe_load((path / "config.yaml").read_text(encoding="utf-8")) or {}
    except Exception:  # noqa: BLE001 - a run folder without a readable config just shows no differences
        return {}


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= MAX_DIFF_CHARS else text[: MAX_DIFF_CHARS - 1] + "…"


def _f(value) -> str:
    return "-" if value is None else f"{value:.3f}"
