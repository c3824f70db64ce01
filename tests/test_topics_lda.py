"""LdaTopics with both engines: determinism, bad input, sklearn protocol, pickling, seeded topics."""
from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.base import clone

from research.errors import ResearchError
from research.topics import LdaTopics
from research.topics.synthetic import THEMES, synthetic_corpus

ENGINES = ["gensim", "tomotopy"]


@pytest.fixture(scope="module")
def corpus():
    docs, themes = synthetic_corpus(n_docs=160, doc_len=40, seed=1)
    return docs[:120], docs[120:]


def _model(engine, **kw):
    params = dict(n_topics=4, engine=engine, passes=2, iterations=30, min_df=2, max_df=0.9, random_state=7)
    params.update(kw)
    return LdaTopics(**params)


@pytest.mark.parametrize("engine", ENGINES)
def test_same_seed_same_topics_and_same_vectors_for_new_documents(engine, corpus):
    train, new = corpus
    a = _model(engine).fit(train)
    b = _model(engine).fit(train)
    assert a.vocabulary_ == b.vocabulary_
    assert np.array_equal(a.components_, b.components_)
    assert np.array_equal(a.alpha_, b.alpha_)
    ta, tb = a.transform(new), b.transform(new)
    assert np.array_equal(ta, tb)
    # a document's vector does not depend on its batch or on what was inferred before
    assert np.array_equal(a.transform(new[5:6])[0], ta[5])
    assert np.array_equal(a.transform(list(reversed(new)))[::-1], ta)
    np.testing.assert_allclose(ta.sum(axis=1), 1.0)


@pytest.mark.parametrize("engine", ENGINES)
def test_different_seed_changes_topics(engine, corpus):
    a = _model(engine, random_state=1).fit(corpus[0])
    b = _model(engine, random_state=2).fit(corpus[0])
    assert not np.array_equal(a.components_, b.components_)


@pytest.mark.parametrize("engine", ENGINES)
def test_topics_recover_the_synthetic_themes(engine, corpus):
    model = _model(engine, iterations=100, passes=10).fit(corpus[0])
    tops = [{w for w, _ in topic} for topic in model.top_words(5)]
    found = sum(any(len(top & set(words)) >= 4 for top in tops) for words in THEMES.values())
    assert found >= 3


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("k", [1, 0, -3, 2.5, "10"])
def test_k_below_two_or_not_an_integer_is_a_clear_error(engine, k, corpus):
    with pytest.raises(ResearchError, match="n_topics >= 2"):
        _model(engine, n_topics=k).fit(corpus[0])


@pytest.mark.parametrize("engine", ENGINES)
def test_empty_vocabulary_after_filtering_is_a_clear_error(engine, corpus):
    with pytest.raises(ResearchError, match="vocabulary is empty.*min_df"):
        _model(engine, min_df=10_000).fit(corpus[0])
    with pytest.raises(ResearchError, match="vocabulary is empty"):
        _model(engine).fit([[], []])


@pytest.mark.parametrize("engine", ENGINES)
def test_documents_without_known_words_get_the_uniform_vector(engine, corpus):
    model = _model(engine, alpha="symmetric").fit(corpus[0])
    out = model.transform([["完全", "陌生", "词语"], [], corpus[1][0]])
    np.testing.assert_allclose(out[0], np.full(4, 0.25))
    np.testing.assert_allclose(out[1], np.full(4, 0.25))
    assert not np.allclose(out[2], 0.25)
    assert model.transform([]).shape == (0, 4)


@pytest.mark.parametrize("engine", ENGINES)
def test_training_tolerates_empty_documents(engine, corpus):
    docs = [[]] + corpus[0] + [["只出现一次的词"]]
    model = _model(engine).fit(docs)
    assert model.transform(docs).shape == (len(docs), 4)


def test_plain_strings_are_rejected_with_a_hint(corpus):
    with pytest.raises(TypeError, match="token lists"):
        _model("gensim").fit(["党建 工作", "招商 签约"])


