"""Schema defaults are the recommended settings, resolved configs carry only what applies, packaged configs and
stopword versions (issue 17)."""
from __future__ import annotations

import hashlib

import pytest

from conftest import CONFIGS


def test_schema_defaults_are_the_recommended_settings():
    from research.config import load_config, validate_config

    bare = validate_config({"experiment": "x"})
    default = load_config(CONFIGS / "default.yaml")
    assert (bare.tokenize.backend, bare.features.lda.engine) == ("rjieba", "tomotopy")
    for key in ("engine", "iterations", "alpha"):
        assert getattr(bare.features.lda, key) == getattr(default.features.lda, key), key
    assert bare.tokenize.backend == default.tokenize.backend


def test_engine_defaults_and_engine_only_settings():
    from research.config import validate_config

    gensim = validate_config({"experiment": "x", "features": {"lda": {"engine": "gensim"}}})
    assert (gensim.features.lda.iterations, gensim.features.lda.alpha) == (50, "symmetric")
    lda = gensim.to_dict()["features"]["lda"]
    assert lda["passes"] == 2 and lda["chunksize"] == 2000 and "tol" not in lda
    tomotopy = validate_config({"experiment": "x", "features": {"lda": {"iterations": 30}}}).to_dict()
    lda = tomotopy["features"]["lda"]
    assert lda["iterations"] == 30 and lda["alpha"] == "auto" and "passes" not in lda and "chunksize" not in lda
    assert validate_config(tomotopy).to_dict() == tomotopy  # a resolved config validates to itself


def test_configs_that_pin_the_old_defaults_are_unchanged():
    """toy and the public benchmarks name jieba (and toy gensim) explicitly: the new defaults do not touch them."""
    from research.config import load_config

    toy = load_config(CONFIGS / "toy.yaml")
    assert (toy.tokenize.backend, toy.features.lda.engine, toy.features.lda.passes) == ("jieba", "gensim", 10)
    assert (toy.features.lda.iterations, toy.features.lda.alpha) == (50, "symmetric")
    for name in ("thucnews", "cnews", "toutiao"):
        assert load_config(CONFIGS / "benchmarks" / f"{name}.yaml").tokenize.backend == "jieba"


def test_packaged_configs_by_name(tmp_path, monkeypatch):
    from research.config import load_config, packaged_configs
    from research.errors import ConfigError

    monkeypatch.chdir(tmp_path)
    assert {"default", "full", "toy", "benchmarks/thucnews"} <= set(packaged_configs())
    assert load_config("default").experiment == "default"
    assert load_config("full").features.lda.n_topics == 40          # extends: default.yaml, inside the package
    assert load_config("benchmarks/cnews.yaml").experiment == "bench_cnews"
    config = load_config("toy", ["classifier.C=2"])
    assert config.overrides == ["classifier.C=2"] and config.source == "toy"
    with pytest.raises(ConfigError, match="packaged configs: .*default"):
        load_config("no_such_config")


def test_stopword_versions():
    from research.resources import read_word_list, resource_path

    v1, v2 = resource_path("stopwords", "builtin:v1"), resource_path("stopwords", "builtin:v2")
    # v1 is released: byte-identical forever (fingerprints in old run folders keep their meaning)
    assert hashlib.sha256(v1.read_bytes()).hexdigest() == \
        "a4f6d54f27cf573e9be1552bd4b21230fc27c4067664f6efb87df9913da1e6e5"
    assert v2.read_bytes().startswith(v1.read_bytes())
    added = set(read_word_list(v2)) - set(read_word_list(v1))
    assert {"今天", "联播", "快讯", "联播快讯"} <= added


def test_progress_lines_stay_off_without_a_terminal(capsys):
    import time

    from research.progress import step

    with step("fit something", delay=0.01):
        time.sleep(0.1)
    assert capsys.readouterr().err == ""
