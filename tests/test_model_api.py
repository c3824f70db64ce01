"""research.load_model / TaggingModel: predict, predict_proba, explain, topics, tag_pages, save -> load -> predict."""
from __future__ import annotations

import doctest
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
TOY = ROOT / "configs" / "toy.yaml"

TEXTS = [
    "经开区党工委召开基层党建工作推进会，部署全面从严治党和统战工作",
    "中欧班列（郑州）集结中心开行量再创新高，铁路口岸和多式联运快速发展",
    "经开区召开招商引资项目签约会，二十个重大产业项目集中签约",
    "安置房建设和绿化项目加快推进，保障居民按期入住",
    "",
]


def toy_run(tmp_path_factory) -> Path:
    """One toy run per test session, shared by the model/predict test files (training takes ~10 s)."""
    base = tmp_path_factory.getbasetemp() / "toy_results"
    index = base / "runs.jsonl"
    if not index.is_file():
        from research.experiment import run_experiment

        run_experiment(str(TOY), results_dir=base)
    return Path(json.loads(index.read_text(encoding="utf-8").splitlines()[0])["path"])


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    return toy_run(tmp_path_factory)


@pytest.fixture(scope="module")
def model(run_dir):
    from research import load_model

    return load_model(run_dir)


def _fit(overrides: list[str]):
    """A toy pipeline fitted in memory with config overrides (no run folder)."""
    from research.config import load_config
    from research.datasets import load_corpus
    from research.model import TaggingModel
    from research.pipeline import build_pipeline

    cfg = load_config(str(TOY), overrides)
    docs = load_corpus(cfg.data, str(TOY)).trainable()
    pipe = build_pipeline(cfg).fit([d.text for d in docs], [list(d.labels) for d in docs])
    return TaggingModel(pipe)


# ---------------------------------------------------------------------------------------------- loading


@pytest.mark.slow
def test_load_by_file_folder_and_alias(run_dir, model):
    from research import load_model

    results = run_dir.parents[1]
    for spec in (run_dir / "model.skops", str(run_dir), "best:toy", "latest:toy"):
        m = load_model(spec, results_dir=results)
        assert m.path == run_dir / "model.skops"
    assert model.labels == ["party_building", "investment", "logistics", "livelihood"]
    assert set(model.thresholds) == set(model.labels)
    card = model.card
    assert card["experiment"] == "toy" and card["labels"] == model.labels
    assert card["thresholds"] == [model.thresholds[n] for n in model.labels]
    assert {"macro_f1", "micro_f1"} <= set(card["metrics"])
    assert "corpus" in card["fingerprints"]
    assert card["env"]["packages"]["scikit-learn"]  # library versions from the run folder's env.json
    assert card["research_version"]


def test_load_errors_are_user_errors(tmp_path):
    from research import load_model
    from research.errors import ResearchError

    with pytest.raises(ResearchError, match="model not found"):
        load_model(tmp_path / "nope.skops")
    with pytest.raises(ResearchError, match="without model.skops"):
        load_model(tmp_path)
    with pytest.raises(ResearchError, match="no finished run"):
        load_model("best:toy", results_dir=tmp_path)


# ---------------------------------------------------------------------------------------------- predict


@pytest.mark.slow
def test_predict_results_are_consistent(model):
    from research.labels import LABELS, NONE_LABEL

    out = model.predict(TEXTS)
    assert len(out) == len(TEXTS)
    thr = model.thresholds
    for res in out:
        assert set(res) == {"labels", "primary", "scores"}
        assert list(res["scores"]) == list(LABELS)
        assert res["labels"] == [n for n in LABELS if res["scores"][n] >= thr[n]]
        if res["labels"]:
            assert res["primary"] == max(res["labels"], key=lambda n: res["scores"][n])
        else:
            assert res["primary"] == NONE_LABEL
    proba = model.predict_proba(TEXTS)
    assert proba.shape == (len(TEXTS), 4)
    assert ((proba >= 0) & (proba <= 1)).all()
    np.testing.assert_allclose(proba, [[r["scores"][n] for n in LABELS] for r in out], atol=1e-6)


@pytest.mark.slow
def test_predict_equals_the_pipeline_and_ignores_batching(model):
    from research.model import TaggingModel

    features = model.pipeline[:-1].transform(TEXTS)
    labels, primary, scores = model.clf.predict_labels(features)
    out = model.predict(TEXTS)
    assert [r["labels"] for r in out] == labels and [r["primary"] for r in out] == primary
    np.testing.assert_allclose([list(r["scores"].values()) for r in out], scores, atol=1e-6)
    one_by_one = TaggingModel(model.pipeline, model.card, batch_size=1)
    assert one_by_one.predict(TEXTS * 3) == out * 3
    # n_jobs=2 with more than one batch: whole batches are scored in worker processes, same output, same order
    two_jobs = TaggingModel(model.pipeline, model.card, batch_size=2, n_jobs=2)
    assert two_jobs.predict(TEXTS * 4) == out * 4
    np.testing.assert_array_equal(two_jobs.predict_proba(TEXTS), model.predict_proba(TEXTS))
    stream = two_jobs.predict_stream(iter(TEXTS * 20))
    assert next(stream) == out[0]
    stream.close()  # stopping early ends the worker pool instead of hanging
    model.n_jobs = 1


