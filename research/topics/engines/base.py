"""What every LDA engine returns: variational topic-word parameters (K, V) and alpha (K,)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class TrainedTopics:
    components: np.ndarray  # (K, V) variational Dirichlet parameters of topic-word distributions ("lambda")
    alpha: np.ndarray       # (K,) document-topic prior
    native: object | None = field(default=None, repr=False)  # the engine's own model, only when asked (benchmarks)
    info: dict = field(default_factory=dict)  # how training went (sweeps run, convergence trace), when the engine says


__all__ = ["TrainedTopics"]
