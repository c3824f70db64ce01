"""Local government agendas over time and place: label and topic shares of government-work-report paragraphs.

``research agendas CONFIG [--model M]`` reads the report paragraphs a config's ``data:`` names (``corpus:
gov_reports``, or a labelled corpus whose documents carry ``meta.corpus: gov_reports`` such as the embedded
sample), labels them with a trained model (``agendas.model`` / ``--model``) or, without one, with the
weak-labelling rules of ``data.rules``, fits LDA on the paragraphs, and writes into
``results/<experiment>/<UTC time>_<commit>/`` (under a ``.partial-`` name until complete):

| file | what |
|---|---|
| ``agendas.md`` | summary: what labelled the paragraphs, tables, figures, caveats |
| ``label_shares_by_year_level.csv`` | label shares by year × level (and all levels), with counts |
| ``label_shares_by_year_region.csv`` | the same for the regions of ``agendas.regions`` |
| ``label_shares_province_cities.csv`` | ``agendas.province``'s cities: each city, all together, the provincial report |
| ``label_shares_by_region_year.csv`` | every region of ``agendas.heatmap_levels`` by year (the heatmap) |
| ``rise_fall.csv`` | per label and topic: pooled share in the two ``periods``, difference, bootstrap CI over reports |
| ``report_shares.csv`` | the report panel: one row per report, its label and topic shares |
| ``topics.csv``, ``topic_shares_by_year_level.csv`` | the topic model's topics and their shares by year × level |
| ``paragraphs.csv.gz`` | one row per paragraph: place, year, length, labels, dominant topic |
| ``figures/*.png``, ``summary.json``, ``config.yaml``, ``env.json``, ``run.log`` | |

Every label table has a ``label_source`` column and every figure and the summary say what labelled the
paragraphs. Same config, same data ⇒ identical tables (seeded bootstrap, single-worker LDA with the run seed).
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..config import ExperimentConfig, resolve_path
from ..errors import ConfigError, DataError
from ..datasets.gov_reports import GENRE
from ..labels import LABELS
from .agendas_tables import (ALL, Paragraphs, change_rows, group_rows, load_city_provinces, make_paragraphs,
                             report_rows, reports_of)

log = logging.getLogger(__name__)

CORPUS = "gov_reports"
INFER_BLOCK = 5000


@dataclass
class AgendasResult:
    out_dir: Path
    summary: dict[str, Any]
    text: str
    tables: dict[str, list[dict[str, Any]]]


# --------------------------------------------------------------------------- documents and labels


def is_report_unit(doc) -> bool:
    m = doc.meta or {}
    return m.get("corpus") == CORPUS and bool(m.get("region")) and bool(m.get("level")) and bool(m.get("year"))


def collect_documents(config: ExperimentConfig, source: str | None = None,
                      documents: list | None = None) -> tuple[list, dict[str, Any]]:
    """The report paragraphs of the config's data (or of ``documents``), filtered by data.levels/regions/years."""
    header: dict[str, Any] = {}
    fingerprint: dict[str, Any] = {"path": "documents given by the caller"}
    if documents is None:
        from ..datasets import load_corpus

        corpus = load_corpus(config.data, source, config.seed)
        documents, header, fingerprint = corpus.documents, corpus.header, corpus.fingerprint
    d = config.data
    lo, hi = d.years or (None, None)
    docs = [doc for doc in documents if is_report_unit(doc)
            and (not d.levels or doc.meta["level"] in d.levels)
            and (not d.regions or doc.meta["region"] in d.regions)
            and (lo is None or lo <= int(doc.meta["year"]) <= hi)]
    if not docs:
        raise DataError(f"{d.path}: no government-report paragraphs (meta.corpus {CORPUS!r} with region, level and "
                        f"year) after the filters; use data.corpus gov_reports, or a labelled corpus holding report "
                        f"paragraphs such as builtin:sample_v2")
    return docs, {"path": d.path, "corpus": d.corpus, "fingerprint": fingerprint, "header": header,
                  "filters": {"levels": d.levels, "regions": d.regions, "years": d.years, "min_chars": d.min_chars},
                  "documents_read": len(documents), "paragraphs": len(docs)}


