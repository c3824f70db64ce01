"""Score a fitted model against text read by hand, next to the labels it was trained from.

Test-split scores measure agreement with the weak labels (the rules), not truth. Two hand-labelled sets ship with
the package and measure truth instead:

* ``hand_checked``: 450 新闻联播 items read by hand (``research/datasets/data/hand_checked_v1.jsonl``; texts in
  ../shared). They are removed from the corpus before the split, so the model never trains or tunes on them.
* ``in_domain``: the articles and sections of the two real local-newspaper seed pages
  (``seeds_gold_v1.jsonl``; pages in ../shared/seeds): the text this package exists for.

For each set the model's labels and the corpus labeller's labels (keyword rules, or the naive CCTV tag map) are
scored with :func:`research.datasets.gold.evaluate`, so a run folder shows whether training added anything.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..config import EvaluationConfig, resolve_path
from ..datasets.gold import GOLD_PATH, GoldItem, evaluate, read_gold
from ..datasets.records import Document
from ..labels import LABELS, NONE_LABEL

log = logging.getLogger(__name__)

Predict = Callable[[list[Document]], tuple[list[list[str]], list[str]]]
"""documents -> (label lists, primary labels): what a fitted pipeline, a loaded model or a labeller answers."""

SEEDS_GOLD = "builtin:seeds_gold_v1"


@dataclass
class GoldSet:
    name: str
    items: list[GoldItem]
    docs: dict[str, Document]
    """id -> document: its text for the model, its labels as the corpus labeller gave them (the baseline)."""
    baseline: str
    population: dict[str, int] | None = None
    subsets: tuple[str, ...] = ("all",)
    fingerprint: dict[str, Any] | None = None
    """sha256 of the hand-label file (and of the pages read), recorded in the run's fingerprints.json."""

    def subset(self, name: str) -> list[GoldItem]:
        return self.items if name == "all" else [g for g in self.items if g.split == name]


def hand_checked_set(docs: list[Document], spec: str = "builtin:hand_checked_v1",
                     baseline: str | None = None, source: Path | None = None,
                     rules: str = "builtin:v1") -> GoldSet | None:
    """The hand-checked 新闻联播 items, or None when none can be found.

    Items in ``docs`` are taken from there (their corpus labels are the baseline, named by ``baseline``, the
    corpus header's ``label_source``); items missing from ``docs`` are read from the raw dump ``source`` when it
    exists and labelled by ``rules``, so that a model trained on another corpus is scored on the same items."""
    header, items = read_gold(spec or GOLD_PATH)
    by_id = {d.id: d for d in docs}
    missing = {g.id for g in items if g.id not in by_id}
    if missing and source is not None and source.is_file():
        by_id.update(_dump_items(source, missing, rules))
    present = [g for g in items if g.id in by_id]
    if not present:
        log.info("hand-checked evaluation skipped: none of its %d ids is in this corpus", len(items))
        return None
    label_source = baseline or next((by_id[g.id].label_source for g in present if by_id[g.id].label_source),
                                    "corpus labels")
    return GoldSet("hand_checked", present, {g.id: by_id[g.id] for g in present}, label_source,
                   header.get("population"), ("dev", "heldout", "all"), _file_fingerprint(spec or GOLD_PATH))


def _dump_items(source: Path, ids: set[str], rules: str) -> dict[str, Document]:
    """The items ``ids`` of the raw 新闻联播 dump, weak-labelled by ``rules`` (the per-item base rules of an
    expansion)."""
    from ..datasets.xwlb import iter_raw, label_raw, to_document
    from ..weak_labels import expansion_spec, make_labeller

    spec = expansion_spec(rules)
    labeller = make_labeller(spec.base if spec else rules)
    out = {}
    for raw in iter_raw(source):
        if raw["id"] in ids:
            text, weak = label_raw(labeller, raw)
            out[raw["id"]] = to_document(raw, weak, text=text)
    return out


def reports_set(spec: str, rules: str) -> GoldSet:
    """The hand-checked report paragraphs (their texts are in the file), labelled by ``rules`` as the baseline.

    Unlike the 新闻联播 set it needs no corpus: every model can be scored on it, trained on reports or not."""
    from ..datasets.gold_reports import read_reports_gold
    from ..datasets.gov_reports import GENRE
    from ..weak_labels import expansion_spec, make_labeller

    header, items, docs = read_reports_gold(spec)
    exp = expansion_spec(rules)
    labeller = make_labeller(exp.base if exp else rules)
    labelled = {}
    for i, d in docs.items():
        weak = labeller.label("", d.text, genre=GENRE)
        labelled[i] = replace(d, labels=weak.labels, primary=weak.primary, label_status=weak.status,
                              label_source=weak.source)
    return GoldSet("hand_checked_reports", items, labelled, labeller.source, header.get("population"),
                   ("dev", "heldout", "all"), _file_fingerprint(spec))


