"""Government work reports (政府工作报告, ../shared/data/gov_reports) as paragraph or section documents.

Raw line: ``{"id": "major_city/郑州市/2023", "level", "region", "year", "title", "source", "path", "text"}``
(../shared/data/SOURCES.md §6). Each report is cut into units by :mod:`research.ingest.report`; a unit becomes a
:class:`Document` with ``id = "<report id>:p<N>"`` (or ``:s<N>``), ``date = "<year>"`` and ``meta`` holding the
corpus name, region, level, year and heading path, so that splits and scores can be broken down by source.

Glossary appendices (``名词解释``) and units shorter than ``min_chars`` (``重点抓了以下工作：``) are left out: they are
not statements about what a government does.
"""
from __future__ import annotations

import re

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import DataError
from ..ingest.report import ReportUnit, report_units
from .records import Document, iter_json_lines

CORPUS = "gov_reports"
DEFAULT_SOURCE = "../shared/data/gov_reports/gov_reports_to2025.jsonl.gz"
LEVELS = ("national", "province", "major_city", "prefecture_city")
GLOSSARY = re.compile(r"名词(?:解释|注解|注释|说明)|^注释|^附件|^附：|^附录|^说明[：:]?$")
MIN_CHARS = 40
GENRE = "report"
"""The rules' genre for report units (``genres: report`` in rules_v2.yaml: report paragraphs are short and dense)."""


def iter_reports(path: str | Path, levels: Iterable[str] | None = None, regions: Iterable[str] | None = None,
                 years: tuple[int, int] | list[int] | None = None) -> Iterator[dict[str, Any]]:
    """Report records of the corpus file in file order, filtered by level, region and an inclusive year range."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"gov_reports source not found: {path} (the gzip'd JSONL in shared/data/SOURCES.md §6)")
    levels = set(levels) if levels else None
    regions = set(regions) if regions else None
    lo, hi = (years[0], years[1]) if years else (None, None)
    try:
        for lineno, obj in iter_json_lines(path):
            if not isinstance(obj, dict) or "text" not in obj or "id" not in obj:
                raise DataError(f"{path}:{lineno}: report without 'id'/'text'")
            year = obj.get("year")
            if levels and obj.get("level") not in levels:
                continue
            if regions and obj.get("region") not in regions:
                continue
            if lo is not None and (not isinstance(year, int) or not lo <= year <= hi):
                continue
            yield obj
    except (OSError, EOFError) as exc:
        raise DataError(f"{path}: cannot read ({exc})") from None


def is_glossary(unit: ReportUnit) -> bool:
    return bool(GLOSSARY.search(unit.section))


def report_to_units(report: dict[str, Any], unit: str = "paragraph", min_chars: int = MIN_CHARS) -> list[ReportUnit]:
    """The units of one report record that are worth tagging (no glossary, no one-line connectives)."""
    units = report_units(report["text"], unit, report=report["id"], region=report.get("region", ""),
                         level=report.get("level", ""), year=report.get("year"))
    return [u for u in units if len(u.text) >= min_chars and not is_glossary(u)]


def unit_document(u: ReportUnit) -> Document:
    """An unlabelled document for a report unit (labels are added by the caller's labeller)."""
    return Document(id=u.id, text=u.text, date=str(u.year) if u.year else None, title="",
                    meta=unit_meta(u))


def unit_meta(u: ReportUnit) -> dict[str, Any]:
    return {"corpus": CORPUS, "region": u.region, "level": u.level, "year": u.year, "section": u.section,
            "subsection": u.subsection, "kind": u.kind}


def iter_report_documents(path: str | Path, unit: str = "paragraph", levels: Iterable[str] | None = None,
                          regions: Iterable[str] | None = None, years: tuple[int, int] | list[int] | None = None,
                          min_chars: int = MIN_CHARS) -> Iterator[Document]:
    """Every unit of the filtered reports as an unlabelled :class:`Document`, in file order."""
    for report in iter_reports(path, levels, regions, years):
        for u in report_to_units(report, unit, min_chars):
            yield unit_document(u)



def load_gov_reports_labelled(path: str | Path, rules: str = "builtin:v2", unit: str = "paragraph",
                              levels: Iterable[str] | None = None, regions: Iterable[str] | None = None,
                              years: tuple[int, int] | list[int] | None = None,
                              min_chars: int = MIN_CHARS) -> tuple[dict[str, Any], list[Document]]:
    """Report units weak-labelled with ``rules``, in file order, and a header with the source and rule hashes."""
    from dataclasses import replace

    from ..fingerprint import file_sha256
    from ..weak_labels import make_labeller
    from .xwlb import corpus_counts

    labeller = make_labeller(rules)
    docs = []
    for doc in iter_report_documents(path, unit, levels, regions, years, min_chars):
        weak = labeller.label("", doc.text, genre=GENRE)
        docs.append(replace(doc, labels=weak.labels, primary=weak.primary, label_status=weak.status,
                            label_source=weak.source, label_score=weak.score))
    header = {"corpus": CORPUS, "source": Path(path).name, "source_sha256": file_sha256(path), "unit": unit,
              "filters": {"levels": sorted(levels) if levels else None, "regions": sorted(regions) if regions else None,
                          "years": list(years) if years else None, "min_chars": min_chars},
              "rules": str(rules), "rules_version": labeller.version, "rules_sha256": labeller.sha256,
              "label_source": labeller.source, "counts": corpus_counts(docs)}
    return header, docs


__all__ = ["CORPUS", "DEFAULT_SOURCE", "GENRE", "GLOSSARY", "LEVELS", "MIN_CHARS", "is_glossary", "iter_report_documents", "load_gov_reports_labelled",
           "iter_reports", "report_to_units", "unit_document", "unit_meta"]
