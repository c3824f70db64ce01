"""Temporal drift: for every year t in ``evaluation.drift_years``, train on documents dated before t, test on t.

Each year is an ordinary run folder (``split.kind: temporal``, ``split.test_year: t``) under
``results/<experiment>/``; threshold tuning / calibration, when configured, use a validation part carved from the
years before t only. The study writes ``results/<experiment>/_drift-<stamp>/drift.{md,csv,json}`` and
``figures/drift_by_year.png`` (micro/macro-F1 and per-label F1 by test year, with the number of test documents).

Caveat for the CCTV corpus: labels are weak labels from rules, so "drift" mixes real change in the news with change
in how well the rules' vocabulary fits each year; and the training set grows with t.
"""
from __future__ import annotations

import csv
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..config import ExperimentConfig, validate_config
from ..errors import ConfigError
from ..labels import LABELS

log = logging.getLogger(__name__)


@dataclass
class DriftResult:
    experiment: str
    rows: list[dict[str, Any]]
    out_dir: Path
    text: str


def year_configs(config: ExperimentConfig) -> list[tuple[int, ExperimentConfig]]:
    years = sorted(set(config.evaluation.drift_years or []))
    if not years:
        raise ConfigError("evaluation.drift_years: empty; list the test years, e.g. [2013, 2014, ...]")
    out = []
    for year in years:
        raw = config.to_dict()
        raw["split"] = {**raw["split"], "kind": "temporal", "test_year": year}
        raw["evaluation"] = {**raw["evaluation"], "drift_years": None}
        raw["description"] = f"drift: train < {year}, test {year}"
        out.append((year, validate_config(raw, source=f"drift year {year}")))
    return out


def run_drift(config: ExperimentConfig, source: str | None = None,
              results_dir: str | Path | None = None) -> DriftResult:
    from ..datasets import load_corpus
    from ..experiment import run_experiment

    results = Path(results_dir or config.output.dir)
    corpus = load_corpus(config.data, source, config.seed)
    rows = []
    for year, cfg in year_configs(config):
        # no feature store: every year has its own training set, nothing to share but the corpus and the token cache
        res = run_experiment(cfg, results_dir=results, source=source, corpus=corpus)
        m = res.metrics
        row = {"year": year, "n_train": m["n_train"], "n_test": m["n_test"], "micro_f1": m["micro_f1"],
               "macro_f1": m["macro_f1"], "subset_acc": m["subset_accuracy"], "hamming": m["hamming_loss"]}
        ci = m.get("ci", {}).get("macro_f1")
        if ci:
            row["macro_f1_lo"], row["macro_f1_hi"] = ci["lo"], ci["hi"]
        for name in LABELS:
            row[f"F1_{name}"] = m["labels"][name]["f1"]
            row[f"n_{name}"] = m["labels"][name]["support"]
        row["run_id"] = res.run_id
        rows.append(row)
        log.info("drift %d: %d train / %d test, macro-F1 %.3f", year, m["n_train"], m["n_test"], m["macro_f1"])
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    out = results / config.experiment / f"_drift-{stamp}"
    (out / "figures").mkdir(parents=True, exist_ok=True)
    text = drift_table(rows)
    (out / "drift.md").write_text(text + "\n", encoding="utf-8")
    (out / "drift.json").write_text(json.dumps({"source": source, "rows": rows}, indent=1) + "\n", encoding="utf-8")
    with open(out / "drift.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    if config.output.figures:
        plot_drift_rows(rows, out / "figures" / "drift_by_year.png", title=f"{config.experiment}: train < t, test t")
    return DriftResult(experiment=config.experiment, rows=rows, out_dir=out, text=text)


def drift_table(rows: list[dict[str, Any]]) -> str:
    head = ["year", "n_train", "n_test", "micro_f1", "macro_f1", "macro_f1 95% CI", *[f"F1 {n}" for n in LABELS]]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for r in rows:
        ci = f"{r['macro_f1_lo']:.3f}-{r['macro_f1_hi']:.3f}" if "macro_f1_lo" in r else ""
        lines.append("| " + " | ".join([str(r["year"]), str(r["n_train"]), str(r["n_test"]), f"{r['micro_f1']:.3f}",
                                         f"{r['macro_f1']:.3f}", ci,
                                         *[f"{r[f'F1_{n}']:.3f}" for n in LABELS]]) + " |")
    return "\n".join(lines)


def plot_drift_rows(rows: list[dict[str, Any]], path: Path, title: str = "drift by test year") -> None:
    from ..plotting import new_figure, save

    rows = sorted(rows, key=lambda r: r["year"])
    years = [r["year"] for r in rows]
    fig = new_figure(8, 4.2)
    ax = fig.subplots()
    for key, style in (("micro_f1", "-"), ("macro_f1", "-")):
        if all(r.get(key) is not None for r in rows):
            ax.plot(years, [r[key] for r in rows], style, marker="o", lw=2.2, label=key)
    if all("macro_f1_lo" in r for r in rows):
        ax.fill_between(years, [r["macro_f1_lo"] for r in rows], [r["macro_f1_hi"] for r in rows], alpha=0.15,
                        color="C1", label="macro-F1 95% CI")
    for name in LABELS:
        key = f"F1_{name}"
        if all(key in r for r in rows):
            ax.plot(years, [r[key] for r in rows], ls="--", lw=1, marker=".", label=name)
    ax.set_xticks(years, [str(y) for y in years], fontsize=8)
    ax.set_ylim(0, 1)
    ax.set_xlabel("test year t (trained on all years < t)")
    ax.set_ylabel("F1")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, ncol=2, loc="lower right")
    save(fig, path)


def print_drift(result: DriftResult) -> None:
    print(f"drift study {result.experiment}: {len(result.rows)} years; written to {result.out_dir}")
    print(result.text)
