import pickle

import numpy as np
import pytest

from research.classify import MultiLabelClassifier
from research.config import validate_config
from research.features import TfidfOnTokens
from research.persistence import TRUSTED_TYPES, load_pipeline, save_model
from research.pipeline import STEP_NAMES, build_pipeline
from research.tokenize import JiebaTokenizer
from research.topics import LdaTopics


def test_step_names_and_types(fitted_toy_pipeline):
    p = fitted_toy_pipeline
    assert tuple(p.named_steps) == STEP_NAMES
    union = p.named_steps["features"]
    assert isinstance(p.named_steps["tokens"], JiebaTokenizer)
    assert isinstance(union.named_transformers["tfidf"], TfidfOnTokens)
    assert isinstance(union.named_transformers["lda"], LdaTopics)
    assert isinstance(p.named_steps["clf"], MultiLabelClassifier)


def test_config_addresses_step_params(toy_config):
    p = build_pipeline(toy_config)
    p.set_params(features__lda__n_topics=7, clf__C=0.5, tokens__min_len=1)
    params = p.get_params()
    assert params["features__lda__n_topics"] == 7 and params["clf__C"] == 0.5 and params["tokens__min_len"] == 1


def test_disabled_branches(toy, toy_config):
    texts, labels = toy
    raw = toy_config.to_dict()
    raw["features"]["lda"]["enabled"] = False
    p = build_pipeline(validate_config(raw)).fit(texts, labels)
    assert p.named_steps["features"].named_transformers["lda"] == "drop"
    raw["features"]["lda"]["enabled"], raw["features"]["tfidf"]["enabled"] = True, False
    p = build_pipeline(validate_config(raw)).fit(texts, labels)
    assert p[:-1].transform(texts[:2]).shape == (2, toy_config.features.lda.n_topics)


def test_refit_is_deterministic(toy, toy_config):
    texts, labels = toy
    a = build_pipeline(toy_config).fit(texts, labels)
    b = build_pipeline(toy_config).fit(texts, labels)
    fa, fb = a[:-1].transform(texts), b[:-1].transform(texts)
    assert (abs(fa - fb) > 0).nnz == 0
    assert np.array_equal(a.named_steps["clf"].decision_scores(fa), b.named_steps["clf"].decision_scores(fb))


def test_pickle_round_trip(fitted_toy_pipeline, toy):
    texts, _ = toy
    again = pickle.loads(pickle.dumps(fitted_toy_pipeline))
    assert np.array_equal(again.predict(texts), fitted_toy_pipeline.predict(texts))


def test_skops_round_trip_predicts_identically(fitted_toy_pipeline, toy, tmp_path):
    texts, _ = toy
    path = save_model(fitted_toy_pipeline, tmp_path / "m.skops", {"note": "test"})
    loaded, meta = load_pipeline(path)
    assert meta["note"] == "test" and "research_version" in meta
    p1 = fitted_toy_pipeline[:-1].transform(texts)
    p2 = loaded[:-1].transform(texts)
    s1 = fitted_toy_pipeline.named_steps["clf"].decision_scores(p1)
    s2 = loaded.named_steps["clf"].decision_scores(p2)
    assert s1.tobytes() == s2.tobytes()


def test_trusted_list_is_only_our_own_types():
    assert all(name.startswith("research.") for name in TRUSTED_TYPES)


def test_modified_model_file_is_refused(fitted_toy_pipeline, tmp_path):
    from research.errors import ModelFileError

    path = save_model(fitted_toy_pipeline, tmp_path / "m.skops")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="checksum"):
        load_pipeline(path)
