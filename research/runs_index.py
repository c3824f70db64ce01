"""The index of finished runs, ``results/runs.jsonl``: list runs, and resolve ``best:`` / ``latest:`` aliases.

``best:<experiment>`` is the run with the highest score against text read by hand (:data:`DEFAULT_RANKING`,
``hand_dev``: the mean, over the hand-checked sets, of the model's macro-F1 on their *dev* halves; the held-out
halves are never used to choose a model). ``best:<experiment>?by=<metric>`` or ``research runs --by`` choose
another metric (:data:`RANKINGS`). Runs without hand-read scores (the toy corpus, benchmarks) fall back to the
weak-label macro-F1, and say so.

Each line is written by :meth:`research.artifacts.RunFolder.finish` once a run folder is complete. A line whose
folder has since been deleted is ignored (results/ is a scratch area people clean by hand), and so is a line that
is not valid JSON or not UTF-8 (a half-written line from a machine that crashed mid-append).

    >>> from research.runs_index import parse_alias
    >>> parse_alias("best:sample")
    ('best', 'sample')
    >>> parse_alias("results/toy/20261123T183133_672bfa7") is None
    True
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .artifacts import INDEX_NAME
from .errors import ResearchError

log = logging.getLogger(__name__)

ALIASES = ("best", "latest")
RANKINGS: dict[str, str] = {
    "hand_dev": "hand-read dev macro-F1 (mean of the news and report hand-checked sets' dev halves)",
    "hand_heldout": "hand-read held-out macro-F1 (mean of the hand-checked sets' held-out halves; report only)",
    "hand_micro": "hand-read micro-F1 over all hand-checked items (mean of the sets)",
    "macro_f1": "weak-label macro-F1 on the test split (agreement with the rules, not truth)",
    "micro_f1": "weak-label micro-F1 on the test split",
}
"""What ``best:`` can rank by (``--by``)."""
DEFAULT_RANKING = "hand_dev"
HAND_SETS = ("hand_checked", "hand_checked_reports")
"""The hand-checked sets whose dev/held-out halves the hand-read rankings average (in-domain has no halves)."""
DEFAULT_RESULTS = "results"
RESULTS_ENV = "RESEARCH_RESULTS"  # optional override of the default results folder


@dataclass(frozen=True)
class RunEntry:
    """One finished run as recorded in runs.jsonl."""

    experiment: str
    run_id: str
    path: Path
    macro_f1: float | None
    micro_f1: float | None
    model: Path | None
    line: int  # 1-based line in runs.jsonl; later lines are newer
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def has_model(self) -> bool:
        return self.model is not None and self.model.is_file()

    @property
    def gold(self) -> dict[str, Any]:
        """Hand-read headline scores per set (runs.jsonl ``gold``, or the run's metrics.json for older lines)."""
        if "gold" in self.extra:
            return self.extra["gold"] or {}
        cached = self.extra.get("_gold_from_metrics")
        if cached is None:
            cached = gold_summary(_read_json(self.path / "metrics.json").get("gold") or {})
            self.extra["_gold_from_metrics"] = cached
        return cached

    @property
    def overrides(self) -> list[str]:
        return list(self.extra.get("overrides") or [])

    def score(self, by: str = DEFAULT_RANKING) -> float | None:
        """The run's value of a ranking metric (:data:`RANKINGS`); None when the run has none."""
        if by == "macro_f1":
            return self.macro_f1
        if by == "micro_f1":
            return self.micro_f1
        key = {"hand_dev": "dev_macro_f1", "hand_heldout": "heldout_macro_f1", "hand_micro": "micro_f1"}.get(by)
        if key is None:
            raise ResearchError(f"unknown ranking {by!r}; choose one of {', '.join(RANKINGS)}")
        values = [g[key] for name, g in self.gold.items() if name in HAND_SETS and g.get(key) is not None]
        return round(sum(values) / len(values), 6) if values else None


def gold_summary(gold: dict[str, Any]) -> dict[str, Any]:
    """The hand-read figures runs.jsonl keeps per set, from metrics.json's ``gold`` section."""
    out: dict[str, Any] = {}
    for name, g in (gold or {}).items():
        if not isinstance(g, dict) or "model" not in g:
            continue
        row = {"items": g.get("items"), "micro_f1": g["model"].get("micro_f1"),
               "macro_f1": g["model"].get("macro_f1")}
        for sub in ("dev", "heldout"):
            if isinstance(g.get(sub), dict):
                row[f"{sub}_macro_f1"] = g[sub].get("macro_f1")
                row[f"{sub}_items"] = g[sub].get("items")
        out[name] = row
    return out


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def default_results_dir() -> Path:
    return Path(os.environ.get(RESULTS_ENV) or DEFAULT_RESULTS)


def read_runs(results_dir: str | Path | None = None, experiment: str | None = None,
              include_missing: bool = False) -> list[RunEntry]:
    """Finished runs in index order (oldest first), optionally of one experiment.

    Runs whose folder no longer exists are dropped unless ``include_missing``. A missing index is an empty list.
    """
    results = Path(results_dir) if results_dir is not None else default_results_dir()
    index = results / INDEX_NAME
    if not index.is_file():
        return []
    out: list[RunEntry] = []
    try:
        fh = open(index, "rb")  # bytes: one undecodable line must not hide the others
    except OSError as exc:
        raise ResearchError(f"{index}: cannot read ({exc.strerror or exc})") from None
    with fh:
        for n, raw in enumerate(fh, start=1):
            raw = raw.strip()
            if not raw:
                continue
            try:
                row = json.loads(raw.decode("utf-8"))
                entry = _entry(row, n, results)
            except (ValueError, KeyError, TypeError, AttributeError) as exc:  # UnicodeDecodeError is a ValueError
                log.warning("%s line %d: skipped (%s)", index, n, str(exc)[:200])
                continue
            if experiment is not None and entry.experiment != experiment:
                continue
            if not include_missing and not entry.path.is_dir():
                continue
            out.append(entry)
    return out


def _entry(row: dict[str, Any], line: int, results: Path) -> RunEntry:
    path = Path(row["path"])
    if not path.is_absolute() and not path.exists():
        # runs.jsonl written with a relative results dir: resolve against the index's folder
        candidate = results / row["experiment"] / row["run_id"]
        path = candidate if candidate.exists() else path
    model = row.get("model")
    model_path = Path(model) if model else None
    if model_path is not None and not model_path.is_absolute() and not model_path.exists():
        model_path = path / "model.skops"
    known = {"experiment", "run_id", "path", "macro_f1", "micro_f1", "model"}
    return RunEntry(experiment=str(row["experiment"]), run_id=str(row["run_id"]), path=path,
                    macro_f1=_float(row.get("macro_f1")), micro_f1=_float(row.get("micro_f1")), model=model_path,
                    line=line, extra={k: v for k, v in row.items() if k not in known})


def _float(value) -> float | None:
    return None if value is None else float(value)


def parse_alias(spec: str) -> tuple[str, str] | None:
    """``("best", "exp")`` for ``best:exp``, ``("latest", "exp")`` for ``latest:exp``, else None (a path).

    ``best:exp?by=macro_f1`` ranks by another metric (:func:`split_ranking`)."""
    head, sep, tail = str(spec).partition(":")
    if sep and head in ALIASES:
        tail = tail.split("?", 1)[0]
        if not tail:
            raise ResearchError(f"alias {spec!r} needs an experiment name, e.g. {head}:sample")
        return head, tail
    if str(spec) in ALIASES:
        raise ResearchError(f"alias {spec!r} needs an experiment name, e.g. {spec}:sample")
    return None


def split_ranking(spec: str) -> tuple[str, str | None]:
    """``("best:exp", "macro_f1")`` for ``best:exp?by=macro_f1``; ``(spec, None)`` without ``?by=``."""
    head, sep, query = str(spec).partition("?")
    if not sep:
        return spec, None
    key, eq, value = query.partition("=")
    if key != "by" or not eq or not value:
        raise ResearchError(f"{spec!r}: the only option of an alias is ?by=<metric> ({', '.join(RANKINGS)})")
    return head, value


def rank_runs(runs: list[RunEntry], by: str | None = None) -> tuple[list[RunEntry], str]:
    """The runs that have metric ``by`` (default :data:`DEFAULT_RANKING`), best first (ties: newest first), and
    the metric actually used: without any hand-read score among them, the weak-label macro-F1."""
    by = by or DEFAULT_RANKING
    if by not in RANKINGS:
        raise ResearchError(f"unknown ranking {by!r}; choose one of {', '.join(RANKINGS)}")
    scored = [r for r in runs if r.score(by) is not None]
    if not scored and by.startswith("hand"):
        by = "macro_f1"
        scored = [r for r in runs if r.score(by) is not None]
    return sorted(scored, key=lambda r: (r.score(by), r.line), reverse=True), by


def resolve_alias(spec: str, results_dir: str | Path | None = None, by: str | None = None) -> RunEntry:
    """The run an alias names: ``best:<exp>`` = highest hand-read score (:data:`DEFAULT_RANKING`, or ``by`` /
    ``best:<exp>?by=<metric>``; ties: newest), ``latest:<exp>`` = newest.

    Only runs that saved a model and whose folder still exists are candidates. The choice is logged with the
    metric and the run's ``--set`` overrides, so a variant that became ``best:`` never does so silently.
    """
    spec, by_in_spec = split_ranking(spec)
    by = by or by_in_spec
    parsed = parse_alias(spec)
    if parsed is None:
        raise ResearchError(f"{spec!r} is not an alias; use best:<experiment> or latest:<experiment>")
    kind, experiment = parsed
    results = Path(results_dir) if results_dir is not None else default_results_dir()
    runs = [r for r in read_runs(results, experiment) if r.has_model]
    if not runs:
        known = sorted({r.experiment for r in read_runs(results)})
        raise ResearchError(f"{spec}: no finished run with a model for experiment {experiment!r} in "
                            f"{results / INDEX_NAME}; experiments with runs: {known or 'none'}")
    if kind == "latest":
        return runs[-1]
    ranked, used = rank_runs(runs, by)
    if not ranked:
        raise ResearchError(f"{spec}: no run of {experiment!r} records {RANKINGS[by or DEFAULT_RANKING]}")
    best = ranked[0]
    note = f" (no hand-read scores; asked for {by or DEFAULT_RANKING})" if used != (by or DEFAULT_RANKING) else ""
    extra = f"; --set {' '.join(best.overrides)}" if best.overrides else ""
    log.info("%s = %s/%s: %s %.3f%s%s", spec, best.experiment, best.run_id, used, best.score(used), note, extra)
    return best


def resolve_run_dir(spec: str | Path, results_dir: str | Path | None = None) -> Path:
    """A run folder from a folder path, a file inside it (model.skops), or a ``best:``/``latest:`` alias."""
    if isinstance(spec, str) and parse_alias(split_ranking(spec)[0]) is not None:
        return resolve_alias(spec, results_dir).path
    path = Path(spec)
    if path.is_file():
        return path.parent
    if not path.exists():
        raise ResearchError(f"run folder not found: {spec} (give a run folder, or best:<experiment> / "
                            "latest:<experiment>)")
    return path


def resolve_model_path(spec: str | Path, results_dir: str | Path | None = None) -> Path:
    """A model.skops path from a file path, a run folder, or a ``best:``/``latest:`` alias."""
    if isinstance(spec, str) and parse_alias(spec) is not None:
        entry = resolve_alias(spec, results_dir)
        assert entry.model is not None
        return entry.model
    path = Path(spec)
    if path.is_dir():
        candidate = path / "model.skops"
        if not candidate.is_file():
            raise ResearchError(f"{path} is a folder without model.skops (is it a run folder with "
                                "output.save_model enabled?)")
        return candidate
    if not path.exists():
        raise ResearchError(f"model not found: {spec} (give a model.skops file, a run folder, or "
                            "best:<experiment> / latest:<experiment>)")
    return path
