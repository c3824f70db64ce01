"""The entry points: one text, one file, or many files and folders with bad files skipped and counted.

``segment_paths`` reads pages only; ``segment_inputs`` reads pages (``.txt``) and government work reports (``.md``,
see :mod:`.report_run`) side by side, as ``research segment`` does.
"""
from __future__ import annotations

import errno
import hashlib
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataError
from .layout import field_spans
from .read import read_page
from .records import UNITS, Segment, as_unit, build_article
from .report import REPORT_UNITS
from .report_run import ReportSummary, is_report_path, read_report, report_records
from .segment import segment_parts

log = logging.getLogger("research.ingest")

PAGE_SUFFIXES = (".txt",)
INPUT_SUFFIXES = (".txt", ".md")
"""What ``segment_inputs`` picks up in folders: pages and reports (``README.md`` files are left out)."""
INPUT_UNITS = tuple(dict.fromkeys(UNITS + REPORT_UNITS))
"""Every unit: ``page``, ``article``, ``section`` for pages; ``paragraph``, ``section`` for reports."""


def segment(text: str, source: str = "<text>") -> list[Segment]:
    """One page's text -> its article records, each with its section records (``Segment.sections``)."""
    return [build_article(text, parts, source, index) for index, parts in enumerate(segment_parts(text))]


def spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, field)`` spans tiling the whole text: where every character went (nothing is lost)."""
    return field_spans([p for parts in segment_parts(text) for p in parts], len(text))


def segment_file(path: str | Path) -> list[Segment]:
    """Read one page file (encoding detected) and segment it into article records."""
    return segment(read_page(path).text, source=str(path))


@dataclass(frozen=True)
class FileSummary:
    path: str
    encoding: str
    articles: int
    sections: int
    chars: int
    """Characters of article bodies (no headlines, bylines or captions)."""
    captions: int
    sha256: str = ""


@dataclass
class SegmentRun:
    """The records of a multi-file run, a per-file summary, and the files that were skipped and why."""

    unit: str
    """The unit of page records."""
    records: list = field(default_factory=list)
    """:class:`Segment` records of pages and (``segment_inputs``) :class:`ReportUnit` records of reports."""
    files: list[FileSummary] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """``(path, reason)`` for every input that could not be used."""
    reports: list[ReportSummary] = field(default_factory=list)
    """The report files read (``segment_inputs``)."""
    report_unit: str = "paragraph"
    """The unit of report records."""

    @property
    def n_skipped(self) -> int:
        return len(self.skipped)

    def fingerprint(self) -> dict:
        """What was read, for a run's provenance: file count, one hash over (path, sha256) pairs, skips."""
        digest = hashlib.sha256()
        for f in [*self.files, *self.reports]:
            digest.update(f"{Path(f.path).name}\t{f.sha256}\n".encode())
        out = {"files": len(self.files), "sha256": digest.hexdigest(), "unit": self.unit,
               "records": len(self.records), "skipped": self.n_skipped}
        if self.reports:
            out |= {"reports": len(self.reports), "report_unit": self.report_unit}
        return out

    def __iter__(self) -> Iterator[Segment]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)


def expand_paths(paths: Iterable[str | Path], skipped: list[tuple[str, str]] | None = None,
                 suffixes: tuple[str, ...] = PAGE_SUFFIXES) -> list[Path]:
    """Files as given, folders as their files with one of ``suffixes`` (default ``*.txt``; recursively, sorted,
    hidden files and ``README.md`` left out; symlinked folders are not followed).

    What cannot be used is named in ``skipped`` rather than passed over in silence: a folder with no such file,
    a subfolder that cannot be read, a ``*.txt`` symlink that loops or points nowhere.
    """
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            problems: list[tuple[str, str]] = []
            found = _walk(path, suffixes, problems)
            if skipped is not None:
                skipped.extend(problems)
                if not found:
                    skipped.append((str(path), f"{path}: folder has no {' or '.join(suffixes)} files"))
            out.extend(found)
        else:
            out.append(path)
    return out


def _walk(folder: Path, suffixes: tuple[str, ...], problems: list[tuple[str, str]]) -> list[Path]:
    found: list[Path] = []
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as it:
                entries = list(it)
        except OSError as exc:
            problems.append((str(current), f"{current}: cannot read the folder ({exc.strerror or exc})"))
            continue
        for entry in entries:
            name, wanted = entry.name, False
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                    continue
                wanted = name.endswith(suffixes) and not name.startswith(".") and name.lower() != "readme.md"
                if entry.is_symlink():
                    os.stat(entry.path)  # a loop or a link to nothing raises here
                if wanted and entry.is_file():
                    found.append(Path(entry.path))
            except OSError as exc:
                if exc.errno == errno.ELOOP:  # a loop is named whatever its name: it is never what was meant
                    problems.append((entry.path, f"{entry.path}: symlink loop"))
                elif wanted:
                    why = "broken symlink" if exc.errno == errno.ENOENT else exc.strerror or str(exc)
                    problems.append((entry.path, f"{entry.path}: {why}"))
    return sorted(found)


