"""run_sweep(config): expand ``sweep.grid`` (+ ``sweep.variants``) into variant configs and run each as a normal run.

Grid keys are dotted config keys (``classifier.kind``, ``features.lda.n_topics``, ``features.tfidf.ngram_range``)
plus one shorthand, ``features: [tfidf, lda, tfidf+lda]``, which sets ``features.tfidf.enabled`` /
``features.lda.enabled``. Every variant is validated like a config file (an unknown key fails before anything runs,
as one line naming the key) and written as an ordinary run folder under ``results/<experiment>/``; its
``description`` names the variant. Afterwards the comparison table and figures are written (research.study.compare).

Sharing work between variants:

* the corpus is loaded (and weak-labelled) once, in the parent, and handed to every variant as one snapshot file
  (``results/.cache/corpus/``), so all variants see the same documents and labels even if the labelling rules are
  edited while the sweep runs;
* tokens come from the token cache (``results/.cache/tokens.sqlite``): segmented once, then read back;
* fitted topic models live in ``results/.cache/lda/`` (research.study.lda_store), keyed by the LDA settings and the
  exact training token lists: variants that differ only in classifier or TF-IDF settings reuse one topic model and
  its topic proportions. One "leader" variant per distinct topic model runs first (in parallel across models), then
  all other variants run in parallel (joblib, ``sweep.n_jobs`` processes).
"""
from __future__ import annotations

import copy
import itertools
import json
import logging
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..config import ExperimentConfig, validate_config
from ..errors import ConfigError

log = logging.getLogger(__name__)

FEATURE_SETS = {"tfidf": (True, False), "lda": (False, True), "tfidf+lda": (True, True)}
SHORTHANDS = {"features"}


@dataclass
class Variant:
    name: str
    settings: dict[str, Any]
    config: ExperimentConfig


@dataclass
class SweepResult:
    experiment: str
    results_dir: Path
    runs: list[dict[str, Any]]
    manifest: Path
    comparison: Any = None


# ------------------------------------------------------------------ grid expansion


def _check_key(dotted: str, where: str) -> None:
    """Raise a one-line ConfigError unless ``dotted`` names a field of ExperimentConfig (or a shorthand)."""
    if dotted in SHORTHANDS:
        return
    model: type[BaseModel] | None = ExperimentConfig
    parts = dotted.split(".")
    for i, part in enumerate(parts):
        fields = model.model_fields if model is not None else {}
        if part not in fields:
            raise ConfigError(f"{where}: {dotted}: unknown key (no {'.'.join(parts[: i + 1])!r} in the config)")
        ann = fields[part].annotation
        model = ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None
        if model is None and i < len(parts) - 1:
            raise ConfigError(f"{where}: {dotted}: {'.'.join(parts[: i + 1])!r} is a value, not a section")
    if parts[0] in ("sweep", "experiment"):
        raise ConfigError(f"{where}: {dotted}: cannot be varied inside a sweep")


def _apply(raw: dict[str, Any], dotted: str, value: Any) -> None:
    if dotted == "features":
        if value not in FEATURE_SETS:
            raise ConfigError(f"sweep.grid: features: {value!r} is not one of {sorted(FEATURE_SETS)}")
        tfidf, lda = FEATURE_SETS[value]
        raw.setdefault("features", {}).setdefault("tfidf", {})["enabled"] = tfidf
        raw["features"].setdefault("lda", {})["enabled"] = lda
        return
    node = raw
    parts = dotted.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = copy.deepcopy(value)


def _value_text(value: Any) -> str:
    if isinstance(value, list):
        return "-".join(str(v) for v in value)
    return str(value)


def variant_name(settings: dict[str, Any]) -> str:
    return ",".join(f"{k.split('.')[-1]}={_value_text(v)}" for k, v in settings.items())


def expand(config: ExperimentConfig) -> list[Variant]:
    """The variants of a sweep config, validated, in grid order followed by ``sweep.variants``."""
    grid = config.sweep.grid
    for key, values in grid.items():
        _check_key(key, "sweep.grid")
        if not values:
            raise ConfigError(f"sweep.grid: {key}: needs at least one value")
    combos = [dict(zip(grid, values)) for values in itertools.product(*grid.values())] if grid else []
    for i, extra in enumerate(config.sweep.variants):
        if not isinstance(extra, dict) or not extra:
            raise ConfigError(f"sweep.variants[{i}]: must be a non-empty mapping of dotted keys to values")
        for key in extra:
            _check_key(key, f"sweep.variants[{i}]")
        combos.append(dict(extra))
    base = config.to_dict()
    base["sweep"] = {"grid": {}, "variants": [], "n_jobs": 1}
    out: list[Variant] = []
    seen: dict[str, int] = {}
    for settings in combos:
        raw = copy.deepcopy(base)
        for key, value in settings.items():
            _apply(raw, key, value)
        name = variant_name(settings)
        if name in seen:
            continue
        seen[name] = 1
        raw["description"] = f"sweep variant {name}"
        out.append(Variant(name=name, settings=settings, config=validate_config(raw, source=f"sweep variant {name}")))
    if not out:
        raise ConfigError("sweep: the grid and variants expand to no run")
    return out


