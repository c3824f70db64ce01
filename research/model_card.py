"""MODEL_CARD.md, rendered with ``skops.card``: what a colleague needs before reusing a model file.

Sections: model description and intended use, limits, training data, hyperparameters (the resolved config as a
table, with the run's ``--set`` overrides), metrics (hand-read scores first, then the weak-label test split),
versions (segmenter and LDA engine actually used) and how to load the model.
"""
from __future__ import annotations

from typing import Any

from .config import flatten
from .labels import LABEL_DESCRIPTIONS, LABELS

HAND_SET_NAMES = {
    "hand_checked": "hand-checked 新闻联播 items",
    "hand_checked_reports": "hand-checked government-report paragraphs",
    "in_domain": "in-domain local-newspaper units (seed pages)",
}


def render_model_card(*, experiment: str, run_id: str, config: dict[str, Any], metrics: dict[str, Any],
                      fingerprints: dict[str, Any], env: dict[str, Any], thresholds: list[float],
                      n_train: int, model=None, overrides: list[str] | None = None,
                      figures: list[str] | None = None) -> str:
    """The card as Markdown. ``model`` (the fitted pipeline) is handed to :class:`skops.card.Card`."""
    from skops.card import Card

    card = Card(model, template=None, model_diagram=False)
    d, f, c = config["data"], config["features"], config["classifier"]
    lda = f["lda"]
    pk = env.get("packages", {})
    segmenter = config["tokenize"]["backend"]
    card.add(**{
        f"Model card: {experiment}, run {run_id}": (
            "Multi-label classifier of Chinese local news into four topics (a document may carry several or none); "
            "the primary label is the highest-scoring predicted label. TF-IDF "
            f"{'and ' + lda['engine'] + ' LDA topic shares (K=' + str(lda['n_topics']) + ')' if lda['enabled'] else ''}"
            f" {'on' if f['tfidf']['enabled'] or lda['enabled'] else ''} {segmenter} tokens, one-vs-rest "
            f"`{c['kind']}` per label."),
    })
    card.add(**{"Intended use": _intended_use(), "Limits": _limits(metrics)})
    card.add_table(folded=False, **{"Labels and thresholds": {
        "label": [f"`{n}`" for n in LABELS], "meaning": [LABEL_DESCRIPTIONS[n] for n in LABELS],
        "threshold": [f"{t:.3f}" for t in thresholds]}})
    corpus = fingerprints.get("corpus", {})
    card.add(**{"Training data": "\n".join([
        f"- corpus: `{d['corpus']}` from `{d['path']}` (sha256 `{str(corpus.get('sha256', ''))[:16]}…`), unit "
        f"`{d['unit']}`; {n_train} training documents, {metrics['n_test']} test documents",
        f"- split: `{config['split']['kind']}`, seed {config['seed']}",
        f"- labels: weak labels of `{fingerprints.get('labels', d.get('rules'))}` (keyword rules), not read by hand",
        f"- user dictionary `{config['tokenize']['user_dict']}` (sha256 "
        f"`{fingerprints.get('user_dict', {}).get('sha256', '')[:16]}…`), stopwords "
        f"`{config['tokenize']['stopwords']}` (sha256 `{fingerprints.get('stopwords', {}).get('sha256', '')[:16]}…`)",
        "- the hand-read items are removed from the corpus before the split: the model never trained on its judges",
    ])})
    shown = {k: v for k, v in config.items() if k not in ("agendas", "sweep")}  # other commands' settings
    rows = [(k, v) for k, v in flatten(shown).items() if v != {}]  # empty sections are not hyperparameters
    keys, values = zip(*rows) if rows else ((), ())
    card.add_table(folded=True, **{"Hyperparameters": {"setting": [f"`{k}`" for k in keys],
                                                       "value": [f"`{v}`" for v in values]}})
    card.add(**{"Overrides (--set)": (
        "Trained with `--set " + " --set ".join(overrides) + "` on top of its config file." if overrides
        else "None: the config file as it is.")})
    card.add(**{"Metrics": _metrics_text(metrics)})
    gold = _gold_table(metrics.get("gold") or {})
    if gold:
        card.add_table(folded=False, **{"Against text read by hand": gold})
    card.add_table(folded=False, **{"Test split, against the weak labels": {
        "label": list(LABELS),
        "precision": [f"{metrics['labels'][n]['precision']:.3f}" for n in LABELS],
        "recall": [f"{metrics['labels'][n]['recall']:.3f}" for n in LABELS],
        "F1": [f"{metrics['labels'][n]['f1']:.3f}" for n in LABELS],
        "support": [str(metrics["labels"][n]["support"]) for n in LABELS]}})
    if figures:
        card.add(**{"Figures": "\n".join(f"- `{p}`" for p in figures)})
    card.add(**{"Versions": (
        f"research {pk.get('research')}, Python {env.get('python')}, scikit-learn {pk.get('scikit-learn')}, "
        f"segmenter {segmenter} {pk.get(segmenter)}"
        + (f", LDA engine {lda['engine']} {pk.get(lda['engine'])}" if lda["enabled"] else "")
        + f", skops {pk.get('skops')}; git {env['git']['commit']}{' (dirty)' if env['git'].get('dirty') else ''}; "
        f"trained {env.get('started_utc')}.")})
    card.add(**{"How to load": _how_to_load(experiment)})
    return card.render().lstrip("\n") + "\n"


