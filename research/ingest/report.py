"""Government work reports (政府工作报告) -> paragraph and section units with their heading path.

A report is Markdown as published: front matter (title, ``——…在…会议上`` date line, the speaker), ``各位代表：``,
level-1 headings (``**一、2022年工作回顾**``, ``一、…``, ``**第一，…。**``, ``# …``), level-2 items (``（一）…``
either as a heading line of its own or as the lead sentence of a paragraph), paragraphs, lists, tables, photo
credits and HTML comments. Blocks are separated by blank lines.

Every character of the text is given a role (:func:`report_spans` tiles the text), so nothing is lost silently:
``front`` (title, date line, speaker), ``salutation`` (``各位代表：``), ``heading1``, ``heading2``, ``paragraph``,
``caption`` (photo credits, HTML comments) and ``blank``.

Units:

* ``paragraph``: one per paragraph block (a table or list block is one paragraph), id ``<report>:p<N>``;
* ``section``: one per heading path (a ``（一）`` item with the paragraphs under it, or a level-1 section without
  items, or the preamble), id ``<report>:s<N>``.

A ``（一）`` item lasts until the next item or level-1 heading, or until a paragraph turns to the deputies again
(``各位代表！过去一年…``): that paragraph and the ones after it belong to the level-1 section only.

The classifier reads ``text``: the paragraph itself (a ``（一）`` lead sentence included), never the headings
above it, which stay in ``section``/``subsection`` so that a heading's words do not label every paragraph under it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .normalize import normalize

REPORT_UNITS = ("paragraph", "section")
ROLES = ("front", "salutation", "heading1", "heading2", "paragraph", "caption", "blank")

_BLOCK = re.compile(r"[^\n]*\S[^\n]*(?:\n[^\n]*\S[^\n]*)*")
"""A run of non-blank lines: one Markdown block."""
_CN_NUM = "一二三四五六七八九十"
_H1 = re.compile(rf"^(?:#+\s*)?(?:[{_CN_NUM}]+、|第[{_CN_NUM}]+[，、,部分])")
_H2 = re.compile(rf"^(?:#+\s*)?[（(][{_CN_NUM}]+[）)]")
_MD_HEADING = re.compile(r"^(#+)\s*\S")
_BOLD_WHOLE = re.compile(r"^\*\*(.+?)\*\*\s*$", re.S)
_COMMENT = re.compile(r"^<!--.*-->$", re.S)
_CREDIT = re.compile(r"^[（(][^（）()]{0,20}摄[）)]$")
_SALUTATION = re.compile(r"^各位(?:代表|人大代表)[：:！!]?$")
_ADDRESS = re.compile(r"^各位(?:代表|人大代表)")
"""A paragraph that turns to the deputies again (``各位代表！过去一年…``) closes the ``（一）`` item above it."""
_DATE_LINE = re.compile(r"^(?:——|—|－－|--)|会议上[）)]?$|^在.{2,40}会议上")
_SPEAKER = re.compile(r"(?:省长|市长|州长|盟长|总理|主席|副市长|代市长|代省长|代理市长)\s*\S{1,4}(?:\s+\S{1,3})?$")
_TITLE = re.compile(r"^(?:\S{0,12}政府工作报告\S{0,8}|报告全文|全文)$")
MAX_HEADING_CHARS = 60
"""A block longer than this is never a heading (a ``（一）`` lead sentence opens a paragraph instead)."""


@dataclass(frozen=True)
class ReportBlock:
    """One block of the Markdown body, with the role it was given and its place in the text."""

    start: int
    end: int
    role: str
    text: str
    """The block with Markdown emphasis removed and whitespace normalised."""


@dataclass(frozen=True)
class ReportUnit:
    """A paragraph or section of a report, with its heading path and the report's metadata."""

    report: str
    """Report id (``level/region/year`` for the shared corpus, the file stem for a file)."""
    unit: str
    index: int
    text: str
    section: str = ""
    """The level-1 heading above the unit ("" in the preamble)."""
    subsection: str = ""
    """The ``（一）`` item the unit belongs to (its heading, or the lead sentence that opened it), or ""."""
    kind: str = "body"
    """``body``, ``list`` or ``table`` for paragraphs; ``section`` for section units."""
    start: int = 0
    end: int = 0
    region: str = ""
    level: str = ""
    year: int | None = None
    paragraphs: tuple[int, ...] = ()
    """For section units: the paragraph indices it holds."""
    meta: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    """The file the report was read from ("" for a report given as text, e.g. from the shared corpus)."""

    @property
    def id(self) -> str:
        return f"{self.report}:{'p' if self.unit == 'paragraph' else 's'}{self.index}"

    @property
    def heading_path(self) -> tuple[str, ...]:
        return tuple(h for h in (self.section, self.subsection) if h)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, **({"source": self.source} if self.source else {})}
        out |= {"report": self.report, "unit": self.unit, "index": self.index, "region": self.region,
                "level": self.level, "year": self.year, "section": self.section, "subsection": self.subsection,
                "kind": self.kind, "start": self.start, "end": self.end, "text": self.text}
        if self.unit == "section":
            out["paragraphs"] = list(self.paragraphs)
        return out


def _plain(block: str) -> str:
    """Block text without Markdown emphasis/heading marks, whitespace normalised line by line."""
    lines = [normalize(line.replace("**", "").lstrip("#").strip()) for line in block.split("\n")]
    return "\n".join(line for line in lines if line)