def rule_labels(docs: list, rules: str, header: dict[str, Any] | None = None):
    """(Y, abstained, info): the documents' own weak labels when they were made by ``rules`` (same sha256), else
    the documents labelled again by ``rules``."""
    from ..weak_labels import make_labeller

    labeller = make_labeller(rules)
    reuse = bool(header) and header.get("rules_sha256") == labeller.sha256
    if not reuse:
        log.info("labelling %d paragraphs with %s", len(docs), rules)
        weak = [labeller.label("", d.text, genre=GENRE) for d in docs]  # report thresholds, as the corpus had
        labels, status = [w.labels for w in weak], [w.status for w in weak]
    else:
        labels, status = [d.labels for d in docs], [d.label_status for d in docs]
    from ..labels import to_indicator

    info = {"kind": "rules", "source": labeller.source, "rules": str(rules), "version": labeller.version,
            "sha256": labeller.sha256,
            "describe": f"weak-labelling rules {rules} ({labeller.source}, sha256 {labeller.sha256[:12]}…), "
                        f"not a trained model"}
    return to_indicator(labels), np.asarray([s == "unlabelled" for s in status]), info


def model_labels(docs: list, spec: str, results_dir: Path, progress: bool | None = None):
    """(Y, abstained (all False), info) from a trained model given by alias, run folder or file."""
    from tqdm.auto import tqdm

    from ..model import load_model

    model = load_model(spec, results_dir=results_dir)
    if list(model.labels) != list(LABELS):
        raise DataError(f"{spec}: model labels {model.labels} are not {list(LABELS)}")
    Y = np.zeros((len(docs), len(LABELS)), dtype=np.int8)
    index = {name: j for j, name in enumerate(LABELS)}
    disable = None if progress is None else not progress
    stream = model.predict_stream(d.text for d in docs)
    for i, rec in enumerate(tqdm(stream, total=len(docs), desc="labelling with the model", unit="par",
                                 disable=disable)):
        for name in rec["labels"]:
            Y[i, index[name]] = 1
    card = model.card
    name = f"{card.get('experiment', '?')}/{card.get('run_id', '?')}"
    trained = (card.get("config") or {}).get("data", {})
    info = {"kind": "model", "source": f"model:{name}", "spec": str(spec), "path": str(model.path),
            "experiment": card.get("experiment"), "run_id": card.get("run_id"),
            "trained_on": {k: trained.get(k) for k in ("corpus", "path", "rules")}, "thresholds": model.thresholds,
            "describe": f"trained model {spec} ({name}, trained on {trained.get('corpus', '?')} "
                        f"{trained.get('path', '')} labelled by {trained.get('rules', '?')})"}
    return Y, np.zeros(len(docs), dtype=bool), info


# --------------------------------------------------------------------------- topics


def topic_k(config: ExperimentConfig, source: str | None = None) -> tuple[int, str]:
    """K and where it comes from: the recommended K of ``agendas.sweep``, else agendas.n_topics, else the LDA
    setting of the config."""
    ag = config.agendas
    if ag.sweep:
        path = resolve_path(ag.sweep, source)
        path = path / "sweep.json" if path.is_dir() else path
        if not path.is_file():
            raise ConfigError(f"agendas.sweep: {path} not found (a `research topics sweep` folder or its sweep.json)")
        rec = json.loads(path.read_text(encoding="utf-8"))["recommended"]
        return int(rec["k"]), f"recommended by the topic sweep {path.parent.name} ({rec['reason']})"
    if ag.n_topics:
        return ag.n_topics, "agendas.n_topics"
    return config.features.lda.n_topics, "features.lda.n_topics"


