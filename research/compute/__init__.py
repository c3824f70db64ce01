"""Where the heavy work runs: this machine (``backend: local``) or a Dask cluster (``backend: dask``).

The config's ``compute:`` section picks the backend::

    compute:
      backend: dask                     # local (default) | dask
      scheduler: tcp://10.0.0.5:8786    # a running dask scheduler; null = start a LocalCluster here
      n_workers: 2                      # LocalCluster size (ignored with a scheduler address)
      partitions: 16                    # null = 2 per worker / core

Entry points, all with the same result whatever the backend (every document is tokenized and transformed
on its own, so partitioning cannot change a row):

* :func:`tokenize` (``tokens = compute.tokenize(tokenizer, texts, config.compute)``): local = the tokenizer's own
  process pool; dask = one task per partition of texts, each worker segmenting with ``n_jobs=1``.
* :func:`fit_transform_features` / :func:`transform`: fit a (feature) transformer once on the driver, then
  transform row partitions in parallel (local: forked processes; dask: tasks) and stack them in order.
* :func:`fit_pipeline` (``compute.fit_pipeline(pipeline, texts, y, config.compute)``): ``pipeline.fit`` with the
  two steps above; the same fitted Pipeline comes out.
* :func:`joblib_backend`: a context manager under which joblib-parallel code (sweeps, ``n_jobs`` of scikit-learn)
  runs its tasks on the Dask cluster (``joblib.parallel_config(backend="dask")``); a no-op locally.
"""
from __future__ import annotations

from .core import fit_pipeline, fit_transform_features, joblib_backend, partition, tokenize, transform

__all__ = ["tokenize", "transform", "fit_transform_features", "fit_pipeline", "joblib_backend", "partition"]