def _is_heading_text(plain: str) -> bool:
    return 0 < len(plain) <= MAX_HEADING_CHARS and "\n" not in plain and plain.count("。") <= 1 \
        and (plain.count("。") == 0 or plain.endswith("。"))


def _role(raw: str, plain: str, in_front: bool) -> str:
    if _COMMENT.match(raw.strip()) or _CREDIT.match(plain):
        return "caption"
    if _SALUTATION.match(plain):
        return "salutation"
    bold = bool(_BOLD_WHOLE.match(raw.strip()))
    md = _MD_HEADING.match(raw.strip())
    if in_front and len(plain) <= 80 and (_TITLE.match(plain.replace(" ", "")) or _DATE_LINE.search(plain)
                                          or _SPEAKER.search(plain) or (bold and not _H1.match(plain))):
        return "front"
    if _is_heading_text(plain):
        if _H2.match(plain):
            return "heading2"
        if _H1.match(plain) or bold or md:
            return "heading1"
    return "paragraph"


def report_blocks(text: str) -> list[ReportBlock]:
    """The report's non-blank blocks in order, each with its role."""
    blocks: list[ReportBlock] = []
    in_front = True
    for m in _BLOCK.finditer(text):
        raw = m.group()
        plain = _plain(raw)
        if not plain:
            blocks.append(ReportBlock(m.start(), m.end(), "caption", ""))
            continue
        role = _role(raw, plain, in_front)
        if role in ("salutation", "heading1", "heading2", "paragraph"):
            in_front = False
        blocks.append(ReportBlock(m.start(), m.end(), role, plain))
    return blocks


def report_spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, role)`` spans tiling the whole text: where every character went."""
    out: list[tuple[int, int, str]] = []
    pos = 0
    for b in report_blocks(text):
        if b.start > pos:
            out.append((pos, b.start, "blank"))
        out.append((b.start, b.end, b.role))
        pos = b.end
    if pos < len(text):
        out.append((pos, len(text), "blank"))
    return out


def _kind(raw_plain: str) -> str:
    first = raw_plain.lstrip()
    if first.startswith("|"):
        return "table"
    if re.match(r"^(?:[-*+]\s|\d+[.、]\s*)", first):
        return "list"
    return "body"


def _lead(plain: str) -> str:
    """The ``（一）`` lead sentence that opens a paragraph: up to the first 。 (at most MAX_HEADING_CHARS, and
    never past the first line)."""
    plain = plain.split("\n", 1)[0]
    end = plain.find("。")
    lead = plain[: end + 1] if 0 <= end < MAX_HEADING_CHARS else plain[:MAX_HEADING_CHARS]
    return lead.strip()


def report_paragraphs(text: str, report: str = "<text>", **meta: Any) -> list[ReportUnit]:
    """One :class:`ReportUnit` per paragraph block, with the headings above it.

    ``meta`` may give ``region``, ``level`` and ``year``; anything else goes to ``ReportUnit.meta``.
    """
    region, level, year = meta.pop("region", ""), meta.pop("level", ""), meta.pop("year", None)
    section = subsection = ""
    units: list[ReportUnit] = []
    for b in report_blocks(text):
        if b.role == "heading1":
            section, subsection = b.text, ""
        elif b.role == "heading2":
            subsection = b.text
        elif b.role == "paragraph":
            if _H2.match(b.text):
                subsection = _lead(b.text)
            elif _ADDRESS.match(b.text):
                subsection = ""
            units.append(ReportUnit(report, "paragraph", len(units), b.text, section, subsection, _kind(b.text),
                                    b.start, b.end, region, level, year, meta=dict(meta)))
    return units


def report_sections(paragraphs: list[ReportUnit]) -> list[ReportUnit]:
    """Paragraphs grouped by heading path, in order: one section unit per run of equal (section, subsection)."""
    groups: list[list[ReportUnit]] = []
    for p in paragraphs:
        if groups and groups[-1][0].heading_path == p.heading_path:
            groups[-1].append(p)
        else:
            groups.append([p])
    out = []
    for i, group in enumerate(groups):
        first = group[0]
        out.append(ReportUnit(first.report, "section", i, "\n".join(p.text for p in group), first.section,
                              first.subsection, "section", first.start, group[-1].end, first.region, first.level,
                              first.year, tuple(p.index for p in group), dict(first.meta), first.source))
    return out


def report_units(text: str, unit: str = "paragraph", report: str = "<text>", **meta: Any) -> list[ReportUnit]:
    """The report's units of kind ``unit`` (``paragraph`` or ``section``)."""
    if unit not in REPORT_UNITS:
        raise ValueError(f"unit must be one of {', '.join(REPORT_UNITS)} for a report, got {unit!r}")
    paragraphs = report_paragraphs(text, report, **meta)
    return paragraphs if unit == "paragraph" else report_sections(paragraphs)


_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def split_front_matter(text: str) -> tuple[dict[str, Any], str, int]:
    """``(YAML front matter, body, offset of the body)`` of a Markdown file; ({}, text, 0) when it has none."""
    import yaml

    from ..safe_yaml import safe_load

    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, text, 0
    try:
        meta = safe_load(m.group(1)) or {}  # aliases that expand beyond reason are refused (a ValueError)
    except (yaml.YAMLError, ValueError):  # ValueError: a date-like value that is no date (2023-13-45)
        return {}, text, 0
    return (meta if isinstance(meta, dict) else {}), text[m.end():], m.end()


__all__ = ["REPORT_UNITS", "ROLES", "ReportBlock", "ReportUnit", "report_blocks",
           "report_paragraphs", "report_sections", "report_spans", "report_units", "split_front_matter"]
