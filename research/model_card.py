"""MODEL_CARD.md: what a colleague needs before reusing a model file (labels, thresholds, data, metrics, versions)."""
from __future__ import annotations

from typing import Any

from .labels import LABEL_DESCRIPTIONS, LABELS


def render_model_card(*, experiment: str, run_id: str, config: dict[str, Any], metrics: dict[str, Any],
                      fingerprints: dict[str, Any], env: dict[str, Any], thresholds: list[float],
                      n_train: int) -> str:
    lines = [
        f"# Model card: {experiment} / {run_id}",
        "",
        "Multi-label classifier of Chinese local news into four topics (a document may carry several or none); the",
        "primary label is the highest-scoring predicted label. Load it with `research.load_model(PATH)`; the file",
        "is a skops archive that loads only the package's own trusted types.",
        "",
        "## Labels and thresholds",
        "",
        "| label | meaning | threshold |",
        "|---|---|---|",
    ]
    for name, thr in zip(LABELS, thresholds):
        lines.append(f"| `{name}` | {LABEL_DESCRIPTIONS[name]} | {thr:.3f} |")
    d, f, c = config["data"], config["features"], config["classifier"]
    corpus = fingerprints.get("corpus", {})
    lines += [
        "",
        "## Training data",
        "",
        f"- corpus: `{d['corpus']}` from `{d['path']}` (sha256 `{str(corpus.get('sha256', ''))[:16]}…`),"
        f" unit `{d['unit']}`; {n_train} training documents, {metrics['n_test']} test documents",
        f"- split: `{config['split']['kind']}`, seed {config['seed']}",
        f"- labels: {fingerprints.get('labels', 'as stored in the corpus file')}",
        f"- user dictionary sha256 `{fingerprints.get('user_dict', {}).get('sha256', '')[:16]}…`,"
        f" stopwords sha256 `{fingerprints.get('stopwords', {}).get('sha256', '')[:16]}…`",
        "",
        "## Model",
        "",
        f"- features: TF-IDF {'on' if f['tfidf']['enabled'] else 'off'}"
        f", LDA {'on (' + f['lda']['engine'] + ', K=' + str(f['lda']['n_topics']) + ')' if f['lda']['enabled'] else 'off'}",
        f"- classifier: `{c['kind']}` one-vs-rest, C={c['C']}, class_weight={c['class_weight']}",
        "",
        "## Test metrics",
        "",
        f"macro-F1 **{metrics['macro_f1']:.3f}**, micro-F1 {metrics['micro_f1']:.3f}, subset accuracy "
        f"{metrics['subset_accuracy']:.3f}, Hamming loss {metrics['hamming_loss']:.3f}",
        "",
        "| label | precision | recall | F1 | support |",
        "|---|---|---|---|---|",
    ]
    for name in LABELS:
        m = metrics["labels"][name]
        lines.append(f"| {name} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} |")
    pk = env.get("packages", {})
    lines += [
        "",
        "## Versions",
        "",
        f"research {pk.get('research')}, Python {env.get('python')}, scikit-learn {pk.get('scikit-learn')}, "
        f"gensim {pk.get('gensim')}, jieba {pk.get('jieba')}, skops {pk.get('skops')}; git {env['git']['commit']}"
        f"{' (dirty)' if env['git'].get('dirty') else ''}; trained {env.get('started_utc')}.",
        "",
        "## Limits",
        "",
        "- Test metrics are measured against the corpus's own labels. For weak (rule-derived) labels they measure",
        "  agreement with the rules, not truth; see the dataset card for the rules' measured precision.",
        "- Trained on national TV news unless the corpus says otherwise; local-paper style differs (check on pages).",
        "",
    ]
    return "\n".join(lines)
