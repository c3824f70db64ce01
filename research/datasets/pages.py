"""Raw pages as :class:`~research.datasets.records.Document` objects: the bridge to training and prediction.

``documents_from_pages`` gives unlabelled documents (for prediction); ``load_pages_corpus`` weak-labels every
segment with the rule lexicon, like the ``xwlb`` corpus is labelled on the fly, so that an experiment can train
on raw pages with ``data: {corpus: pages, path: <folder>, unit: article|section|page}``.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import DataError
from ..ingest import Segment, SegmentRun, segment_paths
from ..weak_labels import make_labeller
from .records import Document


def _run(paths: Iterable[str | Path] | str | Path, unit: str) -> SegmentRun:
    run = segment_paths(paths, unit=unit)
    if not run.records:
        reasons = "; ".join(reason for _, reason in run.skipped) or "no text found"
        raise DataError(f"no segments from {paths}: {reasons}")
    return run


def _meta(seg: Segment) -> dict[str, Any]:
    return {"source": seg.source, "unit": seg.unit, "start": seg.start, "end": seg.end, "byline": seg.byline,
            "dateline": seg.dateline}


def _title(seg: Segment) -> str:
    """The title ``seg.text`` starts with: the section's own title, else the article headline."""
    return seg.section_title or seg.headline


def documents_from_pages(paths: Iterable[str | Path] | str | Path, unit: str = "article") -> list:
    """Raw pages as unlabelled documents (id = segment id, text = segment text); :class:`DataError` if none."""
    return [Document(id=s.id, text=s.text, title=_title(s), label_status="unlabelled", meta=_meta(s))
            for s in _run(paths, unit)]


def load_pages_corpus(paths: Iterable[str | Path] | str | Path, unit: str = "article",
                      rules: str = "builtin:v1") -> tuple[dict[str, Any], list]:
    """Raw pages segmented into ``unit`` documents and weak-labelled with ``rules``, plus a corpus header
    (which files, their hashes, the unit, the rule version) for the run's provenance."""
    run = _run(paths, unit)
    labeller = make_labeller(rules)
    docs = []
    for seg in run:
        weak = labeller.label(_title(seg), seg.text)
        docs.append(Document(id=seg.id, text=seg.text, labels=weak.labels, primary=weak.primary,
                             title=_title(seg), label_status=weak.status, label_source=weak.source,
                             label_score=weak.score, meta=_meta(seg)))
    header = {"corpus": "pages", "pages": run.fingerprint(), "rules": str(rules),
              "rules_version": labeller.version, "rules_sha256": labeller.sha256,
              "label_source": labeller.source, "skipped": [{"path": p, "reason": r} for p, r in run.skipped]}
    return header, docs
