"""How many CPUs this process may use, and how many workers a ``n_jobs`` setting means: one rule, used by the
tokenizer, topic inference, prediction and the compute backends."""
from __future__ import annotations

import os


def available_cpus() -> int:
    """CPUs this process may run on (its affinity mask on Linux, else the machine's count)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def effective_workers(n_jobs: int | None, limit: int | None = None) -> int:
    """Workers for ``n_jobs`` (-1, 0 or None = all available CPUs), never more than the CPUs or ``limit``."""
    cores = available_cpus()
    wanted = cores if n_jobs in (-1, 0, None) else max(1, int(n_jobs))
    return max(1, min(wanted, cores, limit if limit is not None else cores))


__all__ = ["available_cpus", "effective_workers"]