def in_domain_set(pages: str | Path, rules: str, spec: str = SEEDS_GOLD,
                  config_source: str | None = None) -> GoldSet | str:
    """The hand-labelled articles/sections of raw pages, labelled by ``rules`` as the baseline; a reason if the
    pages are not on this machine (the default experiment must run without ../shared)."""
    from ..errors import DataError
    from ..datasets.pages import load_pages_corpus

    folder = resolve_path(str(pages), config_source)
    if not folder.exists():
        return f"pages not found: {folder}"
    _, items = read_gold(spec)
    docs: dict[str, Document] = {}
    pages_fp: dict[str, Any] = {}
    for unit in sorted({_unit_of(g.id) for g in items}):
        header, unit_docs = load_pages_corpus([folder], unit=unit, rules=rules)
        docs.update((d.id, d) for d in unit_docs)
        pages_fp = {k: header["pages"][k] for k in ("files", "sha256")}
    missing = [g.id for g in items if g.id not in docs]
    if missing:
        raise DataError(f"{spec}: {len(missing)} hand-labelled unit(s) not found in {folder}, e.g. {missing[:3]} "
                        f"(did the segmenter change?)")
    return GoldSet("in_domain", items, docs, next(iter(docs.values())).label_source,
                   fingerprint={**_file_fingerprint(spec), "pages": pages_fp})


def _file_fingerprint(spec: str | Path) -> dict[str, Any]:
    from ..datasets.builtin import resolve_data_path
    from ..fingerprint import file_sha256

    return {"file": str(spec), "sha256": file_sha256(resolve_data_path(str(spec)))}


def _unit_of(segment_id: str) -> str:
    return {1: "page", 2: "article", 3: "section"}[segment_id.count(":") + 1]


def load_gold_sets(ev: EvaluationConfig, docs: list[Document], rules: str, config_source: str | None = None,
                   baseline: str | None = None) -> tuple[list[GoldSet], dict[str, str]]:
    """The gold sets a config asks for, and why any of them was skipped."""
    sets: list[GoldSet] = []
    skipped: dict[str, str] = {}
    if ev.hand_checked:
        dump = resolve_path(ev.hand_checked_source, config_source) if ev.hand_checked_source else None
        found = hand_checked_set(docs, ev.hand_checked, baseline, dump, rules)
        if found is None:
            skipped["hand_checked"] = "no hand-checked id in this corpus"
        else:
            sets.append(found)
    if ev.hand_checked_reports:
        sets.append(reports_set(ev.hand_checked_reports, rules))
    if ev.in_domain_pages:
        from ..weak_labels import expansion_spec

        spec = expansion_spec(rules)  # a corpus-level pass cannot label single pages: its base rules can
        found = in_domain_set(ev.in_domain_pages, spec.base if spec else rules, ev.in_domain_gold, config_source)
        if isinstance(found, str):
            log.warning("in-domain evaluation skipped: %s", found)
            skipped["in_domain"] = found
        else:
            sets.append(found)
    return sets, skipped


def without_gold(docs: list[Document], sets: list[GoldSet]) -> list[Document]:
    """Training/test candidates minus every hand-read item, so no model is fitted or tuned on its own judge."""
    held = {g.id for s in sets for g in s.items}
    texts = {s.docs[g.id].text for s in sets if s.name == "hand_checked_reports" for g in s.items}
    return [d for d in docs if d.id not in held and d.text not in texts]


def predicted_documents(ids: list[str], labels: list[list[str]], primary: list[str]) -> dict[str, Document]:
    """Model output in the form :func:`evaluate` scores: no label = a confident "none"."""
    return {i: Document(i, "", tuple(lab), p if lab else NONE_LABEL,
                        label_status="labelled" if lab else "other")
            for i, lab, p in zip(ids, labels, primary)}


def rules_predictor(rules: str) -> Predict:
    """A labeller as a tagger: its labels, and "none" where it abstains (CCTV tags used where documents have them)."""
    from ..weak_labels import make_labeller

    labeller = make_labeller(rules)

    def predict(docs: list[Document]) -> tuple[list[list[str]], list[str]]:
        out = [labeller.label(d.title, d.text, d.meta.get("tags"), **_genre(labeller, d)) for d in docs]
        return ([list(w.labels) if w.status == "labelled" else [] for w in out],
                [w.primary if w.status == "labelled" else NONE_LABEL for w in out])
    return predict


def _genre(labeller, doc: Document) -> dict[str, str]:
    """Report paragraphs are judged with the rules' report genre (a tag map has no genres)."""
    from ..datasets.gov_reports import CORPUS, GENRE

    return {"genre": GENRE} if doc.meta.get("corpus") == CORPUS and hasattr(labeller, "lexicon") else {}


def model_predictor(model) -> Predict:
    """A loaded :class:`~research.model.TaggingModel` as a :data:`Predict`."""
    def predict(docs: list[Document]) -> tuple[list[list[str]], list[str]]:
        recs = model.predict([d.text for d in docs])
        return [r["labels"] for r in recs], [r["primary"] for r in recs]
    return predict


