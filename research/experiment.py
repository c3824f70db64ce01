"""run_experiment(config): load -> split -> fit -> evaluate -> write one complete run folder.

The config is resolved once at the top and passed down as plain values; nothing below reads files the config
does not name. Data is loaded before the run folder exists, so a missing or bad data file leaves no folder behind.
"""
from __future__ import annotations

import csv
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .artifacts import RunFolder, environment
from .config import ExperimentConfig, load_config
from .csv_safe import safe_cell
from .datasets import Corpus, Document, load_corpus
from .datasets.loading import source_of
from .evaluate import multilabel_metrics, plot_confusions, plot_label_scores
from .fingerprint import file_sha256
from .labels import LABELS, to_indicator
from .model_card import render_model_card
from .persistence import save_model
from .pipeline import build_pipeline
from .resources import resource_path
from .splits import split_documents
from .study.fitting import fit_pipeline, transform_features
from .study.gold_eval import gold_ci, gold_markdown, headline, load_gold_sets, score_gold_sets, without_gold
from .study.report import study_outputs

log = logging.getLogger(__name__)


@dataclass
class RunResult:
    path: Path
    metrics: dict[str, Any]
    run_id: str


def run_experiment(config: ExperimentConfig | str | Path, overrides: list[str] | None = None,
                   results_dir: str | Path | None = None, source: str | None = None, *,
                   corpus: Corpus | None = None, lda_store=None) -> RunResult:
    """Train and evaluate one config; returns the finished run folder and its metrics.

    ``corpus`` (already loaded, e.g. shared by sweep variants) and ``lda_store`` (a
    :class:`~research.study.lda_store.FeatureStore` of fitted topic models / TF-IDF and their outputs, shared by
    sweep variants) are optional speed-ups; with
    ``evaluation.tune_thresholds`` / ``calibrate`` the model is fitted on train-minus-validation and tuned on the
    validation part (research.study.thresholds); the test documents are only ever predicted.
    """
    if not isinstance(config, ExperimentConfig):
        source = str(config)
        config = load_config(config, overrides)
    results = Path(results_dir or config.output.dir)

    corpus = corpus if corpus is not None else load_corpus(config.data, source, config.seed)
    gold_sets, gold_skipped = load_gold_sets(config.evaluation, corpus.documents, config.data.rules, source,
                                             baseline=corpus.header.get("label_source"))
    train_docs, test_docs = split_documents(without_gold(corpus.trainable(), gold_sets), config.split, config.seed)
    fingerprints = _fingerprints(config, corpus)
    if gold_sets:
        fingerprints["gold"] = {g.name: g.fingerprint for g in gold_sets}

    if config.output.mlflow:
        _require("mlflow", 'output.mlflow: true needs MLflow: pip install "research[mlflow]"')
    if config.topics.ldavis and config.features.lda.enabled and config.topics.report:
        _require("pyLDAvis", 'topics.ldavis: true needs pyLDAvis: pip install "research[ldavis]"')
    overrides = config.overrides
    run = RunFolder(results, config.experiment)
    with run.capture_log():
        if overrides:
            log.info("overrides: --set %s", " --set ".join(overrides))
        log.info("run %s: %d train / %d test documents from %s", run.run_id, len(train_docs), len(test_docs),
                 corpus.path)
        env = environment()
        env["used"] = _components_used(config, env["packages"])
        run.write_yaml("config.yaml", config.to_dict())
        run.write_json("env.json", env)
        run.write_json("fingerprints.json", fingerprints)

        pipeline = build_pipeline(config, cache_dir=results / ".cache")
        ev = config.evaluation
        cv = None
        if ev.cv_folds:
            from .study.crossval import cross_validate

            cv = cross_validate(config, train_docs, results / ".cache", lda_store)
        t0 = time.perf_counter()
        validation = None
        if ev.tune_thresholds or ev.calibrate:
            from .study.thresholds import fit_with_validation

            validation = fit_with_validation(pipeline, train_docs, ev, config.seed, lda_store)
            run.write_json("validation.json", validation.summary())
        else:
            fit_pipeline(pipeline, [d.text for d in train_docs], [list(d.labels) for d in train_docs], lda_store,
                         config.compute)
        fit_seconds = time.perf_counter() - t0
        log.info("fitted in %.1f s", fit_seconds)

        features = transform_features(pipeline, [d.text for d in test_docs], lda_store)
        labels, primary, scores = pipeline.named_steps["clf"].predict_labels(features)
        Y_true = to_indicator([d.labels for d in test_docs])
        Y_pred = to_indicator(labels)
        primary_true = [d.primary for d in test_docs]
        metrics = multilabel_metrics(Y_true, Y_pred, primary_true, primary)
        metrics.update(n_train=len(train_docs), fit_seconds=round(fit_seconds, 2))
        lda = dict(pipeline.named_steps["features"].transformer_list).get("lda")
        if getattr(lda, "training_", None):  # the tomotopy sweeps run and why they stopped (features.lda.tol)
            metrics["lda_training"] = lda.training_
        sources = [source_of(d, corpus.name) for d in test_docs]
        if len(set(sources)) > 1:  # a mixed corpus: how the model does on each source's test documents
            metrics["by_source"] = _by_source(sources, Y_true, Y_pred, primary_true, primary,
                                              [source_of(d, corpus.name) for d in train_docs])
        if validation is not None:
            metrics["validation"] = validation.summary()
        if cv is not None:
            metrics["cv"] = cv
        study = study_outputs(config, run.path, pipeline, features, Y_true, Y_pred, scores, labels, validation)
        metrics.update(study["metrics"])
        if gold_sets or gold_skipped:
            metrics["gold"] = _score_gold(run, pipeline, gold_sets, gold_skipped, lda_store,
                                          n_boot=ev.bootstrap or 1000, seed=config.seed,
                                          figure=config.output.figures)
        run.write_json("metrics.json", metrics)
        _write_predictions(run.path / "predictions.csv", test_docs, labels, primary, scores, study["extras"],
                           sources if len(set(sources)) > 1 else None)

        if config.output.figures:
            plot_label_scores(metrics, run.path / "figures" / "label_scores.png",
                              title=f"{config.experiment}: macro-F1 {metrics['macro_f1']:.3f}")
            plot_confusions(Y_true, Y_pred, primary_true, primary, run.path / "figures" / "confusions.png")
        if config.features.lda.enabled and config.topics.report:
            _topic_report(pipeline, train_docs, run.path, config.topics.top_n, ldavis=config.topics.ldavis)

        thresholds = [float(t) for t in pipeline.named_steps["clf"].thresholds_]
        if config.output.save_model:
            save_model(pipeline, run.path / "model.skops",
                       {"experiment": config.experiment, "run_id": run.run_id, "labels": list(LABELS),
                        "thresholds": thresholds, "config": config.to_dict(), "fingerprints": fingerprints,
                        "metrics": {k: metrics[k] for k in ("macro_f1", "micro_f1", "subset_accuracy")}})
        run.write_text("MODEL_CARD.md", render_model_card(
            experiment=config.experiment, run_id=run.run_id, config=config.to_dict(), metrics=metrics,
            fingerprints=fingerprints, env=env, thresholds=thresholds, n_train=len(train_docs), model=pipeline,
            overrides=overrides,
            figures=sorted(f"figures/{p.name}" for p in (run.path / "figures").glob("*.png"))))
    from .runs_index import gold_summary

    final = run.finish({"macro_f1": metrics["macro_f1"], "micro_f1": metrics["micro_f1"],
                        "n_train": len(train_docs), "n_test": len(test_docs),
                        "model": str(run.final_path / "model.skops") if config.output.save_model else None,
                        "gold": gold_summary(metrics.get("gold") or {}), "config": config.source or source,
                        "overrides": overrides})
    if config.output.mlflow:
        from .tracking import log_run

        try:
            log_run(final, experiment=config.experiment, run_id=run.run_id, config=config.to_dict(),
                    metrics=metrics, results_dir=results, uri=config.output.mlflow_uri, overrides=overrides)
        except Exception as exc:  # noqa: BLE001 - the run itself is complete and published
            log.warning("run %s is complete, but logging it to MLflow failed: %s", run.run_id, exc)
    return RunResult(path=final, metrics=metrics, run_id=run.run_id)


