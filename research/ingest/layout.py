"""Physical lines of a page with their offsets, and the field map that accounts for every input character.

A page dump breaks text wherever the printed column ended and puts blank lines everywhere, so a physical line
is not a paragraph. This module only *measures* the layout: where each non-blank line starts and ends in the
input, and how many blank lines precede it (two or more mark an image). Deciding which lines belong together
is the segmenter's job (``segment.py``), using the predicates in ``rules.py``.
"""
from __future__ import annotations

from dataclasses import dataclass

FIELDS = ("headline", "section_title", "dateline", "byline", "caption", "body", "other")
"""Where an input character can end up. ``other`` is layout whitespace and the separator after a dateline."""


@dataclass(frozen=True)
class Line:
    """One non-blank physical line: ``text`` is ``page[start:end]`` without surrounding whitespace."""

    start: int
    end: int
    gap: int
    """Blank lines between this line and the previous non-blank one (or the start of the page)."""
    text: str


def content_lines(text: str) -> list[Line]:
    """Non-blank lines of ``text`` (split on ``\\n`` only) with offsets and preceding blank-line counts."""
    lines: list[Line] = []
    pos, blanks = 0, 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            start = pos + (len(raw) - len(raw.lstrip()))
            end = start + len(stripped)
            lines.append(Line(start=start, end=end, gap=blanks, text=stripped))
            blanks = 0
        else:
            blanks += 1
        pos += len(raw) + 1
    return lines


@dataclass(frozen=True)
class Part:
    """A classified stretch of the input: ``page[start:end]`` went into field ``role``."""

    role: str
    start: int
    end: int
    section: int = 0
    paragraph: int = -1
    """Body parts of one (layout-repaired) paragraph share this index."""


def field_spans(parts: list[Part], length: int) -> list[tuple[int, int, str]]:
    """``(start, end, field)`` spans tiling ``[0, length)``: the parts, with ``other`` filling the gaps.

    Raises ``ValueError`` if parts overlap or fall outside the text: that would be a segmenter bug, and the
    property tests rely on this check to prove that no character is lost or counted twice.
    """
    spans: list[tuple[int, int, str]] = []
    pos = 0
    for part in sorted(parts, key=lambda p: p.start):
        if part.start < pos or part.end > length or part.end <= part.start:
            raise ValueError(f"bad part {part} at position {pos} of {length}")
        if part.start > pos:
            spans.append((pos, part.start, "other"))
        spans.append((part.start, part.end, part.role))
        pos = part.end
    if pos < length:
        spans.append((pos, length, "other"))
    return spans
