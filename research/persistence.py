"""Saving and loading fitted pipelines with skops, so that loading a model file never runs arbitrary code.

skops refuses any type that is not on a trusted list; ours is explicit: scikit-learn and numpy types that skops
trusts by default, plus the package's own estimators and the one function they reference. A sidecar
``<model>.sha256`` lets ``load_pipeline`` also refuse a file that was modified after it was written.
"""
from __future__ import annotations

import hashlib
import warnings
from pathlib import Path
from typing import Any

from .errors import ModelFileError

TRUSTED_TYPES = [
    "research.tokenize.JiebaTokenizer",
    "research.features.TfidfOnTokens",
    "research.features.identity",
    "research.topics.lda.LdaTopics",
    "research.classify.MultiLabelClassifier",
]


def save_pipeline(pipeline, path: str | Path, meta: dict[str, Any]) -> Path:
    """Write ``{"pipeline": ..., "meta": ...}`` to ``path`` (atomically) plus its sha256 sidecar."""
    import skops.io as sio

    path = Path(path)
    tmp = path.with_name(path.name + ".partial")
    sio.dump({"pipeline": pipeline, "meta": meta}, tmp, compression=8)
    untrusted = set(sio.get_untrusted_types(file=tmp)) - set(TRUSTED_TYPES)
    if untrusted:  # would be unloadable: fail now, at save time, not in a colleague's notebook
        tmp.unlink()
        raise ModelFileError(f"model contains types outside the trusted list: {sorted(untrusted)}")
    tmp.replace(path)
    path.with_name(path.name + ".sha256").write_text(_sha256(path) + "\n", encoding="utf-8")
    return path


def load_pipeline(path: str | Path, check_version: bool = True):
    """(pipeline, meta) from a skops file, refusing untrusted types and files that fail their checksum."""
    import skops.io as sio

    from . import __version__

    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"model file not found: {path}")
    sidecar = path.with_name(path.name + ".sha256")
    if sidecar.is_file() and sidecar.read_text(encoding="utf-8").strip() != _sha256(path):
        raise ModelFileError(f"{path}: checksum does not match {sidecar.name}; the file was modified, refusing it")
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:  # noqa: BLE001 - any parse failure means "not a model file we wrote"
        raise ModelFileError(f"{path}: not a readable skops model file ({type(exc).__name__}: {exc})") from None
    refused = sorted(set(untrusted) - set(TRUSTED_TYPES))
    if refused:
        raise ModelFileError(f"{path}: refusing to load, the file asks for untrusted types: {', '.join(refused)}")
    try:
        bundle = sio.load(path, trusted=untrusted)
    except Exception as exc:  # noqa: BLE001
        raise ModelFileError(f"{path}: cannot load model ({type(exc).__name__}: {exc})") from None
    if not isinstance(bundle, dict) or "pipeline" not in bundle:
        raise ModelFileError(f"{path}: not a model file written by research.save_pipeline")
    meta = bundle.get("meta") or {}
    saved_version = meta.get("research_version")
    if check_version and saved_version and saved_version != __version__:
        warnings.warn(f"{path} was saved by research {saved_version}; this is {__version__}. "
                      "Predictions may differ.", UserWarning, stacklevel=2)
    return bundle["pipeline"], meta


def save_model(pipeline, path: str | Path, meta: dict[str, Any] | None = None) -> Path:
    """Public alias of :func:`save_pipeline` with the package version recorded."""
    from . import __version__

    return save_pipeline(pipeline, path, {"research_version": __version__, **(meta or {})})


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
