"""Build the weak-labelled 新闻联播 corpus file (JSONL.gz, one Document per line, header first).

Deterministic: documents in id order, JSON keys in a fixed order, gzip mtime 0. The header records the rules
version, the sha256 of the rules file and of the source dump, and the label counts.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from ..labels import LABELS, NONE_LABEL
from .records import Document, write_jsonl
from .xwlb import load_xwlb_labelled

DEFAULT_OUT = "results/datasets/xwlb_labelled_v1.jsonl.gz"


def year_table(docs: list[Document]) -> list[dict[str, Any]]:
    """One row per year: documents, labelled, other, unlabelled, and per-label counts (multi-label)."""
    rows: dict[int, Counter] = {}
    for d in docs:
        c = rows.setdefault(d.year or 0, Counter())
        c["documents"] += 1
        c[d.label_status] += 1
        for lab in d.labels:
            c[lab] += 1
        if d.label_status == "labelled":
            c[f"primary:{d.primary}"] += 1
    return [{"year": y, **{k: rows[y].get(k, 0) for k in ("documents", "labelled", "other", "unlabelled", *LABELS)}}
            for y in sorted(rows)]


def format_year_table(rows: list[dict[str, Any]]) -> str:
    cols = ["year", "documents", "labelled", "other", "unlabelled", *LABELS]
    widths = [max(len(c), 6) for c in cols]
    lines = ["  ".join(c.rjust(w) for c, w in zip(cols, widths))]
    total = {c: sum(r[c] for r in rows) for c in cols[1:]}
    for r in [*rows, {"year": "total", **total}]:
        lines.append("  ".join(str(r[c]).rjust(w) for c, w in zip(cols, widths)))
    return "\n".join(lines)


def build_corpus(source: str | Path, out: str | Path, rules: str = "builtin:v1", limit: int | None = None,
                 ) -> tuple[dict[str, Any], list[Document]]:
    header, docs = load_xwlb_labelled(source, rules=rules)
    if limit is not None:
        docs = docs[:limit]
        header["limit"] = limit
    header["counts"]["per_year"] = year_table(docs)
    header["counts"]["primary"] = dict(sorted(Counter(
        d.primary for d in docs if d.label_status == "labelled").items()))
    header["counts"]["documents"] = len(docs)
    header["counts"]["labels"] = {lab: sum(lab in d.labels for d in docs) for lab in LABELS}
    header["none_label"] = NONE_LABEL
    write_jsonl(out, (d.to_json() for d in docs), header=header)
    return header, docs
