"""The index of finished runs, ``results/runs.jsonl``: list runs, and resolve ``best:`` / ``latest:`` aliases.

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
    """``("best", "exp")`` for ``best:exp``, ``("latest", "exp")`` for ``latest:exp``, else None (a path)."""
    head, sep, tail = str(spec).partition(":")
    if sep and head in ALIASES:
        if not tail:
            raise ResearchError(f"alias {spec!r} needs an experiment name, e.g. {head}:sample")
        return head, tail
    if str(spec) in ALIASES:
        raise ResearchError(f"alias {spec!r} needs an experiment name, e.g. {spec}:sample")
    return None


def resolve_alias(spec: str, results_dir: str | Path | None = None) -> RunEntry:
    """The run an alias names: ``best:<exp>`` = highest macro-F1 (ties: newest), ``latest:<exp>`` = newest.

    Only runs that saved a model and whose folder still exists are candidates.
    """
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
    scored = [r for r in runs if r.macro_f1 is not None]
    if not scored:
        raise ResearchError(f"{spec}: no run of {experiment!r} records a macro_f1")
    return max(scored, key=lambda r: (r.macro_f1, r.line))


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