@pytest.mark.slow
def test_predict_stream_is_lazy_and_checks_input(model):
    import types

    from research.model import TaggingModel

    m = TaggingModel(model.pipeline, model.card, batch_size=2)
    stream = m.predict_stream(iter(TEXTS))
    assert isinstance(stream, types.GeneratorType)  # nothing is read or computed before the first next()
    assert list(stream) == model.predict(TEXTS)
    with pytest.raises(TypeError, match="single string"):
        list(m.predict_stream("一段文字"))
    with pytest.raises(TypeError, match="expected str"):
        m.predict([1, 2])


# ---------------------------------------------------------------------------------------------- explain / topics


@pytest.mark.slow
def test_explain_contributions_add_up_to_the_score(model):
    """For logreg, sum(coef * x) + intercept is the logit of the score, and explain shows its largest terms."""
    from research.explain import LinearExplainer, explain_scores

    text = TEXTS[1]
    exp = model.explain(text, top_n=3)
    assert set(exp) == set(model.labels)
    explainer = LinearExplainer(model.pipeline)
    F = explainer.features([text])
    for j, label in enumerate(model.labels):
        entry = exp[label]
        assert entry["score"] == model.predict([text])[0]["scores"][label]
        est = model.clf.estimators_[j]
        if est is None:
            assert entry["constant"] and entry["terms"] == []
            continue
        logit = float((F @ explainer.weights[:, j])[0] + est.intercept_[0])
        assert 1 / (1 + np.exp(-logit)) == pytest.approx(entry["score"], abs=1e-5)
        weights = [w for _, w in entry["terms"]]
        assert weights == sorted(weights, reverse=True) and all(w > 0 for w in weights) and len(weights) <= 3
        assert all(w < 0 for _, w in entry["against"])
        for topic in entry["topics"]:
            assert topic["weight"] > 0 and 0 < topic["share"] <= 1 and topic["words"]
    # batch API on token lists (tokenize once) gives the same as the one-text API
    tokens = model.pipeline.named_steps["tokens"].transform([TEXTS[0], text])
    assert explain_scores(model.pipeline, tokens, top_n=3)[1] == exp


@pytest.mark.slow
def test_topics(model):
    topics = model.topics(TEXTS[1])
    assert len(topics) == model.lda.n_topics
    shares = [t["share"] for t in topics]
    assert shares == sorted(shares, reverse=True) and sum(shares) == pytest.approx(1, abs=1e-3)
    assert all(len(t["words"]) == 8 for t in topics)
    assert len(model.topics(TEXTS[1], top_n=2, words=3)[0]["words"]) == 3


@pytest.mark.slow
@pytest.mark.parametrize("overrides", [
    ["classifier.kind=complement_nb"],
    ["classifier.kind=linear_svm"],
    ["classifier.kind=sgd"],
    ["features.lda.enabled=false"],
    ["features.tfidf.enabled=false"],
])
def test_explain_other_models(overrides):
    m = _fit(overrides)
    out = m.predict(TEXTS)
    exp = m.explain_many(TEXTS, top_n=4)
    for res, e in zip(out, exp):
        for label in m.labels:
            assert e[label]["score"] == res["scores"][label]
            if "features.lda.enabled=false" in overrides:
                assert e[label]["topics"] == []
            if "features.tfidf.enabled=false" in overrides:
                assert e[label]["terms"] == []
    if "features.lda.enabled=false" in overrides:
        assert m.topics(TEXTS[0]) == []
    if "classifier.kind=linear_svm" in overrides:  # margins: the contributions add up to the decision function
        from research.explain import LinearExplainer

        ex = LinearExplainer(m.pipeline)
        F = ex.features(TEXTS[:2])
        for j, est in enumerate(m.clf.estimators_):
            if est is not None:
                np.testing.assert_allclose(F @ ex.weights[:, j] + est.intercept_[0], est.decision_function(F))
    proba = m.predict_proba(TEXTS)
    assert proba.shape == (len(TEXTS), 4) and ((proba >= 0) & (proba <= 1)).all()


# ---------------------------------------------------------------------------------------------- persistence


