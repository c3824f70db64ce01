"""Apply a :class:`~research.weak_labels.lexicon.Lexicon` to one news item.

``WeakLabeller(lexicon).label(title, text, tags)`` -> :class:`WeakLabel` with labels (multi-label, in LABELS
order), primary, status (labelled / other / unlabelled), score, source and an explanation of which terms fired.
The decision procedure is documented at the top of ``rules_v1.yaml``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..labels import LABELS, NONE_LABEL
from .lexicon import Lexicon, load_lexicon
from .matcher import TermMatcher


@dataclass(frozen=True)
class WeakLabel:
    labels: tuple[str, ...]
    primary: str | None
    status: str
    score: float
    source: str
    scores: dict[str, float] = field(default_factory=dict)
    explanation: dict[str, Any] = field(default_factory=dict)


def split_tags(tags: str | list[str] | tuple[str, ...] | None) -> list[str]:
    if not tags:
        return []
    if isinstance(tags, str):
        tags = tags.split(",")
    return [t.strip() for t in tags if t and t.strip()]


class WeakLabeller:
    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon
        self.matcher = TermMatcher(lexicon.terms)
        self.source = f"rules:{lexicon.version}"
        self._title_foreign = TermMatcher(lexicon.foreign_title_terms)
        self._tag_exempt = TermMatcher(lexicon.foreign_tag_exempt_title_terms)
        self._title_other = TermMatcher(lexicon.other_title_terms)
        self._title_diplomacy = TermMatcher(lexicon.diplomacy_title_terms)
        # term -> [(label, weight, cap, title multiplier, is anchor)], resolved once per genre (the hot loop is per
        # document)
        self._term_info = self._resolve_terms({})
        self._genre_term_info = {genre: self._resolve_terms(table) for genre, table in lexicon.genre_weights.items()}

    def _resolve_terms(self, reweight: dict[str, dict[str, float]]) -> dict[str, list[tuple[str, float, int, float, bool]]]:
        lexicon = self.lexicon
        info: dict[str, list[tuple[str, float, int, float, bool]]] = {}
        for term, pairs in lexicon.terms.items():
            for label, weight in pairs:
                weight = reweight.get(term, {}).get(label, weight)
                th = lexicon.label_thresholds[label]
                info.setdefault(term, []).append(
                    (label, weight, int(th["max_hits_per_term"]), float(th["title_multiplier"]),
                     weight >= th["anchor_weight"]))
        return info

    @property
    def version(self) -> str:
        return self.lexicon.version

    @property
    def sha256(self) -> str:
        return self.lexicon.sha256

    @classmethod
    def from_rules(cls, rules: str | Path = "builtin:v1") -> "WeakLabeller":
        return cls(load_lexicon(rules))

    # -- exclusions ---------------------------------------------------------------------------------------------
    def is_foreign(self, title: str, body: str, tags: list[str]) -> str | None:
        """Why the item counts as foreign news, or None."""
        lex = self.lexicon
        hit = [t for t in tags if t in lex.foreign_tags]
        if hit and not self._tag_exempt.find(title):
            return f"tag:{hit[0]}"
        if self._title_foreign.find(title):
            return "title"
        if lex.foreign_title_prefixes and title.startswith(lex.foreign_title_prefixes):
            return "title_prefix"
        lead = body[: lex.foreign_lead_chars]
        for term in lex.foreign_lead_terms:
            if term in lead:
                return f"lead:{term}"
        return None

    def is_diplomacy(self, title: str, tags: list[str]) -> str | None:
        hit = [t for t in tags if t in self.lexicon.diplomacy_tags]
        if hit:
            return f"tag:{hit[0]}"
        found = self._title_diplomacy.find(title)
        return f"title:{found[0][1]}" if found else None

    # -- scoring ------------------------------------------------------------------------------------------------
    def score(self, title: str, body: str, tags: list[str], genre: str | None = None) -> dict[str, dict[str, Any]]:
        """Per label: score, lexical, core, density, fired terms (with counts)."""
        lex = self.lexicon
        out: dict[str, dict[str, Any]] = {
            lab: {"lexical": 0.0, "core": 0.0, "fired": {}, "penalties": {}} for lab in LABELS}
        info = self._genre_term_info.get(genre or "", self._term_info)
        for text, in_title in ((body, False), (title, True)):
            for term, n in self.matcher.counts(text).items():
                for label, weight, cap, title_mult, anchor in info.get(term, ()):  # shields have no entry
                    value = weight * (n if n < cap else cap) * (title_mult if in_title else 1.0)
                    entry = out[label]
                    entry["lexical"] += value
                    bucket = entry["fired"] if weight > 0 else entry["penalties"]
                    bucket[term] = bucket.get(term, 0) + n
                    if anchor:
                        entry["core"] += value
        length = len(title) + len(body)
        for lab, entry in out.items():
            th = lex.thresholds_for(lab, genre)
            tag_score = sum(lex.tags.get(t, {}).get(lab, 0.0) for t in tags)
            entry["score"] = round(entry["lexical"] + tag_score, 3)
            entry["density"] = round(100.0 * entry["lexical"] / max(length, int(th["density_floor_chars"])), 3)
            entry["lexical"] = round(entry["lexical"], 3)
            entry["core"] = round(entry["core"], 3)
        return out

    def passes(self, label: str, entry: dict[str, Any], genre: str | None = None) -> bool:
        th = self.lexicon.thresholds_for(label, genre)
        return (entry["score"] >= th["min_score"]
                and entry["core"] >= th["min_core"]
                and entry["density"] >= th["min_density"]
                and len(entry["fired"]) >= th["min_distinct_terms"])

    def label(self, title: str, text: str, tags: str | list[str] | None = None, genre: str | None = None) -> WeakLabel:
        """``text`` is the cleaned document text (it may start with the title); ``title`` is scored separately.

        ``genre`` (e.g. ``report`` for government-report paragraphs) selects the rules' genre thresholds; None =
        the default (news items)."""
        lex = self.lexicon
        tag_list = split_tags(tags)
        body = text[len(title):].lstrip("\n") if title and text.startswith(title) else text

        foreign = self.is_foreign(title, body, tag_list)
        if foreign:
            return WeakLabel((), NONE_LABEL, "other", 0.0, self.source, {}, {"rule": "foreign", "why": foreign})
        if self._title_other.find(title):
            return WeakLabel((), NONE_LABEL, "other", 0.0, self.source, {}, {"rule": "other_title"})
        lead_terms, lead_chars = lex.genre_other_leads.get(genre or "", ((), 0))
        lead = body[:lead_chars]
        for term in lead_terms:
            if term in lead:
                return WeakLabel((), NONE_LABEL, "other", 0.0, self.source, {}, {"rule": "other_lead", "why": term})

        detail = self.score(title, body, tag_list, genre)
        scores = {lab: detail[lab]["score"] for lab in LABELS}
        top_score = max(scores.values())
        explanation: dict[str, Any] = {
            "fired": {lab: dict(sorted(d["fired"].items())) for lab, d in detail.items() if d["fired"]},
            "penalties": {lab: dict(sorted(d["penalties"].items())) for lab, d in detail.items() if d["penalties"]},
            "core": {lab: d["core"] for lab, d in detail.items() if d["fired"]},
            "density": {lab: d["density"] for lab, d in detail.items() if d["fired"]},
            "tags": tag_list,
        }
        diplomacy = self.is_diplomacy(title, tag_list)
        if diplomacy and top_score < lex.diplomacy_override_score:
            explanation.update(rule="diplomacy", why=diplomacy)
            return WeakLabel((), NONE_LABEL, "other", round(top_score, 3), self.source, scores, explanation)

        passing = [lab for lab in LABELS if self.passes(lab, detail[lab], genre)]
        general = lex.general_thresholds(genre)
        if not passing:
            status = "other" if top_score < general["other_max_score"] else "unlabelled"
            primary = NONE_LABEL if status == "other" else None
            return WeakLabel((), primary, status, round(top_score, 3), self.source, scores, explanation)
        # primary = highest score (ties broken by LABELS order); secondaries must be comparably strong
        primary = max(passing, key=lambda lab: (scores[lab], -LABELS.index(lab)))
        top = scores[primary]
        ratio = general["secondary_ratio"]
        labels = tuple(lab for lab in passing if lab == primary or scores[lab] >= ratio * top)
        return WeakLabel(labels, primary, "labelled", top, self.source, scores, explanation)
