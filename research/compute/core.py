"""Backend-independent entry points; see the package docstring."""
from __future__ import annotations

import copy
from contextlib import contextmanager
from multiprocessing import get_context
from typing import Any

import numpy as np
import scipy.sparse as sp

from ..cpus import available_cpus

LOCAL_MIN_ROWS = 2000  # below this, transforming in one process is faster than forking


def partition(n: int, parts: int) -> list[slice]:
    """``parts`` contiguous, near-equal slices covering ``range(n)`` (fewer when n is small); deterministic."""
    parts = max(1, min(int(parts), n)) if n else 1
    base, extra = divmod(n, parts)
    out, start = [], 0
    for i in range(parts):
        stop = start + base + (1 if i < extra else 0)
        out.append(slice(start, stop))
        start = stop
    return out


def _backend(compute) -> str:
    return "local" if compute is None else compute.backend


def n_partitions(compute, n_rows: int) -> int:
    if compute is not None and compute.partitions:
        return compute.partitions
    if _backend(compute) == "dask":
        from .dask_backend import n_workers

        return 2 * n_workers(compute)
    return available_cpus()


def _fitted(tokenizer):
    try:
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(tokenizer, "fingerprint_")
        return tokenizer
    except Exception:  # noqa: BLE001 - NotFittedError
        return tokenizer.fit()


# --------------------------------------------------------------------------- tokenization


def tokenize(tokenizer, texts, compute=None) -> list[list[str]]:
    """Token lists for ``texts`` with a :class:`~research.tokenize.JiebaTokenizer`, on the configured backend.

    Local: the tokenizer's own streaming process pool and cache. Dask: one task per partition; each worker uses a
    copy of the fitted tokenizer with ``n_jobs=1`` (the cluster is the parallelism) and the same ``cache_dir``
    (point it at a shared folder, or leave it per-machine: a cache is only a shortcut).
    """
    tokenizer = _fitted(tokenizer)
    if _backend(compute) == "local":
        return tokenizer.transform(texts)
    if isinstance(texts, str):
        raise TypeError("tokenize expects a list of texts, got a single string")
    texts = list(texts)
    worker_tok = copy.copy(tokenizer)
    worker_tok.set_params(n_jobs=1, progress=False)
    from .dask_backend import map_partitions

    slices = partition(len(texts), n_partitions(compute, len(texts)))
    parts = map_partitions(compute, _tokenize_part, worker_tok, [texts[s] for s in slices])
    return [toks for part in parts for toks in part]


def _tokenize_part(tokenizer, texts: list[str]) -> list[list[str]]:
    return tokenizer.transform(texts)


# --------------------------------------------------------------------------- feature extraction


def transform(estimator, X, compute=None, n_jobs: int | None = None):
    """``estimator.transform(X)`` computed over row partitions and stacked in order (same result, row by row).

    Only for transformers whose rows do not depend on each other (TF-IDF with fitted idf, the package's LDA
    inference, a FeatureUnion of those). Local: forked processes (``n_jobs``, default all cores); Dask: tasks.
    """
    if not (hasattr(X, "shape") or isinstance(X, list)):
        X = list(X)
    n = X.shape[0] if hasattr(X, "shape") else len(X)
    if _backend(compute) == "dask":
        from .dask_backend import map_partitions

        slices = partition(n, n_partitions(compute, n))
        return _stack(map_partitions(compute, _transform_part, estimator, [X[s] for s in slices]))
    jobs = available_cpus() if n_jobs in (None, -1, 0) else max(1, int(n_jobs))
    if compute is not None and compute.partitions:
        jobs = min(jobs, compute.partitions)
    import multiprocessing

    if jobs == 1 or n < LOCAL_MIN_ROWS or multiprocessing.current_process().daemon:
        return estimator.transform(X)
    slices = partition(n, jobs)
    global _FORK_STATE
    _FORK_STATE = (estimator, X)  # inherited by the forked workers: nothing large is pickled on the way in
    try:
        with get_context("fork").Pool(len(slices), initializer=_ignore_sigint) as pool:
            parts = pool.map(_transform_slice, slices)
    finally:
        _FORK_STATE = None
    return _stack(parts)


_FORK_STATE: tuple[Any, Any] | None = None


def _ignore_sigint() -> None:
    """In a forked worker: Ctrl-C is the parent's to handle (the pool is terminated), not a traceback per worker."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _transform_slice(s: slice):
    from threadpoolctl import threadpool_limits

    estimator, X = _FORK_STATE  # type: ignore[misc]
    with threadpool_limits(1):  # one BLAS thread per process: the processes are the parallelism
        return estimator.transform(X[s])


def _transform_part(estimator, X_part):
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        return estimator.transform(X_part)


def _stack(parts: list):
    if any(sp.issparse(p) for p in parts):
        return sp.vstack([sp.csr_matrix(p) for p in parts], format="csr")
    return np.vstack(parts)


def fit_transform_features(features, X, y=None, compute=None, n_jobs: int | None = None):
    """Fit ``features`` (e.g. the pipeline's FeatureUnion) once on all of ``X``, then :func:`transform` in
    partitions. Equals ``features.fit_transform(X, y)`` for transformers whose fit_transform is fit + transform.

    The branches of a FeatureUnion are fitted side by side in threads: tomotopy samples without holding the GIL,
    so TF-IDF is fitted on the other core meanwhile. Each branch is fitted exactly as alone (same result)."""
    import threading

    from joblib import parallel_config

    branches = [t for _, t in getattr(features, "transformer_list", []) if t not in ("drop", "passthrough", None)]
    if len(branches) > 1 and getattr(features, "n_jobs", None) is None and \
            threading.current_thread() is threading.main_thread():
        with parallel_config(backend="threading", n_jobs=len(branches)):
            features.fit(X, y)
    else:
        features.fit(X, y)
    return transform(features, X, compute, n_jobs)


def fit_pipeline(pipeline, texts, y, compute=None):
    """``pipeline.fit(texts, y)`` for the package's tokens -> features -> clf pipeline, with tokenization and
    feature extraction on the configured backend; the result is the same fitted Pipeline."""
    from ..progress import step

    tokens = tokenize(pipeline.named_steps["tokens"], texts, compute)
    with step("fit features (TF-IDF / LDA)"):
        X = fit_transform_features(pipeline.named_steps["features"], tokens, y, compute)
    with step("fit classifier"):
        pipeline.named_steps["clf"].fit(X, y)
    return pipeline


# --------------------------------------------------------------------------- sweeps


@contextmanager
def joblib_backend(compute=None):
    """Run joblib-parallel work (sweeps, scikit-learn ``n_jobs``) on the Dask cluster inside the block."""
    if _backend(compute) == "local":
        yield None
        return
    import joblib

    from .dask_backend import get_client

    client = get_client(compute)
    with joblib.parallel_config(backend="dask"):
        yield client
