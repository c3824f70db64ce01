"""The CCTV 新闻联播 dump (china-data/xwlb, 2012-2025): read raw items, clean text, label on the fly.

Raw line: ``{"id", "date", "title", "tag", "brief", "content", "url"}`` (see ../shared/data/SOURCES.md).
``Document.text`` = title + "\\n" + content without the CCTV lead-in (``央视网消息（新闻联播）：`` and variants) and
without the trailing ``(视频编辑：… 文字编辑：…)`` credits.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import DataError
from ..fingerprint import file_sha256
from ..labels import LABELS
from ..weak_labels import WeakLabel, WeakLabeller, expansion_spec, make_labeller
from .records import Document, iter_json_lines

DEFAULT_SOURCE = "../shared/data/xwlb/xwlb_2012_2025.jsonl.gz"

# 央视网消息（新闻联播）：, 中国网络电视台消息(新闻联播)：, 央视网(新闻联播)消息：, 央视网消息：, ...
_LEAD = re.compile(r"^\s*(?:央视网|中国网络电视台)(?:消息)?\s*(?:[（(](?:新闻联播|焦点访谈)[)）])?\s*(?:消息)?\s*[：:]\s*")
_CREDITS = re.compile(r"\s*[（(][^（()）]{0,40}编辑[^（()）]{0,60}[)）]\s*$")


def clean_content(content: str) -> str:
    text = _LEAD.sub("", content or "", count=1)
    text = _CREDITS.sub("", text)
    lines = [line.strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def document_text(title: str, content: str) -> str:
    body = clean_content(content)
    return f"{title}\n{body}" if body else title


def iter_raw(path: str | Path) -> Iterator[dict[str, Any]]:
    """Raw items of the dump in file order (sorted by id)."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"xwlb source not found: {path} (expected the gzip'd JSONL described in shared/data/SOURCES.md)")
    try:
        for lineno, obj in iter_json_lines(path):
            if "id" not in obj or "content" not in obj:
                raise DataError(f"{path}:{lineno}: item without 'id'/'content'")
            yield obj
    except (OSError, EOFError) as exc:
        raise DataError(f"{path}: cannot read ({exc})") from None


def to_document(raw: dict[str, Any], weak: WeakLabel, text: str | None = None, explain: bool = False) -> Document:
    title = raw.get("title") or ""
    text = text if text is not None else document_text(title, raw.get("content") or "")
    meta: dict[str, Any] = {"tags": raw.get("tag") or ""}
    if explain:
        meta["fired"] = weak.explanation.get("fired", {})
        meta["scores"] = weak.scores
    return Document(
        id=str(raw["id"]),
        text=text,
        labels=weak.labels,
        primary=weak.primary,
        date=raw.get("date"),
        title=title,
        label_status=weak.status,
        label_source=weak.source,
        label_score=weak.score,
        meta=meta,
    )


def label_raw(labeller: WeakLabeller, raw: dict[str, Any]) -> tuple[str, WeakLabel]:
    title = raw.get("title") or ""
    text = document_text(title, raw.get("content") or "")
    return text, labeller.label(title, text, raw.get("tag") or "")


def iter_labelled(path: str | Path, labeller: WeakLabeller, explain: bool = False) -> Iterator[Document]:
    for raw in iter_raw(path):
        text, weak = label_raw(labeller, raw)
        yield to_document(raw, weak, text=text, explain=explain)


def corpus_header(path: str | Path, labeller: WeakLabeller, rules: str, docs: list[Document] | None = None) -> dict[str, Any]:
    header: dict[str, Any] = {
        "corpus": "xwlb",
        "source": Path(path).name,
        "source_sha256": file_sha256(path),
        "rules": str(rules),
        "rules_version": labeller.version,
        "rules_sha256": labeller.sha256,
        "label_source": labeller.source,
    }
    if docs is not None:
        header["counts"] = corpus_counts(docs)
    return header


def corpus_counts(docs: list[Document]) -> dict[str, Any]:
    status: dict[str, int] = {}
    per_label = {lab: 0 for lab in LABELS}
    for d in docs:
        status[d.label_status] = status.get(d.label_status, 0) + 1
        for lab in d.labels:
            per_label[lab] += 1
    return {"documents": len(docs), "status": dict(sorted(status.items())), "labels": per_label}


def load_xwlb_labelled(path: str | Path, rules: str = "builtin:v1") -> tuple[dict[str, Any], list[Document]]:
    """All items of the raw dump, weak-labelled with ``rules``, in id order; header records the rule hashes.

    Model-expansion rules (``builtin:v1_model``) label with their base rules first, then let a classifier trained
    on those labels read the items the rules left unlabelled (research/datasets/expansion.py)."""
    spec = expansion_spec(rules)
    if spec is not None:
        from .expansion import expand

        base_header, docs = load_xwlb_labelled(path, spec.base)
        docs, info = expand(docs, spec)
        header = {**base_header, "rules": str(rules), "rules_version": spec.version, "rules_sha256": spec.sha256,
                  "label_source": f"{base_header['label_source']}+model:{spec.version}",
                  "base_rules": {k: base_header[k] for k in ("rules", "rules_version", "rules_sha256")},
                  "expansion": info}
        header["counts"] = corpus_counts(docs)
        return header, docs
    labeller = make_labeller(rules)
    docs = sorted(iter_labelled(path, labeller), key=lambda d: d.id)
    return corpus_header(path, labeller, rules, docs), docs
