"""LDA engine benchmark: gensim LdaModel, gensim LdaMulticore, tomotopy (1 and 2 workers), scikit-learn.

    python -m research.bench.topics [--limit N] [--k K]      (``make bench-topics``)

Same documents, same vocabulary (research.topics.vocabulary, min_df 5, max_df 0.5, 20k words), same K. Per engine:
fit time, inference time per 1,000 held-out documents (the engine's own inference and the shared deterministic
inference LdaTopics uses), peak memory above the starting point (RSS sampled every 20 ms in a fresh forked
process, so engines do not inherit each other's garbage), and mean NPMI of the top-10 words on held-out documents
(gensim CoherenceModel, c_npmi). Uses ``../shared/data/xwlb`` when present, the embedded sample otherwise.
Writes ``results/bench/topics_<timestamp>.json`` and ``.md`` and prints the table.
"""
from __future__ import annotations

import argparse
import json
import logging
import multiprocessing as mp
import os
import platform
import sys
import threading
import time
from pathlib import Path

import numpy as np

from ..config import validate_config
from ..study.topic_corpus import REPO_ROOT, SHARED_XWLB, load_tokenized
from ..topics.coherence import coherence_per_topic, mean_finite
from ..topics.engines.tomotopy_engine import DEFAULT_TOL
from ..topics.inference import infer_gamma
from ..topics.vocabulary import build_vocabulary, doc_term_matrix

log = logging.getLogger("research.bench.topics")

ENGINES = ("gensim_ldamodel", "gensim_multicore", "tomotopy_1w", "tomotopy_stop_1w", "tomotopy_2w", "sklearn_online")
"""``tomotopy_stop_1w``: the package's default, stopped by the log-likelihood criterion (``--tomotopy-tol``)."""
N_INFER = 1000
TOPN = 10


# --------------------------------------------------------------------------- engines (run in a forked child)


def _fit_gensim(X, vocab, k, seed, settings, multicore):
    from gensim.matutils import Sparse2Corpus
    from gensim.models import LdaModel, LdaMulticore

    corpus = Sparse2Corpus(X, documents_columns=False)
    common = dict(corpus=corpus, id2word=dict(enumerate(vocab)), num_topics=k, passes=settings["passes"],
                  iterations=settings["gensim_iterations"], chunksize=settings["chunksize"], random_state=seed,
                  eval_every=None, dtype=np.float64)
    if multicore:
        model = LdaMulticore(workers=settings["multicore_workers"], **common)
    else:
        model = LdaModel(alpha="symmetric", **common)
    lam = np.asarray(model.state.get_lambda(), dtype=np.float64)

    def native(Xn):
        model.inference(list(Sparse2Corpus(Xn, documents_columns=False)))

    return lam, np.asarray(model.alpha, dtype=np.float64), native


def _fit_tomotopy(X, vocab, k, seed, settings, workers, stop=False):
    from ..topics.engines.tomotopy_engine import train_tomotopy

    # trained through the engine LdaTopics uses (the production path); the native model is kept for inference
    trained = train_tomotopy(X, vocab, n_topics=k, passes=1, iterations=settings["tomotopy_iterations"],
                             alpha=settings["tomotopy_alpha"], eta=None, chunksize=0, seed=seed, workers=workers,
                             keep_model=True, tol=settings["tomotopy_tol"] if stop else None)
    settings["sweeps_run"] = trained.info.get("iterations")
    model = trained.native
    vocab_arr = np.asarray(vocab, dtype=object)

    def native(Xn):
        docs = []
        for d in range(Xn.shape[0]):
            lo, hi = Xn.indptr[d], Xn.indptr[d + 1]
            words = np.repeat(vocab_arr[Xn.indices[lo:hi]], Xn.data[lo:hi].astype(np.int64)).tolist()
            if words:
                docs.append(model.make_doc(words))
        model.infer(docs, iterations=100, workers=1)

    return trained.components, trained.alpha, native


def _fit_sklearn(X, vocab, k, seed, settings):
    from sklearn.decomposition import LatentDirichletAllocation

    model = LatentDirichletAllocation(n_components=k, learning_method="online", max_iter=settings["passes"],
                                      batch_size=settings["chunksize"], total_samples=X.shape[0], random_state=seed,
                                      max_doc_update_iter=settings["gensim_iterations"], n_jobs=1)
    model.fit(X)
    alpha = np.full(k, model.doc_topic_prior_, dtype=np.float64)
    return np.asarray(model.components_, dtype=np.float64), alpha, model.transform