def _components_used(config: ExperimentConfig, packages: dict[str, str | None]) -> dict[str, Any]:
    """The segmenter and LDA engine this run actually used, with their versions (env.json ``used``)."""
    backend = config.tokenize.backend
    out: dict[str, Any] = {"segmenter": {"name": backend, "version": packages.get(backend)}}
    if config.features.lda.enabled:
        engine = config.features.lda.engine
        out["lda_engine"] = {"name": engine, "version": packages.get(engine)}
    return out


def _require(module: str, message: str) -> None:
    import importlib.util

    from .errors import ConfigError

    if importlib.util.find_spec(module) is None:
        raise ConfigError(message)


def _score_gold(run: RunFolder, pipeline, gold_sets, skipped: dict[str, str], lda_store, n_boot: int = 1000,
                seed: int = 0, figure: bool = True) -> dict[str, Any]:
    """Model and corpus labels against the hand-read sets: gold.json (every item), gold.md; headline figures."""
    clf = pipeline.named_steps["clf"]

    def predict(docs: list[Document]):
        labels, primary, _ = clf.predict_labels(transform_features(pipeline, [d.text for d in docs], lda_store))
        return labels, primary

    results = score_gold_sets(gold_sets, predict)
    run.write_json("gold.json", results)
    run.write_text("gold.md", gold_markdown(results, skipped))
    if figure:
        from .study.gold_figure import hand_read_label_scores, plot_hand_read_scores

        plot_hand_read_scores(hand_read_label_scores(results, n_boot=n_boot, seed=seed),
                              run.path / "figures" / "hand_read_scores.png")
    out: dict[str, Any] = {}
    for name, res in results.items():
        entry = {"items": res["items"], "model": headline(res), "baseline": res["baseline"],
                 "baseline_labels": headline(res, "baseline_labels")}
        entry["model"]["ci"] = gold_ci(res, "all", n_boot=n_boot, seed=seed)
        for sub in res["model"]:
            if sub != "all":  # e.g. the held-out half that no rule was tuned on
                entry[sub] = {**headline(res, subset=sub), "items": res["model"][sub]["items"],
                              "ci": gold_ci(res, sub, n_boot=n_boot, seed=seed),
                              "baseline_labels": headline(res, "baseline_labels", subset=sub)}
        out[name] = entry
    out.update({name: {"skipped": why} for name, why in skipped.items()})
    for name, res in out.items():
        if "model" in res:
            log.info("%s (%d hand-read items): model micro-F1 %s vs %s %s", name, res["items"],
                     res["model"]["micro_f1"], res["baseline"], res["baseline_labels"]["micro_f1"])
    return out


