"""The naive baseline: CCTV's own tags mapped straight onto the four labels, no reading of the text.

This is the labelling the project was warned about (a model trained on it scores worse in-domain than plain
keyword rules); it exists so that claim can be measured here, with ``configs/baselines/cctv_tags_naive.yaml``
and ``research evaluate``. Rules file (``rules_cctv_tags_naive.yaml``)::

    kind: tag_map
    version: cctv_tags_naive
    tags: {从严治党: party_building, 中国经济: investment, 民生: livelihood}
    untagged: unlabelled     # no tag at all: no information (most items before 2017)
    unmapped: other          # tagged, but with none of the mapped tags: none of the four
"""
from __future__ import annotations

from typing import Any

from ..errors import DataError
from ..labels import LABELS, NONE_LABEL
from .labeller import WeakLabel, split_tags

_STATUSES = ("unlabelled", "other")


class TagMapLabeller:
    """Same interface as :class:`~research.weak_labels.WeakLabeller`: ``label(title, text, tags)``."""

    def __init__(self, spec: dict[str, Any], where: str = "<rules>", sha256: str = ""):
        unknown = set(spec) - {"kind", "version", "tags", "untagged", "unmapped"}
        if unknown:
            raise DataError(f"{where}: unknown key(s) {sorted(unknown)}")
        self.version = str(spec.get("version") or "")
        if not self.version:
            raise DataError(f"{where}: missing 'version'")
        tags = spec.get("tags") or {}
        bad = {t: lab for t, lab in tags.items() if lab not in LABELS}
        if not tags or bad:
            raise DataError(f"{where}: tags must map CCTV tags to one of {list(LABELS)} (bad: {bad})")
        self.tags: dict[str, str] = dict(tags)
        self.untagged = spec.get("untagged", "unlabelled")
        self.unmapped = spec.get("unmapped", "other")
        for key in ("untagged", "unmapped"):
            if getattr(self, key) not in _STATUSES:
                raise DataError(f"{where}: {key}: expected one of {list(_STATUSES)}")
        self.sha256 = sha256
        self.source = f"tags:{self.version}"

    def label(self, title: str, text: str, tags: str | list[str] | None = None, genre: str | None = None) -> WeakLabel:
        tag_list = split_tags(tags)
        hit = {self.tags[t] for t in tag_list if t in self.tags}
        if not hit:
            status = self.untagged if not tag_list else self.unmapped
            return WeakLabel((), NONE_LABEL if status == "other" else None, status, 0.0, self.source, {},
                             {"rule": "untagged" if not tag_list else "unmapped", "tags": tag_list})
        labels = tuple(lab for lab in LABELS if lab in hit)
        # the first mapped tag in CCTV's own order decides the primary label
        primary = next(self.tags[t] for t in tag_list if t in self.tags)
        return WeakLabel(labels, primary, "labelled", 1.0, self.source, {lab: 1.0 for lab in labels},
                         {"rule": "tag_map", "tags": tag_list})
