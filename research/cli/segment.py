"""``research segment PATH... [-o out.jsonl|out.csv|-] [--unit page|article|section]``.

Splits raw page dumps into articles (and long features into sections), prints a per-file summary and writes
the records. Bad files are skipped with a one-line warning each and counted; the exit code is 1 only if no
input could be used.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import DataError
from ..ingest import UNITS, SegmentRun, segment_paths, write_jsonl, write_records


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "segment", help="split raw newspaper pages into articles/sections (JSONL/CSV records)",
        description="Split raw page dumps (.txt files or folders of them) into articles and sections.")
    p.add_argument("paths", nargs="+", help=".txt page files or folders (searched recursively for *.txt)")
    p.add_argument("-o", "--output", default=None,
                   help="write records to a .jsonl or .csv file, or '-' for JSONL on stdout "
                        "(default: print the summary only)")
    p.add_argument("--unit", choices=UNITS, default="article",
                   help="one record per page, article (default) or section")
    p.set_defaults(handler=main)
    return p


def format_summary(run: SegmentRun) -> str:
    """A fixed-width table: one row per file, a total row, and the skipped count."""
    header = ("file", "encoding", "articles", "sections", "chars", "captions")
    rows = [(f.path, f.encoding, f.articles, f.sections, f.chars, f.captions) for f in run.files]
    total = ("total", f"{len(run.files)} files", *(sum(r[i] for r in rows) for i in range(2, 6)))
    width = max(len(str(r[0])) for r in [header, *rows, total])
    fmt = f"{{:<{width}}}  {{:<10}}  {{:>8}}  {{:>8}}  {{:>8}}  {{:>8}}"
    lines = [fmt.format(*header), *(fmt.format(*r) for r in rows), fmt.format(*total)]
    lines.append(f"{len(run.records)} {run.unit} records; skipped {run.n_skipped} file(s)")
    lines.extend(f"  skipped {reason}" for _, reason in run.skipped)
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    if args.output not in (None, "-") and Path(args.output).suffix.lower() not in (".jsonl", ".csv"):
        raise DataError(f"{args.output}: output must end with .jsonl or .csv (or be '-' for stdout)")
    run = segment_paths(args.paths, unit=args.unit)
    to_stdout = args.output == "-"
    summary_stream = sys.stderr if to_stdout else sys.stdout
    if run.files:
        if to_stdout:
            write_jsonl(run.records, sys.stdout)
        elif args.output:
            n = write_records(run.records, args.output)
            print(f"wrote {n} {args.unit} records to {args.output}", file=summary_stream)
    print(format_summary(run), file=summary_stream)
    return 0 if run.files else 1


__all__ = ["add_parser", "format_summary", "main"]
