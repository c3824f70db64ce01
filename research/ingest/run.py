"""The entry points: one text, one file, or many files and folders with bad files skipped and counted."""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataError
from .layout import field_spans
from .read import read_page
from .records import UNITS, Segment, as_unit, build_article
from .segment import segment_parts

log = logging.getLogger("research.ingest")


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
    records: list[Segment] = field(default_factory=list)
    files: list[FileSummary] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """``(path, reason)`` for every input that could not be used."""

    @property
    def n_skipped(self) -> int:
        return len(self.skipped)

    def fingerprint(self) -> dict:
        """What was read, for a run's provenance: file count, one hash over (path, sha256) pairs, skips."""
        digest = hashlib.sha256()
        for f in self.files:
            digest.update(f"{Path(f.path).name}\t{f.sha256}\n".encode())
        return {"files": len(self.files), "sha256": digest.hexdigest(), "unit": self.unit,
                "records": len(self.records), "skipped": self.n_skipped}

    def __iter__(self) -> Iterator[Segment]:
        return iter(self.records)

    def __len__(self) -> int:
        return len(self.records)


def expand_paths(paths: Iterable[str | Path], skipped: list[tuple[str, str]] | None = None) -> list[Path]:
    """Files as given, folders as their ``*.txt`` files (recursively, sorted, hidden files left out)."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.txt") if p.is_file() and not p.name.startswith("."))
            if not found and skipped is not None:
                skipped.append((str(path), "folder has no .txt files"))
            out.extend(found)
        else:
            out.append(path)
    return out


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
    seen: dict[str, str] = {}
    for path in expand_paths(paths, run.skipped):
        try:
            decoded = read_page(path)
        except DataError as exc:
            log.warning("skipped %s", exc)
            run.skipped.append((str(path), str(exc)))
            continue
        if path.stem in seen:
            log.warning("%s and %s share the id stem %r: their record ids will collide", seen[path.stem], path,
                        path.stem)
        seen[path.stem] = str(path)
        articles = segment(decoded.text, source=str(path))
        run.records.extend(as_unit(articles, unit))
        run.files.append(FileSummary(
            path=str(path), encoding=decoded.encoding, articles=len(articles),
            sections=sum(len(a.sections) for a in articles), chars=sum(len(a.body) for a in articles),
            captions=sum(len(a.captions) for a in articles), sha256=decoded.sha256))
    return run
