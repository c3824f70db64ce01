"""The hand-checked sample: draw it (stratified, seeded) and score the weak labels against it.

File ``research/datasets/data/hand_checked_v1.jsonl``: a header line ``{"__gold__": {...}}`` (how the sample was
drawn: seed, provisional rules hash, stratum population sizes for inverse-probability weighting), then one line per
item ``{"id", "labels", "primary", "reason", "stratum", "split"}``. Labels come from reading each item; the texts
stay in ../shared.

Strata are the *provisional* rules' outcome at draw time (the four primary labels, "other", "unlabelled").
Because strata are sampled at different rates, plain precision/recall over the sample over-represents rare
strata; :func:`evaluate` also reports estimates weighted by stratum size / stratum sample size (Horvitz-Thompson),
which generalise to the whole corpus.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DataError
from ..labels import LABELS, NONE_LABEL
from .records import Document, iter_json_lines

GOLD_PATH = Path(__file__).parent / "data" / "hand_checked_v1.jsonl"
GOLD_KEY = "__gold__"
SEED = "gold_v1"
STRATA = (*LABELS, "other", "unlabelled")
UNSTRATIFIED = ""
"""Stratum of an item from a file that was not drawn by strata (e.g. the in-domain seed pages): weight 1."""


def stratum_of(doc: Document) -> str:
    if doc.label_status == "labelled":
        return str(doc.primary)
    return doc.label_status


def split_of(doc_id: str, seed: str = SEED) -> str:
    """dev (rules tuned on it) or heldout (only measured), fixed by a hash of the id."""
    return "dev" if hashlib.sha256(f"{seed}:split:{doc_id}".encode()).digest()[0] % 2 == 0 else "heldout"


def draw(docs: list[Document], per_stratum: dict[str, int], seed: str = SEED) -> tuple[list[Document], dict[str, int]]:
    """Seeded stratified draw; returns (sample in id order, population size per stratum)."""
    population = Counter(stratum_of(d) for d in docs)
    chosen: list[Document] = []
    for stratum, n in per_stratum.items():
        pool = sorted((d for d in docs if stratum_of(d) == stratum),
                      key=lambda d: hashlib.sha256(f"{seed}:{d.id}".encode()).hexdigest())
        chosen.extend(pool[:n])
    return sorted(chosen, key=lambda d: d.id), {s: population.get(s, 0) for s in per_stratum}


def export_for_reading(sample: list[Document], path: str | Path, max_chars: int = 700) -> None:
    """Plain text for the annotator: id, date, title and the start of the text; no rule labels, no stratum."""
    with open(path, "w", encoding="utf-8") as fh:
        for d in sample:
            body = d.text[len(d.title):].strip() if d.text.startswith(d.title) else d.text
            fh.write(f"### {d.id} {d.date}\n{d.title}\n{body[:max_chars]}\n\n")


@dataclass(frozen=True)
class GoldItem:
    id: str
    labels: tuple[str, ...]
    primary: str
    reason: str
    stratum: str
    split: str


def read_gold(path: str | Path = GOLD_PATH) -> tuple[dict[str, Any], list[GoldItem]]:
    """A hand-labelled file (a path, or ``builtin:NAME`` for one shipped in research/datasets/data/)."""
    if str(path).startswith("builtin:"):
        from .builtin import builtin_data_path

        path = builtin_data_path(str(path)[len("builtin:"):])
    path = Path(path)
    if not path.is_file():
        raise DataError(f"hand-checked file not found: {path}")
    header: dict[str, Any] = {}
    items: list[GoldItem] = []
    seen: set[str] = set()
    for lineno, obj in iter_json_lines(path):
        if GOLD_KEY in obj:
            header = obj[GOLD_KEY]
            continue
        where = f"{path}:{lineno}"
        labels = tuple(obj.get("labels") or ())
        bad = [lab for lab in labels if lab not in LABELS]
        if bad:
            raise DataError(f"{where}: unknown label(s) {bad}")
        primary = obj.get("primary")
        if labels and primary not in labels:
            raise DataError(f"{where}: primary {primary!r} is not one of its labels {list(labels)}")
        if not labels and primary != NONE_LABEL:
            raise DataError(f"{where}: no labels, so primary must be {NONE_LABEL!r}")
        if not str(obj.get("reason") or "").strip():
            raise DataError(f"{where}: empty reason")
        stratum = obj.get("stratum", UNSTRATIFIED)
        if stratum not in (*STRATA, UNSTRATIFIED, *header.get("strata", ())):
            raise DataError(f"{where}: stratum {stratum!r} not one of {STRATA}")
        if obj["id"] in seen:
            raise DataError(f"{where}: duplicate id {obj['id']}")
        seen.add(obj["id"])
        items.append(GoldItem(obj["id"], tuple(lab for lab in LABELS if lab in labels), primary,
                              obj["reason"], stratum, obj.get("split") or split_of(obj["id"])))
    return header, items


def _prf(tp: float, fp: float, fn: float) -> dict[str, float | None]:
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    f = 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
    return {"precision": p, "recall": r, "f1": f}


def evaluate(gold: list[GoldItem], predicted: dict[str, Document], population: dict[str, int] | None = None,
             ) -> dict[str, Any]:
    """Per-label precision/recall/F1 of the weak labels (plain and stratum-weighted), confusions, coverage.

    An ``unlabelled`` prediction counts as predicting no label (it hurts recall, never precision); the
    ``coverage`` block says how many gold items the rules left unlabelled.
    """
    missing = [g.id for g in gold if g.id not in predicted]
    if missing:
        raise DataError(f"{len(missing)} hand-checked id(s) not in the corpus, e.g. {missing[:3]}")
    drawn = Counter(g.stratum for g in gold)
    weight = {s: (population.get(s, 0) / drawn[s]) if population and drawn[s] else 1.0 for s in drawn}
    plain = {lab: Counter() for lab in LABELS}
    weighted = {lab: Counter() for lab in LABELS}
    confusion: Counter = Counter()
    primary_confusion: Counter = Counter()
    errors: list[dict[str, Any]] = []
    for g in gold:
        d = predicted[g.id]
        pred = set(d.labels) if d.label_status == "labelled" else set()
        true = set(g.labels)
        w = weight[g.stratum]
        for lab in LABELS:
            kind = "tp" if lab in pred and lab in true else "fp" if lab in pred else "fn" if lab in true else None
            if kind:
                plain[lab][kind] += 1
                weighted[lab][kind] += w
        pp = d.primary if d.label_status == "labelled" else ("none" if d.label_status == "other" else "unlabelled")
        primary_confusion[(g.primary, pp)] += 1
        for lab in pred - true:
            confusion[(lab, ",".join(sorted(true)) or NONE_LABEL)] += 1
        if pred != true:
            errors.append({"id": g.id, "split": g.split, "gold": sorted(true), "pred": sorted(pred),
                           "status": d.label_status, "title": d.title, "reason": g.reason})
    per_label = {}
    for lab in LABELS:
        per_label[lab] = {
            **_prf(plain[lab]["tp"], plain[lab]["fp"], plain[lab]["fn"]),
            "tp": plain[lab]["tp"], "fp": plain[lab]["fp"], "fn": plain[lab]["fn"],
            "weighted": _prf(weighted[lab]["tp"], weighted[lab]["fp"], weighted[lab]["fn"]),
            "gold": sum(lab in g.labels for g in gold),
        }
    micro = _prf(*(sum(plain[lab][k] for lab in LABELS) for k in ("tp", "fp", "fn")))
    f1s = [per_label[lab]["f1"] for lab in LABELS if per_label[lab]["f1"] is not None]
    # an abstention ("unlabelled") is what a user of the labeller as a tagger sees as "none"
    primary_hits = sum(n for (t, p), n in primary_confusion.items()
                       if t == p or (t == NONE_LABEL and p == "unlabelled"))
    status = Counter(predicted[g.id].label_status for g in gold)
    none_gold = [g for g in gold if not g.labels]
    other_pred = [g for g in gold if predicted[g.id].label_status == "other"]
    other_precision = (sum(not g.labels for g in other_pred) / len(other_pred)) if other_pred else None
    return {
        "items": len(gold),
        "per_label": per_label,
        "micro_f1": micro["f1"],
        "macro_f1": sum(f1s) / len(f1s) if f1s else None,
        "primary_accuracy": primary_hits / len(gold) if gold else None,
        "exact_match": (len(gold) - len(errors)) / len(gold) if gold else None,
        "other": {"precision": other_precision, "predicted_other": len(other_pred), "gold_none": len(none_gold)},
        "coverage": dict(sorted(status.items())),
        "false_positive_confusions": [
            {"predicted": p, "gold": t, "count": n} for (p, t), n in sorted(confusion.items(), key=lambda x: (-x[1], x[0]))],
        "primary_confusion": [
            {"gold": t, "predicted": p, "count": n} for (t, p), n in sorted(primary_confusion.items())],
        "errors": errors,
    }


def format_report(results: dict[str, dict[str, Any]]) -> str:
    """results: subset name -> evaluate() output; one table row per (subset, label)."""
    def f(x: float | None) -> str:
        return "  -  " if x is None else f"{x:.3f}"

    lines = [f"{'subset':<9} {'label':<15} {'gold':>4} {'tp':>4} {'fp':>4} {'fn':>4}  {'P':>5}  {'R':>5}  {'F1':>5}"
             f"  {'P(w)':>5}  {'R(w)':>5}"]
    for name, res in results.items():
        for lab, m in res["per_label"].items():
            lines.append(f"{name:<9} {lab:<15} {m['gold']:>4} {m['tp']:>4.0f} {m['fp']:>4.0f} {m['fn']:>4.0f}"
                         f"  {f(m['precision'])}  {f(m['recall'])}  {f(m['f1'])}"
                         f"  {f(m['weighted']['precision'])}  {f(m['weighted']['recall'])}")
        o = res["other"]
        lines.append(f"{name:<9} {'(other)':<15} {o['gold_none']:>4} predicted-other={o['predicted_other']}"
                     f" precision={f(o['precision'])}  coverage={res['coverage']}")
    return "\n".join(lines)
