"""Report files in: a government work report (``.md``) read, its front matter split off, cut into units.

The file-level entry points for :mod:`.report` (which works on text), beside :mod:`.run` for pages:

* :func:`read_report` decodes a file like a page (``read_page``: UTF-8/GBK/GB18030, bad files are a
  :class:`~research.errors.DataError` naming the file) and takes its metadata from the YAML front matter
  (``id``, ``region``, ``level``, ``year``), else from a ``<region>/<year>.md`` path (the layout of the source
  repository, whose ``政府工作报告-主要城市``-style grandparent folder also gives the level);
* :func:`report_file` gives its ``paragraph`` or ``section`` units, with offsets into the decoded file (front
  matter included) and ``source`` = the file path;
* :func:`report_file_spans` tiles every character of the file (``front_matter`` + the roles of
  :func:`~research.ingest.report.report_spans`);
* :func:`write_unit_records` writes page and report records alike to ``.jsonl``/``.csv``.

A report's id is the front matter's ``id``; else, for ``<region>/<year>.md``, ``[<level>/]<region>/<year>`` (the
shared corpus's own ids); else the file stem.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..csv_safe import safe_row
from ..errors import DataError
from .read import read_page
from .records import CSV_COLUMNS, Segment, write_records
from .report import REPORT_UNITS, ReportUnit, report_sections, report_spans, report_units, split_front_matter

REPORT_SUFFIXES = (".md",)
FRONT_MATTER_ROLE = "front_matter"
LEVEL_FOLDERS = {"政府工作报告-国务院": "national", "政府工作报告-省自治区": "province",
                 "政府工作报告-主要城市": "major_city", "政府工作报告-其他地市": "prefecture_city"}
"""Folder names of the source repository (lawtext/gov, ../shared/data/SOURCES.md §6) -> corpus level."""
REPORT_CSV_COLUMNS = ("id", "source", "report", "unit", "index", "region", "level", "year", "section",
                      "subsection", "kind", "paragraphs", "start", "end", "text")
_YEAR = re.compile(r"(?:1[89]|2\d)\d\d")


def is_report_path(path: str | Path) -> bool:
    """A ``.md`` file is read as a report; anything else as a page."""
    return Path(path).suffix.lower() in REPORT_SUFFIXES


@dataclass(frozen=True)
class ReportFile:
    """One decoded report file: its whole text, where the body starts, and the report's metadata."""

    path: str
    text: str
    """The decoded file (BOM removed, ``\\n`` newlines), front matter included: unit offsets refer to it."""
    body_start: int
    report: str
    region: str = ""
    level: str = ""
    year: int | None = None
    front_matter: dict[str, Any] = field(default_factory=dict)
    encoding: str = "utf-8"
    sha256: str = ""

    @property
    def body(self) -> str:
        return self.text[self.body_start:]


def _year(value: Any, path: Path) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool) and _YEAR.fullmatch(str(value)):
        return value
    if isinstance(value, str) and _YEAR.fullmatch(value.strip()):
        return int(value)
    raise DataError(f"{path}: front matter year must be a 4-digit year, got {value!r}")


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def report_meta(path: str | Path, front_matter: dict[str, Any]) -> dict[str, Any]:
    """``report`` (id), ``region``, ``level`` and ``year`` of a report file (see the module docstring)."""
    path = Path(path)
    region, level = _text(front_matter.get("region")), _text(front_matter.get("level"))
    year = _year(front_matter.get("year"), path)
    report = _text(front_matter.get("id"))
    if _YEAR.fullmatch(path.stem):  # <region>/<year>.md, as in the source repository
        year = year if year is not None else int(path.stem)
        region = region or path.parent.name
        level = level or LEVEL_FOLDERS.get(path.parent.parent.name, "")
        report = report or "/".join(s for s in (level, region, path.stem) if s)
    return {"report": report or path.stem, "region": region, "level": level, "year": year}


def read_report(path: str | Path) -> ReportFile:
    """Read one report file; :class:`DataError` naming the file if it is unusable (see :func:`read_page`) or
    its front matter is broken."""
    decoded = read_page(path)
    front, _, body_start = split_front_matter(decoded.text)
    if body_start == 0 and decoded.text.startswith("---\n"):
        raise DataError(f"{path}: front matter ('---' … '---') is not closed or not valid YAML")
    if not decoded.text[body_start:].strip():
        raise DataError(f"{path}: empty report (front matter only)")
    return ReportFile(str(path), decoded.text, body_start, front_matter=front, encoding=decoded.encoding,
                      sha256=decoded.sha256, **report_meta(path, front))