def fit_topics(par: Paragraphs, texts: list[str], config: ExperimentConfig, source: str | None, cache_dir: Path,
               progress: bool | None = None) -> dict[str, Any]:
    """LDA on the paragraphs' tokens; sets ``par.topics`` (every paragraph's proportions) and ``par.topic_names``."""
    from tqdm.auto import tqdm

    from ..topics import LdaTopics
    from .topic_corpus import make_tokenizer

    t0 = time.perf_counter()
    k, origin = topic_k(config, source)
    tokens = make_tokenizer(config, cache_dir, progress=progress).transform(texts)
    fit_idx = np.arange(len(tokens))
    n_fit = config.agendas.topic_fit_docs
    if n_fit and n_fit < len(tokens):  # a seeded sample by a hash of (seed, id): independent of input order
        order = sorted(range(len(tokens)), key=lambda i: hashlib.sha256(f"{config.seed}:{par.ids[i]}".encode()).digest())
        fit_idx = np.sort(np.asarray(order[:n_fit]))
    lda_cfg = config.features.lda
    lda = LdaTopics(n_topics=k, engine=lda_cfg.engine, passes=lda_cfg.passes, iterations=lda_cfg.iterations,
                    alpha=lda_cfg.alpha, eta=lda_cfg.eta, min_df=lda_cfg.min_df, max_df=lda_cfg.max_df,
                    max_features=lda_cfg.max_features, chunksize=lda_cfg.chunksize, random_state=config.seed, workers=1)
    lda.fit([tokens[i] for i in fit_idx])
    fit_s = time.perf_counter() - t0
    disable = None if progress is None else not progress
    blocks = [lda.transform(tokens[s:s + INFER_BLOCK]) for s in tqdm(range(0, len(tokens), INFER_BLOCK),
                                                                      desc="topic shares", unit="block",
                                                                      disable=disable)]
    par.topics = np.vstack(blocks) if blocks else np.zeros((0, k))
    words = lda.top_words(max(15, config.agendas.topic_words))
    par.topic_names = [f"T{j:02d} " + " ".join(w for w, _ in words[j][:config.agendas.topic_words])
                       for j in range(k)]
    log.info("LDA K=%d (%s) on %d of %d paragraphs: %.1fs", k, origin, len(fit_idx), len(tokens), fit_s)
    return {"k": k, "k_origin": origin, "engine": lda_cfg.engine, "iterations": lda_cfg.iterations,
            "fitted_on": int(len(fit_idx)), "paragraphs": len(tokens), "vocabulary": len(lda.vocabulary_),
            "seconds": round(time.perf_counter() - t0, 1),
            "topics": [{"topic": f"topic_{j:02d}", "name": par.topic_names[j],
                        "share": round(float(par.topics[:, j].mean()), 6) if len(par) else 0.0,
                        "top_words": " ".join(w for w, _ in words[j])} for j in range(k)]}


# --------------------------------------------------------------------------- tables


def build_tables(par: Paragraphs, config: ExperimentConfig) -> dict[str, list[dict[str, Any]]]:
    ag = config.agendas
    m = ag.min_reports
    t: dict[str, list[dict[str, Any]]] = {}
    t["label_shares_by_year_level"] = (group_rows(par, ["year"], min_reports=m, fixed={"level": ALL})
                                       + group_rows(par, ["level", "year"], min_reports=m))
    t["label_shares_by_year_region"] = group_rows(par, ["region", "level", "year"], np.isin(par.region, ag.regions),
                                                  min_reports=m)
    cities = np.isin(par.level, ["major_city", "prefecture_city"]) & (par.province == (ag.province or "\0"))
    own = (par.level == "province") & (par.region == (ag.province or "\0"))
    t["label_shares_province_cities"] = (
        group_rows(par, ["year"], cities, m, fixed={"group": "all cities", "region": f"{ag.province} cities"})
        + group_rows(par, ["region", "year"], cities, m, fixed={"group": "city"})
        + group_rows(par, ["region", "year"], own, m, fixed={"group": "provincial report"}))
    t["label_shares_by_region_year"] = group_rows(par, ["level", "region", "year"],
                                                  np.isin(par.level, ag.heatmap_levels), min_reports=m)
    rep = reports_of(par)
    t["report_shares"] = report_rows(rep)
    t["rise_fall"] = change_rows(rep, ag.periods, ag.n_boot, config.seed, ag.province, par.label_source,
                                 par.topic_names)
    if par.topics is not None:
        t["topic_shares_by_year_level"] = (group_rows(par, ["year"], min_reports=m, fixed={"level": ALL}, topics=True)
                                           + group_rows(par, ["level", "year"], min_reports=m, topics=True))
    return t


def write_csv(path: Path, rows: list[dict[str, Any]], fieldnames: list[str] | None = None) -> Path:
    fields = list(fieldnames or (rows[0].keys() if rows else []))
    for row in rows:
        fields += [k for k in row if k not in fields]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return path


def share_fields(keys: list[str]) -> list[str]:
    return (keys + ["n_reports", "n_paragraphs", "n_chars", "thin"] + [f"share_{n}" for n in LABELS]
            + ["share_no_label", "share_unlabelled"] + [f"char_share_{n}" for n in LABELS] + ["label_source"])