def _intended_use() -> str:
    return "\n".join([
        "- Tagging articles, sections or paragraphs of Chinese local news and government work reports with the",
        "  four labels, to count and compare agendas over time and place, or to find documents to read.",
        "- Every tag is a suggestion to check: figures built on it should carry the hand-read scores below.",
        "- Not for decisions about individuals, and not for text far from news or government reports.",
    ])


def _limits(metrics: dict[str, Any]) -> str:
    lines = [
        "- The test-split metrics measure agreement with the keyword rules the model learnt from, not truth; the",
        "  scores against text read by hand are the ones that count (a few hundred items: see their 95 % CIs).",
        "- Trained on national TV news and/or government reports; local-paper style differs. Long features read",
        "  as one document are under-labelled: tag them by section.",
    ]
    skipped = [name for name, g in (metrics.get("gold") or {}).items() if "skipped" in g]
    if skipped:
        lines.append(f"- Not scored on: {', '.join(skipped)} (its data was not available to this run).")
    return "\n".join(lines)


def _metrics_text(metrics: dict[str, Any]) -> str:
    return (f"Test split (weak labels): macro-F1 **{metrics['macro_f1']:.3f}**, micro-F1 {metrics['micro_f1']:.3f}, "
            f"subset accuracy {metrics['subset_accuracy']:.3f}, Hamming loss {metrics['hamming_loss']:.3f}. "
            "Against text read by hand (model vs the rules it learnt from; 95 % bootstrap intervals): below.")


def _gold_table(gold: dict[str, Any]) -> dict[str, list[str]]:
    rows = {"set": [], "items": [], "model micro-F1 (95 % CI)": [], "model macro-F1": [], "rules micro-F1": []}
    for name, g in gold.items():
        if "model" not in g:
            continue
        for sub in ("all", "dev", "heldout"):
            m = g["model"] if sub == "all" else g.get(sub)
            if not m:
                continue
            ci = (m.get("ci") or {}).get("micro_f1")
            base = (g["baseline_labels"] if sub == "all" else m.get("baseline_labels") or {}).get("micro_f1")
            rows["set"].append(HAND_SET_NAMES.get(name, name) + ("" if sub == "all" else f", {sub} half"))
            rows["items"].append(str(g["items"] if sub == "all" else m.get("items")))
            rows["model micro-F1 (95 % CI)"].append(_f(m.get("micro_f1")) + (
                f" ({ci['lo']:.2f}–{ci['hi']:.2f})" if ci else ""))
            rows["model macro-F1"].append(_f(m.get("macro_f1")))
            rows["rules micro-F1"].append(_f(base))
    return rows if rows["set"] else {}


def _how_to_load(experiment: str) -> str:
    return "\n".join([
        "```python",
        "from research import load_model",
        "",
        "model = load_model(\"path/to/this/run\")   # or .../model.skops, or best:" + experiment,
        "model.predict([\"国家发改委调研中欧班列（郑州）集结中心\"])",
        "```",
        "",
        "The file is a skops archive: loading accepts only the package's own trusted types and checks the",
        "`model.skops.sha256` sidecar. From the shell: `research predict best:" + experiment + " PAGES... -o tags.csv`.",
    ])


def _f(x) -> str:
    return "–" if x is None else f"{x:.3f}"
