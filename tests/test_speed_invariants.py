"""What the speed work of issue 18 must not change: same seed => same topics and predictions, whatever the number
of processes, batch sizes, the convergence stop's steps or the token cache's format. Speed itself is measured by
the benchmarks (make bench, make bench-topics), never asserted here."""
from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from research.token_cache import TokenCache
from research.topics import LdaTopics
from research.topics.inference import dirichlet_expectation, infer_gamma
from research.topics.synthetic import synthetic_corpus


@pytest.fixture(scope="module")
def docs():
    corpus, _ = synthetic_corpus(n_docs=300, doc_len=40, seed=3)
    return corpus


def _lda(**kw):
    params = dict(n_topics=4, engine="tomotopy", iterations=200, alpha="auto", min_df=2, max_df=0.9, random_state=5)
    params.update(kw)
    return LdaTopics(**params)


def test_convergence_stop_is_recorded_deterministic_and_equals_the_same_fixed_sweeps(docs):
    a = _lda(tol=0.05).fit(docs)
    b = _lda(tol=0.05).fit(docs)
    run = a.training_
    assert run["converged"] is True and run["tol"] == 0.05 and run["max_iterations"] == 200
    assert run["iterations"] < 200 and run["iterations"] % 10 == 0
    assert [it for it, _ in run["ll_per_word"]] == list(range(10, run["iterations"] + 1, 10))
    assert np.array_equal(a.components_, b.components_) and b.training_ == run
    # stopping after n sweeps gives the topics of exactly n sweeps in one call (steps change nothing)
    fixed = _lda(iterations=run["iterations"], tol=None).fit(docs)
    assert np.array_equal(fixed.components_, a.components_)
    assert fixed.training_["iterations"] == run["iterations"] and fixed.training_["converged"] is None


def test_fixed_iteration_count_stays_available(docs):
    model = _lda(iterations=30, tol=None).fit(docs)
    assert model.training_["iterations"] == 30


def test_fit_transform_equals_fit_then_transform(docs):
    a = _lda(tol=None, iterations=30)
    b = _lda(tol=None, iterations=30)
    assert np.array_equal(a.fit_transform(docs), b.fit(docs).transform(docs))


def test_inference_identical_for_any_process_count_and_batch_size(monkeypatch):
    import research.topics.inference as inference

    rng = np.random.default_rng(0)
    import scipy.sparse as sp

    X = sp.random(3000, 200, density=0.05, format="csr", random_state=1)
    X.data = np.ceil(X.data * 4)
    keep = np.ones((3000, 1))
    keep[7] = 0  # a document without known words
    X = sp.csr_matrix(X.multiply(keep))
    X.eliminate_zeros()
    lam = rng.gamma(1.0, 1.0, (6, 200))
    beta, alpha = np.exp(dirichlet_expectation(lam)), np.full(6, 0.2)
    one = infer_gamma(X, beta, alpha, n_jobs=1)
    monkeypatch.setattr(inference, "PARALLEL_MIN_DOCS", 100)
    assert np.array_equal(infer_gamma(X, beta, alpha, n_jobs=2), one)
    assert np.array_equal(infer_gamma(X, beta, alpha, n_jobs=-1, batch_size=97), one)
    assert np.array_equal(np.vstack([infer_gamma(X[i:i + 13], beta, alpha) for i in range(0, 3000, 13)]), one)
    assert np.array_equal(one[7], alpha)


def test_lda_transform_n_jobs_does_not_change_topic_vectors(docs, monkeypatch):
    import research.topics.inference as inference

    model = _lda(tol=None, iterations=30, n_jobs=1).fit(docs)
    single = model.transform(docs)
    monkeypatch.setattr(inference, "PARALLEL_MIN_DOCS", 50)
    model.set_params(n_jobs=2)
    assert np.array_equal(model.transform(docs), single)


