"""Multi-class benchmark runs (THUCNews headlines, cnews, Toutiao): jieba tokens -> TF-IDF -> one linear model.

The public benchmarks are single-label with their own classes, so they do not go through the four-label
:class:`~research.classify.MultiLabelClassifier`; this module builds the same token and TF-IDF steps with a
multi-class linear classifier and writes a normal run folder (config, env, fingerprints, metrics with bootstrap
CIs, predictions, confusion figure) under ``results/<experiment>/``.

Evaluation follows the config:

* ``evaluation.eval_sets`` (name -> file): train on ``data.path``, score every named set (THUCNews dev/test);
* otherwise ``evaluation.cv_folds``: stratified k-fold on ``data.path`` (cnews, Toutiao); the reported
  accuracy is the pooled out-of-fold accuracy, with the per-fold mean and standard deviation;
* otherwise a stratified hold-out of ``split.test_size``.
"""
from __future__ import annotations

import csv
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.pipeline import Pipeline

from ..artifacts import RunFolder, environment
from ..config import ExperimentConfig
from ..datasets.benchmarks import load_benchmark_corpus
from ..classifiers import classifier_kind
from ..datasets.builtin import resolve_data_path
from ..fingerprint import file_sha256
from ..features import TfidfOnTokens
from ..pipeline import make_tokenizer as pipeline_tokenizer
from ..tokenize import JiebaTokenizer
from .bootstrap import multiclass_ci

log = logging.getLogger(__name__)

# Published accuracies (%) quoted in docs/BENCHMARKS.md; the key is the config's data.corpus.
PUBLISHED = {
    "thucnews": {"FastText": 92.23, "TextCNN": 91.22, "BERT": 94.83},
    "cnews": {"CNN": 96.04},
    "toutiao": {},
}


@dataclass
class BenchmarkResult:
    path: Path
    metrics: dict[str, Any]
    run_id: str


def make_classifier(config: ExperimentConfig):
    """The multi-class linear model named by ``classifier.kind`` (research.classifiers: one-vs-rest for SVM/SGD,
    multinomial logreg); an unknown kind is an error, never a silent default."""
    c = config.classifier
    return classifier_kind(c.kind).multiclass(c.C, c.alpha, c.class_weight, c.max_iter, config.seed)


def make_tokenizer(config: ExperimentConfig, cache_dir: Path | None) -> JiebaTokenizer:
    return pipeline_tokenizer(config.tokenize, cache_dir).fit()


def make_model(config: ExperimentConfig) -> Pipeline:
    """TF-IDF + classifier on token lists (tokens are computed once, outside, and reused across folds)."""
    t = config.features.tfidf
    tfidf = TfidfOnTokens(max_features=t.max_features, min_df=t.min_df, max_df=t.max_df, sublinear_tf=t.sublinear_tf,
                          ngram_range=tuple(t.ngram_range))
    return Pipeline([("tfidf", tfidf), ("clf", make_classifier(config))])


def _scores(y_true, y_pred, classes: list[str], n_boot: int, seed: int) -> dict[str, Any]:
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=classes, zero_division=0)
    out: dict[str, Any] = {
        "n": int(len(y_true)),
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 6),
        "macro_f1": round(float(f1_score(y_true, y_pred, labels=classes, average="macro", zero_division=0)), 6),
        "classes": {c: {"precision": round(float(p[i]), 4), "recall": round(float(r[i]), 4),
                        "f1": round(float(f[i]), 4), "support": int(s[i])} for i, c in enumerate(classes)},
    }
    if n_boot:
        out["ci"] = multiclass_ci(y_true, y_pred, n_boot=n_boot, seed=seed)
    return out


