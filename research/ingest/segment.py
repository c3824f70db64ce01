"""Page -> articles -> sections: a small state machine over the page's lines, driven by ``rules.py``.

Each non-blank line is first given a *kind* from its own text (dateline, byline, caption, title-like, text).
Then its role follows from where it stands. Per article the state is:

``HEAD``   headline lines seen, no body yet: title-like lines are more headline (kicker, subtitle), unless they
           follow an image gap (a caption) or are numbered (a section heading);
``BODY``   body started: a title-like line is a section heading if it has a heading's shape, a caption after an
           image gap, the headline of a *new* article if a ``本报讯`` line follows it (or two headline lines in a
           row), and otherwise a body line broken by the layout;
``CLOSED`` a byline ended the article: title-like lines followed by body text open the next article,
           the others are captions of the closed one (pictures are printed after the byline).

A ``本报讯`` line always opens a body, and a new article if the current one already has a body. Body lines are
layout-repaired here: a body line that does not end a sentence is continued by the next text line.
Every character of the page lands in exactly one :class:`~research.ingest.layout.Part` or in ``other``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .rules import (IMAGE_GAP, MAX_HEADLINE_LINES, MAX_TITLE_CHARS, ends_sentence,
                    is_byline, is_caption_marked, is_numbered_heading, is_title_like, looks_like_heading)
from .rules import dateline as match_dateline
from .layout import Line, Part, content_lines
from .normalize import normalize

DATELINE, BYLINE, CAPTION, TITLE, TEXT = "dateline", "byline", "caption", "title", "text"
HEAD, BODY, CLOSED = "head", "body", "closed"


def line_kind(s: str) -> str:
    """What a normalised line looks like on its own, before its position is taken into account."""
    if match_dateline(s):
        return DATELINE
    if is_byline(s):
        return BYLINE
    if len(s) <= 3 * MAX_TITLE_CHARS and is_caption_marked(s):
        return CAPTION
    if is_title_like(s):
        return TITLE
    return TEXT


@dataclass
class ArticleParts:
    """The parts of one article in page order, and the state the segmenter keeps while building it."""

    parts: list[Part] = field(default_factory=list)
    state: str = HEAD
    section: int = 0
    paragraph: int = -1
    open: bool = False
    """The last body paragraph does not end a sentence: the next text line continues it."""
    has_headline: bool = False
    headline_lines: int = 0
    has_dateline: bool = False

    def add(self, role: str, start: int, end: int, paragraph: int = -1) -> None:
        if end > start:
            self.parts.append(Part(role, start, end, self.section, paragraph))


class PageSegmenter:
    """Run once per page: ``PageSegmenter(text).run()`` -> the parts of each article, in page order."""

    def __init__(self, text: str):
        self.text = text
        self.lines: list[Line] = []
        self.norm: list[str] = []
        for line in content_lines(text):
            norm = normalize(line.text)
            if norm:  # a line of invisible characters only is layout noise ("other")
                self.lines.append(line)
                self.norm.append(norm)
        self.kinds = [line_kind(s) for s in self.norm]
        self.articles: list[ArticleParts] = []
        self._stops: list[int] | None = None
        """``_stops[j]``: the first line at or after ``j`` that does not continue a run of title-like lines."""

    @property
    def current(self) -> ArticleParts | None:
        return self.articles[-1] if self.articles else None

    def new_article(self) -> ArticleParts:
        self.articles.append(ArticleParts())
        return self.articles[-1]

    def run(self) -> list[list[Part]]:
        i = 0
        while i < len(self.lines):
            i = self.step(i)
        return [a.parts for a in self.articles if a.parts]

    # -- one line (or a run of headline lines) at a time -------------------------------------------------
    def step(self, i: int) -> int:
        kind, line, art = self.kinds[i], self.lines[i], self.current
        if kind == BYLINE:
            art = art or self.new_article()
            art.add("byline", line.start, line.end)
            if art.state == BODY:
                art.state, art.open = CLOSED, False
            return i + 1
        if kind == CAPTION:
            (art or self.new_article()).add("caption", line.start, line.end)
            return i + 1
        if kind == DATELINE:
            if art is None or art.state != HEAD or art.has_dateline:
                art = self.new_article()
            self.dateline(art, i)
            return i + 1
        if kind == TEXT:
            if art is None or art.state == CLOSED:
                art = self.new_article()
            self.body(art, i)
            return i + 1
        return self.title(i)

    def title(self, i: int) -> int:
        """A title-like line: headline, section heading, caption or broken body line, by position."""
        line, art = self.lines[i], self.current
        end = self.run_end(i)
        after = self.kinds[end] if end < len(self.lines) else None
        if art is None:
            return self.headlines(i, end)
        if art.state == CLOSED:
            if after in (TEXT, DATELINE):
                return self.headlines(i, end)
            art.add("caption", line.start, line.end)
        elif art.state == HEAD:
            if art.has_headline and line.gap >= IMAGE_GAP:
                art.add("caption", line.start, line.end)
            elif art.has_headline and is_numbered_heading(self.norm[i]):
                self.heading(art, i)
            elif art.headline_lines >= MAX_HEADLINE_LINES:
                self.body(art, i)
            else:
                art.add("headline", line.start, line.end)
                art.has_headline = True
                art.headline_lines += 1
        elif after == DATELINE:
            return self.headlines(i, end)
        elif line.gap >= IMAGE_GAP:
            art.add("caption", line.start, line.end)
        elif end - i >= 2 and after == TEXT and not art.open:
            return self.headlines(i, end)
        elif after not in (None, BYLINE) and looks_like_heading(self.norm[i], art.open):
            self.heading(art, i)  # a heading has text under it; a last short line is a signature, kept as body
        else:
            self.body(art, i)
        return i + 1

    def run_end(self, i: int) -> int:
        """End (exclusive) of the run of title-like lines starting at ``i`` that no image gap interrupts."""
        if self._stops is None:  # computed once, right to left: a page of 20,000 title-like lines stays linear
            n = len(self.lines)
            self._stops = [n] * (n + 1)
            for j in range(n - 1, -1, -1):
                continues = (self.kinds[j] == TITLE and self.lines[j].gap < IMAGE_GAP
                             and not is_numbered_heading(self.norm[j]))  # a numbered line never is headline
                self._stops[j] = self._stops[j + 1] if continues else j
        return self._stops[i + 1] if i + 1 <= len(self.lines) else i + 1

    def headlines(self, i: int, end: int) -> int:
        art = self.new_article()
        for k in range(i, end):
            if art.headline_lines < MAX_HEADLINE_LINES:
                art.add("headline", self.lines[k].start, self.lines[k].end)
                art.headline_lines += 1
            else:  # more lines than a headline has: text
                self.body(art, k)
        art.has_headline = True
        return end

    def heading(self, art: ArticleParts, i: int) -> None:
        art.section += 1
        art.state, art.open = BODY, False
        art.add("section_title", self.lines[i].start, self.lines[i].end)

    def body(self, art: ArticleParts, i: int, start: int | None = None) -> None:
        """A body line, from ``start`` (after a dateline) to its end; continues an open paragraph."""
        line = self.lines[i]
        start = line.start if start is None else start
        if not (art.open and art.paragraph >= 0):
            art.paragraph += 1
        art.add("body", start, line.end, art.paragraph)
        art.state = BODY
        art.open = not ends_sentence(self.text[start:line.end])

    def dateline(self, art: ArticleParts, i: int) -> None:
        """``本报讯（记者 张三）3月15日，…``: marker and date -> dateline, credit -> byline, rest -> body."""
        line = self.lines[i]
        m = match_dateline(line.text)
        if m is None:  # normalisation made it a dateline (e.g. full-width letters); keep the line as body
            self.body(art, i)
            return
        art.has_dateline, art.state, art.open = True, BODY, False
        art.add("dateline", line.start + m.start("marker"), line.start + m.end("marker"))
        if m.group("credit"):
            art.add("byline", line.start + m.start("credit"), line.start + m.end("credit"))
        if m.group("date"):
            art.add("dateline", line.start + m.start("date"), line.start + m.end("date"))
        if m.end() < len(line.text):  # the separator between date and body stays "other"
            self.body(art, i, start=line.start + m.end())


def segment_parts(text: str) -> list[list[Part]]:
    """The parts of every article on one page, in page order (see the module docstring for the rules)."""
    return PageSegmenter(text).run()