def test_classifier_n_jobs_gives_identical_models_and_predictions():
    from research.classify import MultiLabelClassifier

    pytest.importorskip("sklearn")
    if "n_jobs" not in MultiLabelClassifier().get_params():
        pytest.skip("MultiLabelClassifier has no n_jobs yet")
    rng = np.random.default_rng(0)
    X = rng.random((400, 30))
    y = [[lab for j, lab in enumerate(("party_building", "investment", "logistics", "livelihood"))
          if X[i, j] + 0.3 * X[i, j + 4] > 0.8] for i in range(400)]
    one = MultiLabelClassifier(n_jobs=1).fit(X, y)
    two = MultiLabelClassifier(n_jobs=2).fit(X, y)
    for a, b in zip(one.estimators_, two.estimators_):
        assert (a is None and b is None) or np.array_equal(a.coef_, b.coef_)
    assert np.array_equal(one.decision_scores(X), two.decision_scores(X))


def test_token_cache_stores_ids_and_round_trips(tmp_path):
    cache = TokenCache(tmp_path)
    cache.put_many([("a", ["中欧", "班列", "中欧"]), ("b", []), ("c", ["口岸"])])
    other = TokenCache(tmp_path)  # another process: its own view of the vocabulary, the same ids
    other.put_many([("d", ["口岸", "经开区"])])
    cache.put_many([("e", ["经开区", "安置房"])])
    fresh = TokenCache(tmp_path)
    got = fresh.get_many(["a", "b", "c", "d", "e", "missing", "a"])
    assert got == {"a": ["中欧", "班列", "中欧"], "b": [], "c": ["口岸"], "d": ["口岸", "经开区"],
                   "e": ["经开区", "安置房"]}
    assert got["a"] is not fresh.get_many(["a"])["a"]  # every call hands out new lists
    assert len(fresh) == 5
    con = sqlite3.connect(tmp_path / "tokens.sqlite")
    tokens = [t for (t,) in con.execute("SELECT token FROM vocab ORDER BY id")]
    blob = con.execute("SELECT value FROM ids WHERE key = 'e'").fetchone()[0]
    con.close()
    assert sorted(tokens) == sorted({"中欧", "班列", "口岸", "经开区", "安置房"}) and len(tokens) == 5
    assert [tokens[i] for i in np.frombuffer(blob, dtype="<i4")] == ["经开区", "安置房"]


def test_token_cache_with_a_damaged_row_is_a_warning(tmp_path, caplog):
    cache = TokenCache(tmp_path)
    cache.put_many([("a", ["中欧", "班列"])])
    con = sqlite3.connect(tmp_path / "tokens.sqlite")
    with con:
        con.execute("UPDATE ids SET value = ? WHERE key = 'a'", (np.asarray([99], dtype="<i4").tobytes(),))
    con.close()
    assert TokenCache(tmp_path).get_many(["a"]) == {}
    assert "not read" in caplog.text


def test_tokenizer_warm_cache_gives_the_same_tokens(tmp_path):
    from research.tokenize import JiebaTokenizer

    texts = ["郑州经开区召开招商引资工作会议", "中欧班列（郑州）集结中心运行平稳", "", "郑州经开区召开招商引资工作会议"]
    tok = JiebaTokenizer(cache_dir=str(tmp_path), n_jobs=1).fit()
    cold = tok.transform(texts)
    warm = tok.transform(texts)
    assert warm == cold == JiebaTokenizer(n_jobs=1).fit().transform(texts)
    assert warm[0] is not warm[3]


def test_tfidf_fast_transform_equals_scikit_learn(docs):
    from research.features import TfidfOnTokens

    tfidf = TfidfOnTokens(min_df=1).fit(docs[:200])
    new = docs[200:] + [[], ["never-seen"]]
    fast, reference = tfidf.transform(new), tfidf.vectorizer_.transform(new)
    assert type(fast) is type(reference) and fast.dtype == reference.dtype
    for attr in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(fast, attr), getattr(reference, attr))


