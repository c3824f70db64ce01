"""The :class:`Segment` record (one page, article or section) and its JSONL/CSV forms.

A JSONL line is ``Segment.to_json()``::

    {"id": "000_72fa3f510df407af:a1:s0", "source": "../shared/seeds/000_72fa3f510df407af.txt",
     "page": 0, "article": 1, "section": 0, "unit": "section",
     "headline": "经开区领导调研安全生产及安置房、保交楼绿化项目 紧扣时间节点 提质提速推进民生项目建设",
     "section_title": "", "byline": "记者 王赛华", "dateline": "本报讯 近日", "body": "经开区党工委…",
     "captions": [], "start": 609, "end": 1210, "text": "经开区领导调研…\\n经开区党工委…"}

``start``/``end`` are character offsets into the decoded page (``read_text``: BOM removed, newlines ``\\n``).
``text`` is what a classifier should read: headline (or, for a titled section, the section title) and body,
never bylines, datelines or captions. Article records also carry ``sections``: ``[{"section",
"section_title", "start", "end"}, ...]``. Page records have ``article`` and ``section`` null.

CSV has the same columns (no ``sections``) with ``captions`` joined by `` | ``, written with a BOM so that
Excel shows the Chinese correctly; a text cell that a spreadsheet would run as a formula (``=``, ``+``, ``-``,
``@``, tab, CR first) gets a leading ``'`` (:mod:`research.csv_safe`).
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..atomic import AtomicFile
from ..csv_safe import safe_row
from ..errors import DataError
from .layout import Part
from .normalize import join_pieces, normalize

UNITS = ("page", "article", "section")
CSV_COLUMNS = ("id", "source", "page", "article", "section", "unit", "headline", "section_title", "byline",
               "dateline", "body", "captions", "start", "end", "text")


@dataclass(frozen=True)
class Segment:
    """One unit of text to tag, with the metadata that was split off it and its place in the input."""

    source: str
    page: int = 0
    article: int | None = 0
    """0-based index of the article on the page; None for a page record."""
    section: int | None = None
    """0 is the untitled lead, 1.. the titled sections; None for page and article records."""
    unit: str = "article"
    headline: str = ""
    """All headline lines of the article (kicker, title, subtitle) joined with a space."""
    section_title: str = ""
    byline: str = ""
    dateline: str = ""
    body: str = ""
    """Layout-repaired paragraphs joined with newlines (an article's body includes its section titles)."""
    captions: list[str] = field(default_factory=list)
    start: int = 0
    end: int = 0
    sections: tuple[Segment, ...] = ()
    """For article records: the article's sections (always at least one)."""

    def __hash__(self) -> int:  # captions is a list, so the generated hash would fail
        return hash((self.source, self.unit, self.article, self.section, self.start, self.end))

    @property
    def id(self) -> str:
        """Stable id from the file stem: ``stem`` (page), ``stem:a1`` (article), ``stem:a1:s0`` (section)."""
        stem = Path(self.source).stem
        if self.unit == "page" or self.article is None:
            return stem
        if self.unit == "article" or self.section is None:
            return f"{stem}:a{self.article}"
        return f"{stem}:a{self.article}:s{self.section}"

    @property
    def text(self) -> str:
        """What a classifier reads. A titled section reads its title, not the article headline, so that
        one feature's party-building headline does not leak into its investment section."""
        head = "" if self.section_title else self.headline
        return "\n".join(s for s in (head, self.section_title, self.body) if s)

    def to_json(self) -> dict[str, Any]:
        out = {"id": self.id, "source": self.source, "page": self.page, "article": self.article,
               "section": self.section, "unit": self.unit, "headline": self.headline,
               "section_title": self.section_title, "byline": self.byline, "dateline": self.dateline,
               "body": self.body, "captions": list(self.captions), "start": self.start, "end": self.end,
               "text": self.text}
        if self.unit == "article":
            out["sections"] = [{"section": s.section, "section_title": s.section_title, "start": s.start,
                                "end": s.end} for s in self.sections]
        return out


def _field(text: str, parts: list[Part], role: str, sep: str) -> str:
    return sep.join(s for s in (normalize(text[p.start:p.end]) for p in parts if p.role == role) if s)


def _body(text: str, parts: list[Part], with_titles: bool) -> str:
    """Paragraphs in page order: pieces of one paragraph joined by layout repair, paragraphs by newlines."""
    lines: list[list[str]] = []  # the pieces of each paragraph, joined once at the end (linear, not quadratic)
    last = None
    for p in parts:
        if p.role == "section_title" and with_titles:
            lines.append([normalize(text[p.start:p.end])])
            last = None
        elif p.role == "body":
            piece = normalize(text[p.start:p.end])
            if last == p.paragraph and lines:
                lines[-1].append(piece)
            else:
                lines.append([piece])
            last = p.paragraph
    return "\n".join(s for s in map(join_pieces, lines) if s)


def build_article(text: str, parts: list[Part], source: str, index: int, page: int = 0) -> Segment:
    """The article record (with its section records) for the parts of one article."""
    bylines = list(dict.fromkeys(normalize(text[p.start:p.end]) for p in parts if p.role == "byline"))
    common = dict(source=source, page=page, article=index, headline=_field(text, parts, "headline", " "),
                  byline="; ".join(b for b in bylines if b), dateline=_field(text, parts, "dateline", " "))
    sections = []
    by_section: dict[int, list[Part]] = {}  # one pass, not one per section: a page of 20,000 headings stays fast
    for p in parts:
        by_section.setdefault(p.section, []).append(p)
    for number in sorted(by_section):
        own = [p for p in by_section[number] if p.role != "headline"]
        if number == 0 and parts[-1].section > 0 and not any(p.role in ("body", "caption") for p in own):
            continue  # a heading directly under the headline: there is no untitled lead
        own_span = own or parts
        sections.append(Segment(
            **common, section=number, unit="section", section_title=_field(text, own, "section_title", " "),
            body=_body(text, own, with_titles=False), captions=_captions(text, own),
            start=min(p.start for p in own_span), end=max(p.end for p in own_span)))
    return Segment(**common, section=None, unit="article", body=_body(text, parts, with_titles=True),
                   captions=_captions(text, parts), start=min(p.start for p in parts),
                   end=max(p.end for p in parts), sections=tuple(sections))


def _captions(text: str, parts: list[Part]) -> list[str]:
    return [s for s in (normalize(text[p.start:p.end]) for p in parts if p.role == "caption") if s]


def page_record(articles: list[Segment], source: str, page: int = 0) -> Segment:
    """All articles of one page as one record: each article's headline and body, in page order."""
    bylines = list(dict.fromkeys(a.byline for a in articles if a.byline))
    return Segment(
        source=source, page=page, article=None, section=None, unit="page",
        body="\n".join(a.text for a in articles), byline="; ".join(bylines),
        dateline="; ".join(a.dateline for a in articles if a.dateline),
        captions=[c for a in articles for c in a.captions],
        start=min((a.start for a in articles), default=0), end=max((a.end for a in articles), default=0))


def as_unit(articles: list[Segment], unit: str) -> list[Segment]:
    """Records of one page for ``unit``: the page, its articles, or their sections."""
    if unit == "article":
        return list(articles)
    if unit == "section":
        return [s for a in articles for s in a.sections]
    if unit == "page":
        return [page_record(articles, articles[0].source, articles[0].page)] if articles else []
    raise ValueError(f"unit must be one of {UNITS}, got {unit!r}")


def segment_from_json(obj: dict[str, Any]) -> Segment:
    """Inverse of :meth:`Segment.to_json` (sections of an article record are not restored)."""
    keys = ("source", "page", "article", "section", "unit", "headline", "section_title", "byline", "dateline",
            "body", "start", "end")
    return Segment(**{k: obj[k] for k in keys if k in obj}, captions=list(obj.get("captions") or []))


def write_jsonl(records: Iterable[Segment], stream: io.TextIOBase) -> int:
    n = 0
    for rec in records:
        stream.write(json.dumps(rec.to_json(), ensure_ascii=False) + "\n")
        n += 1
    return n


def write_csv(records: Iterable[Segment], stream: io.TextIOBase) -> int:
    writer = csv.DictWriter(stream, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    n = 0
    for rec in records:
        row = rec.to_json()
        row["captions"] = " | ".join(rec.captions)
        writer.writerow(safe_row(row))
        n += 1
    return n


def write_records(records: Iterable[Segment], path: str | Path, csv_writer=None) -> int:
    """Write ``.jsonl`` or ``.csv`` (by suffix) atomically, CSV with a BOM (Excel); returns the number of
    records written. ``csv_writer(records, stream)`` replaces the page CSV layout (report records use theirs)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".jsonl", ".csv"):
        raise DataError(f"{path}: output must end with .jsonl or .csv")
    with AtomicFile(path, "w", encoding="utf-8-sig" if suffix == ".csv" else "utf-8", newline="",
                    make_parents=True) as fh:
        n = (csv_writer or write_csv)(records, fh) if suffix == ".csv" else write_jsonl(records, fh)
    return n


__all__ = ["Segment", "UNITS", "as_unit", "build_article", "page_record", "segment_from_json", "write_csv",
           "write_jsonl", "write_records", "replace"]
