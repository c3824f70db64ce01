"""End-to-end benchmark: the naive hand-written pipeline vs this package's pipeline, same data, same model settings.

    python -m research.bench.pipeline [--limit N] [--quick] [--backend rjieba|jieba] [--out results/bench]

Both pipelines run in child processes of this one (one process tree), one after the other, on the same texts and
labels; each child reports per stage the wall time, throughput and the peak RSS (its own, and summed over its
worker processes). Stages:

    read       gzip JSON lines -> texts (naive: every row parsed into memory; package: streamed, texts only)
    tokenize   naive: ``jieba.lcut`` per text, one process; package: JiebaTokenizer (pool, cold cache)
    tokenize (warm cache)  package only: the same texts again, served by the token cache
    tfidf      naive: ``TfidfVectorizer(tokenizer=jieba.lcut)`` on raw text (segments again); package:
               TfidfOnTokens on the shared token lists
    lda        naive: gensim Dictionary/doc2bow/LdaModel (2 passes) + ``get_document_topics`` per document;
               package: LdaTopics as configured by default (tomotopy Gibbs sampling, stopped by the log-likelihood
               criterion ``features.lda.tol``; topic inference in parallel processes)
    classifier one-vs-rest logistic regression (C=4, balanced) on [tfidf | topics]; naive: liblinear, labels one
               after the other; package: liblinear's dual solver, labels in parallel processes
    predict    raw text -> labels for held-out-style documents (every 10th document), tokenizer cache off;
               package: ``TaggingModel(n_jobs=-1).predict`` (= ``research predict``: batches over all cores)

Both pipelines share the corpus, K, the TF-IDF and LDA vocabulary settings and the classifier's C / class weight;
where the package's defaults differ from what a hand-written pipeline would do (LDA engine, solver, processes) the
report says so. After the two pipelines, ``configs/full.yaml`` (新闻联播 + report paragraphs) is run once as
``research run`` in a child process with a fresh (cold) token cache: wall time and peak RSS of its process tree.

The package fits TF-IDF and LDA as its training path does (``compute.fit_transform_features``: the two branches
side by side in threads, then the features of all documents over all cores), so it has one stage "tfidf + lda",
compared with the naive tfidf and lda stages added up. Train = tokenize + tfidf + lda + classifier (the read stage
is reported separately). Labels are the weak labels of
``research.datasets.xwlb`` (computed once, outside the timings) or, if that module is missing, a stand-in from the
CCTV tag. The benchmark measures speed, not accuracy. Writes ``results/bench/pipeline_<timestamp>.json`` and ``.md``.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import resource
import tempfile
import threading
import time
from multiprocessing import get_context
from pathlib import Path

from .report import write_report

REPO = Path(__file__).resolve().parents[2]
SHARED_CORPUS = "../shared/data/xwlb/xwlb_2012_2025.jsonl.gz"
GIB = 1024 ** 3

# Model settings shared by both pipelines (= the package's config defaults).
SETTINGS = dict(
    tfidf=dict(max_features=50000, min_df=2, max_df=0.95, sublinear_tf=True),
    lda=dict(n_topics=20, passes=2, iterations=50, min_df=5, max_df=0.5, max_features=20000, chunksize=2000, seed=0),
    clf=dict(C=4.0, class_weight="balanced", max_iter=2000, seed=0),
)
SHARED_LDA = ("n_topics", "min_df", "max_df", "max_features", "seed")  # the rest is each side's engine's own
FULL_CONFIG = "configs/full.yaml"
PREDICT_EVERY = 10  # every 10th document is also pushed through predict (raw text -> labels)


# --------------------------------------------------------------------------- data


def find_corpus(limit: int | None = None) -> tuple[str, Path]:
    """("xwlb", path) for the full shared corpus when present, else ("sample", embedded sample)."""
    for base in (Path.cwd(), REPO):
        path = (base / SHARED_CORPUS).resolve()
        if path.is_file():
            return "xwlb", path
    return "sample", REPO / "research" / "datasets" / "data" / "sample_v2.jsonl.gz"


def _text_of(obj: dict) -> str:
    if "text" in obj:  # a labelled corpus file (the embedded sample)
        return obj["text"]
    try:
        from ..datasets.xwlb import document_text
    except ImportError:  # the dataset module is not there yet: title + content
        return f"{obj.get('title') or ''}\n{obj.get('content') or ''}"
    return document_text(obj.get("title") or "", obj.get("content") or "")


def iter_items(path: Path, limit: int | None = None):
    """(text, raw object) per document, streamed, in file order; a header line is skipped."""
    n = 0
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            obj = json.loads(line)
            if "__corpus__" in obj:
                continue
            yield _text_of(obj), obj
            n += 1
            if limit is not None and n >= limit:
                return


def corpus_texts(limit: int | None = None) -> tuple[str, list[str]]:
    kind, path = find_corpus()
    return f"{kind}:{path.name}", [text for text, _ in iter_items(path, limit)]


def corpus_labels(path: Path, limit: int | None) -> tuple[str, list[list[str]]]:
    """Label lists in file order: weak labels when the labeller exists, else a cheap stand-in from the CCTV tag."""
    items = iter_items(path, limit)
    try:
        from ..datasets.xwlb import label_raw
        from ..weak_labels import WeakLabeller, load_lexicon

        labeller = WeakLabeller(load_lexicon("builtin:v1"))
    except ImportError:
        labeller = None
    out = []
    for _, obj in items:
        if "labels" in obj:
            out.append(list(obj["labels"]))
        elif labeller is not None:
            out.append(list(label_raw(labeller, obj)[1].labels))
        else:
            tag = obj.get("tag") or ""
            out.append([lab for lab, key in (("investment", "中国经济"), ("livelihood", "民生")) if key in tag])
    return ("weak labels (rules builtin:v1)" if labeller is not None else "stand-in labels from the CCTV tag"), out


# --------------------------------------------------------------------------- measuring


class Meter:
    """Wall time and peak RSS per stage; RSS sampled every 20 ms for this process and its children."""

    def __init__(self):
        import psutil

        self.proc = psutil.Process()
        self.stages: list[dict] = []
        self._peak_tree = 0
        self._peak_self = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self):
        while not self._stop.is_set():
            try:
                own = self.proc.memory_info().rss
                tree = own
                for child in self.proc.children(recursive=True):
                    try:
                        tree += child.memory_info().rss
                    except Exception:  # noqa: BLE001 - child ended
                        pass
                self._peak_self = max(self._peak_self, own)
                self._peak_tree = max(self._peak_tree, tree)
            except Exception:  # noqa: BLE001
                pass
            time.sleep(0.02)

    def stage(self, name: str, n_docs: int, n_chars: int | None = None):
        meter = self

        class _Stage:
            def __enter__(self):
                meter._peak_self = meter._peak_tree = meter.proc.memory_info().rss
                self.t0 = time.perf_counter()
                return self

            def __exit__(self, *exc):
                dt = time.perf_counter() - self.t0
                meter.stages.append({
                    "stage": name, "seconds": dt, "docs": n_docs, "chars": n_chars,
                    "docs_per_s": n_docs / dt if dt > 0 else None,
                    "chars_per_s": (n_chars / dt if (n_chars and dt > 0) else None),
                    "peak_rss_gib": max(meter._peak_self, meter.proc.memory_info().rss) / GIB,
                    "peak_rss_tree_gib": max(meter._peak_tree, meter.proc.memory_info().rss) / GIB,
                })
                return False

        return _Stage()

    def close(self) -> dict:
        self._stop.set()
        self._thread.join()
        return {"stages": self.stages,
                "max_rss_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / GIB,
                "max_rss_tree_gib": max([s["peak_rss_tree_gib"] for s in self.stages] or [0.0])}


# --------------------------------------------------------------------------- the naive pipeline


def run_naive(path: str, limit: int | None, labels: list[list[str]]) -> dict:
    import jieba
    import numpy as np
    import scipy.sparse as sp
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    from ..labels import to_indicator

    import logging

    jieba.setLogLevel(logging.WARNING)
    logging.getLogger("gensim").setLevel(logging.WARNING)
    jieba.initialize()
    m = Meter()
    with m.stage("read", 0) as st:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
        rows = [r for r in rows if "__corpus__" not in r][:limit]
        texts = [_text_of(r) for r in rows]
    n, chars = len(texts), sum(map(len, texts))
    m.stages[-1].update(docs=n, chars=chars, docs_per_s=n / m.stages[-1]["seconds"],
                        chars_per_s=chars / m.stages[-1]["seconds"])
    Y = to_indicator(labels)
    with m.stage("tokenize", n, chars):
        tokens = [jieba.lcut(t) for t in texts]
    with m.stage("tfidf", n, chars):
        tfidf = TfidfVectorizer(tokenizer=jieba.lcut, token_pattern=None, **SETTINGS["tfidf"])
        X_tfidf = tfidf.fit_transform(texts)
    lda_s = SETTINGS["lda"]

    def topics_of(model, dictionary, toks):
        out = np.zeros((len(toks), lda_s["n_topics"]))
        for i, doc in enumerate(toks):
            for k, p in model.get_document_topics(dictionary.doc2bow(doc), minimum_probability=0.0):
                out[i, k] = p
        return out

    with m.stage("lda", n, chars):
        dictionary = Dictionary(tokens)
        dictionary.filter_extremes(no_below=lda_s["min_df"], no_above=lda_s["max_df"], keep_n=lda_s["max_features"])
        bow = [dictionary.doc2bow(doc) for doc in tokens]
        lda = LdaModel(bow, id2word=dictionary, num_topics=lda_s["n_topics"], passes=lda_s["passes"],
                       iterations=lda_s["iterations"], chunksize=lda_s["chunksize"], random_state=lda_s["seed"],
                       alpha="symmetric", eval_every=None)
        X_lda = topics_of(lda, dictionary, tokens)
    with m.stage("classifier", n):
        X = sp.hstack([X_tfidf, sp.csr_matrix(X_lda)]).tocsr()
        c = SETTINGS["clf"]
        clf = OneVsRestClassifier(LogisticRegression(C=c["C"], class_weight=c["class_weight"], solver="liblinear",
                                                     max_iter=c["max_iter"], random_state=c["seed"]))
        keep = Y.max(axis=0) != Y.min(axis=0)  # a label never seen cannot be learned (the package predicts a constant)
        clf.fit(X, Y[:, keep])
    del tokens, X, X_tfidf, X_lda, bow
    sample = texts[::PREDICT_EVERY]
    with m.stage("predict", len(sample), sum(map(len, sample))):
        toks = [jieba.lcut(t) for t in sample]
        Xp = sp.hstack([tfidf.transform(sample), sp.csr_matrix(topics_of(lda, dictionary, toks))]).tocsr()
        clf.predict(Xp)
    return m.close()


# --------------------------------------------------------------------------- the package's pipeline


def run_package(path: str, limit: int | None, labels: list[list[str]], backend: str, cache_dir: str) -> dict:
    import scipy.sparse as sp

    from .. import compute
    from ..config import validate_config
    from ..pipeline import build_pipeline

    lda_s = SETTINGS["lda"]
    cfg = validate_config({"experiment": "bench", "seed": 0, "tokenize": {"backend": backend, "n_jobs": -1},
                           "features": {"lda": {"engine": "tomotopy", "n_topics": lda_s["n_topics"]}}})
    pipe = build_pipeline(cfg, cache_dir=cache_dir)
    tok = pipe.named_steps["tokens"].set_params(backend=backend, n_jobs=-1, cache_dir=cache_dir, progress=False)
    union = pipe.named_steps["features"]
    tfidf, lda = dict(union.transformer_list)["tfidf"], dict(union.transformer_list)["lda"]
    clf = pipe.named_steps["clf"]
    _check_same_settings(tfidf, lda, clf)
    tok.fit()
    # load the segmenter before timing (the naive side pays jieba.initialize() outside its timings too)
    from ..tokenize import _segmenter

    settings = tok._settings()
    _segmenter(settings[0], settings[1], settings[2])
    m = Meter()
    with m.stage("read", 0):
        texts = [text for text, _ in iter_items(Path(path), limit)]
    n, chars = len(texts), sum(map(len, texts))
    m.stages[-1].update(docs=n, chars=chars, docs_per_s=n / m.stages[-1]["seconds"],
                        chars_per_s=chars / m.stages[-1]["seconds"])
    with m.stage("tokenize", n, chars):
        tokens = tok.transform(texts)
    with m.stage("tokenize (warm cache)", n, chars):
        warm = tok.transform(texts)
    same_warm = warm == tokens
    del warm
    with m.stage(FEATURES, n, chars):  # the package's training path: branches side by side, transform over cores
        X = compute.fit_transform_features(union, tokens, compute=cfg.compute)
    lda = dict(union.transformer_list)["lda"]
    with m.stage("classifier", n):
        clf.fit(sp.csr_matrix(X), labels)
    del tokens, X
    sample = texts[::PREDICT_EVERY]
    tok.set_params(cache_dir=None)  # cold: prediction texts are segmented, not read from the cache
    from ..model import TaggingModel

    model = TaggingModel(pipe, n_jobs=-1)  # what `research predict` runs: whole batches over all cores
    with m.stage("predict", len(sample), sum(map(len, sample))):
        model.predict(sample)
    out = m.close()
    out["warm_cache_tokens_identical"] = same_warm
    out["tokenizer"] = {k: v for k, v in tok.get_params().items() if k != "cache_dir"}
    out["lda"] = {"engine": lda.engine, "iterations_max": lda.iterations, "tol": lda.tol, "alpha": lda.alpha,
                  "training": lda.training_, "n_jobs": lda.n_jobs}
    out["classifier"] = {"solver": "liblinear (dual)", "n_jobs": clf.n_jobs}
    return out


def run_full(config: str, out_dir: str) -> dict:
    """``research run CONFIG`` in a child process with a cold token cache: wall time and peak RSS of the tree."""
    import subprocess
    import sys

    import psutil

    cmd = [sys.executable, "-m", "research", "run", config, "--set", f"output.dir={out_dir}"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=str(REPO), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak_tree = peak_main = 0
    ps = psutil.Process(proc.pid)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    while proc.poll() is None:
        try:
            own = ps.memory_info().rss
            tree = own + sum(_rss(c) for c in ps.children(recursive=True))
            peak_main, peak_tree = max(peak_main, own), max(peak_tree, tree)
        except psutil.Error:
            pass
        time.sleep(0.05)
    reader.join()
    seconds = time.perf_counter() - t0
    tail = [line.rstrip() for line in lines if "micro-F1" in line or line.startswith("run folder")]
    return {"config": config, "returncode": proc.returncode, "seconds": seconds, "peak_rss_gib": peak_main / GIB,
            "peak_rss_tree_gib": peak_tree / GIB, "summary": tail[-8:],
            "error": None if proc.returncode == 0 else "".join(lines[-20:])}


def _rss(proc) -> int:
    try:
        return proc.memory_info().rss
    except Exception:  # noqa: BLE001 - the child ended
        return 0


def _check_same_settings(tfidf, lda, clf) -> None:
    """The settings both pipelines share must agree (the LDA engines' own settings are each side's)."""
    t, l, c = SETTINGS["tfidf"], SETTINGS["lda"], SETTINGS["clf"]
    clf_attr = {"seed": "random_state"}  # the estimators' name for the seed (LDA and classifier alike)
    got = {**{k: getattr(tfidf, k) for k in t}, **{f"lda.{k}": getattr(lda, clf_attr.get(k, k)) for k in SHARED_LDA},
           **{f"clf.{k}": getattr(clf, clf_attr.get(k, k)) for k in c}}
    want = {**t, **{f"lda.{k}": l[k] for k in SHARED_LDA}, **{f"clf.{k}": v for k, v in c.items()}}
    if got != want or clf.kind != "logreg":
        raise RuntimeError(f"package defaults differ from the naive settings: {got} != {want}")


def _child(fn_name: str, args: tuple, conn) -> None:
    try:
        conn.send(("ok", globals()[fn_name](*args)))
    except BaseException as exc:  # noqa: BLE001 - reported by the parent
        import traceback

        conn.send(("error", f"{exc!r}\n{traceback.format_exc()}"))
    finally:
        conn.close()


def _in_child(fn_name: str, *args) -> dict:
    ctx = get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(fn_name, args, child))
    proc.start()
    child.close()
    status, payload = parent.recv()
    proc.join()
    if status != "ok":
        raise RuntimeError(f"{fn_name} failed:\n{payload}")
    return payload


# --------------------------------------------------------------------------- report

FEATURES = "tfidf + lda"
ORDER = ["read", "tokenize", "tokenize (warm cache)", "tfidf", "lda", FEATURES, "classifier", "predict"]
TRAIN = ("tokenize", "tfidf", "lda", "classifier")  # the naive side's stages
TRAIN_PACKAGE = ("tokenize", FEATURES, "classifier")  # the package fits TF-IDF and LDA side by side: one stage
TRAIN_ROW = "TRAIN (tokenize + tfidf + lda + classifier)"


def summarize(naive: dict, package: dict) -> list[dict]:
    nv = {s["stage"]: s for s in naive["stages"]}
    pk = {s["stage"]: s for s in package["stages"]}
    rows = []
    for name in ORDER:
        a, b = nv.get(name), pk.get(name)
        if name == "tokenize (warm cache)":
            a = nv.get("tokenize")
        if name == FEATURES and "tfidf" in nv and "lda" in nv:  # naive: the two stages one after the other
            a = {"stage": FEATURES, "seconds": nv["tfidf"]["seconds"] + nv["lda"]["seconds"], "docs": b["docs"],
                 "docs_per_s": b["docs"] / (nv["tfidf"]["seconds"] + nv["lda"]["seconds"]),
                 "peak_rss_gib": max(nv["tfidf"]["peak_rss_gib"], nv["lda"]["peak_rss_gib"])}
        if b is None:
            if a is not None and name in ("tfidf", "lda"):  # the naive stages, shown for the record
                rows.append({"stage": f"{name} (naive only; package: {FEATURES})", "naive_s": a["seconds"],
                             "package_s": None, "naive_rate": _rate(a), "package_rate": None,
                             "naive_peak_rss_gib": a["peak_rss_gib"], "package_peak_rss_gib": None,
                             "package_peak_rss_tree_gib": None, "speedup": None})
            continue
        rows.append({"stage": name, "naive_s": a["seconds"] if a else None, "package_s": b["seconds"],
                     "naive_rate": _rate(a), "package_rate": _rate(b),
                     "naive_peak_rss_gib": a["peak_rss_gib"] if a else None,
                     "package_peak_rss_gib": b["peak_rss_gib"], "package_peak_rss_tree_gib": b["peak_rss_tree_gib"],
                     "speedup": (a["seconds"] / b["seconds"]) if a and b["seconds"] > 0 else None})
    a_train = sum(nv[s]["seconds"] for s in TRAIN)
    b_train = sum(pk[s]["seconds"] for s in (TRAIN if "lda" in pk else TRAIN_PACKAGE))
    n = nv["tokenize"]["docs"]
    rows.append({"stage": TRAIN_ROW, "naive_s": a_train, "package_s": b_train,
                 "naive_rate": f"{n / a_train:,.0f} docs/s", "package_rate": f"{n / b_train:,.0f} docs/s",
                 "naive_peak_rss_gib": naive["max_rss_gib"], "package_peak_rss_gib": package["max_rss_gib"],
                 "package_peak_rss_tree_gib": package["max_rss_tree_gib"], "speedup": a_train / b_train})
    return rows


def _rate(s: dict | None) -> str | None:
    if not s:
        return None
    if s["stage"] in ("tokenize", "tokenize (warm cache)") and s.get("chars_per_s"):
        return f"{s['chars_per_s'] / 1e6:.2f} M chars/s"
    if s["stage"] == "read" and s.get("chars_per_s"):
        return f"{s['chars_per_s'] / 1e6:.1f} M chars/s"
    return f"{s['docs_per_s']:,.0f} docs/s" if s.get("docs_per_s") else None


def table(rows: list[dict]) -> str:
    f = lambda x, spec: "–" if x is None else format(x, spec)  # noqa: E731
    lines = ["| stage | naive s | package s | speed-up | naive rate | package rate | naive peak RSS GiB | "
             "package peak RSS GiB (+workers) |", "|---|---:|---:|---:|---|---|---:|---:|"]
    for r in rows:
        lines.append(
            f"| {r['stage']} | {f(r['naive_s'], '.1f')} | {f(r['package_s'], '.2f')} | "
            f"{f(r['speedup'], '.1f')}× | {r['naive_rate'] or '–'} | {r['package_rate'] or '–'} | "
            f"{f(r['naive_peak_rss_gib'], '.2f')} | {f(r['package_peak_rss_gib'], '.2f')} "
            f"({f(r['package_peak_rss_tree_gib'], '.2f')}) |")
    return "\n".join(lines)


def check_targets(rows: list[dict], package: dict, n_chars: int, full: bool) -> list[dict]:
    by = {r["stage"]: r for r in rows}
    pk = {s["stage"]: s for s in package["stages"]}
    checks = [
        ("end-to-end train >= 5x faster than naive", by[TRAIN_ROW]["speedup"] >= 5.0,
         f"{by[TRAIN_ROW]['speedup']:.2f}x"),
        ("peak RSS < 4 GiB (package, with its worker processes)", package["max_rss_tree_gib"] < 4.0,
         f"{package['max_rss_tree_gib']:.2f} GiB (main process {package['max_rss_gib']:.2f} GiB)"),
        ("tokenization >= 1 M chars/s (cold cache)", pk["tokenize"]["chars_per_s"] >= 1e6,
         f"{pk['tokenize']['chars_per_s'] / 1e6:.2f} M chars/s"),
        ("warm-cache tokenization near zero (< 10% of cold)",
         pk["tokenize (warm cache)"]["seconds"] < 0.1 * pk["tokenize"]["seconds"],
         f"{pk['tokenize (warm cache)']['seconds']:.2f} s vs {pk['tokenize']['seconds']:.2f} s"),
        ("prediction >= 3,000 docs/s", pk["predict"]["docs_per_s"] >= 3000, f"{pk['predict']['docs_per_s']:,.0f} docs/s"),
    ]
    return [{"target": t, "met": bool(ok), "measured": v, "full_corpus": full} for t, ok, v in checks]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="End-to-end benchmark: naive pipeline vs the package's pipeline")
    ap.add_argument("--limit", type=int, default=None, help="only the first N documents")
    ap.add_argument("--quick", action="store_true", help="the embedded sample, first 2,000 documents (smoke test)")
    ap.add_argument("--backend", default=None, help="tokenizer backend of the package (default: rjieba if "
                                                       "installed, else jieba)")
    ap.add_argument("--out", default="results/bench")
    ap.add_argument("--no-full", action="store_true", help=f"skip the timed run of {FULL_CONFIG}")
    args = ap.parse_args(argv)
    kind, path = find_corpus()
    limit = args.limit
    if args.quick:
        kind, path = "sample", REPO / "research" / "datasets" / "data" / "sample_v2.jsonl.gz"
        limit = limit or 2000
    backend = args.backend or _default_backend()
    load_start = os.getloadavg()
    print(f"corpus: {path} ({kind}), limit={limit}, package tokenizer backend={backend}, cores={os.cpu_count()}",
          flush=True)
    t0 = time.perf_counter()
    label_kind, labels = corpus_labels(path, limit)
    label_s = time.perf_counter() - t0
    print(f"labels: {label_kind}, {len(labels):,} documents ({label_s:.0f} s, shared, not timed)", flush=True)
    naive = _in_child("run_naive", str(path), limit, labels)
    print("naive done", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-tokens-") as cache_dir:
        package = _in_child("run_package", str(path), limit, labels, backend, cache_dir)
    print("package done", flush=True)
    load_pipelines = os.getloadavg()
    full_run = None
    if not (args.no_full or args.quick or limit is not None) and kind == "xwlb" and (REPO / FULL_CONFIG).is_file():
        with tempfile.TemporaryDirectory(prefix="bench-full-") as out_dir:
            print(f"running {FULL_CONFIG} (cold token cache in {out_dir}) ...", flush=True)
            full_run = run_full(FULL_CONFIG, out_dir)
            full_run["load_avg_at_end"] = os.getloadavg()
    rows = summarize(naive, package)
    n_chars = naive["stages"][0]["chars"]
    full = kind == "xwlb" and limit is None
    targets = check_targets(rows, package, n_chars, full)
    report = {
        "created_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "corpus": {"kind": kind, "path": str(path), "limit": limit, "documents": naive["stages"][0]["docs"],
                   "chars": n_chars, "labels": label_kind},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "load_avg_at_start": load_start, "load_avg_after_pipelines": load_pipelines,
                    "load_avg_at_end": os.getloadavg()},
        "settings": SETTINGS, "package_backend": backend, "predict_every": PREDICT_EVERY,
        "naive": naive, "package": package, "table": rows, "targets": targets, "full_run": full_run,
    }
    write_report(args.out, "pipeline", report, to_markdown(report))
    return 0


def _default_backend() -> str:
    try:
        import rjieba  # noqa: F401
    except ImportError:
        return "jieba"
    return "rjieba"


def to_markdown(report: dict) -> str:
    c = report["corpus"]
    lines = [
        f"# Pipeline benchmark, {report['created_utc']}",
        "",
        f"Corpus: `{Path(c['path']).name}` ({c['kind']}), {c['documents']:,} documents, {c['chars']:,} chars; "
        f"labels: {c['labels']}. Package tokenizer backend: `{report['package_backend']}`, all cores "
        f"({report['machine']['cpus']}). Both pipelines ran one after the other in child processes of one "
        "benchmark process; ratios are within this run. Prediction: every "
        f"{report['predict_every']}th document, raw text -> labels, tokenizer cache off.",
        "",
        _settings_line(report),
        "",
        table(report["table"]),
        "",
        "Peak RSS: the process's own peak during the stage; in brackets, summed over the tokenizer's worker "
        "processes too (shared copy-on-write pages counted twice, so an upper bound).",
        "",
        "| target | met | measured |",
        "|---|---|---|",
    ]
    for t in report["targets"]:
        lines.append(f"| {t['target']} | {'yes' if t['met'] else 'NO'} | {t['measured']} |")
    load = lambda key: ", ".join(f"{x:.1f}" for x in report["machine"][key])  # noqa: E731
    lines += ["", f"Load average (1, 5, 15 min) at the start: {load('load_avg_at_start')}; after the two pipelines: "
              f"{load('load_avg_after_pipelines')}; at the end: {load('load_avg_at_end')} ({report['machine']['cpus']} "
              "CPUs; the machine is shared: absolute times vary, ratios within one run are what to compare).", ""]
    full = report.get("full_run")
    if full:
        lines += [f"## `research run {full['config']}` (新闻联播 + government-report paragraphs)", ""]
        if full["returncode"] == 0:
            lines += [f"Wall time **{full['seconds']:.0f} s** ({full['seconds'] / 60:.1f} min) with a cold token "
                      f"cache, peak RSS **{full['peak_rss_tree_gib']:.2f} GiB** with its worker processes "
                      f"({full['peak_rss_gib']:.2f} GiB main process); load average at its end "
                      f"{', '.join(f'{x:.1f}' for x in full['load_avg_at_end'])}.", ""]
            lines += [f"    {line}" for line in full["summary"]] + [""]
        else:
            lines += [f"failed (exit {full['returncode']}):", "", "```", full["error"] or "", "```", ""]
    return "\n".join(lines)


def _settings_line(report: dict) -> str:
    pk = report["package"]
    lda, clf = pk.get("lda", {}), pk.get("classifier", {})
    tr = lda.get("training") or {}
    s = report["settings"]["lda"]
    return (f"Shared settings: K={s['n_topics']}, LDA vocabulary min_df {s['min_df']} / max_df {s['max_df']} / "
            f"{s['max_features']:,} words, TF-IDF as `configs/default.yaml`, logistic regression C=4 balanced. "
            f"Naive LDA: gensim LdaModel, {s['passes']} passes (online VB); package LDA: {lda.get('engine')} "
            f"(Gibbs), stopped by the convergence criterion after {tr.get('iterations')} of at most "
            f"{lda.get('iterations_max')} sweeps (tol {lda.get('tol')}), topic inference in {lda.get('n_jobs')} "
            f"(= all cores) processes. Classifier: naive liblinear, labels in turn; package "
            f"{clf.get('solver')}, labels in parallel (n_jobs {clf.get('n_jobs')}).")


if __name__ == "__main__":
    raise SystemExit(main())
