"""``research predict MODEL PATH... [-o out.jsonl|out.csv|-] [--unit article|section|page]``: tag raw pages.

MODEL is a model.skops file, a run folder, or ``best:<experiment>`` / ``latest:<experiment>`` (see
``research runs``). Each PATH is a page file or a folder of ``*.txt`` pages; pages are segmented into articles,
sections or kept whole, tagged one batch at a time and written as they come (constant memory in the number of
inputs). Bad files (binary, undecodable, empty, missing) are reported and skipped. A summary table closes the run.

With ``--text``, each PATH is a file of documents instead: one text per line (.txt) or one JSON object per line
(.jsonl, text from ``text``/``content``, title from ``title``) -- handy for news-sized items.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from ..errors import ResearchError

UNITS = ("article", "section", "page")
CSV_FIELDS = ("id", "source", "unit", "article", "section", "headline", "section_title", "labels", "primary")


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "predict", help="tag raw pages (or documents) with a trained model",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=__doc__.split("\n", 1)[1].strip() + "\n\nExamples:\n"
        "  research predict best:default ../shared/seeds/ -o tags.csv\n"
        "  research predict results/default/<run>/model.skops page.txt --unit section")
    p.add_argument("model", help="model.skops, a run folder, or best:<experiment> / latest:<experiment>")
    p.add_argument("paths", nargs="+", metavar="PATH", help="page files or folders of *.txt pages")
    p.add_argument("-o", "--output", default="-",
                   help="out.jsonl, out.csv, or - for JSON lines on stdout (default)")
    p.add_argument("--unit", choices=UNITS, default="article", help="what to tag (default: article)")
    p.add_argument("--jobs", "-j", type=int, default=-1,
                   help="tokenizer processes (default -1 = all cores; used only for inputs large enough to gain)")
    p.add_argument("--backend", default=None, metavar="NAME",
                   help="segment with this backend instead of the model's own (e.g. rjieba: several times faster; "
                        "tokens may rarely differ from the trained segmenter's)")
    p.add_argument("--batch-size", type=int, default=512, help="documents per batch (default 512)")
    p.add_argument("--explain", type=int, default=5, metavar="N",
                   help="top N terms/topics behind the predicted labels per record (0 = off; default 5)")
    p.add_argument("--explanations", action="store_true",
                   help="JSONL only: add the full per-label explanation to each record")
    p.add_argument("--text", action="store_true",
                   help="PATHs are .txt (one document per line) or .jsonl document files, not pages")
    p.add_argument("--results", default=None, help="results folder for aliases (default: results/)")
    p.add_argument("--no-progress", dest="progress", action="store_false", help="no progress bar")
    p.set_defaults(handler=main)


def main(args) -> int:
    try:
        return _main(args)
    except BrokenPipeError:  # `research predict ... | head`: the reader left; stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _main(args) -> int:
    from ..model import load_model

    if args.batch_size < 1:
        raise ResearchError(f"--batch-size must be >= 1, got {args.batch_size}")
    if args.explanations and str(args.output).lower().endswith(".csv"):
        raise ResearchError("--explanations needs JSON lines output (-o out.jsonl or -)")
    writer = _open_writer(args.output)  # fail on a bad output path before loading anything
    try:
        model = load_model(args.model, results_dir=args.results, batch_size=args.batch_size, n_jobs=args.jobs,
                           backend=args.backend)
        summary = Summary(model.labels)
        t0 = time.perf_counter()
        bar = _bar(args.progress, "pages" if not args.text else "docs")
        if args.text:
            records = _tag_documents(model, args.paths, args.explain, args.explanations, summary, bar)
            skipped = summary.skipped
        else:
            stream = model.tag_pages(args.paths, unit=args.unit, explain=args.explain,
                                     explanations=args.explanations, on_file=lambda _p: bar.update(1))
            bar.total = len(stream.files)
            records = stream
            skipped = stream.skipped
        try:
            for rec in records:
                writer.write(rec)
                summary.add(rec)
        finally:
            bar.close()
        summary.skipped = skipped
        summary.seconds = time.perf_counter() - t0
        if summary.n == 0 and not skipped:
            raise ResearchError(f"nothing to tag in {' '.join(args.paths)}")
        writer.commit()
    finally:
        writer.close()
    out = sys.stderr if writer.to_stdout else sys.stdout
    print(summary.table(args.unit if not args.text else "document", writer.name), file=out)
    return 0 if summary.n or not summary.skipped else 1


class Summary:
    """Counts for the closing table: records per primary label and per label, skipped files."""

    def __init__(self, labels: list[str]):
        self.labels = labels
        self.n = 0
        self.primary: Counter = Counter()
        self.per_label: Counter = Counter()
        self.skipped: list[tuple[str, str]] = []
        self.seconds = 0.0

    def add(self, rec: dict[str, Any]) -> None:
        self.n += 1
        self.primary[rec["primary"]] += 1
        self.per_label.update(rec["labels"])

    def table(self, unit: str, output: str) -> str:
        rate = self.n / self.seconds if self.seconds > 0 else 0.0
        lines = [f"tagged {self.n} {unit}(s) in {self.seconds:.1f} s ({rate:.0f}/s) -> {output}",
                 "", f"{'label':<16}{'primary':>9}{'any':>7}", f"{'-' * 16}{'-' * 9:>9}{'-' * 7:>7}"]
        for name in [*self.labels, "none"]:
            any_count = self.per_label.get(name, 0) if name != "none" else self.primary.get("none", 0)
            lines.append(f"{name:<16}{self.primary.get(name, 0):>9}{any_count:>7}")
        lines.append(f"{'total':<16}{self.n:>9}")
        lines.append("")
        lines.append(f"skipped files: {len(self.skipped)}")
        for path, reason in self.skipped:
            lines.append(f"  {path}: {reason}")
        return "\n".join(lines)


# ---------------------------------------------------------------------- output


class _Writer:
    """JSONL or CSV, streamed; a file is written under a temporary name and renamed when complete."""

    def __init__(self, target: str, fmt: str, labels: list[str] | None = None):
        self.fmt = fmt
        self.to_stdout = target == "-"
        self.name = "stdout" if self.to_stdout else target
        if self.to_stdout:
            self.fh = sys.stdout
            self.tmp = None
        else:
            path = Path(target)
            if not path.parent.exists():
                raise ResearchError(f"output folder does not exist: {path.parent}")
            self.path = path
            self.tmp = path.with_name(f".{path.name}.partial-{os.getpid()}")
            self.fh = open(self.tmp, "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="")
        self._csv = None
        self._pending = 0

    def write(self, rec: dict[str, Any]) -> None:
        if self.fmt == "jsonl":
            self.fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        else:
            if self._csv is None:
                self._labels = list(rec["scores"])
                self._csv = csv.writer(self.fh, lineterminator="\n")
                self._csv.writerow([*CSV_FIELDS, *[f"score_{n}" for n in self._labels], "top_terms"])
            self._csv.writerow([_cell(rec.get(k)) for k in CSV_FIELDS]
                               + [f"{rec['scores'][n]:.6f}" for n in self._labels]
                               + ["|".join(rec.get("top_terms") or [])])
        self._pending += 1
        if self._pending >= 256:  # streamed: whatever was predicted is on disk / on the pipe
            self.fh.flush()
            self._pending = 0

    def commit(self) -> None:
        self.fh.flush()
        if self.tmp is not None:
            self.fh.close()
            os.replace(self.tmp, self.path)
            self.tmp = None

    def close(self) -> None:
        if self.tmp is not None:  # not committed: an error or Ctrl-C; leave no half file behind
            self.fh.close()
            self.tmp.unlink(missing_ok=True)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    return str(value)


def _open_writer(target: str) -> _Writer:
    if target == "-":
        return _Writer(target, "jsonl")
    suffix = Path(target).suffix.lower()
    if suffix not in (".jsonl", ".csv"):
        raise ResearchError(f"output {target}: use a .jsonl or .csv file name, or - for stdout")
    return _Writer(target, suffix[1:])


def _bar(enabled: bool, unit: str):
    from tqdm.auto import tqdm

    # on a terminal only, and only once the run takes more than a second: small inputs stay quiet
    return tqdm(total=None, unit=unit, desc="predict", disable=None if enabled else True, delay=1.0,
                file=sys.stderr)


# ---------------------------------------------------------------------- --text mode


def _iter_documents(paths: list[str], skipped: list[tuple[str, str]]):
    """(id, title, text) from .txt (one document per line) and .jsonl files, streamed."""
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            skipped.append((str(path), "not a file"))
            continue
        try:
            with open(path, encoding="utf-8") as fh:
                if path.suffix.lower() == ".jsonl":
                    for n, line in enumerate(fh, start=1):
                        if not line.strip():
                            continue
                        try:
                            obj = json.loads(line)
                        except ValueError:
                            skipped.append((f"{path}:{n}", "not valid JSON"))
                            continue
                        text = obj.get("text") or obj.get("content") or ""
                        title = obj.get("title") or ""
                        yield str(obj.get("id", f"{path.stem}:{n}")), title, "\n".join(s for s in (title, text) if s)
                else:
                    for n, line in enumerate(fh, start=1):
                        if line.strip():
                            yield f"{path.stem}:{n}", "", line.strip()
        except UnicodeDecodeError:
            skipped.append((str(path), "not UTF-8 text"))


def _tag_documents(model, paths: list[str], explain: int, explanations: bool, summary: Summary, bar):
    class _Doc:
        __slots__ = ("id", "title", "text")

        def __init__(self, id_, title, text):
            self.id, self.title, self.text = id_, title, text

        def to_json(self):
            return {"id": self.id, "title": self.title}

    def docs():
        for id_, title, text in _iter_documents(paths, summary.skipped):
            bar.update(1)
            yield _Doc(id_, title, text)

    return model.tag_segments(docs(), explain=explain, explanations=explanations)


__all__ = ["add_parser", "main"]
