"""Turn a config's ``data:`` section into a :class:`Corpus` of documents, with a fingerprint of what was read."""
from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..config import DataConfig, resolve_path
from ..errors import DataError
from ..fingerprint import file_sha256
from .records import Document, read_documents

BUILTIN_PREFIX = "builtin:"


@dataclass
class Corpus:
    documents: list[Document]
    name: str
    path: Path
    fingerprint: dict[str, Any]
    header: dict[str, Any] = field(default_factory=dict)

    def trainable(self) -> list[Document]:
        return [d for d in self.documents if d.trainable]


def builtin_data_path(name: str) -> Path:
    """Path of a data file shipped inside the package (research/datasets/data/)."""
    candidates = [f"{name}.jsonl.gz", f"{name}.jsonl", name]
    base = resources.files("research.datasets") / "data"
    for candidate in candidates:
        item = base / candidate
        if item.is_file():
            return Path(str(item))
    known = sorted(p.name for p in base.iterdir() if p.name.endswith((".jsonl", ".jsonl.gz")))
    raise DataError(f"no built-in dataset {name!r}; shipped: {known}")


def resolve_data_path(value: str, config_source: str | None = None) -> Path:
    if value.startswith(BUILTIN_PREFIX):
        return builtin_data_path(value[len(BUILTIN_PREFIX):])
    path = resolve_path(value, config_source)
    if not path.exists():
        raise DataError(f"data file not found: {path}")
    return path


def load_corpus(data: DataConfig, config_source: str | None = None) -> Corpus:
    """Load the documents a config names; every document keeps its label status (callers pick trainable ones)."""
    path = resolve_data_path(data.path, config_source)
    if data.corpus == "labelled":
        header, docs = read_documents(path)
    elif data.corpus == "xwlb":
        from .xwlb import load_xwlb_labelled  # weak labels computed on the fly from the raw CCTV dump

        header, docs = load_xwlb_labelled(path, rules=data.rules)
    elif data.corpus == "pages":
        from ..ingest import load_pages_corpus  # segmented into data.unit records, then weak-labelled

        header, docs = load_pages_corpus(path, unit=data.unit, rules=data.rules)
    else:
        from .benchmarks import load_benchmark_corpus

        header, docs = load_benchmark_corpus(data.corpus, path)
    if not docs:
        raise DataError(f"{path}: no documents")
    if data.limit is not None:
        docs = docs[: data.limit]
    digest = file_sha256(path) if path.is_file() else header.get("pages", {}).get("sha256", "")
    fingerprint = {"path": str(data.path), "sha256": digest, "documents": len(docs)}
    return Corpus(documents=docs, name=data.corpus, path=path, fingerprint=fingerprint, header=header)
