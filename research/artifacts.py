"""Run folders: written under a ``.partial-`` name, indexed in runs.jsonl and renamed only when complete.

A run that dies (error, Ctrl-C, kill -9, a full disk, an index it cannot append to) leaves at most a
``.partial-*`` folder, which nothing treats as a run. The index line is appended before the rename: a line whose
folder does not exist (yet) is ignored by readers, a published folder is always indexed.
"""
from __future__ import annotations

import json
import logging
import os
import platform
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import yaml

from .errors import OutputError, ResearchError

PARTIAL_PREFIX = ".partial-"
INDEX_NAME = "runs.jsonl"
TRACKED_PACKAGES = ("research", "numpy", "scipy", "scikit-learn", "gensim", "jieba", "rjieba", "tomotopy", "skops",
                    "matplotlib", "noto-cjk-sans-otc", "pydantic", "pyyaml", "pyahocorasick")


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
        self.experiment = check_experiment_name(experiment)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        base = f"{stamp}_{git_commit()['commit']}"
        parent = self.results_dir / experiment
        run_id, n = base, 1
        try:
            parent.mkdir(parents=True, exist_ok=True)
            while (parent / run_id).exists() or (parent / f"{PARTIAL_PREFIX}{run_id}").exists():
                n += 1
                run_id = f"{base}-{n}"
            self.path = parent / f"{PARTIAL_PREFIX}{run_id}"
            self.path.mkdir()
            (self.path / "figures").mkdir()
        except OSError as exc:
            raise OutputError(f"results folder {self.results_dir} (output.dir): cannot create a run folder in it "
                              f"({exc.strerror or exc})") from None
        self.run_id = run_id
        self.final_path = parent / run_id
        self.started = time.time()

    def write_json(self, name: str, obj: Any) -> Path:
        return self.write_text(name, json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=False) + "\n")

    def write_yaml(self, name: str, obj: Any) -> Path:
        return self.write_text(name, yaml.safe_dump(obj, allow_unicode=True, sort_keys=False))

    def write_text(self, name: str, text: str) -> Path:
        path = self.path / name
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as exc:  # a write error carries no file name: say which file
            raise OutputError(f"{path}: cannot write ({exc.strerror or exc})") from None
        return path

    @contextmanager
    def capture_log(self):
        """Copy the package's log records into ``run.log`` while the block runs; a failure is logged there too,
        and the folder keeps its ``.partial-`` name."""
        handler = _QuietFileHandler(self.path / "run.log", encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.setLevel(logging.INFO)
        root = logging.getLogger()
        root.addHandler(handler)
        if root.level > logging.INFO or root.level == logging.NOTSET:
            root.setLevel(logging.INFO)
        try:
            yield
        except BaseException as exc:
            # run.log gets the whole story; the terminal gets one line (research.cli prints the error with this
            # note), or the traceback of a bug, with the note
            log = logging.getLogger(__name__)
            interrupted = isinstance(exc, KeyboardInterrupt)
            handler.handle(log.makeRecord(log.name, logging.ERROR, __file__, 0, "run %s: %s",
                                          ("interrupted" if interrupted else "failed", repr(exc)),
                                          None if interrupted else sys.exc_info()))
            exc.add_note(f"its partial folder stays at {self.path}")
            raise
        finally:
            root.removeHandler(handler)
            handler.close()

    def finish(self, summary: dict[str, Any]) -> Path:
        """Append one line to ``runs.jsonl``, then atomically publish the folder."""
        line = {"experiment": self.experiment, "run_id": self.run_id, "path": str(self.final_path),
                "seconds": round(time.time() - self.started, 1), **summary}
        index = self.results_dir / INDEX_NAME
        try:
            append_index_line(index, line)
        except OSError as exc:
            raise OutputError(f"{index}: cannot record the run ({exc.strerror or exc}); it stays unpublished at "
                              f"{self.path}") from None
        try:
            os.replace(self.path, self.final_path)
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot publish the run as {self.final_path.name} "
                              f"({exc.strerror or exc})") from None
        self.path = self.final_path
        return self.final_path


def check_experiment_name(name: str) -> str:
    """``name`` if it is one plain folder name under results/; '.', '..', separators or a leading dot are refused
    (they would put a run outside its experiment folder, or hide it)."""
    if not name or name.startswith(".") or "/" in name or os.sep in name or "\0" in name:
        raise ResearchError(f"experiment name {name!r}: must be a plain folder name that does not start with a dot")
    return name


def append_index_line(index: Path, entry: dict[str, Any]) -> None:
    """Append ``entry`` as one JSON line to the index, under an exclusive lock and with one write.

    A last line torn by a crash (no trailing newline) would swallow this entry, so a newline is put first in that
    case; a write that fails half-way is cut back off, so no torn line is left behind. Raises ``OSError``.
    """
    data = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(index, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o666)
    try:
        _lock(fd)
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            data = b"\n" + data
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        except OSError:
            try:
                os.ftruncate(fd, size)
            except OSError:
                pass
            raise
    finally:
        os.close(fd)  # releases the lock


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # not POSIX: appends of one write() each still do not interleave
        return
    fcntl.flock(fd, fcntl.LOCK_EX)


class _QuietFileHandler(logging.FileHandler):
    """run.log is a copy of what the terminal shows: if it cannot be written (disk full) the run's own error says
    so, not a "--- Logging error ---" traceback per record."""

    def handleError(self, record: logging.LogRecord) -> None:
        pass