def run_benchmark(config: ExperimentConfig, source: str | None = None,
                  results_dir: str | Path | None = None) -> BenchmarkResult:
    """Train/evaluate one benchmark config and write its run folder."""
    results = Path(results_dir or config.output.dir)
    name = config.data.corpus
    train_path = resolve_data_path(config.data.path, source)
    header, docs = load_benchmark_corpus(name, train_path)
    if config.data.limit is not None:
        docs = docs[: config.data.limit]
    eval_sets: dict[str, list] = {}
    fingerprints: dict[str, Any] = {"train": {"path": config.data.path, "sha256": file_sha256(train_path),
                                              "documents": len(docs)}}
    for set_name, set_path in config.evaluation.eval_sets.items():
        path = resolve_data_path(set_path, source)
        eval_sets[set_name] = load_benchmark_corpus(name, path)[1]
        fingerprints[set_name] = {"path": set_path, "sha256": file_sha256(path), "documents": len(eval_sets[set_name])}

    run = RunFolder(results, config.experiment)
    with run.capture_log():
        env = environment()
        run.write_yaml("config.yaml", config.to_dict())
        run.write_json("env.json", env)
        run.write_json("fingerprints.json", fingerprints)
        tokenizer = make_tokenizer(config, results / ".cache")
        t0 = time.perf_counter()
        train_tokens = tokenizer.transform([d.text for d in docs])
        y = np.asarray([d.meta["class"] for d in docs], dtype=object)
        classes = sorted(set(y))
        log.info("benchmark %s: %d training documents, %d classes; tokenized in %.1f s", name, len(docs),
                 len(classes), time.perf_counter() - t0)
        n_boot = config.evaluation.bootstrap
        metrics: dict[str, Any] = {"benchmark": name, "n_train": len(docs), "classes": classes,
                                   "classifier": config.classifier.kind, "published": PUBLISHED.get(name, {})}
        pred_rows: list[tuple] = []
        if eval_sets:
            model = make_model(config)
            t0 = time.perf_counter()
            model.fit(train_tokens, y)
            metrics["fit_seconds"] = round(time.perf_counter() - t0, 2)
            metrics["protocol"] = f"train on {Path(config.data.path).name}, evaluate " + ", ".join(eval_sets)
            metrics["sets"] = {}
            for set_name, set_docs in eval_sets.items():
                pred = model.predict(tokenizer.transform([d.text for d in set_docs]))
                truth = np.asarray([d.meta["class"] for d in set_docs], dtype=object)
                metrics["sets"][set_name] = _scores(truth, pred, classes, n_boot, config.seed)
                pred_rows += [(set_name, d.id, t, p, d.text) for d, t, p in zip(set_docs, truth, pred)]
            headline = "test" if "test" in eval_sets else next(iter(eval_sets))
        elif config.evaluation.cv_folds:
            k = config.evaluation.cv_folds
            folds = StratifiedKFold(n_splits=k, shuffle=True, random_state=config.seed)
            oof = np.empty(len(docs), dtype=object)
            per_fold = []
            t0 = time.perf_counter()
            for tr, te in folds.split(np.zeros(len(y)), y):
                model = make_model(config).fit([train_tokens[i] for i in tr], y[tr])
                oof[te] = model.predict([train_tokens[i] for i in te])
                per_fold.append(float(accuracy_score(y[te], oof[te])))
            metrics["fit_seconds"] = round(time.perf_counter() - t0, 2)
            metrics["protocol"] = f"stratified {k}-fold CV on {Path(config.data.path).name} (pooled out-of-fold)"
            scores = _scores(y, oof, classes, n_boot, config.seed)
            scores["fold_accuracy"] = [round(a, 6) for a in per_fold]
            scores["fold_accuracy_mean"] = round(float(np.mean(per_fold)), 6)
            scores["fold_accuracy_sd"] = round(float(np.std(per_fold, ddof=1)), 6)
            metrics["sets"] = {"cv": scores}
            pred_rows = [("cv", d.id, t, p, d.text) for d, t, p in zip(docs, y, oof)]
            headline = "cv"
        else:
            idx = np.arange(len(docs))
            tr, te = train_test_split(idx, test_size=config.split.test_size, random_state=config.seed, stratify=y)
            model = make_model(config).fit([train_tokens[i] for i in tr], y[tr])
            pred = model.predict([train_tokens[i] for i in te])
            metrics["protocol"] = f"stratified hold-out {config.split.test_size:.0%}"
            metrics["sets"] = {"test": _scores(y[te], pred, classes, n_boot, config.seed)}
            pred_rows = [("test", docs[i].id, y[i], p, docs[i].text) for i, p in zip(te, pred)]
            headline = "test"
        head = metrics["sets"][headline]
        metrics.update(headline=headline, accuracy=head["accuracy"], macro_f1=head["macro_f1"],
                       micro_f1=head["accuracy"])
        run.write_json("metrics.json", metrics)
        _write_predictions(run.path / "predictions.csv", pred_rows)
        if config.output.figures:
            truth = [r[2] for r in pred_rows if r[0] == headline]
            pred = [r[3] for r in pred_rows if r[0] == headline]
            plot_confusion(truth, pred, classes, run.path / "figures" / "confusion.png",
                           f"{config.experiment} ({headline}): accuracy {head['accuracy']:.4f}")
    final = run.finish({"accuracy": metrics["accuracy"], "macro_f1": metrics["macro_f1"],
                        "micro_f1": metrics["micro_f1"], "n_train": len(docs), "n_test": head["n"],
                        "benchmark": name})
    return BenchmarkResult(path=final, metrics=metrics, run_id=run.run_id)


def _write_predictions(path: Path, rows: list[tuple]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["set", "id", "true_class", "pred_class", "text"])
        for s, i, t, p, text in rows:
            w.writerow([s, i, t, p, text[:80].replace("\n", " ")])


def plot_confusion(truth, pred, classes: list[str], path: Path, title: str) -> None:
    from ..plotting import new_figure, save, use_cjk_font

    cm = confusion_matrix(truth, pred, labels=classes)
    # Chinese class names need a CJK font; without one they become c0, c1, ... (order of metrics.json "classes")
    ascii_only = all(c.isascii() for c in classes) or use_cjk_font()
    ticks = classes if ascii_only else [f"c{i}" for i in range(len(classes))]
    fig = new_figure(0.55 * len(classes) + 3, 0.5 * len(classes) + 2.5)
    ax = fig.subplots()
    ax.imshow(cm, cmap="Blues")
    for (a, b), v in np.ndenumerate(cm):
        ax.text(b, a, str(v), ha="center", va="center", fontsize=7)
    ax.set_xticks(range(len(classes)), ticks, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(classes)), ticks, fontsize=8)
    if not ascii_only:
        fig.text(0.01, 0.005, "class key in metrics.json['classes'] order", fontsize=6)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title, fontsize=9)
    save(fig, path)


def print_summary(result: BenchmarkResult) -> None:
    m = result.metrics
    print(f"run folder: {result.path}")
    print(f"{m['benchmark']}: {m['protocol']}")
    for name, s in m["sets"].items():
        ci = s.get("ci", {}).get("accuracy")
        extra = f"  (95% CI {ci['lo']:.4f}-{ci['hi']:.4f})" if ci else ""
        print(f"  {name:<5} accuracy {s['accuracy']:.4f}{extra}  macro-F1 {s['macro_f1']:.4f}  n={s['n']}")
    for model, acc in m["published"].items():
        print(f"  published {model}: {acc:.2f}")