def _child(name, X, X_inf, vocab, k, seed, settings, conn):
    import psutil

    logging.getLogger("gensim").setLevel(logging.WARNING)
    proc = psutil.Process()
    start = proc.memory_info().rss
    peak = [start]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], proc.memory_info().rss)
            stop.wait(0.02)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        t0 = time.perf_counter()
        if name == "gensim_ldamodel":
            lam, alpha, native = _fit_gensim(X, vocab, k, seed, settings, multicore=False)
        elif name == "gensim_multicore":
            lam, alpha, native = _fit_gensim(X, vocab, k, seed, settings, multicore=True)
        elif name.startswith("tomotopy"):
            lam, alpha, native = _fit_tomotopy(X, vocab, k, seed, settings, workers=int(name[-2]), stop="stop" in name)
        elif name == "sklearn_online":
            lam, alpha, native = _fit_sklearn(X, vocab, k, seed, settings)
        else:
            raise ValueError(name)
        fit_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        native(X_inf)
        native_s = time.perf_counter() - t0
        exp_elog_beta = np.exp(_dirichlet_expectation(lam))
        t0 = time.perf_counter()
        infer_gamma(X_inf, exp_elog_beta, alpha)
        shared_s = time.perf_counter() - t0
        stop.set()
        thread.join()
        top = np.argsort(-lam, axis=1, kind="stable")[:, :TOPN]
        conn.send({"ok": True, "fit_s": fit_s, "infer_native_s_per_1k": native_s * 1000 / X_inf.shape[0],
                   "infer_shared_s_per_1k": shared_s * 1000 / X_inf.shape[0],
                   "peak_mem_mb": (peak[0] - start) / 2**20, "sweeps": settings.get("sweeps_run"),
                   "top_words": [[vocab[j] for j in row] for row in top]})
    except Exception as exc:  # reported in the table, the benchmark goes on with the next engine
        stop.set()
        conn.send({"ok": False, "error": f"{type(exc).__name__}: {exc}"})
    finally:
        conn.close()


def _dirichlet_expectation(a):
    from ..topics.inference import dirichlet_expectation

    return dirichlet_expectation(a)


# --------------------------------------------------------------------------- driver


def corpus_config(limit: int | None):
    if SHARED_XWLB.is_file():
        data = {"corpus": "xwlb", "path": str(SHARED_XWLB)}
    else:
        data = {"corpus": "labelled", "path": "builtin:sample_v2"}
    if limit:
        data["limit"] = limit
    return validate_config({"experiment": "bench_topics", "data": data, "tokenize": {"n_jobs": -1}})