def _by_source(sources: list[str], Y_true: np.ndarray, Y_pred: np.ndarray, primary_true: list, primary: list,
               train_sources: list[str]) -> dict[str, Any]:
    """Test-split metrics per corpus of a mixed corpus, with its train/test document counts."""
    out = {}
    for src in sorted(set(sources)):
        idx = [i for i, s in enumerate(sources) if s == src]
        m = multilabel_metrics(Y_true[idx], Y_pred[idx], [primary_true[i] for i in idx], [primary[i] for i in idx])
        out[src] = {"n_train": train_sources.count(src), "n_test": len(idx), "micro_f1": m["micro_f1"],
                    "macro_f1": m["macro_f1"], "labels": m["labels"]}
    return out


def _fingerprints(config: ExperimentConfig, corpus: Corpus) -> dict[str, Any]:
    out: dict[str, Any] = {"corpus": corpus.fingerprint}
    if corpus.header:
        out["corpus_header"] = corpus.header
        rules = corpus.header.get("rules")
        if rules:
            out["labels"] = rules
    for kind in ("user_dict", "stopwords"):
        value = getattr(config.tokenize, kind)
        if value:
            path = resource_path(kind, value)
            out[kind] = {"name": value, "sha256": file_sha256(path)}
    return out


def _write_predictions(path: Path, docs: list[Document], labels: list[list[str]], primary: list[str],
                       scores: np.ndarray, extras: dict[str, Any] | None = None,
                       sources: list[str] | None = None) -> None:
    """One row per test document; scores rounded to 6 places so reruns are byte-identical.

    ``extras`` (from research.study.report) may add calibrated probabilities (``prob_<label>``) and an
    ``explanation`` column, and a mixed corpus a ``source`` column; without them the file is exactly as before.
    """
    extras = extras or {}
    calibrated = extras.get("calibrated")
    explanation = extras.get("explanation")
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["id", "date", "true_labels", "true_primary", "pred_labels", "pred_primary",
                         *[f"score_{n}" for n in LABELS], "title",
                         *([f"prob_{n}" for n in LABELS] if calibrated is not None else []),
                         *(["explanation"] if explanation is not None else []),
                         *(["source"] if sources is not None else [])])
        for i, (doc, lab, prim, row) in enumerate(zip(docs, labels, primary, scores)):
            writer.writerow([safe_cell(doc.id), doc.date or "", "|".join(doc.labels), doc.primary or "",
                             "|".join(lab), prim, *[f"{s:.6f}" for s in row], safe_cell(doc.title),
                             *([f"{p:.6f}" for p in calibrated[i]] if calibrated is not None else []),
                             *([explanation[i]] if explanation is not None else []),
                             *([sources[i]] if sources is not None else [])])


def _topic_report(pipeline, docs: list[Document], out_dir: Path, top_n: int, ldavis: bool = False) -> None:
    try:
        from .topics.report import write_topic_report
    except ImportError:
        log.info("topic report not available in this version")
        return
    lda = pipeline.named_steps["features"].named_transformers["lda"]
    tokens = pipeline.named_steps["tokens"].transform([d.text for d in docs])
    write_topic_report(lda, docs, tokens, out_dir, top_n=top_n)
    if ldavis:
        from .topics.ldavis import write_ldavis

        write_ldavis(lda, tokens, out_dir)