def test_unknown_engine_is_an_error(corpus):
    with pytest.raises(ValueError, match="unknown LDA engine"):
        _model("mallet").fit(corpus[0])


def test_tomotopy_rejects_learned_eta(corpus):
    with pytest.raises(ResearchError, match="eta"):
        _model("tomotopy", eta="auto").fit(corpus[0])


@pytest.mark.parametrize("alpha", [None, "symmetric", "asymmetric", "auto", 0.3])
def test_tomotopy_alpha_settings(alpha, corpus):
    model = _model("tomotopy", alpha=alpha).fit(corpus[0])
    assert model.alpha_.shape == (4,) and np.all(model.alpha_ > 0)
    if alpha == "symmetric":
        np.testing.assert_allclose(model.alpha_, 0.25, rtol=1e-6)


def test_get_set_params_and_clone():
    model = LdaTopics(n_topics=7, engine="tomotopy", seed_words={"logistics": ["口岸"]}, seed_weight=3.0, workers=1)
    params = model.get_params()
    for key in ("n_topics", "engine", "passes", "iterations", "alpha", "eta", "min_df", "max_df", "max_features",
                "chunksize", "random_state", "inference_max_iter", "inference_tol", "workers", "seed_words", "seed_weight"):
        assert key in params
    model.set_params(n_topics=9, engine="gensim")
    assert model.n_topics == 9 and model.engine == "gensim"
    twin = clone(model)
    assert twin.get_params() == model.get_params()


@pytest.mark.parametrize("engine", ENGINES)
def test_pickle_round_trip_keeps_topics_and_inference(engine, corpus):
    model = _model(engine).fit(corpus[0])
    again = pickle.loads(pickle.dumps(model))
    assert np.array_equal(again.components_, model.components_)
    assert np.array_equal(again.transform(corpus[1]), model.transform(corpus[1]))
    # fitted state is plain data: no gensim / tomotopy object inside
    for name, value in vars(model).items():
        assert value is None or isinstance(value, (str, int, float, list, dict, tuple, np.ndarray)), name


@pytest.mark.parametrize("engine", ENGINES)
def test_seeded_topics_follow_their_seed_words(engine, corpus):
    seeds = {"logistics": ["中欧班列", "口岸", "不在词表里的词"], "livelihood": ["安置房", "学校"]}
    model = _model(engine, n_topics=5, seed_words=seeds, seed_weight=50.0).fit(corpus[0])
    assert model.topic_names_[:2] == ["logistics", "livelihood"]
    assert model.topic_names_[2:] == ["topic_02", "topic_03", "topic_04"]
    assert model.seed_words_used_ == {"logistics": ["中欧班列", "口岸"], "livelihood": ["安置房", "学校"]}
    top0 = {w for w, _ in model.top_words(10)[0]}
    top1 = {w for w, _ in model.top_words(10)[1]}
    assert len(top0 & set(THEMES["logistics"])) >= 6
    assert len(top1 & set(THEMES["livelihood"])) >= 6
    again = _model(engine, n_topics=5, seed_words=seeds, seed_weight=50.0).fit(corpus[0])
    assert np.array_equal(model.components_, again.components_)


def test_more_seed_groups_than_topics_is_an_error(corpus):
    seeds = {name: words[:2] for name, words in THEMES.items()}
    with pytest.raises(ResearchError, match="n_topics >= 4"):
        _model("tomotopy", n_topics=3, seed_words=seeds).fit(corpus[0])


def test_a_model_saved_with_seed_loads_with_random_state():
    """Topic models saved before the rename carry ``seed``; loading maps it to ``random_state``."""
    state = {k: v for k, v in LdaTopics(n_topics=3).__dict__.items() if k != "random_state"}
    old = LdaTopics.__new__(LdaTopics)
    old.__setstate__({**state, "seed": 11})
    assert old.get_params()["random_state"] == 11 and not hasattr(old, "seed")
