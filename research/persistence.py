"""Saving and loading fitted pipelines with skops, so that loading a model file never runs arbitrary code.

skops refuses any type that is not on a trusted list; ours is explicit: scikit-learn and numpy types that skops
trusts by default, plus the package's own estimators and the one function they reference. A sidecar
``<model>.sha256`` lets ``load_pipeline`` also refuse a file that was modified after it was written, and a file
without its sidecar is refused too (its integrity cannot be checked: a model with zeroed coefficients would tag
every text with every label, silently) unless the caller says ``trust_unverified=True`` (``research predict
--trust-unverified``), which loads it with a warning.
"""
from __future__ import annotations

import json
import logging
import warnings
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from .atomic import AtomicFile, write_text
from .errors import ModelFileError

log = logging.getLogger(__name__)

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
    out = AtomicFile(path, "wb")
    with out as fh:
        sio.dump({"pipeline": pipeline, "meta": meta}, fh, compression=8)
        fh.flush()
        tmp = out.tmp
        untrusted = set(sio.get_untrusted_types(file=tmp)) - set(TRUSTED_TYPES)
        if untrusted:  # would be unloadable: fail now, at save time, not in a colleague's notebook
            raise ModelFileError(f"model contains types outside the trusted list: {sorted(untrusted)}")
        digest = _sha256(tmp)
    write_text(path.with_name(path.name + ".sha256"), digest + "\n")
    return path


def load_pipeline(path: str | Path, check_version: bool = True, trust_unverified: bool = False):
    """(pipeline, meta) from a skops file, refusing untrusted types, files that fail their checksum and (unless
    ``trust_unverified``) files without a checksum sidecar."""
    import skops.io as sio

    from . import __version__

    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"model file not found: {path}")
    sidecar = path.with_name(path.name + ".sha256")
    verified = sidecar.is_file()
    if verified and _read_sidecar(sidecar) != _sha256(path):
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
    if not verified:  # checked last: a file that is no model at all is named as such first
        if not trust_unverified:
            raise ModelFileError(f"{path}: no {sidecar.name} beside it, so its integrity cannot be checked; refusing "
                                 "it (pass --trust-unverified, or trust_unverified=True, to load it anyway)")
        warnings.warn(f"{path}: unverified model (no {sidecar.name}): its integrity is not checked, as asked",
                      UserWarning, stacklevel=2)
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
    from .fingerprint import file_sha256

    return file_sha256(path)


def _read_sidecar(sidecar: Path) -> str:
    try:
        return sidecar.read_text(encoding="utf-8", errors="replace").strip()
    except OSError as exc:
        raise ModelFileError(f"{sidecar}: cannot read ({exc.strerror or exc})") from None


def read_model(path: str | Path, check_version: bool = True, trust_unverified: bool = False):
    """(pipeline, card) of a saved model, made usable by this version: the checks of :func:`load_pipeline`,
    parameters added since it was saved filled with their defaults, its run folder's ``env.json`` and model
    card attached, library versions compared with the ones it was trained with (warnings)."""
    path = Path(path)
    pipeline, meta = load_pipeline(path, check_version=check_version, trust_unverified=trust_unverified)
    _fill_missing_params(pipeline, path)
    card = dict(meta)
    env_file = path.parent / "env.json"
    if env_file.is_file():
        try:
            card.setdefault("env", json.loads(env_file.read_text(encoding="utf-8")))
        except ValueError:
            log.warning("%s: unreadable, ignored", env_file)
    if check_version:
        _check_library_versions(card, path)
    card.setdefault("model_path", str(path))
    card_file = path.parent / "MODEL_CARD.md"
    if card_file.is_file():
        card.setdefault("model_card_path", str(card_file))
    return pipeline, card


def _fill_missing_params(pipeline, path: Path) -> None:
    """A model saved before an estimator gained a parameter lacks that attribute, and scikit-learn's
    get_params/set_params then fail. Give it the parameter's default (what the older code did) and say so."""
    import inspect

    estimators = [est for _, est in pipeline.steps]
    union = pipeline.named_steps.get("features")
    estimators += [t for _, t in getattr(union, "transformer_list", []) if not isinstance(t, str) and t is not None]
    for est in estimators:
        if not hasattr(type(est), "_get_param_names"):
            continue
        signature = inspect.signature(type(est).__init__).parameters
        for name in type(est)._get_param_names():
            if not hasattr(est, name):
                default = signature[name].default
                setattr(est, name, None if default is inspect.Parameter.empty else default)
                warnings.warn(f"{path}: {type(est).__name__} was saved without parameter {name!r} (older "
                              f"research); using the default {default!r}", UserWarning, stacklevel=3)


def _check_library_versions(card: dict[str, Any], path: Path) -> None:
    saved = ((card.get("env") or {}).get("packages") or {})
    for name in ("scikit-learn", "numpy"):
        want = saved.get(name)
        try:
            have = version(name)
        except PackageNotFoundError:
            continue
        if want and have != want:
            warnings.warn(f"{path} was trained with {name} {want}; this is {have}. Predictions may differ.",
                          UserWarning, stacklevel=3)
