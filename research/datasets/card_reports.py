"""The dataset card's section on government-work-report paragraphs: what rules v2 label in the report corpus and
how precise they are on the hand-checked report paragraphs (dev half, held-out half, all).

Computed, not pasted: ``research dataset card`` regenerates it with the rest of docs/DATASET_CARD.md. The corpus
counts need ``../shared/data/gov_reports``; without it the section gives the hand-checked figures only and says so.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..labels import LABELS
from ..weak_labels import load_lexicon, make_labeller
from .builtin import resolve_data_path
from .gold import evaluate
from .gold_reports import read_reports_gold
from .gov_reports import GENRE
from .records import iter_json_lines

REPORTS_GOLD = "builtin:hand_checked_reports_v1"
SUBSETS = ("dev", "heldout", "all")
BAR = 0.90
"""The issue's bar: weak-label precision per label on the held-out half."""


def _label_gold(rules: str, items: list, docs: dict) -> dict[str, Any]:
    """evaluate() of ``rules`` (report genre) on the dev half, the held-out half and all hand-checked paragraphs."""
    labeller = make_labeller(rules)
    predicted = {}
    for g in items:
        weak = labeller.label("", docs[g.id].text, genre=GENRE)
        predicted[g.id] = replace(docs[g.id], labels=weak.labels, primary=weak.primary, label_status=weak.status)
    out = {}
    for sub in SUBSETS:
        chosen = [g for g in items if sub == "all" or g.split == sub]
        out[sub] = evaluate(chosen, predicted)
    out["predicted"] = predicted
    return out


def _borderline_ids(spec: str) -> set[str]:
    return {obj["id"] for _, obj in iter_json_lines(resolve_data_path(spec)) if obj.get("borderline")}


def _frac(m: dict[str, Any], kind: str) -> str:
    """'0.91 (59/65)': the figure and the counts it rests on."""
    tp, fp, fn = m["tp"], m["fp"], m["fn"]
    den = tp + fp if kind == "precision" else tp + fn
    return "–" if not den else f"{tp / den:.2f} ({tp}/{den})"


