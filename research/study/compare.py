"""Compare the runs of one experiment: a table of metrics plus the config keys that distinguish the runs, and figures.

``compare_runs(results/<experiment>)`` reads every finished run folder (``config.yaml`` + ``metrics.json``; partial
folders are ignored), or only those listed in a sweep manifest, flattens each config to dotted keys and keeps the
keys whose values differ between runs. It writes ``_compare/comparison.{md,csv,json}`` and figures:

* ``f1_by_variant.png`` -- macro- and micro-F1 per run (bootstrap 95 % CIs as error bars when the runs have them);
* ``f1_vs_k.png`` -- macro-F1 against ``features.lda.n_topics`` when K varies (one line per other setting);
* ``drift_by_year.png`` -- F1 against the test year when runs differ in ``split.test_year``.

Multi-label runs report micro/macro-F1, subset accuracy, Hamming loss and per-label F1, plus micro-F1 against the
hand-read sets (``news_micro_f1``, ``reports_micro_f1``, ``in_domain_micro_f1`` and held-out macro-F1 with CIs) when
the runs scored them; benchmark runs report
accuracy and macro-F1.
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..atomic import AtomicFile, write_text
from ..config import flatten
from ..csv_safe import safe_cell
from ..errors import OutputError, ResearchError
from ..labels import LABELS

IGNORED_KEYS = {"description", "output.dir"}
FEATURE_KEYS = ("features.tfidf.enabled", "features.lda.enabled")


@dataclass
class Comparison:
    rows: list[dict[str, Any]]
    varying: list[str]
    text: str
    out_dir: Path


def _short(key: str) -> str:
    return {"features.tfidf.enabled": "tfidf", "features.lda.enabled": "lda", "classifier.kind": "classifier",
            "features.lda.n_topics": "K", "features.tfidf.ngram_range": "ngrams", "split.test_year": "test_year"
            }.get(key, key)


def feature_set(config: dict[str, Any]) -> str:
    f = config.get("features", {})
    parts = [n for n in ("tfidf", "lda") if f.get(n, {}).get("enabled")]
    return "+".join(parts)


def load_runs(exp_dir: Path, manifest: Path | None = None) -> list[dict[str, Any]]:
    exp_dir = Path(exp_dir)
    if not exp_dir.is_dir():
        raise ResearchError(f"no such experiment folder: {exp_dir}")
    if manifest is not None:
        listed = json.loads(Path(manifest).read_text(encoding="utf-8"))["runs"]
        folders = [Path(r["path"]) for r in listed]
    else:
        folders = sorted(p for p in exp_dir.iterdir()
                         if p.is_dir() and not p.name.startswith((".", "_")) and (p / "metrics.json").is_file())
    runs = []
    for folder in folders:
        if not (folder / "metrics.json").is_file() or not (folder / "config.yaml").is_file():
            continue
        config = yaml.safe_load((folder / "config.yaml").read_text(encoding="utf-8"))
        metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
        runs.append({"run_id": folder.name, "path": folder, "config": config, "metrics": metrics,
                     "data": _data_version(folder)})
    if not runs:
        raise ResearchError(f"{exp_dir}: no finished runs (folders with config.yaml and metrics.json)")
    return runs


def _data_version(folder: Path) -> str:
    """Short hash of what the run was trained and tested on (corpus file + labelling rules), from fingerprints.json."""
    import hashlib

    path = folder / "fingerprints.json"
    if not path.is_file():
        return ""
    fp = json.loads(path.read_text(encoding="utf-8"))
    header = fp.get("corpus_header") or {}
    ident = [fp.get("corpus", {}).get("sha256") or fp.get("train", {}).get("sha256"), header.get("rules_sha256"),
             fp.get("corpus", {}).get("documents")]
    return hashlib.sha1(json.dumps(ident).encode()).hexdigest()[:8]


MIXED_UNUSED = {"data.path", "data.unit", "data.sample", "data.levels", "data.regions", "data.years"}
"""Data keys a ``corpus: mixed`` run does not read (each of its ``parts`` has its own)."""


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.3f}"
    if isinstance(v, list) and v and all(isinstance(x, dict) and "corpus" in x for x in v):  # data.parts
        return " + ".join(f"{x['corpus']}" + (f" ×{x['sample']}" if x.get("sample") else "") for x in v)
    if isinstance(v, list):
        return "-".join(str(x) for x in v)
    return "" if v is None else str(v)


def build_rows(runs: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    flat = [flatten(r["config"]) for r in runs]
    keys = sorted({k for f in flat for k in f} - IGNORED_KEYS)
    varying = [k for k in keys if len({json.dumps(f.get(k), sort_keys=True) for f in flat}) > 1]
    # the two feature switches read better as one "features" column
    show = [k for k in varying if k not in FEATURE_KEYS]
    mixed_data = len({r.get("data") for r in runs}) > 1
    rows = []
    for run, f in zip(runs, flat):
        m = run["metrics"]
        row: dict[str, Any] = {"run_id": run["run_id"]}
        if mixed_data:  # runs trained/tested on different data (corpus or labelling rules): say so in the table
            row["data"] = run.get("data")
        if any(k in varying for k in FEATURE_KEYS):
            row["features"] = feature_set(run["config"])
        for k in show:
            off = (k.startswith("features.lda.") and not f.get("features.lda.enabled")) or \
                  (k.startswith("features.tfidf.") and not f.get("features.tfidf.enabled")) or \
                  (k in MIXED_UNUSED and f.get("data.corpus") == "mixed")  # a mixed corpus reads its parts
            row[_short(k)] = "" if off else _fmt(f.get(k))  # a setting of a disabled branch is not a difference
        if "accuracy" in m:  # benchmark run
            row.update(accuracy=m["accuracy"], macro_f1=m["macro_f1"])
        else:
            row.update(micro_f1=m["micro_f1"], macro_f1=m["macro_f1"], subset_acc=m["subset_accuracy"],
                       hamming=m["hamming_loss"])
            for name in LABELS:
                row[f"F1_{name}"] = m["labels"][name]["f1"]
            ci = m.get("ci", {}).get("macro_f1")
            if ci:
                row["macro_f1_ci"] = f"{ci['lo']:.3f}-{ci['hi']:.3f}"
            row["n_test"] = m.get("n_test")
            row.update(gold_columns(m.get("gold", {})))
        row["fit_s"] = m.get("fit_seconds")
        rows.append(row)
    return rows, varying


GOLD_SETS = (("hand_checked", "news"), ("hand_checked_reports", "reports"), ("in_domain", "in_domain"))
"""Hand-read sets a run may have scored, and the column prefix each gets in the table."""


def gold_columns(gold: dict[str, Any]) -> dict[str, Any]:
    """Scores against text read by hand (the test split only measures agreement with the rules): micro-F1 on the
    whole set, and macro-F1 with its 95 % bootstrap interval on the held-out half no rule was tuned on."""
    row: dict[str, Any] = {}
    for name, short in GOLD_SETS:
        g = gold.get(name, {})
        if "model" not in g:
            continue
        row[f"{short}_micro_f1"] = g["model"]["micro_f1"]
        held = g.get("heldout")
        if held:
            row[f"{short}_heldout_macro_f1"] = held["macro_f1"]
            ci = held.get("ci", {}).get("macro_f1")
            if ci:
                row[f"{short}_heldout_ci"] = f"{ci['lo']:.2f}-{ci['hi']:.2f}"
    return row


def markdown_table(rows: list[dict[str, Any]]) -> str:
    cols = list(dict.fromkeys(k for r in rows for k in r))
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(_fmt(r.get(c)) for c in cols) + " |")
    return "\n".join(lines)


def ablation_table(rows: list[dict[str, Any]]) -> str | None:
    """classifier x feature set -> macro-F1 (only rows at the most common K, so the ablation compares like with like)."""
    if "features" not in rows[0] or "classifier" not in rows[0]:
        return None
    ks = [r.get("K") for r in rows if "lda" in r["features"]]
    common_k = max(set(ks), key=ks.count) if ks else None
    sets = [s for s in ("tfidf", "lda", "tfidf+lda") if any(r["features"] == s for r in rows)]
    table: dict[str, dict[str, float]] = {}
    for r in rows:
        if "lda" in r["features"] and r.get("K") != common_k:
            continue
        if "ngrams" in r and r["ngrams"] != rows[0].get("ngrams"):
            continue
        table.setdefault(r["classifier"], {})[r["features"]] = r["macro_f1"]
    lines = [f"macro-F1 by classifier x features (LDA K={common_k})", "",
             "| classifier | " + " | ".join(sets) + " |", "|---|" + "|".join("---" for _ in sets) + "|"]
    for clf, vals in table.items():
        lines.append(f"| {clf} | " + " | ".join(_fmt(vals.get(s)) for s in sets) + " |")
    return "\n".join(lines)


def _predictions(folder: Path):
    """(ids, Y_true, Y_pred) from a multi-label run's predictions.csv, or None."""
    from ..labels import to_indicator

    path = Path(folder) / "predictions.csv"
    if not path.is_file():
        return None
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if not rows or "pred_labels" not in rows[0]:
        return None
    split = lambda s: [x for x in s.split("|") if x]  # noqa: E731
    return ([r["id"] for r in rows], to_indicator([split(r["true_labels"]) for r in rows]),
            to_indicator([split(r["pred_labels"]) for r in rows]))


