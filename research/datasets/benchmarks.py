"""Public Chinese text-classification benchmarks (THUCNews headlines, cnews, Toutiao) as Document records.

Their classes are not our four labels, so they are never forced into ``Document.labels``: every document carries
its class name in ``meta["class"]`` (and the file it came from in ``meta["split"]``), ``labels=()`` and
``label_status="other"``. Only :mod:`research.study.benchmark` reads ``meta["class"]``.

Formats (see ../shared/data/SOURCES.md):

* ``thucnews`` -- ``text<TAB>index`` per line; ``class.txt`` next to the file maps index -> name.
* ``cnews`` -- ``label<TAB>article`` per line (optionally gzip'd).
* ``toutiao`` -- ``news_id_!_code_!_name_!_title_!_keywords`` per line (optionally gzip'd); the class is ``name``.
"""
from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

from ..errors import DataError
from .records import Document

BENCHMARKS = ("thucnews", "cnews", "toutiao")


def _lines(path: Path):
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                line = line.rstrip("\n").rstrip("\r")
                if line.strip():
                    yield lineno, line
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot read ({exc})") from None


def thucnews_classes(path: Path) -> list[str]:
    """Class names from ``class.txt`` in the folder of ``path`` (line i = class i)."""
    names = path.parent / "class.txt"
    if not names.is_file():
        raise DataError(f"{path}: THUCNews needs class.txt next to it ({names} not found)")
    return [line.strip() for line in names.read_text(encoding="utf-8").splitlines() if line.strip()]


def _doc(name: str, split: str, i: int, text: str, cls: str, extra: dict[str, Any] | None = None) -> Document:
    return Document(id=f"{name}:{split}:{i:06d}", text=text, title=text[:60], labels=(), primary=None,
                    label_status="other", label_source=f"benchmark:{name}", meta={"class": cls, "split": split,
                                                                                  **(extra or {})})


def load_benchmark_corpus(name: str, path: str | Path) -> tuple[dict[str, Any], list[Document]]:
    """(header, documents) of one benchmark file; ``name`` in thucnews / cnews / toutiao."""
    path = Path(path)
    if name not in BENCHMARKS:
        raise DataError(f"unknown benchmark corpus {name!r}; expected one of {BENCHMARKS}")
    if not path.is_file():
        raise DataError(f"{name}: data file not found: {path}")
    split = path.name.split(".")[0]
    docs: list[Document] = []
    if name == "thucnews":
        classes = thucnews_classes(path)
        for lineno, line in _lines(path):
            text, _, idx = line.rpartition("\t")
            if not text or not idx.strip().isdigit() or int(idx) >= len(classes):
                raise DataError(f"{path}:{lineno}: expected 'text<TAB>class index', got {line[:60]!r}")
            docs.append(_doc(name, split, len(docs), text, classes[int(idx)]))
    elif name == "cnews":
        for lineno, line in _lines(path):
            cls, sep, text = line.partition("\t")
            if not sep or not text.strip():
                raise DataError(f"{path}:{lineno}: expected 'label<TAB>article'")
            docs.append(_doc(name, split, len(docs), text, cls.strip()))
    else:  # toutiao
        for lineno, line in _lines(path):
            parts = line.split("_!_")
            if len(parts) < 4 or not parts[3].strip():
                raise DataError(f"{path}:{lineno}: expected 'id_!_code_!_name_!_title_!_keywords'")
            docs.append(_doc(name, split, len(docs), parts[3].strip(), parts[2].strip(),
                             {"code": parts[1].strip(), "keywords": parts[4] if len(parts) > 4 else ""}))
    classes = sorted({d.meta["class"] for d in docs})
    header = {"corpus": name, "source": path.name, "classes": classes, "documents": len(docs)}
    return header, docs