def segment_paths(paths: Iterable[str | Path] | str | Path, unit: str = "article") -> SegmentRun:
    """Segment every page under ``paths`` into ``unit`` records (page, article or section).

    A bad file (missing, binary, empty, unknown encoding) is logged as one warning naming it and skipped; the
    others still run. ``run.skipped`` lists the reasons.
    """
    if unit not in UNITS:
        raise DataError(f"unit must be one of {', '.join(UNITS)}, got {unit!r}")
    if isinstance(paths, (str, Path)):
        paths = [paths]
    run = SegmentRun(unit=unit)
    for _, records, summary in iter_files(expand_paths(paths, run.skipped), unit, run.skipped):
        run.records.extend(records)
        run.files.append(summary)
    return run


def _read_page(path: Path, unit: str, seen: dict[str, str]) -> tuple[list, FileSummary]:
    """A page's ``unit`` records and its summary row; :class:`DataError` if it cannot be read."""
    decoded = read_page(path)
    if path.stem in seen:
        log.warning("%s and %s share the id stem %r: their record ids will collide", seen[path.stem], path,
                    path.stem)
    seen[path.stem] = str(path)
    articles = segment(decoded.text, source=str(path))
    summary = FileSummary(
        path=str(path), encoding=decoded.encoding, articles=len(articles),
        sections=sum(len(a.sections) for a in articles), chars=sum(len(a.body) for a in articles),
        captions=sum(len(a.captions) for a in articles), sha256=decoded.sha256)
    return as_unit(articles, unit), summary


def _read_report(path: Path, unit: str, seen: dict[str, str]) -> tuple[list, ReportSummary]:
    """A report's ``unit`` records and its summary row; :class:`DataError` if it cannot be read."""
    doc = read_report(path)
    records, summary = report_records(doc, unit)
    if doc.report in seen:
        log.warning("%s and %s are both report %r: their record ids will collide", seen[doc.report], path,
                    doc.report)
    seen[doc.report] = str(path)
    return records, summary


def iter_files(files: Iterable[Path], unit: str | None, skipped: list[tuple[str, str]],
               on_file=None) -> Iterator[tuple[Path, list, FileSummary | ReportSummary]]:
    """One file at a time: ``(path, its records, its summary)`` for pages (``.txt``) and reports (``.md``),
    each by its kind. ``unit`` None = articles of pages, paragraphs of reports. A bad file, or one ``unit`` does
    not fit, is logged as one warning naming it and appended to ``skipped``; the others still run.
    ``on_file(path)`` is called after each file (a progress bar). The one walk behind ``segment`` and
    ``predict``: memory holds one file's records at a time."""
    pages_seen: dict[str, str] = {}
    reports_seen: dict[str, str] = {}
    for path in files:
        path = Path(path)
        report = is_report_path(path)
        try:
            if unit is not None and not unit_fits(path, unit):
                kind, fits = ("a report", REPORT_UNITS) if report else ("a page", UNITS)
                raise DataError(f"{path}: unit {unit} does not fit {kind} (its units: {', '.join(fits)})")
            if report:
                records, summary = _read_report(path, unit or "paragraph", reports_seen)
            else:
                records, summary = _read_page(path, unit or "article", pages_seen)
        except DataError as exc:
            log.warning("skipped %s", exc)
            skipped.append((str(path), str(exc)))
        else:
            yield path, records, summary
        if on_file is not None:
            on_file(path)


def unit_fits(path: str | Path, unit: str) -> bool:
    """Whether ``unit`` applies to the file: ``paragraph``/``section`` to a report (``.md``), ``page``/
    ``article``/``section`` to anything else (a page)."""
    return unit in (REPORT_UNITS if is_report_path(path) else UNITS)


def segment_inputs(paths: Iterable[str | Path] | str | Path, unit: str | None = None) -> SegmentRun:
    """Pages (``.txt``) and government work reports (``.md``) under ``paths`` into records, each file by its kind.

    ``unit`` None: articles of pages, paragraphs of reports; ``section``: sections of both; ``page``/``article``
    apply to pages only and ``paragraph`` to reports only: a file the unit does not fit is skipped with that
    reason, like a bad file (logged as one warning naming it; the others still run).
    """
    if unit is not None and unit not in INPUT_UNITS:
        raise DataError(f"unit must be one of {', '.join(INPUT_UNITS)}, got {unit!r}")
    if isinstance(paths, (str, Path)):
        paths = [paths]
    run = SegmentRun(unit=unit or "article", report_unit=unit or "paragraph")
    for _, records, summary in iter_files(expand_paths(paths, run.skipped, INPUT_SUFFIXES), unit, run.skipped):
        run.records.extend(records)
        (run.reports if isinstance(summary, ReportSummary) else run.files).append(summary)
    return run
