"""``research evaluate [MODEL ...] [--rules RULES ...]``: score saved models and labelling rules on hand-read text.

By default the hand-labelled articles and sections of the seed pages (in-domain: a 郑州经开区 page and a long
feature, ``builtin:seeds_gold_v1``); with ``--hand-checked`` also the 450 新闻联播 items read by hand (texts from
``--source``). Models trained by ``research run`` with ``evaluation.hand_checked`` set never saw those items; a
model trained on the embedded sample without it may have.

Each method gets micro/macro-F1, primary-label accuracy and per-label precision/recall; in-domain units are listed
one by one so that a reader can check them.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from ..labels import LABELS, NONE_LABEL
from .options import add_results

DEFAULT_PAGES = "../shared/seeds"
DEFAULT_SOURCE = "../shared/data/xwlb/xwlb_2012_2025.jsonl.gz"


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("evaluate", help="score models and rules on hand-labelled text (in-domain seeds)",
                              formatter_class=argparse.RawDescriptionHelpFormatter,
                              description=__doc__.split("\n", 1)[1].strip() + "\n\nExamples:\n"
                              "  research evaluate best:xwlb_full best:cctv_tags_naive --rules builtin:v1\n"
                              "  research evaluate best:default --hand-checked")
    p.add_argument("models", nargs="*", help="model files, run folders or aliases (best:<experiment>)")
    p.add_argument("--rules", action="append", default=None,
                   help="labelling rules to score as well (repeatable; default builtin:v1)")
    p.add_argument("--pages", default=DEFAULT_PAGES, help=f"raw pages of the in-domain set (default {DEFAULT_PAGES})")
    p.add_argument("--gold", default=None, help="hand labels of the page units (default builtin:seeds_gold_v1)")
    p.add_argument("--hand-checked", action="store_true", help="also score the 450 hand-checked 新闻联播 items")
    p.add_argument("--source", default=DEFAULT_SOURCE, help=f"新闻联播 dump for --hand-checked (default {DEFAULT_SOURCE})")
    add_results(p, for_aliases=True)
    p.add_argument("--trust-unverified", action="store_true",
                   help="load models that have no .sha256 sidecar (refused otherwise)")
    p.add_argument("-o", "--out", default=None, help="also write the report (markdown) here")
    p.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    from ..atomic import check_target, write_text
    from ..errors import DataError
    from ..model import load_model
    from ..study.gold_eval import SEEDS_GOLD, hand_checked_set, in_domain_set, model_predictor, rules_predictor

    if args.out:
        check_target(args.out, make_parents=True)  # an unwritable -o fails now, not after the evaluation
    gold_sets = []
    found = in_domain_set(args.pages, "builtin:v1", args.gold or SEEDS_GOLD)
    if isinstance(found, str):
        raise DataError(f"in-domain set: {found} (pass --pages)")
    gold_sets.append(found)
    if args.hand_checked:
        from ..datasets.xwlb import load_xwlb_labelled

        if not Path(args.source).is_file():
            raise DataError(f"--hand-checked needs the 新闻联播 dump: {args.source} not found (pass --source)")
        _, docs = load_xwlb_labelled(args.source)
        found = hand_checked_set(docs)
        if found is None:
            raise DataError(f"--hand-checked: none of the hand-checked ids is in {args.source}")
        gold_sets.append(found)

    methods = [(f"rules {r}", rules_predictor(r)) for r in (args.rules or ["builtin:v1"])]
    methods += [(f"model {m}", model_predictor(load_model(m, results_dir=args.results,
                                                          trust_unverified=args.trust_unverified)))
                for m in args.models]
    report = render(gold_sets, methods)
    print(report)
    if args.out:
        write_text(args.out, report + "\n")
    return 0


def _f(x) -> str:
    return "  –  " if x is None else f"{x:.3f}"


def render(gold_sets, methods) -> str:
    from ..study.gold_eval import evaluate_predictions

    lines: list[str] = []
    for gs in gold_sets:
        scored = [(name, *evaluate_predictions(gs, predict)[:2]) for name, predict in methods]
        tagged = len(gs.subsets) > 1
        width = max(len(n) for n, _, _ in scored) + (10 if tagged else 0)
        lines += [f"{gs.name}: {len(gs.items)} hand-labelled items", "",
                  f"{'method':<{width}}  micro-F1  macro-F1  primary  " + "  ".join(f"{lab:>14}" for lab in LABELS),
                  f"{'':<{width}}  {'':>8}  {'':>8}  {'acc.':>7}  " + "  ".join(f"{'P / R':>14}" for _ in LABELS)]
        for sub in gs.subsets:
            for name, per_subset, _ in scored:
                res = per_subset[sub]
                cells = [f"{_f(res['per_label'][lab]['precision'])}/{_f(res['per_label'][lab]['recall'])}"
                         for lab in LABELS]
                row = f"{name} [{sub}]" if tagged else name
                lines.append(f"{row:<{width}}  {_f(res['micro_f1']):>8}  {_f(res['macro_f1']):>8}  "
                             f"{_f(res['primary_accuracy']):>7}  " + "  ".join(f"{c:>14}" for c in cells))
        lines.append("")
        if gs.name == "in_domain":
            for i, g in enumerate(gs.items):
                lines.append(f"{g.id}  {gs.docs[g.id].title[:28]}")
                lines.append(f"    read by hand: {', '.join(g.labels) or NONE_LABEL}")
                for name, _, labels in scored:
                    mark = "ok" if set(labels[i]) == set(g.labels) else "  "
                    lines.append(f"    {mark} {name:<{width}}  {', '.join(labels[i]) or NONE_LABEL}")
            lines.append("")
    return "\n".join(lines).rstrip()
