"""``research runs [EXPERIMENT] [--results DIR]``: finished runs with their metrics and model paths.

Reads ``results/runs.jsonl``; runs whose folder was deleted are left out. ``research runs --resolve best:default``
prints the model path an alias stands for (the same resolution ``research predict`` and ``load_model`` use).
"""
from __future__ import annotations

import argparse
import json


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("runs", help="list finished runs (metrics, model paths); resolve best:/latest:",
                              formatter_class=argparse.RawDescriptionHelpFormatter,
                              description=__doc__.split("\n", 1)[1].strip()
                              + "\n\nExamples:\n  research runs\n  research runs default --sort macro_f1\n"
                              "  research predict $(research runs --resolve best:default) page.txt")
    p.add_argument("experiment", nargs="?", default=None, help="only this experiment")
    p.add_argument("--results", default=None, help="results folder (default: results/)")
    p.add_argument("--sort", choices=("time", "macro_f1", "micro_f1"), default="time",
                   help="order (default: time, newest last)")
    p.add_argument("--json", action="store_true", help="one JSON object per run instead of a table")
    p.add_argument("--resolve", metavar="ALIAS", default=None,
                   help="print the model path of best:<experiment> or latest:<experiment> and exit")
    p.set_defaults(handler=main)


def main(args) -> int:
    from ..runs_index import default_results_dir, read_runs, resolve_alias

    results = args.results or default_results_dir()
    if args.resolve:
        print(resolve_alias(args.resolve, results).model)
        return 0
    runs = read_runs(results, args.experiment)
    if args.sort != "time":
        runs.sort(key=lambda r: (getattr(r, args.sort) is None, -(getattr(r, args.sort) or 0.0), -r.line))
    if args.json:
        for r in runs:
            print(json.dumps({"experiment": r.experiment, "run_id": r.run_id, "path": str(r.path),
                              "macro_f1": r.macro_f1, "micro_f1": r.micro_f1,
                              "model": str(r.model) if r.has_model else None}, ensure_ascii=False))
        return 0
    if not runs:
        where = f" of experiment {args.experiment!r}" if args.experiment else ""
        print(f"no finished runs{where} in {results}/runs.jsonl")
        return 0
    best = {}
    for r in runs:
        if r.has_model and r.macro_f1 is not None:
            cur = best.get(r.experiment)
            if cur is None or (r.macro_f1, r.line) > (cur.macro_f1, cur.line):
                best[r.experiment] = r
    rows = [("experiment", "run_id", "macro_f1", "micro_f1", "model")]
    for r in runs:
        mark = " *" if best.get(r.experiment) is r else ""
        rows.append((r.experiment, r.run_id + mark, _f(r.macro_f1), _f(r.micro_f1),
                     str(r.model) if r.has_model else "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row[:4], widths)) + "  " + row[4])
    print(f"\n{len(runs)} run(s); * = best macro-F1 of its experiment (alias best:<experiment>)")
    return 0


def _f(value) -> str:
    return "-" if value is None else f"{value:.3f}"
