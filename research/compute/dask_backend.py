"""The Dask backend: a client for ``compute.scheduler`` (or a LocalCluster), and ordered map over partitions.

Pointing a run at a real cluster::

    # on the scheduler machine
    dask scheduler                              # listens on tcp://<host>:8786, dashboard on :8787
    # on every worker machine (same Python environment, `pip install -e .` of this repo)
    dask worker tcp://<host>:8786 --nworkers 1 --nthreads 4

    # in the experiment config
    compute: {backend: dask, scheduler: "tcp://<host>:8786", partitions: 32}

Without ``scheduler`` a :class:`distributed.LocalCluster` with ``n_workers`` single-threaded worker processes is
started on first use and reused for the life of the process. If a ``distributed.Client`` is already active (e.g.
created by a notebook or a test), it is used as is.
"""
from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

_CLIENTS: dict[str, Any] = {}


def get_client(compute):
    from distributed import Client, LocalCluster
    from distributed import get_client as current_client

    if compute.scheduler:
        client = _CLIENTS.get(compute.scheduler)
        if client is None or client.status in ("closed", "closing"):
            client = _CLIENTS[compute.scheduler] = Client(compute.scheduler)
        return client
    try:
        return current_client()
    except ValueError:  # no active client
        pass
    client = _CLIENTS.get("local")
    if client is None or client.status in ("closed", "closing"):
        cluster = LocalCluster(n_workers=compute.n_workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = _CLIENTS["local"] = Client(cluster)
        log.info("dask: started a LocalCluster with %d workers", compute.n_workers)
    return client


def n_workers(compute) -> int:
    try:
        return max(1, len(get_client(compute).scheduler_info()["workers"]))
    except Exception:  # noqa: BLE001 - scheduler not reachable yet: the config's size
        return compute.n_workers


def map_partitions(compute, fn, shared, parts: list) -> list:
    """``[fn(shared, part) for part in parts]`` as Dask tasks, results in the order of ``parts``.

    ``shared`` (a fitted estimator) is sent to every worker once; each part travels with its task.
    """
    client = get_client(compute)
    shared_future = client.scatter(shared, broadcast=True, hash=False)
    futures = client.map(fn, [shared_future] * len(parts), parts, pure=False)
    return client.gather(futures)


def close() -> None:
    """Close clients (and LocalClusters) this module started."""
    for key, client in list(_CLIENTS.items()):
        cluster = getattr(client, "cluster", None)
        client.close()
        if key == "local" and cluster is not None:
            cluster.close()
        _CLIENTS.pop(key, None)