def lda_group(config: ExperimentConfig) -> str | None:
    """Variants with the same value share one fitted topic model (same LDA settings, seed, data and split)."""
    if not config.features.lda.enabled:
        return None
    c = config.to_dict()
    key = {k: c[k] for k in ("seed", "data", "split", "tokenize")}
    key["lda"] = c["features"]["lda"]
    ev = c["evaluation"]
    key["validation"] = [ev["tune_thresholds"] or ev["calibrate"], ev["validation_size"], ev["cv_folds"]]
    return json.dumps(key, sort_keys=True)


# ------------------------------------------------------------------ running


@lru_cache(maxsize=2)
def _corpus(snapshot: str):
    """The corpus snapshot, read once per process (joblib workers are reused across variants)."""
    import joblib

    return joblib.load(snapshot)


def snapshot_corpus(config: ExperimentConfig, source: str | None, results: Path) -> tuple[Path, dict[str, Any]]:
    """Load the corpus once and write it to ``results/.cache/corpus/<hash>.joblib`` (atomically)."""
    import hashlib

    import joblib

    from ..datasets import load_corpus

    corpus = load_corpus(config.data, source, config.seed)
    ident = {"fingerprint": corpus.fingerprint, "header": corpus.header}
    key = hashlib.sha1(json.dumps(ident, sort_keys=True, default=str).encode()).hexdigest()[:16]
    path = results / ".cache" / "corpus" / f"{key}.joblib"
    if not path.is_file():
        from ..atomic import AtomicFile

        with AtomicFile(path, "wb", make_parents=True) as fh:
            joblib.dump(corpus, fh)
    _corpus.cache_clear()
    return path, ident


def _run_one(variant: Variant, source: str | None, results_dir: str, snapshot: str) -> dict[str, Any]:
    import logging as _logging

    from ..experiment import run_experiment
    from .lda_store import FeatureStore

    if not _logging.getLogger().handlers:  # a fresh joblib worker: log to stderr like the CLI does
        _logging.basicConfig(level=_logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                             datefmt="%H:%M:%S")
        for noisy in ("gensim", "jieba", "matplotlib", "PIL"):
            _logging.getLogger(noisy).setLevel(_logging.WARNING)
    corpus = _corpus(snapshot)
    store = FeatureStore(Path(results_dir) / ".cache" / "lda")
    result = run_experiment(variant.config, results_dir=results_dir, source=source, corpus=corpus, lda_store=store)
    m = result.metrics
    log.info("variant %s: macro-F1 %.3f micro-F1 %.3f (%s)", variant.name, m["macro_f1"], m["micro_f1"], result.path)
    return {"variant": variant.name, "settings": variant.settings, "run_id": result.run_id, "path": str(result.path),
            "macro_f1": m["macro_f1"], "micro_f1": m["micro_f1"], "lda_reused": store.hits, "lda_fitted": store.fits}


def _parallel(tasks: list[Variant], n_jobs: int, source: str | None, results_dir: str,
              snapshot: str) -> list[dict[str, Any]]:
    if not tasks:
        return []
    if n_jobs == 1 or len(tasks) == 1:
        from tqdm.auto import tqdm

        return [_run_one(v, source, results_dir, snapshot)
                for v in tqdm(tasks, desc="sweep variants", unit="variant", disable=None, file=sys.stderr)]
    from joblib import Parallel, delayed

    from ..compute import joblib_backend

    with joblib_backend(tasks[0].config.compute) as client:  # variants as Dask tasks when compute.backend is dask
        backend = None if client is not None else "loky"
        return Parallel(n_jobs=min(n_jobs, len(tasks)), backend=backend)(
            delayed(_run_one)(v, source, results_dir, snapshot) for v in tasks)


def run_sweep(config: ExperimentConfig, source: str | None = None,
              results_dir: str | Path | None = None) -> SweepResult:
    """Run every variant of ``config.sweep``; write a manifest and the comparison table/figures."""
    variants = expand(config)
    results = Path(results_dir or config.output.dir)
    (results / config.experiment).mkdir(parents=True, exist_ok=True)
    log.info("sweep %s: %d variants, n_jobs=%d", config.experiment, len(variants), config.sweep.n_jobs)
    leaders, followers, groups = [], [], set()
    for v in variants:
        g = lda_group(v.config)
        if g is not None and g not in groups:
            groups.add(g)
            leaders.append(v)
        else:
            followers.append(v)
    n_jobs = config.sweep.n_jobs
    snapshot, ident = snapshot_corpus(config, source, results)
    log.info("corpus snapshot %s shared by all variants", snapshot)
    runs = (_parallel(leaders, n_jobs, source, str(results), str(snapshot))
            + _parallel(followers, n_jobs, source, str(results), str(snapshot)))
    order = {v.name: i for i, v in enumerate(variants)}
    runs.sort(key=lambda r: order[r["variant"]])
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    manifest = results / config.experiment / f"sweep-{stamp}.json"
    manifest.write_text(json.dumps({"experiment": config.experiment, "source": source, "grid": config.sweep.grid,
                                    "variants": config.sweep.variants, "corpus": ident, "runs": runs}, ensure_ascii=False, indent=1)
                        + "\n", encoding="utf-8")
    from .compare import compare_runs

    comparison = compare_runs(results / config.experiment, manifest=manifest)
    return SweepResult(experiment=config.experiment, results_dir=results, runs=runs, manifest=manifest,
                       comparison=comparison)


def print_sweep(result: SweepResult) -> None:
    print(f"sweep {result.experiment}: {len(result.runs)} runs; manifest {result.manifest}")
    if result.comparison is not None:
        print(result.comparison.text)
        print(f"comparison written to {result.comparison.out_dir}")
