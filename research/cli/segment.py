"""``research segment PATH... [-o out.jsonl|out.csv|-] [--unit page|article|section|paragraph]``.

Splits raw page dumps into articles (and long features into sections), and government work reports (``.md``) into
paragraphs (or sections), prints a per-file summary and writes the records. Bad files are skipped with a one-line
warning each and counted; so is a file the ``--unit`` does not fit (``paragraph`` for a page). The exit code is 1
only if no input could be used (an existing output is then left as it was), 2 if ``--unit`` fits none of the
inputs or the output cannot be written. The output replaces an existing file only once complete; CSV text cells
that a spreadsheet would run as a formula get a leading '.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..atomic import check_target
from ..errors import DataError
from ..ingest import (INPUT_SUFFIXES, INPUT_UNITS, REPORT_UNITS, UNITS, ReportUnit, SegmentRun, expand_paths,
                      segment_inputs, unit_fits, write_jsonl, write_unit_records)


def add_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "segment", help="split raw newspaper pages into articles/sections, reports into paragraphs (JSONL/CSV)",
        description="Split raw page dumps (.txt files) into articles and sections, and government work reports "
                    "(.md files, optional YAML front matter) into paragraphs and sections.")
    p.add_argument("paths", nargs="+",
                   help=".txt page files, .md report files, or folders (searched recursively for *.txt and *.md)")
    p.add_argument("-o", "--output", default=None,
                   help="write records to a .jsonl or .csv file, or '-' for JSONL on stdout "
                        "(default: print the summary only)")
    p.add_argument("--unit", choices=INPUT_UNITS, default=None,
                   help=f"pages: one record per {', '.join(UNITS)} (default article); "
                        f"reports: per {' or '.join(REPORT_UNITS)} (default paragraph)")
    p.set_defaults(handler=main, segment_parser=p)
    return p


def _table(header: tuple, rows: list[tuple], total: tuple, name_width: int) -> list[str]:
    fmt = f"{{:<{name_width}}}  {{:<10}}" + "".join(f"  {{:>{max(8, len(h))}}}" for h in header[2:])
    return [fmt.format(*header), *(fmt.format(*r) for r in rows), fmt.format(*total)]


def _counts(run: SegmentRun) -> str:
    """``N <unit> records`` per kind of input read."""
    n_reports = sum(1 for r in run.records if isinstance(r, ReportUnit))
    if not run.reports:
        return f"{len(run.records)} {run.unit} records"
    parts = [f"{len(run.records) - n_reports} {run.unit} records"] if run.files else []
    return ", ".join([*parts, f"{n_reports} {run.report_unit} records"])


def format_summary(run: SegmentRun) -> str:
    """Fixed-width tables, one row per file (pages, then reports) and a total row each; the skipped count."""
    header = ("file", "encoding", "articles", "sections", "chars", "captions")
    rows = [(f.path, f.encoding, f.articles, f.sections, f.chars, f.captions) for f in run.files]
    total = ("total", f"{len(run.files)} files", *(sum(r[i] for r in rows) for i in range(2, 6)))
    report_header = ("report file", "encoding", "paragraphs", "sections", "chars")
    report_rows = [(f.path, f.encoding, f.paragraphs, f.sections, f.chars) for f in run.reports]
    report_total = ("total", f"{len(run.reports)} reports", *(sum(r[i] for r in report_rows) for i in range(2, 5)))
    names = [header, *rows, total] + ([report_header, *report_rows] if run.reports else [])
    width = max(len(str(r[0])) for r in names)
    lines = []
    if run.files or not run.reports:
        lines += _table(header, rows, total, width)
    if run.reports:
        lines += _table(report_header, report_rows, report_total, width)
    lines.append(f"{_counts(run)}; skipped {run.n_skipped} file(s)")
    lines.extend(f"  skipped {reason}" for _, reason in run.skipped)
    return "\n".join(lines)


def _check_unit(args: argparse.Namespace) -> None:
    """A ``--unit`` that fits none of the inputs is a usage error (exit 2), as an unknown unit is."""
    inputs = expand_paths(args.paths, None, INPUT_SUFFIXES)
    if args.unit is None or not inputs or any(unit_fits(p, args.unit) for p in inputs):
        return
    message = (f"--unit {args.unit} fits none of the inputs: pages (.txt) have {', '.join(UNITS)}; "
               f"reports (.md) have {', '.join(REPORT_UNITS)}")
    parser = getattr(args, "segment_parser", None)
    if parser is None:
        raise DataError(message)
    parser.error(message)


def main(args: argparse.Namespace) -> int:
    if args.output not in (None, "-") and Path(args.output).suffix.lower() not in (".jsonl", ".csv"):
        raise DataError(f"{args.output}: output must end with .jsonl or .csv (or be '-' for stdout)")
    if args.output not in (None, "-"):
        check_target(args.output, make_parents=True)  # a folder in the way fails now, not after segmenting
    _check_unit(args)
    run = segment_inputs(args.paths, unit=args.unit)
    to_stdout = args.output == "-"
    summary_stream = sys.stderr if to_stdout else sys.stdout
    if run.records:
        if to_stdout:
            write_jsonl(run.records, sys.stdout)
        elif args.output:
            n = write_unit_records(run.records, args.output)
            if not run.reports or not run.files:
                what = f"{run.report_unit if run.reports else run.unit} records"
            else:
                what = f"records ({_counts(run)})"
            print(f"wrote {n} {what} to {args.output}", file=summary_stream)
    elif args.output and not to_stdout:
        print(f"no records: {args.output} was not written (an existing file is unchanged)", file=summary_stream)
    print(format_summary(run), file=summary_stream)
    return 0 if run.files or run.reports else 1


__all__ = ["add_parser", "format_summary", "main"]
