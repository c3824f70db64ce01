"""Turn a config's ``data:`` section into a :class:`Corpus` of documents, with a fingerprint of what was read."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..config import DataConfig
from ..errors import DataError
from ..fingerprint import file_sha256
from .builtin import resolve_data_path
from .records import Document, read_documents

@dataclass
class Corpus:
    documents: list[Document]
    name: str
    path: Path
    fingerprint: dict[str, Any]
    header: dict[str, Any] = field(default_factory=dict)

    def trainable(self) -> list[Document]:
        return [d for d in self.documents if d.trainable]


def load_corpus(data: DataConfig, config_source: str | None = None, seed: int = 0) -> Corpus:
    """Load the documents a config names; every document keeps its label status (callers pick trainable ones)."""
    if data.corpus == "mixed":
        return _load_mixed(data, config_source, seed)
    path = resolve_data_path(data.path, config_source)
    if data.corpus == "labelled":
        header, docs = read_documents(path)
    elif data.corpus == "xwlb":
        from .xwlb import load_xwlb_labelled  # weak labels computed on the fly from the raw CCTV dump

        header, docs = load_xwlb_labelled(path, rules=data.rules)
    elif data.corpus == "gov_reports":
        from .gov_reports import load_gov_reports_labelled

        unit = "paragraph" if data.unit == "article" else data.unit
        if unit not in ("paragraph", "section"):
            raise DataError(f"data.unit {data.unit!r} does not apply to gov_reports: use paragraph or section")
        header, docs = load_gov_reports_labelled(path, rules=data.rules, unit=unit, levels=data.levels,
                                                 regions=data.regions, years=data.years, min_chars=data.min_chars)
    elif data.corpus == "pages":
        from .pages import load_pages_corpus  # segmented into data.unit records, then weak-labelled

        header, docs = load_pages_corpus(path, unit=data.unit, rules=data.rules)
    else:
        from .benchmarks import load_benchmark_corpus

        header, docs = load_benchmark_corpus(data.corpus, path)
    if not docs:
        raise DataError(f"{path}: no documents")
    if data.limit is not None:
        docs = docs[: data.limit]
    if data.sample is not None:
        docs = seeded_sample(docs, data.sample, seed)
    digest = file_sha256(path) if path.is_file() else header.get("pages", {}).get("sha256", "")
    fingerprint = {"path": str(data.path), "sha256": digest, "documents": len(docs)}
    return Corpus(documents=docs, name=data.corpus, path=path, fingerprint=fingerprint, header=header)


def seeded_sample(docs: list[Document], n: int, seed: int) -> list[Document]:
    """``n`` documents chosen by a hash of (seed, id), kept in their original order."""
    if n >= len(docs):
        return docs
    keep = set(sorted(range(len(docs)), key=lambda i: hashlib.sha256(f"{seed}:{docs[i].id}".encode()).digest())[:n])
    return [d for i, d in enumerate(docs) if i in keep]


def source_of(doc: Document, default: str = "") -> str:
    """The corpus a document came from (``meta.corpus``; news items of older files carry none)."""
    return str(doc.meta.get("corpus") or default)


def _load_mixed(data: DataConfig, config_source: str | None, seed: int) -> Corpus:
    """Every part loaded on its own (its ``rules`` default to the mixed section's, see DataConfig), each document tagged with its
    part's corpus name in ``meta.corpus``; ids must not collide across parts."""
    docs: list[Document] = []
    parts, headers = [], []
    seen: set[str] = set()
    for part in data.parts:
        sub = load_corpus(part, config_source, seed)
        for d in sub.documents:
            if d.id in seen:
                raise DataError(f"data.parts: document id {d.id!r} appears in two parts")
            seen.add(d.id)
            docs.append(d if d.meta.get("corpus") else replace(d, meta={**d.meta, "corpus": part.corpus}))
        parts.append(sub.fingerprint | {"corpus": part.corpus})
        headers.append(sub.header)
    if data.limit is not None:
        docs = docs[: data.limit]
    sources = sorted({h.get("label_source", "") for h in headers} - {""})
    header = {"corpus": "mixed", "parts": headers, "label_source": "+".join(sources)}
    if len(sources) == 1:
        header.update({k: headers[0][k] for k in ("rules", "rules_version", "rules_sha256") if k in headers[0]})
    digest = hashlib.sha256("".join(p["sha256"] for p in parts).encode()).hexdigest()
    fingerprint = {"path": "mixed", "sha256": digest, "documents": len(docs), "parts": parts}
    return Corpus(documents=docs, name="mixed", path=Path("mixed"), fingerprint=fingerprint, header=header)
