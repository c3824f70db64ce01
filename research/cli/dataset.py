"""``research dataset``: build the weak-labelled 新闻联播 corpus, the embedded sample, the hand-check, the card.

    research dataset build  [--source PATH] [--rules builtin:v1] [-o OUT]   corpus file + label counts per year
    research dataset sample [--version v2] [--rules builtin:v2]             rebuild research/datasets/data/sample_v2
    research dataset check  [--source PATH] [--rules builtin:v1]            weak labels vs the hand-checked sample
    research dataset card   [--source PATH] [--rules builtin:v1] [-o docs/DATASET_CARD.md]
    research dataset draw-gold --export /tmp/gold_to_read.txt --ids-out /tmp/gold_ids.json
                                     (re)draw the hand-check sample (default rules builtin:v0, as committed)
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..errors import DataError

DEFAULT_SOURCE = "../shared/data/xwlb/xwlb_2012_2025.jsonl.gz"
REPORTS_SOURCE = "../shared/data/gov_reports/gov_reports_to2025.jsonl.gz"
DEFAULT_OUT = "results/datasets/xwlb_labelled_v1.jsonl.gz"
DEFAULT_CARD = "docs/DATASET_CARD.md"


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser("dataset", help="build / sample / check / document the weak-labelled 新闻联播 corpus")
    sub = p.add_subparsers(dest="dataset_command", metavar="ACTION")
    sub.required = True

    def common(q: argparse.ArgumentParser) -> None:
        q.add_argument("--source", default=DEFAULT_SOURCE, help=f"raw xwlb dump (default {DEFAULT_SOURCE})")
        q.add_argument("--rules", default="builtin:v1", help="weak-labelling rules (builtin:v1 or a YAML path)")

    q = sub.add_parser("build", help="write the labelled corpus and print label counts per year")
    common(q)
    q.add_argument("-o", "--out", default=DEFAULT_OUT, help=f"output JSONL.gz (default {DEFAULT_OUT})")
    q.add_argument("--limit", type=int, default=None, help="keep only the first N items (id order)")

    q = sub.add_parser("sample", help="rebuild the embedded sample (v2: news + report paragraphs, the default)")
    q.add_argument("--source", default=DEFAULT_SOURCE, help=f"raw xwlb dump (default {DEFAULT_SOURCE})")
    q.add_argument("--rules", default=None, help="weak-labelling rules (default: builtin:v2; builtin:v1 for --version v1)")
    q.add_argument("--version", choices=("v1", "v2"), default="v2",
                   help="v2 (default): 新闻联播 + government-report paragraphs; v1: the news-only sample of 0.1")
    q.add_argument("--reports-source", default=REPORTS_SOURCE, help=f"report corpus for v2 (default {REPORTS_SOURCE})")
    q.add_argument("-o", "--out", default=None, help="output path (default: the packaged sample of that version)")
    q.add_argument("--per-label", type=int, default=None,
                   help="news documents per primary label (and 'none'); default 900 (v1) / the NEWS_QUOTA mix (v2)")
    q.add_argument("--max-chars", type=int, default=320, help="cut news texts to this many characters")

    q = sub.add_parser("check", help="weak-label precision/recall against the hand-checked sample")
    common(q)
    q.add_argument("--gold", default=None, help="hand-checked JSONL (default: the packaged one)")
    q.add_argument("--errors", action="store_true", help="also list every disagreement")
    q.add_argument("--json", default=None, help="write the full evaluation as JSON here")

    q = sub.add_parser("card", help="generate the dataset card (markdown)")
    common(q)
    q.add_argument("--reports-source", default=REPORTS_SOURCE,
                   help=f"report corpus for the report section's counts (default {REPORTS_SOURCE})")
    q.add_argument("--reports-rules", default="builtin:v2", help="rules of the report section (default builtin:v2)")
    q.add_argument("-o", "--out", default=DEFAULT_CARD)

    q = sub.add_parser("draw-gold", help="draw the stratified hand-check sample and export its texts for reading")
    common(q)
    q.add_argument("--per-stratum", type=int, default=82)
    q.add_argument("--unlabelled", type=int, default=40)
    q.add_argument("--label-source", default=None,
                   help="draw only items labelled by this source, e.g. model:v1_model (the expansion's own check)")
    q.add_argument("--seed", default=None, help="draw seed (default gold_v1, the committed hand-check sample)")
    q.add_argument("--export", required=True, help="plain-text file for the annotator (keep it outside the repo)")
    q.add_argument("--ids-out", required=True, help="JSON: drawn ids, strata, population sizes")
    q.set_defaults(rules="builtin:v0")  # the committed hand-check sample was drawn with the provisional rules
    p.set_defaults(handler=main)
    return p


def _source(path: str) -> Path:
    src = Path(path)
    if not src.is_file():
        raise DataError(f"source not found: {src} (pass --source / --reports-source; see ../shared/data/SOURCES.md)")
    return src


def main(args: argparse.Namespace) -> int:
    action = args.dataset_command
    if action == "build":
        from ..datasets.build import build_corpus, format_year_table

        header, docs = build_corpus(_source(args.source), args.out, rules=args.rules, limit=args.limit)
        print(format_year_table(header["counts"]["per_year"]))
        print(f"primary: {header['counts']['primary']}")
        print(f"wrote {len(docs)} documents -> {args.out} (rules {header['rules_version']} "
              f"sha256 {header['rules_sha256'][:12]}, source sha256 {header['source_sha256'][:12]})")
        return 0
    if action == "sample":
        from ..datasets.sample import SAMPLE_PATH, SAMPLE_V2_PATH, build_sample, build_sample_v2

        if args.version == "v1":
            out = Path(args.out) if args.out else SAMPLE_PATH
            header, docs = build_sample(_source(args.source), out, rules=args.rules or "builtin:v1",
                                        per_label=args.per_label or 900, max_chars=args.max_chars)
            print(f"wrote {len(docs)} documents, {out.stat().st_size} bytes -> {out}")
            print(f"primary: {header['counts']['primary']}  labels: {header['counts']['labels']}")
            return 0
        out = Path(args.out) if args.out else SAMPLE_V2_PATH
        header, docs = build_sample_v2(_source(args.source), _source(args.reports_source), out,
                                       rules=args.rules or "builtin:v2", per_label_news=args.per_label,
                                       max_chars_news=args.max_chars)
        print(f"wrote {len(docs)} documents, {out.stat().st_size} bytes -> {out}")
        for src, c in header["counts"].items():
            print(f"{src}: primary {c['primary']}  labels {c['labels']}")
        return 0
    if action == "check":
        from ..datasets.gold import GOLD_PATH, format_report, read_gold
        from ..datasets.card import evaluate_all

        gold_header, gold = read_gold(args.gold or GOLD_PATH)
        results = evaluate_all(_source(args.source), args.rules, gold, gold_header)
        print(format_report({k: v for k, v in results.items() if k in ("dev", "heldout", "all")}))
        if args.errors:
            for e in results["all"]["errors"]:
                print(f"{e['id']} [{e['split']}] gold={e['gold']} pred={e['pred']} ({e['status']}) {e['title'][:40]}"
                      f" | {e['reason']}")
        if args.json:
            Path(args.json).parent.mkdir(parents=True, exist_ok=True)
            Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                       encoding="utf-8")
        return 0
    if action == "card":
        from ..datasets.card import write_card

        write_card(_source(args.source), args.out, rules=args.rules, reports_source=_source(args.reports_source),
                   reports_rules=args.reports_rules)
        print(f"wrote {args.out}")
        return 0
    if action == "draw-gold":
        from ..datasets.gold import GOLD_PATH, SEED, draw, export_for_reading, read_gold, split_of, stratum_of
        from ..datasets.xwlb import load_xwlb_labelled
        from ..labels import LABELS

        header, docs = load_xwlb_labelled(_source(args.source), rules=args.rules)
        per = {lab: args.per_stratum for lab in LABELS} | {"other": args.per_stratum, "unlabelled": args.unlabelled}
        if args.label_source:  # a check of one labelling source; items already read are not read twice
            _, read = read_gold(GOLD_PATH)
            done = {g.id for g in read}
            docs = [d for d in docs if d.label_source == args.label_source and d.id not in done]
            per = {lab: args.per_stratum for lab in LABELS}
        sample, population = draw(docs, per, seed=args.seed or SEED)
        export_for_reading(sample, args.export)
        Path(args.ids_out).write_text(json.dumps({
            "rules_sha256": header["rules_sha256"], "population": population, "per_stratum": per,
            "seed": args.seed or SEED, "label_source": args.label_source,
            # nothing is tuned on a source check, so all of it is held out
            "items": [{"id": d.id, "stratum": stratum_of(d),
                       "split": "heldout" if args.label_source else split_of(d.id)} for d in sample],
        }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"drew {len(sample)} items -> {args.export}; ids/strata -> {args.ids_out}")
        return 0
    raise DataError(f"unknown dataset action {action!r}")