def paired_ablation(runs: list[dict[str, Any]], rows: list[dict[str, Any]], n_boot: int = 1000) -> str | None:
    """Paired-bootstrap CI of macro-F1(tfidf+lda) - macro-F1(tfidf) and of tfidf - lda, per classifier, on the
    same test documents (only pairs whose predictions cover identical test ids and labels)."""
    from .bootstrap import paired_delta_ci

    if "features" not in rows[0] or "classifier" not in rows[0]:
        return None
    by_id = {r["run_id"]: r for r in runs}
    ks = [r.get("K") for r in rows if "lda" in r["features"]]
    common_k = max(set(ks), key=ks.count) if ks else None
    cell: dict[tuple[str, str], dict] = {}
    for r in rows:
        if "lda" in r["features"] and r.get("K") != common_k:
            continue
        cell[(r["classifier"], r["features"])] = by_id[r["run_id"]]
    lines = ["paired bootstrap (same test documents, 95% CI) of the macro-F1 difference", "",
             "| classifier | tfidf+lda minus tfidf | tfidf minus lda |", "|---|---|---|"]
    any_row = False
    for clf in dict.fromkeys(c for c, _ in cell):
        cells = []
        for a, b in (("tfidf", "tfidf+lda"), ("lda", "tfidf")):
            ra, rb = cell.get((clf, a)), cell.get((clf, b))
            pa = _predictions(ra["path"]) if ra else None
            pb = _predictions(rb["path"]) if rb else None
            if not pa or not pb or pa[0] != pb[0] or not (pa[1] == pb[1]).all():
                cells.append("n/a")
                continue
            d = paired_delta_ci(pa[1], pa[2], pb[2], n_boot=n_boot)["macro_f1"]
            cells.append(f"{d['value']:+.3f} ({d['lo']:+.3f} to {d['hi']:+.3f})")
            any_row = True
        lines.append(f"| {clf} | " + " | ".join(cells) + " |")
    return "\n".join(lines) if any_row else None