def run(args) -> dict:
    from tqdm.auto import tqdm

    config = corpus_config(args.limit)
    docs, tokens = load_tokenized(config)
    n = len(tokens)
    rng = np.random.default_rng(args.seed)
    perm = rng.permutation(n)
    n_held = min(max(N_INFER, n // 10), n // 2)
    held, train = np.sort(perm[:n_held]), np.sort(perm[n_held:])
    train_docs = [tokens[i] for i in train]
    held_docs = [tokens[i] for i in held]
    vocab = build_vocabulary(train_docs, args.min_df, args.max_df, args.max_features)
    index = {w: i for i, w in enumerate(vocab)}
    X = doc_term_matrix(train_docs, index)
    X_inf = doc_term_matrix(held_docs[:N_INFER], index)
    settings = {"passes": args.passes, "gensim_iterations": 50, "chunksize": 2000, "multicore_workers": 1,
                "tomotopy_iterations": args.tomotopy_iterations, "tomotopy_alpha": None,
                "tomotopy_tol": args.tomotopy_tol}
    engines = [e for e in args.engines.split(",") if e]
    ctx = mp.get_context("fork")
    results = {}
    load_before = os.getloadavg()
    for name in tqdm(engines, desc="engines", unit="engine"):
        parent, child = ctx.Pipe(duplex=False)
        p = ctx.Process(target=_child, args=(name, X, X_inf, vocab, args.k, args.seed, settings, child))
        p.start()
        child.close()
        try:
            results[name] = parent.recv()
        except EOFError:
            results[name] = {"ok": False, "error": "worker died (out of memory?)"}
        p.join()
        results[name]["load_avg_1min"] = round(os.getloadavg()[0], 2)
        log.info("%s: %s", name, {k: v for k, v in results[name].items() if k != "top_words"})
    ok = [name for name in engines if results[name]["ok"]]
    t0 = time.perf_counter()
    ref = held_docs[: args.coherence_docs]
    scores = coherence_per_topic([results[name]["top_words"] for name in ok], ref, measures=("c_npmi",), topn=TOPN)
    for name, per in zip(ok, scores):
        results[name]["npmi"] = mean_finite(per["c_npmi"])
    log.info("NPMI on %d held-out documents in %.1fs", len(ref), time.perf_counter() - t0)
    return {
        "corpus": {"path": config.data.path, "documents": n, "train": int(train.size), "heldout": int(held.size),
                   "vocabulary": len(vocab), "train_tokens": int(X.sum())},
        "k": args.k, "seed": args.seed, "settings": settings, "coherence_docs": len(ref),
        "machine": {"cpus": os.cpu_count(), "load_avg_before": [round(x, 2) for x in load_before], "python": sys.version.split()[0], "platform": platform.platform()},
        "versions": _versions(),
        "engines": results,
    }


def _versions() -> dict:
    import gensim
    import sklearn
    import tomotopy

    return {"gensim": gensim.__version__, "tomotopy": tomotopy.__version__, "scikit-learn": sklearn.__version__,
            "numpy": np.__version__}


LABELS = {
    "gensim_ldamodel": "gensim LdaModel",
    "gensim_multicore": "gensim LdaMulticore (1 worker)",
    "tomotopy_1w": "tomotopy (1 worker)",
    "tomotopy_stop_1w": "tomotopy (1 worker, convergence stop)",
    "tomotopy_2w": "tomotopy (2 workers)",
    "sklearn_online": "scikit-learn LDA (online)",
}


def markdown(report: dict) -> str:
    c, s = report["corpus"], report["settings"]
    lines = [f"# LDA engine benchmark: K={report['k']}, {c['train']} training documents, {c['vocabulary']} words",
             "",
             f"Corpus `{c['path']}` ({c['documents']} documents; {c['heldout']} held out). "
             f"gensim / scikit-learn: {s['passes']} pass(es), chunk {s['chunksize']}, 50 E-step iterations; "
             f"tomotopy: {s['tomotopy_iterations']} Gibbs iterations (with the convergence stop: at most that many, "
             f"stopping once the log-likelihood per word rises by less than {s.get('tomotopy_tol')} over 10), "
             f"alpha optimised. NPMI: mean over topics of "
             f"top-{TOPN} words on {report['coherence_docs']} held-out documents. Memory: peak RSS above the start "
             f"of a fresh process. Machine: {report['machine']['cpus']} CPUs.",
             "",
             "Timings are wall-clock; the 1-minute load average after each engine is shown because the machine is "
             "shared (a load above the CPU count inflates times).",
             "",
             "| engine | fit s | sweeps | infer s/1k (native) | infer s/1k (shared) | peak MB | NPMI | load |",
             "|---|---|---|---|---|---|---|---|"]
    for name, r in report["engines"].items():
        if not r["ok"]:
            lines.append(f"| {LABELS.get(name, name)} | failed: {r['error']} | | | | | | |")
            continue
        lines.append(f"| {LABELS.get(name, name)} | {r['fit_s']:.1f} | {r.get('sweeps') or '–'} | "
                     f"{r['infer_native_s_per_1k']:.2f} | "
                     f"{r['infer_shared_s_per_1k']:.2f} | {r['peak_mem_mb']:.0f} | {r.get('npmi', float('nan')):.3f} | "
                     f"{r.get('load_avg_1min', float('nan')):.1f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m research.bench.topics", description=__doc__.splitlines()[0])
    p.add_argument("--limit", type=int, default=None, help="use only the first N documents")
    p.add_argument("--k", type=int, default=50, help="number of topics (default 50)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--passes", type=int, default=1, help="gensim / scikit-learn passes (default 1)")
    p.add_argument("--tomotopy-iterations", type=int, default=100, help="tomotopy Gibbs iterations (default 100)")
    p.add_argument("--tomotopy-tol", type=float, default=DEFAULT_TOL,
                   help=f"convergence stop of tomotopy_stop_1w (default {DEFAULT_TOL}: the package default)")
    p.add_argument("--min-df", type=int, default=5)
    p.add_argument("--max-df", type=float, default=0.5)
    p.add_argument("--max-features", type=int, default=20000)
    p.add_argument("--coherence-docs", type=int, default=5000, help="held-out documents for NPMI (default 5000)")
    p.add_argument("--engines", default=",".join(ENGINES), help=f"comma-separated subset of {','.join(ENGINES)}")
    p.add_argument("--out", default=str(REPO_ROOT / "results" / "bench"))
    args = p.parse_args(argv)
    if args.k < 2:
        p.error("--k must be at least 2")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        datefmt="%H:%M:%S")
    for noisy in ("gensim", "jieba"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    report = run(args)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d_%H%M%S")
    (out / f"topics_{stamp}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    md = markdown(report)
    (out / f"topics_{stamp}.md").write_text(md, encoding="utf-8")
    print(md)
    print(f"written: {out / f'topics_{stamp}.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
