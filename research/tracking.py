"""Optional MLflow tracking of a finished run (``output.mlflow: true``; ``pip install "research[mlflow]"``).

One MLflow run per package run, in the MLflow experiment of the same name: the resolved config as params (dotted
keys), the ``--set`` overrides as a tag, the metrics (weak-label test split, and the hand-read scores as
``hand.<set>.<subset>.<metric>`` plus the ranking metrics ``rank.hand_dev`` …), every figure, the run's text files
and the model (``model/model.skops`` with its checksum and card: skops, not pickle). The store is a local MLflow
file store, ``<results>/mlruns`` unless ``output.mlflow_uri`` names another tracking URI (e.g. ``sqlite:///…`` or
a server). MLflow ≥ 3.7 keeps the file store in maintenance mode behind ``MLFLOW_ALLOW_FILE_STORE=true``, which is
set for this process when the URI is a file store.

    mlflow ui --backend-store-uri results/mlruns      # MLFLOW_ALLOW_FILE_STORE=true in the environment
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

TEXT_FILES = ("config.yaml", "metrics.json", "gold.md", "fingerprints.json", "env.json", "MODEL_CARD.md")
MODEL_FILES = ("model.skops", "model.skops.sha256", "MODEL_CARD.md")


def tracking_uri(results_dir: str | Path, uri: str | None = None) -> str:
    """The tracking URI a run logs to: ``uri``, else the file store ``<results_dir>/mlruns``."""
    return uri or Path(results_dir).resolve().joinpath("mlruns").as_uri()


def _allow_file_store(uri: str) -> None:
    if uri.startswith("file:") or "://" not in uri:
        os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")


def log_run(run_dir: str | Path, *, experiment: str, run_id: str, config: dict[str, Any], metrics: dict[str, Any],
            results_dir: str | Path, uri: str | None = None, overrides: list[str] | None = None) -> str:
    """Log a finished run folder to MLflow; returns the MLflow run id."""
    try:
        import mlflow
    except ImportError:
        from .errors import ConfigError

        raise ConfigError('output.mlflow: true needs MLflow: pip install "research[mlflow]"') from None
    from .config import flatten
    from .runs_index import RANKINGS, RunEntry, gold_summary

    run_dir = Path(run_dir)
    uri = tracking_uri(results_dir, uri)
    _allow_file_store(uri)
    mlflow.set_tracking_uri(uri)
    mlflow.set_experiment(experiment)
    entry = RunEntry(experiment=experiment, run_id=run_id, path=run_dir, macro_f1=metrics.get("macro_f1"),
                     micro_f1=metrics.get("micro_f1"), model=None, line=0,
                     extra={"gold": gold_summary(metrics.get("gold") or {})})
    with mlflow.start_run(run_name=run_id) as active:
        mlflow.set_tags({"research.run_id": run_id, "research.run_dir": str(run_dir.resolve()),
                         "research.overrides": " ".join(overrides or []) or "none"})
        params = flatten({k: v for k, v in config.items() if k not in ("agendas", "sweep")})
        mlflow.log_params({k: _param(v) for k, v in params.items()})
        mlflow.log_metrics(_metric_values(metrics))
        mlflow.log_metrics({f"rank.{name}": value for name in RANKINGS
                            if (value := entry.score(name)) is not None})
        for name in TEXT_FILES:
            if (run_dir / name).is_file():
                mlflow.log_artifact(str(run_dir / name))
        if (run_dir / "figures").is_dir():
            mlflow.log_artifacts(str(run_dir / "figures"), artifact_path="figures")
        for name in MODEL_FILES:
            if (run_dir / "model.skops").is_file() and (run_dir / name).is_file():
                mlflow.log_artifact(str(run_dir / name), artifact_path="model")
        mlflow_id = active.info.run_id
    log.info("logged to MLflow: %s (experiment %s, run %s)", uri, experiment, mlflow_id)
    return mlflow_id


def _metric_values(metrics: dict[str, Any]) -> dict[str, float]:
    out: dict[str, float] = {}
    for key in ("macro_f1", "micro_f1", "subset_accuracy", "hamming_loss", "primary_accuracy", "fit_seconds"):
        if isinstance(metrics.get(key), (int, float)):
            out[key] = float(metrics[key])
    for label, s in (metrics.get("labels") or {}).items():
        for k in ("precision", "recall", "f1"):
            out[f"{label}.{k}"] = float(s[k])
    for name, g in (metrics.get("gold") or {}).items():
        if "model" not in g:
            continue
        for sub, m in (("all", g["model"]), *((s, g[s]) for s in ("dev", "heldout") if isinstance(g.get(s), dict))):
            for k, v in m.items():
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    out[f"hand.{name}.{sub}.{k}"] = float(v)
    return out


def _param(value: Any) -> str:
    text = "null" if value is None else str(value)
    return text if len(text) <= 500 else text[:497] + "..."