def evaluate_predictions(gold: GoldSet, predict: Predict) -> tuple[dict[str, Any], list[list[str]], list[str]]:
    """:func:`evaluate` of ``predict``'s answers on every subset of ``gold``, and the answers themselves."""
    ids = [g.id for g in gold.items]
    labels, primary = predict([gold.docs[i] for i in ids])
    predicted = predicted_documents(ids, labels, primary)
    return {sub: evaluate(gold.subset(sub), predicted, gold.population) for sub in gold.subsets}, labels, primary


def score_set(gold: GoldSet, predict: Predict) -> dict[str, Any]:
    """The model's answers and the corpus labeller's, both scored against the hand labels."""
    model, labels, primary = evaluate_predictions(gold, predict)
    baseline = {sub: evaluate(gold.subset(sub), gold.docs, gold.population) for sub in gold.subsets}
    return {"items": len(gold.items), "baseline": gold.baseline, "model": model, "baseline_labels": baseline,
            "predictions": [{"id": g.id, "split": g.split, "gold": list(g.labels), "gold_primary": g.primary, "model": list(lab),
                             "model_primary": p, "baseline": list(gold.docs[g.id].labels),
                             "title": gold.docs[g.id].title}
                            for g, lab, p in zip(gold.items, labels, primary)]}


def score_gold_sets(sets: list[GoldSet], predict: Predict) -> dict[str, Any]:
    return {s.name: score_set(s, predict) for s in sets}


def headline(result: dict[str, Any], who: str = "model", subset: str = "all") -> dict[str, Any]:
    """The few numbers a comparison table shows: micro/macro-F1, primary accuracy, per-label P and R."""
    r = result[who][subset]
    return {"micro_f1": _round(r["micro_f1"]), "macro_f1": _round(r["macro_f1"]),
            "primary_accuracy": _round(r["primary_accuracy"]),
            **{f"{lab}_{k[0].upper()}": _round(r["per_label"][lab][k]) for lab in LABELS
               for k in ("precision", "recall")}}


def gold_ci(result: dict[str, Any], subset: str = "all", who: str = "model", n_boot: int = 1000,
            seed: int = 0) -> dict[str, dict[str, float]]:
    """Percentile-bootstrap 95 % intervals of micro- and macro-F1 over the hand-read items of ``subset``.

    Macro-F1 here averages all four labels (a label absent from a resample counts 0), so its point value can
    differ slightly from :func:`headline`'s, which averages the labels that have a defined F1."""
    from ..labels import to_indicator
    from .bootstrap import multilabel_ci

    key = "model" if who == "model" else "baseline"
    rows = [p for p in result["predictions"] if subset == "all" or p.get("split") == subset]
    if not rows:
        return {}
    ci = multilabel_ci(to_indicator([p["gold"] for p in rows]), to_indicator([p[key] for p in rows]),
                       n_boot=n_boot, seed=seed)
    return {k: ci[k] for k in ("micro_f1", "macro_f1")}


def _round(x: float | None) -> float | None:
    return None if x is None else round(float(x), 4)


def _f(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def gold_markdown(results: dict[str, Any], skipped: dict[str, str] | None = None) -> str:
    """Per gold set: model vs its training labels, per label and overall; then every in-domain unit."""
    lines = ["# Scores against hand-read text", ""]
    for name, res in results.items():
        subsets = list(res["model"])
        lines += [f"## {name} ({res['items']} items; baseline = {res['baseline']})", "",
                  "| subset | who | micro-F1 | macro-F1 | primary acc. | "
                  + " | ".join(f"{lab} P / R" for lab in LABELS) + " |",
                  "|---|---|---:|---:|---:|" + "---:|" * len(LABELS)]
        for sub in subsets:
            for who in ("model", "baseline_labels"):
                r = res[who][sub]
                cells = [f"{_f(r['per_label'][lab]['precision'])} / {_f(r['per_label'][lab]['recall'])}"
                         for lab in LABELS]
                lines.append(f"| {sub} | {who.replace('_labels', '')} | {_f(r['micro_f1'])} | {_f(r['macro_f1'])} | "
                             f"{_f(r['primary_accuracy'])} | " + " | ".join(cells) + " |")
        lines.append("")
        if name == "in_domain":
            lines += ["| unit | title | read by hand | model | baseline |", "|---|---|---|---|---|"]
            for p in res["predictions"]:
                lines.append(f"| {p['id']} | {p['title'][:24]} | {_labels(p['gold'])} | {_labels(p['model'])} | "
                             f"{_labels(p['baseline'])} |")
            lines.append("")
    for name, why in (skipped or {}).items():
        lines += [f"*{name}: skipped ({why}).*", ""]
    return "\n".join(lines)


def _labels(labels: list[str]) -> str:
    return ", ".join(labels) or NONE_LABEL
