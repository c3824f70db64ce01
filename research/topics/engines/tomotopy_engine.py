"""tomotopy's collapsed Gibbs sampler (``tomotopy.LDAModel``), converted to the shared variational form.

After sampling, the topic-word state is turned into ``components = eta + n_kw`` (the posterior Dirichlet parameter
of each topic given the final assignment), the same "lambda" gensim produces, so :mod:`research.topics.inference`
infers document-topic vectors for new documents identically whichever engine trained the topics.

Determinism: a fixed ``seed`` and ``workers=1`` give bit-identical topics. With ``workers > 1`` tomotopy's
partitioned sampler is faster but the merge order of the workers' counts depends on thread timing, so results are
only reproducible in distribution; ``workers`` therefore defaults to 1 and larger values are opt-in.

Priors
------
alpha: ``None`` = tomotopy's default (0.1 per topic, optimised every 10 iterations); ``"symmetric"`` = fixed 1/K
(gensim's meaning); ``"asymmetric"``/``"auto"`` = start at 1/K and optimise (Minka's fixed point, tomotopy's
``optim_interval=10``); a float = fixed symmetric value.
eta: ``None`` = 0.01 (the usual Gibbs-LDA value, tomotopy's default); ``"symmetric"`` = 1/K; a float.
``eta_matrix`` (K, V), when given, overrides eta per topic and word: words whose column differs from the base eta
get tomotopy word priors (guided / seeded topics, see :mod:`research.topics.seeding`).
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ...errors import ResearchError
from .base import TrainedTopics

TOMOTOPY_DEFAULT_ALPHA = 0.1
TOMOTOPY_DEFAULT_ETA = 0.01
OPTIM_INTERVAL = 10
CHECK_EVERY = 10
"""Sweeps between two log-likelihood checks of the convergence stop (= the alpha optimisation interval)."""
DEFAULT_TOL = 0.02
"""The config default (``features.lda.tol``): stop once 10 sweeps raise the log-likelihood per word by < 0.02 nats
(perplexity by < ~2 %); chosen with ``make bench-topics`` at K=40 on the 新闻联播 corpus: held-out NPMI 0.122
after 70 sweeps, 0.120 after the former fixed 100)."""


def tomotopy_priors(alpha, eta, n_topics: int) -> tuple[float, bool, float]:
    """(initial alpha, optimise alpha?, eta) for tomotopy from the shared config vocabulary."""
    if alpha is None:
        a, optimise = TOMOTOPY_DEFAULT_ALPHA, True
    elif alpha == "symmetric":
        a, optimise = 1.0 / n_topics, False
    elif alpha in ("asymmetric", "auto"):
        a, optimise = 1.0 / n_topics, True
    elif isinstance(alpha, (int, float)) and not isinstance(alpha, bool) and alpha > 0:
        a, optimise = float(alpha), False
    else:
        raise ResearchError(
            f"tomotopy: alpha must be None, 'symmetric', 'asymmetric', 'auto' or a positive float, got {alpha!r}"
        )
    if eta is None:
        e = TOMOTOPY_DEFAULT_ETA
    elif eta == "symmetric":
        e = 1.0 / n_topics
    elif isinstance(eta, (int, float)) and not isinstance(eta, bool) and eta > 0:
        e = float(eta)
    else:
        raise ResearchError(f"tomotopy: eta must be None, 'symmetric' or a positive float, got {eta!r} "
                            "(tomotopy's LDA does not learn eta; 'auto' is gensim-only)")
    return a, optimise, e


def train_tomotopy(X, vocabulary: list[str], *, n_topics: int, passes: int, iterations: int, alpha, eta,
                   chunksize: int, seed: int, workers: int = 1, eta_matrix: np.ndarray | None = None,
                   burn_in: int = 0, keep_model: bool = False, tol: float | None = None,
                   check_every: int = CHECK_EVERY) -> TrainedTopics:
    """Gibbs-sample the count matrix ``X`` (n_docs, V). ``passes``/``chunksize`` are gensim settings, ignored here.

    ``tol`` None: exactly ``iterations`` sweeps. ``tol`` a float: sweeps in steps of ``check_every``, stopping
    after the first step whose log-likelihood per word rose by less than ``tol`` (nats; ~ the relative change of
    perplexity), at most ``iterations`` sweeps. Either way the sweeps run, their log-likelihood trace and whether
    the criterion stopped training are in ``TrainedTopics.info``. Same seed, same data => same stop, same topics.
    """
    import tomotopy as tp

    X = sp.csr_matrix(X)
    a, optimise, e = tomotopy_priors(alpha, eta, n_topics)
    model = tp.LDAModel(k=n_topics, alpha=a, eta=e, seed=int(seed) & 0xFFFFFFFF, min_cf=0, min_df=0, rm_top=0)
    model.optim_interval = OPTIM_INTERVAL if optimise else 0
    model.burn_in = int(burn_in)
    add_documents(model, X, vocabulary)

    base = np.full((n_topics, len(vocabulary)), e, dtype=np.float64)
    if eta_matrix is not None:
        eta_matrix = np.asarray(eta_matrix, dtype=np.float64)
        if eta_matrix.shape != base.shape:
            raise ValueError(f"eta_matrix has shape {eta_matrix.shape}, expected {base.shape}")
        seen = set(model.vocabs)
        for j in np.flatnonzero(np.any(eta_matrix != e, axis=0)):
            if vocabulary[j] in seen:
                model.set_word_prior(vocabulary[j], eta_matrix[:, j].tolist())
        base = eta_matrix

    info = run_sweeps(model, int(iterations), tol, int(check_every), workers=max(1, int(workers)),
                      parallel=tp.ParallelScheme.PARTITION if workers and workers > 1 else tp.ParallelScheme.NONE)

    # raw topic-word values are n_kw + (model eta); map tomotopy's word order onto ours
    index = {w: i for i, w in enumerate(vocabulary)}
    order = np.asarray([index[w] for w in model.used_vocabs], dtype=np.int64)
    raw = np.asarray([model.get_topic_word_dist(k, normalize=False) for k in range(n_topics)], dtype=np.float64)
    n_kw = np.zeros((n_topics, len(vocabulary)), dtype=np.float64)
    n_kw[:, order] = np.clip(np.rint(raw[:, : len(order)] - e), 0.0, None)
    components = base + n_kw
    return TrainedTopics(components=components, alpha=np.asarray(model.alpha, dtype=np.float64),
                         native=model if keep_model else None, info=info)


def add_documents(model, X: sp.csr_matrix, vocabulary: list[str]) -> None:
    """Every non-empty row of the count matrix as a tomotopy document, words repeated by their count.

    The repeated word ids of the whole corpus are built in one numpy call and turned into one list of (shared)
    word strings; each document is then a slice of it: no per-token Python work.
    """
    lengths = np.asarray(X.sum(axis=1)).ravel().astype(np.int64)
    flat = np.asarray(vocabulary, dtype=object)[np.repeat(X.indices, X.data.astype(np.int64))].tolist()
    bounds = np.concatenate(([0], np.cumsum(lengths))).tolist()
    for d in np.flatnonzero(lengths).tolist():  # tomotopy drops empty documents anyway: they carry no information
        model.add_doc(flat[bounds[d]:bounds[d + 1]])


def run_sweeps(model, iterations: int, tol: float | None, check_every: int, workers: int, parallel) -> dict:
    """Train ``model``: ``iterations`` sweeps, or fewer when ``tol`` is set and the log-likelihood levels off."""
    if tol is None:
        model.train(iterations, workers=workers, parallel=parallel)
        return {"iterations": iterations, "max_iterations": iterations, "tol": None, "converged": None,
                "ll_per_word": [[iterations, float(model.ll_per_word)]]}
    trace: list[list[float]] = []
    done, converged = 0, False
    while done < iterations:
        step = min(max(1, check_every), iterations - done)
        model.train(step, workers=workers, parallel=parallel)
        done += step
        trace.append([done, float(model.ll_per_word)])
        if len(trace) > 1 and trace[-1][1] - trace[-2][1] < tol:
            converged = True
            break
    return {"iterations": done, "max_iterations": iterations, "tol": tol, "converged": converged,
            "ll_per_word": trace}
