"""``research predict MODEL PATH... [-o out.jsonl|out.csv|-] [--unit article|section|page|paragraph]``: tag raw
pages and government work reports.

MODEL is a model.skops file, a run folder, or ``best:<experiment>`` / ``latest:<experiment>`` (see
``research runs``). Each PATH is a page file or a folder of ``*.txt`` pages; pages are segmented into articles,
sections or kept whole, tagged one batch at a time and written as they come (constant memory in the number of
inputs). Bad files (binary, undecodable, empty, missing, larger than a page can be) are reported and skipped.
A summary table closes the run. The output file is written under a temporary name and replaces an existing one
only when complete and non-empty; CSV text cells that a spreadsheet would run as a formula get a leading '.

With ``--text``, each PATH is a file of documents instead: one text per line (.txt) or one JSON object per line
(.jsonl, text from ``text``/``content``, title from ``title``) -- handy for news-sized items. Each line is decoded
on its own: a bad line (not UTF-8, not a JSON object, too long) is reported and counted, the others are tagged.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from ..atomic import AtomicFile
from ..csv_safe import SafeWriter, safe_cell
from ..errors import OutputError, ResearchError
from ..ingest import INPUT_UNITS
from .options import add_results

MAX_LISTED = 50
"""Skipped inputs listed one by one in the closing table; the rest are counted."""
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
    p.add_argument("--unit", choices=INPUT_UNITS, default=None,
                   help="what to tag: article/section/page of pages (.txt), paragraph/section of government work "
                        "reports (.md); default: articles of pages, paragraphs of reports")
    p.add_argument("--jobs", "-j", type=int, default=-1,
                   help="tokenizer processes (default -1 = all cores; used only for inputs large enough to gain)")
    p.add_argument("--backend", default=None, metavar="NAME",
                   help="segment with this backend instead of the model's own (e.g. rjieba: several times faster; "
                        "tokens may rarely differ from the trained segmenter's)")
    p.add_argument("--batch-size", type=int, default=512, help="documents per batch (default 512)")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="score the batches on a Dask cluster: tcp://HOST:8786, or 'local' for a LocalCluster of "
                        "--jobs workers (needs research[dask]); output equals the local one")
    p.add_argument("--explain", type=int, default=5, metavar="N",
                   help="top N terms/topics behind the predicted labels per record (0 = off; default 5)")
    p.add_argument("--explanations", action="store_true",
                   help="JSONL only: add the full per-label explanation to each record")
    p.add_argument("--text", action="store_true",
                   help="PATHs are .txt (one document per line) or .jsonl document files, not pages")
    add_results(p, for_aliases=True)
    p.add_argument("--trust-unverified", action="store_true",
                   help="load a model that has no .sha256 sidecar (its integrity cannot be checked; refused "
                        "otherwise)")
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
    _check_not_an_input(args.output, args.paths)
    writer = _open_writer(args.output)  # fail on a bad output path before loading anything
    try:
        model = load_model(args.model, results_dir=args.results, batch_size=args.batch_size, n_jobs=args.jobs,
                           backend=args.backend, trust_unverified=args.trust_unverified)
        if args.scheduler:
            model.use_scheduler(args.scheduler, n_workers=args.jobs if args.jobs > 0 else 2)
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
        if summary.n:  # an existing output is only ever replaced by a complete, non-empty new one
            writer.commit()
    finally:
        writer.close()
    out = sys.stderr if writer.to_stdout else sys.stdout
    written = writer.name if summary.n else "nothing written"
    print(summary.table(_unit_name(args, [] if args.text else stream.files), written), file=out)
    if not summary.n:
        kept = "" if writer.to_stdout else f"; {writer.name} was not written (an existing file is unchanged)"
        print(f"research: nothing tagged{kept}", file=sys.stderr)
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
        for path, reason in self.skipped[:MAX_LISTED]:
            lines.append(f"  {reason if reason.startswith(path) else f'{path}: {reason}'}")  # no "path: path: why"
        if len(self.skipped) > MAX_LISTED:
            lines.append(f"  ... and {len(self.skipped) - MAX_LISTED} more")
        return "\n".join(lines)


# ---------------------------------------------------------------------- output


class _Writer:
    """JSONL or CSV, streamed; a file is written under a temporary name and renamed when complete
    (:class:`~research.atomic.AtomicFile`)."""

    def __init__(self, target: str, fmt: str, labels: list[str] | None = None):
        self.fmt = fmt
        self.to_stdout = target == "-"
        self.name = "stdout" if self.to_stdout else target
        self.out: AtomicFile | None = None
        if self.to_stdout:
            self.fh = sys.stdout
        else:
            self.out = AtomicFile(target, "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="")
            self.fh = self.out.file
        self._csv = None
        self._pending = 0

    def write(self, rec: dict[str, Any]) -> None:
        try:
            self._write(rec)
        except BrokenPipeError:
            raise
        except OSError as exc:  # e.g. disk full: a write error does not name its file
            raise OutputError(f"{self.name}: cannot write ({exc.strerror or exc}); the old file, if any, is "
                              "unchanged") from None

    def _write(self, rec: dict[str, Any]) -> None:
        if self.fmt == "jsonl":
            self.fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        else:
            if self._csv is None:
                self._labels = list(rec["scores"])
                self._csv = SafeWriter(self.fh)
                self._csv.writerow([*CSV_FIELDS, *[f"score_{n}" for n in self._labels], "top_terms"])
            self._csv.writerow([_cell(rec.get(k)) for k in CSV_FIELDS]
                               + [f"{rec['scores'][n]:.6f}" for n in self._labels]
                               + [safe_cell("|".join(rec.get("top_terms") or []))])
        self._pending += 1
        if self._pending >= 256:  # streamed: whatever was predicted is on disk / on the pipe
            self.fh.flush()
            self._pending = 0

    def commit(self) -> None:
        if self.out is None:
            self.fh.flush()
            return
        self.out.commit()
        self.out = None

    def close(self) -> None:
        if self.out is not None:  # not committed: an error, Ctrl-C or nothing tagged; leave no half file behind
            self.out.discard()
            self.out = None


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return safe_cell("|".join(str(v) for v in value))
    return safe_cell(str(value))


def _open_writer(target: str) -> _Writer:
    if target == "-":
        return _Writer(target, "jsonl")
    suffix = Path(target).suffix.lower()
    if suffix not in (".jsonl", ".csv"):
        raise ResearchError(f"output {target}: use a .jsonl or .csv file name, or - for stdout")
    return _Writer(target, suffix[1:])


def _check_not_an_input(target: str, paths: list[str]) -> None:
    """Writing over an input would lose it once the output replaces it."""
    if target == "-" or not Path(target).is_file():
        return
    for raw in paths:
        try:
            if Path(raw).is_file() and os.path.samefile(raw, target):
                raise ResearchError(f"output {target} is also an input; write the tags to another file")
        except OSError:
            continue


def _unit_name(args, files: list) -> str:
    """What the summary counts: documents (--text), the unit asked for, else articles (pages only) or records."""
    if args.text:
        return "document"
    if args.unit:
        return args.unit
    return "record" if any(str(f).endswith(".md") for f in files) else "article"


def _bar(enabled: bool, unit: str):
    from tqdm.auto import tqdm

    # on a terminal only, and only once the run takes more than a second: small inputs stay quiet
    return tqdm(total=None, unit=unit, desc="predict", disable=None if enabled else True, delay=1.0,
                file=sys.stderr)


# ---------------------------------------------------------------------- --text mode


def _iter_documents(paths: list[str], skipped: list[tuple[str, str]]):
    """(id, title, text) from .txt (one document per line) and .jsonl files, streamed.

    Each line is read as bytes (at most a document's worth, see ``MAX_PAGE_BYTES``) and decoded on its own, so
    one bad byte, one line that is not a JSON object or one huge line is reported as ``path:line`` in ``skipped``
    and the other lines are still tagged.
    """
    from ..ingest.read import MAX_PAGE_BYTES, binary_kind

    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            skipped.append((str(path), "is a folder, not a document file" if path.is_dir() else "no such file"))
            continue
        try:
            fh = open(path, "rb")
        except OSError as exc:
            skipped.append((str(path), f"cannot read ({exc.strerror or exc})"))
            continue
        with fh:
            kind = binary_kind(fh.read(8192))
            if kind:
                skipped.append((str(path), f"binary file ({kind}), not text"))
                continue
            fh.seek(0)
            jsonl = path.suffix.lower() == ".jsonl"
            for n, line in _lines(fh, MAX_PAGE_BYTES):
                where = f"{path}:{n}"
                if line is None:
                    skipped.append((where, f"line longer than {MAX_PAGE_BYTES >> 20} MiB, the largest document "
                                           "read"))
                    continue
                try:
                    text = line.decode("utf-8-sig" if n == 1 else "utf-8").strip()
                except UnicodeDecodeError as exc:
                    skipped.append((where, f"not UTF-8 text (byte {exc.start + 1} of the line)"))
                    continue
                if not text:
                    continue
                if not jsonl:
                    yield f"{path.stem}:{n}", "", text
                    continue
                doc = _json_document(text)
                if isinstance(doc, str):
                    skipped.append((where, doc))
                    continue
                id_, title, body = doc
                yield (id_ if id_ is not None else f"{path.stem}:{n}"), title, "\n".join(s for s in (title, body) if s)


def _lines(fh, limit: int):
    """(line number, bytes) per line of a binary file; bytes is None for a line longer than ``limit``, which is
    read past in blocks, never held whole."""
    n = 0
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        n += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := fh.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield n, None
        else:
            yield n, line


def _json_document(line: str) -> tuple[str | None, str, str] | str:
    """(id or None, title, text) of one JSON line, or the reason it cannot be a document."""
    try:
        obj = json.loads(line)
    except ValueError:
        return "not valid JSON"
    if not isinstance(obj, dict):
        return f"not a JSON object ({type(obj).__name__})"
    fields = {}
    for key in ("text", "content", "title"):
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            return f"{key} is not a string ({type(value).__name__})"
        fields[key] = value or ""
    id_ = obj.get("id")
    if id_ is not None and (isinstance(id_, bool) or not isinstance(id_, (str, int, float))):
        return f"id is not a string or a number ({type(id_).__name__})"
    for key, value in (*fields.items(), ("id", str(id_ or ""))):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # "\ud800": valid JSON, not text; it cannot be tokenized or written out
            return f"{key} has a lone surrogate (\\u{ord(value[_surrogate_at(value)]):04x}), not text"
    return (None if id_ is None else str(id_)), fields["title"], fields["text"] or fields["content"]


def _surrogate_at(value: str) -> int:
    return next(i for i, c in enumerate(value) if 0xD800 <= ord(c) <= 0xDFFF)


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
