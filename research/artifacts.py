"""Run folders: written under a ``.partial-`` name and renamed only when complete, then indexed in runs.jsonl.

A run that dies (error, Ctrl-C, kill -9) leaves at most a ``.partial-*`` folder, which nothing treats as a run.
"""
from __future__ import annotations

import json
import logging
import os
import platform
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import yaml

PARTIAL_PREFIX = ".partial-"
INDEX_NAME = "runs.jsonl"
TRACKED_PACKAGES = ("research", "numpy", "scipy", "scikit-learn", "gensim", "jieba", "tomotopy", "skops",
                    "matplotlib", "pydantic", "pyyaml", "pyahocorasick")


def git_commit(cwd: Path | None = None) -> dict[str, Any]:
    """Short commit and dirty flag of the checkout we run from; ``nogit`` outside a repository."""
    where = cwd or Path(__file__).resolve().parent
    try:
        sha = subprocess.run(["git", "rev-parse", "--short=7", "HEAD"], cwd=where, capture_output=True, text=True,
                             timeout=10, check=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=where,
                                    capture_output=True, text=True, timeout=10).stdout.strip())
        return {"commit": sha, "dirty": dirty}
    except (OSError, subprocess.SubprocessError):
        return {"commit": "nogit", "dirty": None}


def package_versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in TRACKED_PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def environment() -> dict[str, Any]:
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "packages": package_versions(),
        "git": git_commit(),
        "started_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


class RunFolder:
    """One run's output folder. Use ``path`` while writing; ``finish`` makes it visible as a finished run."""

    def __init__(self, results_dir: str | Path, experiment: str):
        self.results_dir = Path(results_dir)
        self.experiment = experiment
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        base = f"{stamp}_{git_commit()['commit']}"
        parent = self.results_dir / experiment
        parent.mkdir(parents=True, exist_ok=True)
        run_id, n = base, 1
        while (parent / run_id).exists() or (parent / f"{PARTIAL_PREFIX}{run_id}").exists():
            n += 1
            run_id = f"{base}-{n}"
        self.run_id = run_id
        self.final_path = parent / run_id
        self.path = parent / f"{PARTIAL_PREFIX}{run_id}"
        self.path.mkdir()
        (self.path / "figures").mkdir()
        self.started = time.time()

    def write_json(self, name: str, obj: Any) -> Path:
        path = self.path / name
        path.write_text(json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8")
        return path

    def write_yaml(self, name: str, obj: Any) -> Path:
        path = self.path / name
        path.write_text(yaml.safe_dump(obj, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    def write_text(self, name: str, text: str) -> Path:
        path = self.path / name
        path.write_text(text, encoding="utf-8")
        return path

    @contextmanager
    def capture_log(self):
        """Copy the package's log records into ``run.log`` while the block runs; a failure is logged there too,
        and the folder keeps its ``.partial-`` name."""
        handler = logging.FileHandler(self.path / "run.log", encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.setLevel(logging.INFO)
        root = logging.getLogger()
        root.addHandler(handler)
        if root.level > logging.INFO or root.level == logging.NOTSET:
            root.setLevel(logging.INFO)
        try:
            yield
        except BaseException:
            logging.getLogger(__name__).exception("run failed; its partial folder stays at %s", self.path)
            raise
        finally:
            root.removeHandler(handler)
            handler.close()

    def finish(self, summary: dict[str, Any]) -> Path:
        """Atomically publish the folder and append one line to ``runs.jsonl``."""
        os.replace(self.path, self.final_path)
        self.path = self.final_path
        line = {"experiment": self.experiment, "run_id": self.run_id, "path": str(self.final_path),
                "seconds": round(time.time() - self.started, 1), **summary}
        index = self.results_dir / INDEX_NAME
        with open(index, "a", encoding="utf-8") as fh:  # one write() of one line: appends do not interleave
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
        return self.final_path

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