def reports_card_lines(rules: str = "builtin:v2", baseline: str = "builtin:v1", gold_spec: str = REPORTS_GOLD,
                       source: str | Path | None = None) -> list[str]:
    """Markdown lines of the report section. ``source``: the report corpus (None or missing: counts left out)."""
    header, items, docs = read_reports_gold(gold_spec)
    after = _label_gold(rules, items, docs)
    before = _label_gold(baseline, items, docs)
    lex, base_lex = load_lexicon(rules), load_lexicon(baseline)
    borderline = _borderline_ids(gold_spec)
    held = [g for g in items if g.split == "heldout"]

    L: list[str] = []
    a = L.append
    a("## Government work report paragraphs (rules v2, genre `report`)")
    a("")
    a("The second corpus: paragraphs of 2,832 government work reports (政府工作报告) of the State Council, the "
      "provinces and the cities, ≤ 2025 (`../shared/data/gov_reports`, SOURCES.md §6), cut into paragraphs by "
      "`research.ingest.report` (≥ 40 characters; 名词解释 glossaries left out). They are labelled by "
      f"`{rules}` (sha256 `{lex.sha256[:16]}…`) with its `genres: report:` thresholds: the report voice lists "
      "measures, so one clause about 中欧班列 can carry a paragraph, while stock phrases (全面贯彻党的二十大精神) "
      "carry little and problem/target paragraphs (清醒看到…, 主要预期目标…) are *none*.")
    a("")
    if source is not None and Path(source).is_file():
        from .gov_reports import load_gov_reports_labelled

        corpus_header, corpus = load_gov_reports_labelled(source, rules=rules)
        wanted = {g.id for g in items}
        status = Counter(d.label_status for d in corpus)
        per_label = {lab: sum(lab in d.labels for d in corpus) for lab in LABELS}
        reports = {d.id.rsplit(":", 1)[0] for d in corpus}
        levels = Counter(d.meta.get("level") for d in corpus)
        a(f"* **Paragraphs:** {len(corpus):,} from {len(reports):,} reports ("
          + ", ".join(f"{lv} {n:,}" for lv, n in sorted(levels.items())) + f"); source sha256 "
          f"`{corpus_header['source_sha256'][:16]}…`.")
        a(f"* **Labelled:** {status['labelled']:,} carry at least one label; {status['other']:,} are confidently "
          f"*none*; {status['unlabelled']:,} are left `unlabelled`. Per label: "
          + ", ".join(f"{lab} {per_label[lab]:,}" for lab in LABELS) + ".")
        a(f"* The {len(wanted)} hand-checked paragraphs are in this corpus; every experiment removes them from "
          "training (by id and by text) and scores on them.")
    else:
        a("* Corpus counts: not computed (the report corpus was not found; pass it to `research dataset card`).")
    a("")
    a("### Hand-checked report paragraphs (`hand_checked_reports_v1.jsonl`)")
    a("")
    a(f"* **Sample:** {len(items)} paragraphs. Draw: {header.get('draw', '')}.")
    a(f"* **Annotation:** {header.get('annotator', '')}. Each line keeps the reader's reason; {len(borderline)} "
      "paragraphs are marked `borderline` (the reader hesitated).")
    a(f"* **Label guide:** {header.get('label_guide', '')}.")
    a(f"* **Splits** (hash of the id): dev {sum(g.split == 'dev' for g in items)} (report rules were changed "
      f"while reading dev errors only), held-out {len(held)} (measured once, after the last rule change; nothing "
      "tuned on it).")
    gold_counts = {lab: sum(lab in g.labels for g in held) for lab in LABELS}
    a("* **Held-out positives:** " + ", ".join(f"{lab} {n}" for lab, n in gold_counts.items())
      + f", none {sum(not g.labels for g in held)}.")
    a("")
    a(f"Precision and recall, `{baseline}` (the news rules, sha256 `{base_lex.sha256[:16]}…`) → `{rules}`:")
    a("")
    a(f"| label | subset | gold + | P {baseline} | R {baseline} | P {rules} | R {rules} |")
    a("|---|---|---:|---:|---:|---:|---:|")
    for lab in LABELS:
        for sub in SUBSETS:
            b, m = before[sub]["per_label"][lab], after[sub]["per_label"][lab]
            a(f"| {lab} | {sub} | {m['gold']} | {_frac(b, 'precision')} | {_frac(b, 'recall')} | "
              f"{_frac(m, 'precision')} | {_frac(m, 'recall')} |")
    a("")
    ok = [lab for lab in LABELS if (after["heldout"]["per_label"][lab]["precision"] or 0) >= BAR]
    low = [lab for lab in LABELS if lab not in ok]
    a(f"**The bar (precision ≥ {BAR:.2f} per label on the held-out half):** met for " + ", ".join(ok)
      + (f"; **not met for {', '.join(low)}**." if low else "."))
    pred = after["predicted"]
    for lab in low:
        fps = [g for g in held if lab in pred[g.id].labels and lab not in g.labels]
        soft = [g for g in fps if g.id in borderline]
        a(f"* {lab}: {len(fps)} false positives on the held-out half, {len(soft)} of them paragraphs the reader "
          "marked borderline; they are listed below. The rules were not changed after this measurement "
          "(that would tune on the held-out half); the figure stands as measured.")
        for g in fps:
            text = docs[g.id].text.replace("\n", " ")
            a(f"  * `{g.id}`{' (borderline)' if g.id in borderline else ''}: read as "
              f"{', '.join(g.labels) or 'none'} — {text[:90]}…")
    a("")
    a("**Recall is the weak side**, as for news: lexical rules miss paragraphs that state a topic without its "
      "words (an 开放 paragraph about 综合保税区 policy without freight words, a 作风 paragraph phrased as "
      "政府自身建设). Models trained on these labels are scored on the same hand-checked paragraphs in every run "
      "(`gold.md`, `hand_checked_reports`).")
    a("")
    a("### Limits of the report corpus")
    a("")
    a("* **Parsing.** Headings glued to their first paragraph in a few old reports (南昌 2011, 安徽 2012) and "
      "appendix titles read as paragraphs (汕头) stay in the corpus as short units; the catch-all paragraph after "
      "the last numbered item of a section can mix topics.")
    a("* **The reader's context.** 21 hand-checked paragraphs were shown an outdated sub-section heading while "
      "read (metadata only; the paragraph text was right, and the guide judges the text, the heading being "
      "context). Their labels were not re-read.")
    a("* **Voice.** Reports speak for a whole government: a paragraph usually lists several measures, so "
      "multi-label paragraphs are common (a 开放 paragraph is often investment *and* logistics).")
    return L


__all__ = ["BAR", "REPORTS_GOLD", "reports_card_lines"]