def test_doc_term_matrix_counts_and_orders_like_a_counter():
    from collections import Counter

    from research.topics.vocabulary import doc_term_matrix

    docs = [["b", "a", "b", "zz"], [], ["c"], ["zz"], ["a", "c", "a", "a"]]
    index = {"a": 0, "b": 1, "c": 2}
    X = doc_term_matrix(docs, index)
    assert X.shape == (5, 3) and X.has_sorted_indices and X.dtype == np.float64
    for i, doc in enumerate(docs):
        want = Counter(index[t] for t in doc if t in index)
        assert dict(zip(X[i].indices.tolist(), X[i].data.tolist())) == want


@pytest.mark.slow
def test_prediction_identical_across_batch_sizes_processes_and_a_dask_cluster(fitted_toy_pipeline):
    distributed = pytest.importorskip("distributed")
    from research.datasets.toy import TOY_TEXTS
    from research.model import TaggingModel

    texts = list(TOY_TEXTS) * 40
    reference = TaggingModel(fitted_toy_pipeline, batch_size=len(texts), n_jobs=1).predict(texts)
    for batch_size, n_jobs in ((7, 1), (7, 2), (64, 2), (1000, 2)):
        assert TaggingModel(fitted_toy_pipeline, batch_size=batch_size, n_jobs=n_jobs).predict(texts) == reference
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster):
        model = TaggingModel(fitted_toy_pipeline, batch_size=16, n_jobs=1)
        model.use_scheduler("local")  # the active client's cluster (research predict --scheduler local)
        assert model.predict(texts) == reference


def test_bench_report_compares_train_and_states_targets_and_load():
    from research.bench import pipeline as bench

    def stage(name, seconds, docs=1000, chars=50_000_000):
        return {"stage": name, "seconds": seconds, "docs": docs, "chars": chars, "docs_per_s": docs / seconds,
                "chars_per_s": chars / seconds, "peak_rss_gib": 1.0, "peak_rss_tree_gib": 2.0}

    naive = {"stages": [stage("read", 1), stage("tokenize", 50), stage("tfidf", 50), stage("lda", 50),
                        stage("classifier", 20), stage("predict", 1, docs=100)], "max_rss_gib": 3.0}
    package = {"stages": [stage("read", 1), stage("tokenize", 10), stage("tokenize (warm cache)", 0.5),
                          stage("tfidf + lda", 20), stage("classifier", 4), stage("predict", 0.01, docs=100)],
               "max_rss_gib": 1.5, "max_rss_tree_gib": 3.5,
               "lda": {"engine": "tomotopy", "iterations_max": 100, "tol": 0.02, "n_jobs": -1,
                       "training": {"iterations": 60}}, "classifier": {"solver": "liblinear (dual)", "n_jobs": -1}}
    rows = bench.summarize(naive, package)
    train = {r["stage"]: r for r in rows}[bench.TRAIN_ROW]
    assert train["naive_s"] == 170 and train["package_s"] == 34 and train["speedup"] == 5.0
    targets = {t["target"]: t["met"] for t in bench.check_targets(rows, package, 500_000, True)}
    assert all(targets.values()), targets
    report = {"created_utc": "now", "corpus": {"path": "x.jsonl.gz", "kind": "xwlb", "documents": 1000,
                                               "chars": 500_000, "labels": "weak"},
              "package_backend": "rjieba", "predict_every": 10, "settings": bench.SETTINGS,
              "machine": {"cpus": 2, "load_avg_at_start": (1.0, 1.0, 1.0), "load_avg_after_pipelines": (1.5, 1, 1),
                          "load_avg_at_end": (2.0, 1.0, 1.0)},
              "package": package, "table": rows, "targets": bench.check_targets(rows, package, 500_000, True),
              "full_run": {"config": "configs/full.yaml", "returncode": 0, "seconds": 300.0, "peak_rss_gib": 2.0,
                           "peak_rss_tree_gib": 3.0, "summary": ["macro-F1 0.9"], "load_avg_at_end": (1, 1, 1)}}
    md = bench.to_markdown(report)
    assert "5.00x" in md and "after 60 of at most 100 sweeps" in md and "at the start: 1.0, 1.0, 1.0" in md
    assert "configs/full.yaml" in md and "300 s" in md
