"""Bytes of a page file -> text, with the encoding detected and bad files rejected loudly.

Accepted: UTF-8 (with or without BOM), GBK and GB18030, tried in that order (UTF-8 is self-validating; GBK is
what most Chinese Windows tools write; GB18030 is its superset). Anything else is a :class:`DataError` naming
the file: binary files (NUL bytes, control characters, known magic numbers), UTF-16/32, and bytes that *decode*
as GBK but are not Chinese text (Shift-JIS, Latin-1 and Big5 often do: the decoded characters are then
rarely among the 3,755 common characters of GB2312 level 1, which real Chinese text almost only uses).

The returned text has the BOM removed and ``\\r\\n``/``\\r`` turned into ``\\n``; all segment offsets refer to
this text.

A page is at most :data:`MAX_PAGE_BYTES` bytes and :data:`MAX_PAGE_LINES` lines; a bigger file is refused with a
:class:`DataError` before it is read whole (a printed page is some 10-50 KB and a few hundred lines: a 200 MB
"page" is not one, and segmenting and tagging it took 6 GB of memory).
"""
from __future__ import annotations

import codecs
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError
from .normalize import is_han

ENCODINGS = ("utf-8", "gbk", "gb18030")
MAX_PAGE_BYTES = 8 << 20
"""Largest page file read (8 MiB), and largest document line of ``research predict --text``."""
MAX_PAGE_LINES = 50_000
"""Most lines a page may have."""
MIN_COMMON_HAN = 0.5
"""A GBK/GB18030 decode is accepted only if at least this share of its Chinese characters is common."""
_MAGIC = {b"%PDF": "PDF", b"PK\x03\x04": "ZIP/Office", b"\x89PNG": "PNG", b"\xff\xd8\xff": "JPEG",
          b"\x1f\x8b": "gzip", b"GIF8": "GIF", b"\xd0\xcf\x11\xe0": "MS Office (.doc)"}
_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"), (codecs.BOM_UTF16_LE, "UTF-16"),
         (codecs.BOM_UTF16_BE, "UTF-16"))


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    """``utf-8``, ``utf-8-sig`` (with BOM), ``gbk`` or ``gb18030``."""
    sha256: str = ""
    """Of the raw bytes: pins exactly which page a record came from."""


def binary_kind(data: bytes) -> str | None:
    """What kind of binary file ``data`` (its first bytes) looks like, or None for text."""
    for magic, kind in _MAGIC.items():
        if data.startswith(magic):
            return kind
    head = data[:8192]
    if b"\x00" in head:
        return "NUL bytes"
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return "control characters" if controls > 0.05 * len(head) else None


def _common_share(text: str) -> float:
    """Share of Chinese characters in GB2312 level 1 (first byte 0xB0-0xD7): ~1.0 for real Chinese text."""
    han = [c for c in text if is_han(c)]
    if not han:
        return 1.0
    common = 0
    for c in han:
        try:
            common += 0xB0 <= c.encode("gb2312")[0] <= 0xD7
        except UnicodeEncodeError:
            pass
    return common / len(han)


def decode_bytes(data: bytes, name: str = "<bytes>") -> Decoded:
    """Decode one page; raises :class:`DataError` with ``name`` in the message if it is not usable text."""
    if len(data) > MAX_PAGE_BYTES:
        raise DataError(f"{name}: {_size(len(data))}, larger than a page can be ({_size(MAX_PAGE_BYTES)}); "
                        "split it into pages")
    if not data.strip():
        raise DataError(f"{name}: empty file")
    for bom, kind in _BOMS:
        if data.startswith(bom):
            raise DataError(f"{name}: {kind} text is not supported; save it as UTF-8")
    encoding = None
    if data.startswith(codecs.BOM_UTF8):
        try:
            text, encoding = data[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise DataError(f"{name}: has a UTF-8 BOM but invalid UTF-8 at byte {exc.start + 3}") from None
    else:
        kind = binary_kind(data)
        if kind:
            raise DataError(f"{name}: binary file ({kind}), not a text page")
        for candidate in ENCODINGS:
            try:
                text = data.decode(candidate)
            except UnicodeDecodeError:
                continue
            if candidate == "utf-8" or _common_share(text) >= MIN_COMMON_HAN:
                encoding = candidate
                break
        if encoding is None:
            raise DataError(f"{name}: unknown encoding (not UTF-8, GBK or GB18030 Chinese text)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DataError(f"{name}: empty file (whitespace only)")
    lines = text.count("\n") + (not text.endswith("\n"))
    if lines > MAX_PAGE_LINES:
        raise DataError(f"{name}: {lines:,} lines, more than a page can have ({MAX_PAGE_LINES:,}); split it into "
                        "pages")
    return Decoded(text, encoding, hashlib.sha256(data).hexdigest())


def read_page(path: str | Path) -> Decoded:
    """Read and decode one page file (see :func:`decode_bytes`)."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:  # at most one byte past the limit: a huge file or a device is never read whole
            size = os.fstat(fh.fileno()).st_size
            data = fh.read(MAX_PAGE_BYTES + 1) if size <= MAX_PAGE_BYTES else b""
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a directory, expected a .txt file") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if size > MAX_PAGE_BYTES or len(data) > MAX_PAGE_BYTES:
        raise DataError(f"{path}: {_size(max(size, len(data)))}{'+' if size <= MAX_PAGE_BYTES else ''}, larger "
                        f"than a page can be ({_size(MAX_PAGE_BYTES)}); split it into pages")
    return decode_bytes(data, str(path))


def _size(n: int) -> str:
    return f"{n / (1 << 20):.1f} MiB" if n >= 1 << 20 else f"{n:,} bytes"


def read_text(path: str | Path) -> str:
    """The decoded text of one page file; :class:`DataError` naming the file if it is binary, empty or
    in an unknown encoding."""
    return read_page(path).text
