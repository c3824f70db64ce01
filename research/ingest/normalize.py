"""Width and whitespace normalisation of output fields (never of the input, so offsets stay valid).

Policy, chosen so that the same sentence always comes out as the same string whatever the page used:

* NFKC for everything *except* full-width punctuation (U+FF01-FF0F, FF1A-FF20, FF3B-FF40, FF5B-FF5E), the
  ellipsis ``…`` and circled numbers ``①``: plain NFKC would turn ``：`` into ``:`` and ``①`` into ``1``, which
  changes Chinese typography and glues list markers to the text. So full-width letters and digits become
  ASCII (``２０２３`` -> ``2023``), the ideographic space becomes a space, ``，。：；“”`` stay full-width.
* ASCII ``, : ; ? ! ( )`` next to a Chinese character become their full-width forms (``2023年,郑州`` ->
  ``2023年，郑州``, ``中欧班列(郑州)`` -> ``中欧班列（郑州）``); between digits or Latin letters they stay
  ASCII (``1,000``, ``12:30``).
* Control, format and unassigned characters (zero-width space, BOM, soft hyphen ...) are dropped;
  whitespace runs become one space; leading/trailing whitespace is stripped.

Normalisation is applied per physical line piece, before pieces are joined, so it is context-free at piece
boundaries and ``normalize(raw piece)`` is always a substring of the field it went into (the property tests
rely on this).
"""
from __future__ import annotations

import re
import unicodedata

_PROTECTED = re.compile(r"[\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff5e\u2026\u2460-\u24ff]+")
_SPACES = re.compile(r"\s+")
# Han ideographs, CJK symbols/punctuation, full-width forms and curly quotes count as "Chinese context".
_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u201c\u201d\u2018\u2019"
_ASCII_PUNCT = ",:;?!()"
_TO_FULL = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in _ASCII_PUNCT})
_CJK_PUNCT = re.compile(rf"(?<=[{_CJK}])[,:;?!()]|[,:;?!()](?=[{_CJK}])")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD_END = re.compile(r"[A-Za-z]$")
_WORD_START = re.compile(r"^[A-Za-z]")


def _nfkc_unprotected(s: str) -> str:
    out, pos = [], 0
    for m in _PROTECTED.finditer(s):
        out.append(unicodedata.normalize("NFKC", s[pos:m.start()]))
        out.append(m.group())
        pos = m.end()
    out.append(unicodedata.normalize("NFKC", s[pos:]))
    return "".join(out)


def _drop_invisible(s: str) -> str:
    """Drop control, format, surrogate and unassigned characters; keep spaces and private-use glyphs."""
    if s.isprintable():  # the common case, and fast
        return s
    return "".join(c for c in s if c.isprintable() or c.isspace() or unicodedata.category(c) == "Co")


def normalize(s: str) -> str:
    """Canonical form of one piece of text (see the module docstring for the policy)."""
    s = _drop_invisible(_nfkc_unprotected(s))
    s = _SPACES.sub(" ", s).strip()
    return _CJK_PUNCT.sub(lambda m: m.group().translate(_TO_FULL), s)


def join_pieces(pieces: list[str]) -> str:
    """Join normalised pieces of one paragraph that the layout broke apart.

    Chinese and numbers need no separator (``政治保`` + ``障。`` -> ``政治保障。``, ``33`` + ``1亿元``);
    two Latin words do (``Trading`` + ``Center``), otherwise a broken English phrase becomes one token.
    """
    out = ""
    for piece in pieces:
        if not piece:
            continue
        if out and _WORD_END.search(out, len(out) - 2 if len(out) > 1 else 0) and _WORD_START.match(piece):
            out += " "
        out += piece
    return out


def is_han(c: str) -> bool:
    """True for a Chinese ideograph (used by the encoding plausibility check and the rules)."""
    return bool(_HAN.match(c))