@pytest.mark.slow
def test_save_load_predict_is_byte_identical(model, tmp_path):
    from research import load_model, save_model

    before = json.dumps(model.predict(TEXTS), ensure_ascii=False).encode()
    proba_before = model.predict_proba(TEXTS).tobytes()
    expl_before = json.dumps(model.explain_many(TEXTS), ensure_ascii=False).encode()
    path = save_model(model.pipeline, tmp_path / "again.skops", dict(model.card))
    again = load_model(path)
    assert json.dumps(again.predict(TEXTS), ensure_ascii=False).encode() == before
    assert again.predict_proba(TEXTS).tobytes() == proba_before
    assert json.dumps(again.explain_many(TEXTS), ensure_ascii=False).encode() == expl_before
    # and a second save of the reloaded model is the same file content as far as predictions go
    third = load_model(save_model(again.pipeline, tmp_path / "third.skops", dict(again.card)))
    assert third.predict_proba(TEXTS).tobytes() == proba_before


# ---------------------------------------------------------------------------------------------- pages


PAGE = """经开区召开基层党建工作推进会

本报讯 11月20日，经开区党工委召开基层党建工作推进会，深入学习贯彻党的二十大精神，部署全面从严治党和党风廉政建设工作。

记者 张三

中欧班列（郑州）集结中心开行量再创新高

本报讯 今年以来，中欧班列（郑州）累计开行超过两千班，国际物流通道不断拓展，铁路口岸功能持续完善。

记者 李四
"""


@pytest.mark.slow
def test_tag_pages_skips_bad_files(model, tmp_path):
    (tmp_path / "page.txt").write_text(PAGE, encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "empty.txt").write_bytes(b"")
    stream = model.tag_pages([tmp_path], explain=3)
    records = list(stream)
    assert [r["id"] for r in records] == ["page:a0", "page:a1"]
    assert records[0]["headline"] == "经开区召开基层党建工作推进会"
    for r in records:
        assert {"labels", "primary", "scores", "top_terms", "text", "source", "start", "end"} <= set(r)
        assert len(r["top_terms"]) <= 3
    assert stream.n_files == 1 and stream.n_skipped == 2
    assert sorted(Path(p).name for p, _ in stream.skipped) == ["binary.txt", "empty.txt"]
    # same scores as predicting the segment texts directly
    assert [r["scores"] for r in records] == [p["scores"] for p in model.predict([r["text"] for r in records])]


# ---------------------------------------------------------------------------------------------- doctest


@pytest.mark.slow
def test_docstring_example_runs(run_dir):
    import research.model
    import research.runs_index

    for module, globs in ((research.model, {"run": run_dir}), (research.runs_index, {})):
        finder = doctest.DocTestFinder()
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        tests = [t for t in finder.find(module, extraglobs=globs) if t.examples]
        assert tests, f"{module.__name__} has no doctest"
        for t in tests:
            runner.run(t)
        assert runner.failures == 0, f"{module.__name__}: doctest failed"


@pytest.mark.slow
def test_copy_of_run_folder_is_loadable(run_dir, tmp_path):
    """A run folder moved elsewhere (with its sidecar) still loads: nothing in the file is path-bound."""
    from research import load_model

    dest = tmp_path / "moved"
    shutil.copytree(run_dir, dest)
    assert load_model(dest).path == dest / "model.skops"


@pytest.mark.slow
def test_backend_override(run_dir):
    from research import load_model
    from research.errors import ResearchError

    with pytest.raises(ResearchError, match="unknown tokenizer backend"):
        load_model(run_dir, backend="nope")
    pytest.importorskip("rjieba")
    fast = load_model(run_dir, backend="rjieba")
    assert fast.card["prediction_backend"] == "rjieba"
    assert [r["primary"] for r in fast.predict(TEXTS)] == [r["primary"] for r in load_model(run_dir).predict(TEXTS)]


def test_wrapping_a_pipeline_leaves_the_callers_object_untouched(model):
    """TaggingModel does no work on the pipeline it is given: prediction settings go on its own copy."""
    from research.model import TaggingModel

    pipeline = model.pipeline
    before = pipeline.get_params(deep=True)["tokens__cache_dir"], pipeline.get_params(deep=True)["tokens__progress"]
    pipeline.set_params(tokens__cache_dir="somewhere", tokens__progress=True)
    wrapped = TaggingModel(pipeline, n_jobs=1)
    assert pipeline.get_params()["tokens__cache_dir"] == "somewhere" and pipeline.get_params()["tokens__progress"]
    assert wrapped.pipeline.get_params()["tokens__cache_dir"] is None
    assert wrapped.pipeline.named_steps["clf"] is pipeline.named_steps["clf"]  # fitted state shared, not copied
    pipeline.set_params(tokens__cache_dir=before[0], tokens__progress=before[1])