def report_units_of(doc: ReportFile, unit: str = "paragraph") -> list[ReportUnit]:
    """The units of a read report, with offsets into ``doc.text`` and ``source`` set to its path."""
    units = report_units(doc.body, unit, report=doc.report, region=doc.region, level=doc.level, year=doc.year)
    off = doc.body_start
    return [replace(u, start=u.start + off, end=u.end + off, source=doc.path) for u in units]


def report_file(path: str | Path, unit: str = "paragraph") -> list[ReportUnit]:
    """Read one report file and cut it into ``unit`` records (``paragraph`` or ``section``)."""
    return report_units_of(read_report(path), unit)


def report_file_spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, role)`` spans tiling a report file's whole text: its front matter, then the body's roles."""
    _, body, off = split_front_matter(text)
    head = [(0, off, FRONT_MATTER_ROLE)] if off else []
    return head + [(start + off, end + off, role) for start, end, role in report_spans(body)]


@dataclass(frozen=True)
class ReportSummary:
    """One report file of a run: its id, how many paragraphs and sections it has, and their characters."""

    path: str
    encoding: str
    report: str
    paragraphs: int
    sections: int
    chars: int
    """Characters of the paragraph texts (no headings, front matter, salutation or captions)."""
    sha256: str = ""


def report_records(doc: ReportFile, unit: str) -> tuple[list[ReportUnit], ReportSummary]:
    """The ``unit`` records of a read report and its summary row; :class:`DataError` if it has no paragraph."""
    if unit not in REPORT_UNITS:
        raise ValueError(f"unit must be one of {', '.join(REPORT_UNITS)} for a report, got {unit!r}")
    paragraphs = report_units_of(doc, "paragraph")
    if not paragraphs:
        raise DataError(f"{doc.path}: no paragraphs (only headings, front matter or captions)")
    sections = report_sections(paragraphs)
    summary = ReportSummary(doc.path, doc.encoding, doc.report, len(paragraphs), len(sections),
                            sum(len(p.text) for p in paragraphs), doc.sha256)
    return (paragraphs if unit == "paragraph" else sections), summary


# -- records out ------------------------------------------------------------------------------------------------
def _csv_row(rec: Segment | ReportUnit) -> dict[str, Any]:
    row = rec.to_json()
    if isinstance(rec, Segment):
        row["captions"] = " | ".join(rec.captions)
    else:
        row["paragraphs"] = " ".join(str(i) for i in rec.paragraphs)
    return row


def csv_columns(records: list) -> tuple[str, ...]:
    """Page columns, report columns, or (a mixed run) the page columns followed by the report-only ones.

    In a mixed file, ``section`` is the section number for page rows and the level-1 heading for report rows.
    """
    has_pages = any(isinstance(r, Segment) for r in records)
    if not any(isinstance(r, ReportUnit) for r in records):
        return CSV_COLUMNS
    if not has_pages:
        return REPORT_CSV_COLUMNS
    return CSV_COLUMNS + tuple(c for c in REPORT_CSV_COLUMNS if c not in CSV_COLUMNS)


def write_unit_csv(records: Iterable[Segment | ReportUnit], stream: io.TextIOBase) -> int:
    records = list(records)
    writer = csv.DictWriter(stream, fieldnames=csv_columns(records), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for rec in records:
        writer.writerow(safe_row(_csv_row(rec)))
    return len(records)


def write_unit_records(records: Iterable[Segment | ReportUnit], path: str | Path) -> int:
    """Write page and/or report records to ``.jsonl`` or ``.csv`` (by suffix), atomically.

    Page records only: exactly :func:`~research.ingest.records.write_records`. JSONL lines are ``to_json()``;
    CSV is written with a BOM (Excel), columns as :func:`csv_columns`.
    """
    records = list(records)
    if all(isinstance(r, Segment) for r in records):
        return write_records(records, path)
    return write_records(records, path, csv_writer=write_unit_csv)


__all__ = ["FRONT_MATTER_ROLE", "LEVEL_FOLDERS", "REPORT_CSV_COLUMNS", "REPORT_SUFFIXES", "ReportFile",
           "ReportSummary", "csv_columns", "is_report_path", "read_report", "report_file", "report_file_spans",
           "report_meta", "report_records", "report_units_of", "write_unit_csv", "write_unit_records"]