def write_paragraphs(path: Path, par: Paragraphs) -> Path:
    """paragraphs.csv.gz: byte-identical for identical inputs (gzip mtime 0)."""
    top = par.topics.argmax(axis=1) if par.topics is not None and len(par) else None
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz, \
            io.TextIOWrapper(gz, encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["id", "report", "level", "region", "province", "year", "chars", "labels", "unlabelled",
                    "top_topic", "top_topic_share", "label_source"])
        for i in range(len(par)):
            labels = "|".join(n for j, n in enumerate(LABELS) if par.Y[i, j])
            topic = ["", ""] if top is None else [f"topic_{top[i]:02d}", f"{par.topics[i, top[i]]:.4f}"]
            w.writerow([par.ids[i], par.report[i], par.level[i], par.region[i], par.province[i], int(par.year[i]),
                        int(par.chars[i]), labels, int(par.unlabelled[i]), *topic, par.label_source])
    return path


# --------------------------------------------------------------------------- the study


def run_agendas(config: ExperimentConfig, source: str | None = None, results_dir: str | Path | None = None,
                model: str | None = None, documents: list | None = None,
                progress: bool | None = None) -> AgendasResult:
    """Run the study and publish its folder; ``model`` overrides ``agendas.model``; ``documents`` replace the
    config's data (still filtered by data.levels/regions/years)."""
    from ..artifacts import RunFolder, environment
    from .agendas_report import markdown, write_figures

    t0 = time.perf_counter()
    results = Path(results_dir or config.output.dir)
    spec = model or config.agendas.model
    folder = RunFolder(results, config.experiment)
    with folder.capture_log():
        docs, data_info = collect_documents(config, source, documents)
        log.info("%d report paragraphs", len(docs))
        if spec:
            Y, abstained, label_info = model_labels(docs, spec, results, progress)
        else:
            Y, abstained, label_info = rule_labels(docs, config.data.rules, data_info["header"])
        par = make_paragraphs(docs, Y, abstained, label_info["source"],
                              load_city_provinces(config.agendas.city_provinces))
        topic_info: dict[str, Any] = {}
        if config.agendas.topics:
            topic_info = fit_topics(par, [d.text for d in docs], config, source, results / ".cache", progress)
        tables = build_tables(par, config)
        out = folder.path
        for name, rows in tables.items():
            keys = {"label_shares_by_year_level": ["level", "year"],
                    "label_shares_by_year_region": ["region", "level", "year"],
                    "label_shares_province_cities": ["group", "region", "year"],
                    "label_shares_by_region_year": ["level", "region", "year"]}.get(name)
            write_csv(out / f"{name}.csv", rows, share_fields(keys) if keys else None)
        if topic_info:
            write_csv(out / "topics.csv", topic_info["topics"])
        write_paragraphs(out / "paragraphs.csv.gz", par)
        figures = write_figures(par, tables, config, label_info, out / "figures") if config.output.figures else []
        summary = {
            "study": "agendas", "experiment": config.experiment, "run_id": folder.run_id,
            "labels": {k: v for k, v in label_info.items()},
            "data": {k: v for k, v in data_info.items() if k != "header"}
                    | {"rules_header": {k: data_info["header"].get(k) for k in ("rules", "rules_version",
                                                                                   "rules_sha256", "source_sha256")}},
            "counts": {"paragraphs": len(par), "reports": len(set(par.report)), "regions": len(set(par.region)),
                       "years": sorted({int(y) for y in par.year}),
                       "by_level": {lv: int((par.level == lv).sum()) for lv in sorted(set(par.level))}},
            "topics": {k: v for k, v in topic_info.items() if k != "topics"},
            "periods": config.agendas.periods, "n_boot": config.agendas.n_boot, "seed": config.seed,
        }
        text = markdown(par, tables, config, summary)
        folder.write_text("agendas.md", text)
        folder.write_yaml("config.yaml", config.to_dict())
        folder.write_json("env.json", environment())
        files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) + ["summary.json"]
        summary.update(files=sorted(set(files) | {f"figures/{p.name}" for p in figures}),
                       seconds=round(time.perf_counter() - t0, 1))
        folder.write_json("summary.json", summary)
    os.replace(folder.path, folder.final_path)  # published only when complete (not a model run: no runs.jsonl line)
    log.info("agendas study written to %s in %.1fs", folder.final_path, time.perf_counter() - t0)
    return AgendasResult(out_dir=folder.final_path, summary=summary, text=text, tables=tables)


__all__ = ["AgendasResult", "build_tables", "collect_documents", "fit_topics", "is_report_unit", "model_labels",
           "rule_labels", "run_agendas", "topic_k"]
