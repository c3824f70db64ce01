"""Progress on the terminal for steps that take more than ~2 s and have no natural count (LDA and classifier
fits): a line with the step's name and its elapsed time, redrawn twice a second.

Like every bar in the package it is tqdm's, shown only when stderr is a terminal (``disable=None``), so logs, CI
and notebooks executed by tests stay clean; steps that finish within ``delay`` seconds show nothing.
"""
from __future__ import annotations

import sys
import threading
from contextlib import contextmanager

DELAY = 2.0
"""Seconds a step runs before its line appears."""


@contextmanager
def step(desc: str, enabled: bool | None = None, delay: float = DELAY):
    """``with step("fit LDA"):`` shows ``fit LDA: 00:12`` while the block runs (terminal only)."""
    if enabled is False or (enabled is None and not _is_terminal()):
        yield
        return
    from tqdm.auto import tqdm

    import time

    done = threading.Event()
    state: dict = {}
    started = time.time()

    def tick():
        if done.wait(delay):
            return
        bar = tqdm(total=None, desc=desc, bar_format="{desc}: {elapsed}", file=sys.stderr, leave=False,
                   disable=None if enabled is None else not enabled)
        bar.start_t = started  # elapsed counts from the start of the step, not from when the line appeared
        state["bar"] = bar
        while not done.wait(0.5):
            bar.refresh()
        bar.close()

    thread = threading.Thread(target=tick, name=f"progress:{desc}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join(timeout=2)


def _is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False