def compare_runs(exp_dir: str | Path, manifest: Path | None = None, out_dir: str | Path | None = None,
                 figures: bool = True) -> Comparison:
    exp_dir = Path(exp_dir)
    runs = load_runs(exp_dir, manifest)
    rows, varying = build_rows(runs)
    sort_key = "macro_f1"
    rows_sorted = sorted(rows, key=lambda r: -(r.get(sort_key) or 0))
    out = Path(out_dir) if out_dir else exp_dir / "_compare"
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out}: cannot create the output folder ({exc.strerror or exc})") from None
    table = markdown_table(rows_sorted)
    ablation = ablation_table(rows)
    text = f"{len(rows)} runs of {exp_dir.name}; keys that differ: {', '.join(varying) or '(none)'}"
    if "data" in rows[0]:
        text += ("\nWARNING: the runs do not share the same data (corpus file or labelling rules differ; column "
                 "'data' = hash of fingerprints.json); their metrics are not directly comparable.")
    text += f"\n\n{table}"
    if ablation:
        text += "\n\n" + ablation
        paired = paired_ablation(runs, rows)
        if paired:
            text += "\n\n" + paired
    write_text(out / "comparison.md", text + "\n")
    cols = list(dict.fromkeys(k for r in rows for k in r))
    with AtomicFile(out / "comparison.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        for r in rows_sorted:
            w.writerow({c: safe_cell(r.get(c, "")) for c in cols})
    write_text(out / "comparison.json", json.dumps({"varying": varying, "rows": rows_sorted}, ensure_ascii=False,
                                                   indent=1, default=str) + "\n")
    if figures:
        (out / "figures").mkdir(exist_ok=True)
        plot_f1_by_variant(rows, runs, out / "figures" / "f1_by_variant.png", exp_dir.name)
        if "K" in rows[0]:
            plot_f1_vs_k(rows, out / "figures" / "f1_vs_k.png")
        if "test_year" in rows[0]:
            plot_drift(rows, out / "figures" / "drift_by_year.png")
    return Comparison(rows=rows_sorted, varying=varying, text=text, out_dir=out)


def _label(r: dict[str, Any]) -> str:
    skip = {"run_id", "micro_f1", "macro_f1", "subset_acc", "hamming", "macro_f1_ci", "n_test", "fit_s", "accuracy"}
    parts = [str(v) for k, v in r.items() if k not in skip and not k.startswith("F1_")]
    return " ".join(parts) or r["run_id"]


def plot_f1_by_variant(rows, runs, path: Path, title: str) -> None:
    from ..plotting import new_figure, save
    import numpy as np

    by_id = {r["run_id"]: r for r in runs}
    order = sorted(rows, key=lambda r: r.get("macro_f1") or 0)
    y = np.arange(len(order))
    fig = new_figure(8, 0.32 * len(order) + 1.4)
    ax = fig.subplots()
    for offset, key, color in ((-0.18, "macro_f1", "C0"), (0.18, "micro_f1", "C1")):
        vals = [r.get(key) if r.get(key) is not None else r.get("accuracy") for r in order]
        err = None
        cis = [by_id[r["run_id"]]["metrics"].get("ci", {}).get(key) for r in order]
        if all(cis):
            err = np.array([[v - c["lo"] for v, c in zip(vals, cis)], [c["hi"] - v for v, c in zip(vals, cis)]])
        ax.barh(y + offset, vals, height=0.36, xerr=err, color=color, label=key if key != "micro_f1" else
                ("micro_f1" if order[0].get("micro_f1") is not None else "accuracy"), capsize=2)
    ax.set_yticks(y, [_label(r) for r in order], fontsize=7)
    ax.set_xlim(0, 1)
    ax.set_xlabel("F1 on test (95% bootstrap CI when available)")
    ax.set_title(f"{title}: F1 by variant", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    save(fig, path)


def plot_f1_vs_k(rows, path: Path) -> None:
    from ..plotting import new_figure, save

    series: dict[str, list[tuple[int, float]]] = {}
    for r in rows:
        if "features" in r and "lda" not in r["features"]:
            continue
        try:
            k = int(r["K"])
        except (TypeError, ValueError):
            continue
        name = " ".join(str(r[c]) for c in ("classifier", "features") if c in r) or "runs"
        series.setdefault(name, []).append((k, r["macro_f1"]))
    fig = new_figure(5.5, 3.8)
    ax = fig.subplots()
    for name, pts in sorted(series.items()):
        pts.sort()
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=name)
    ax.set_xlabel("LDA topics K")
    ax.set_ylabel("macro-F1 on test")
    ax.set_title("macro-F1 vs number of topics", fontsize=10)
    ax.legend(fontsize=7)
    save(fig, path)


def plot_drift(rows, path: Path) -> None:
    from .drift import plot_drift_rows

    plot_drift_rows([{"year": int(r["test_year"]), "micro_f1": r.get("micro_f1"), "macro_f1": r.get("macro_f1"),
                      **{k: v for k, v in r.items() if k.startswith("F1_")}} for r in rows if r.get("test_year")],
                    path)
