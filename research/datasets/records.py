"""The document record every stage agrees on, and its JSONL(.gz) form.

A labelled corpus file is JSON Lines, UTF-8, optionally gzip'd. Its first line may be a header
``{"__corpus__": {...}}`` (how it was built: rules version and hashes, source fingerprint); every other line is one
document:

    {"id": "20250101_003", "date": "2025-01-01", "title": "...", "text": "...",
     "labels": ["investment"], "primary": "investment",
     "label_status": "labelled", "label_source": "rules:v1", "label_score": 3.5}

``label_status`` is ``labelled`` (at least one label), ``other`` (confidently none of the four labels) or
``unlabelled`` (no rule was confident: kept in the file for transparency, excluded from training and evaluation).
"""
from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..atomic import AtomicFile
from ..errors import DataError
from ..labels import LABELS, NONE_LABEL

HEADER_KEY = "__corpus__"
STATUSES = ("labelled", "other", "unlabelled")


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    """What the model reads: title and body, cleaned."""
    labels: tuple[str, ...] = ()
    primary: str | None = None
    """A member of LABELS, "none" for confidently-other documents, None when unknown."""
    date: str | None = None
    title: str = ""
    label_status: str = "unlabelled"
    label_source: str = ""
    label_score: float | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date and self.date[:4].isdigit() else None

    @property
    def trainable(self) -> bool:
        return self.label_status in ("labelled", "other")

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["labels"] = list(self.labels)
        if not out["meta"]:
            out.pop("meta")
        return out


def document_from_json(obj: dict[str, Any], where: str = "") -> Document:
    try:
        labels = tuple(obj.get("labels") or ())
        bad = [name for name in labels if name not in LABELS]
        if bad:
            raise DataError(f"{where}: unknown label(s) {bad}; expected {list(LABELS)}")
        status = obj.get("label_status") or ("labelled" if labels else "unlabelled")
        if status not in STATUSES:
            raise DataError(f"{where}: label_status {status!r} is not one of {STATUSES}")
        primary = obj.get("primary")
        if primary is None and status == "other":
            primary = NONE_LABEL
        return Document(
            id=str(obj["id"]),
            text=str(obj["text"]),
            labels=labels,
            primary=primary,
            date=obj.get("date"),
            title=obj.get("title") or "",
            label_status=status,
            label_source=obj.get("label_source") or "",
            label_score=obj.get("label_score"),
            meta=obj.get("meta") or {},
        )
    except KeyError as exc:
        raise DataError(f"{where}: record has no {exc.args[0]!r} field") from None


def _open_text(path: Path, mode: str):
    """Read text from a plain or gzip'd file (by suffix)."""
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, mode, encoding="utf-8")


def iter_json_lines(path: str | Path) -> Iterator[tuple[int, Any]]:
    """(line number, parsed object) for each non-blank line of a JSONL(.gz) file; bad JSON is a DataError
    naming the file and line."""
    path = Path(path)
    with _open_text(path, "rt") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield lineno, json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from None


def read_jsonl(path: str | Path) -> tuple[dict[str, Any], Iterator[dict[str, Any]]]:
    """(header, records) of a JSONL(.gz) file; the header is {} when the file has none."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"data file not found: {path}")

    def records() -> Iterator[dict[str, Any]]:
        for _, obj in iter_json_lines(path):
            if HEADER_KEY not in obj:
                yield obj

    header: dict[str, Any] = {}
    try:
        with _open_text(path, "rt") as fh:
            first = fh.readline()
        if first.strip():
            obj = json.loads(first)
            if isinstance(obj, dict) and HEADER_KEY in obj:
                header = obj[HEADER_KEY]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, EOFError) as exc:
        raise DataError(f"{path}: cannot read as UTF-8 JSON Lines ({exc})") from None
    return header, records()


def read_documents(path: str | Path) -> tuple[dict[str, Any], list[Document]]:
    header, records = read_jsonl(path)
    return header, [document_from_json(obj, where=f"{path}") for obj in records]


def write_jsonl(path: str | Path, records: Iterable[dict[str, Any]], header: dict[str, Any] | None = None) -> int:
    """Write records deterministically (key order as given, no ASCII escaping, gzip'd when the name ends in .gz,
    with gzip mtime 0 so rebuilds are byte-identical), through a temporary file renamed at the end; returns count."""
    path = Path(path)
    n = 0
    with AtomicFile(path, "wb", make_parents=True) as raw:  # unique temporary name, renamed when complete
        binary = gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="", compresslevel=9) if path.suffix == ".gz" else raw
        fh = io.TextIOWrapper(binary, encoding="utf-8", newline="\n")
        if header is not None:
            fh.write(json.dumps({HEADER_KEY: header}, ensure_ascii=False, sort_keys=True) + "\n")
        for obj in records:
            fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
            n += 1
        fh.flush()
        fh.detach()  # leave ``raw`` open: AtomicFile fsyncs and renames it
        if binary is not raw:
            binary.close()  # writes the gzip trailer; does not close ``raw``
    return n
