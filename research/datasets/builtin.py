"""``builtin:NAME`` paths: data files shipped inside the package (research/datasets/data/), and config paths.

Its own small module so that anything holding a ``builtin:`` name (hand-label files, samples) can resolve it
without importing the corpus loaders.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..config import resolve_path
from ..errors import DataError

BUILTIN_PREFIX = "builtin:"


def builtin_data_path(name: str) -> Path:
    """Path of a data file shipped inside the package (research/datasets/data/)."""
    candidates = [f"{name}.jsonl.gz", f"{name}.jsonl", name]
    base = resources.files("research.datasets") / "data"
    for candidate in candidates:
        item = base / candidate
        if item.is_file():
            return Path(str(item))
    known = sorted(p.name for p in base.iterdir() if p.name.endswith((".jsonl", ".jsonl.gz")))
    raise DataError(f"no built-in dataset {name!r}; shipped: {known}")


def resolve_data_path(value: str, config_source: str | None = None) -> Path:
    if value.startswith(BUILTIN_PREFIX):
        return builtin_data_path(value[len(BUILTIN_PREFIX):])
    path = resolve_path(value, config_source)
    if not path.exists():
        raise DataError(f"data file not found: {path}")
    return path


__all__ = ["BUILTIN_PREFIX", "builtin_data_path", "resolve_data_path"]
