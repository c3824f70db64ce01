from pathlib import Path

import pytest

from research.config import ExperimentConfig, load_config, validate_config
from research.errors import ConfigError

from conftest import CONFIGS


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_shipped_config_validates():
    names = sorted(p.name for p in CONFIGS.rglob("*.yaml"))
    assert "toy.yaml" in names and "default.yaml" in names
    for path in CONFIGS.rglob("*.yaml"):
        assert isinstance(load_config(path), ExperimentConfig), path


def test_unknown_key_names_key_and_file(tmp_path):
    path = write(tmp_path, "bad.yaml", "experiment: x\nfeatures:\n  lda:\n    n_topcs: 30\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert "features.lda.n_topcs" in message and "unknown key" in message and str(path) in message
    assert "\n" not in message


def test_wrong_type_is_an_error_not_a_coercion(tmp_path):
    path = write(tmp_path, "bad.yaml", "experiment: x\nfeatures:\n  lda:\n    n_topics: thirty\n")
    with pytest.raises(ConfigError, match=r"features\.lda\.n_topics"):
        load_config(path)
    path = write(tmp_path, "bad2.yaml", "experiment: x\nseed: '3'\n")
    with pytest.raises(ConfigError, match="seed"):
        load_config(path)


def test_extends_merges_and_overrides_apply(tmp_path):
    write(tmp_path, "base.yaml", "experiment: base\nseed: 1\nfeatures:\n  lda: {n_topics: 10, passes: 3}\n")
    child = write(tmp_path, "child.yaml", "extends: base.yaml\nexperiment: child\nfeatures:\n  lda: {n_topics: 20}\n")
    cfg = load_config(child, ["features.lda.n_topics=30", "classifier.kind=linear_svm"])
    assert cfg.experiment == "child" and cfg.seed == 1
    assert cfg.features.lda.n_topics == 30 and cfg.features.lda.passes == 3
    assert cfg.classifier.kind == "linear_svm"


def test_override_of_unknown_key_says_it_came_from_set(tmp_path):
    path = write(tmp_path, "ok.yaml", "experiment: x\n")
    with pytest.raises(ConfigError, match=r"\(--set\).*classifier\.kernel: unknown key"):
        load_config(path, ["classifier.kernel=rbf"])
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        load_config(path, ["classifier.C"])


def test_semantic_checks(tmp_path):
    with pytest.raises(ConfigError, match="test_year"):
        validate_config({"experiment": "x", "split": {"kind": "temporal"}})
    with pytest.raises(ConfigError, match="at least one"):
        validate_config({"experiment": "x", "features": {"tfidf": {"enabled": False}, "lda": {"enabled": False}}})
    with pytest.raises(ConfigError, match="n_topics"):
        validate_config({"experiment": "x", "features": {"lda": {"n_topics": 1}}})


def test_missing_file_loop_and_bad_yaml(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.yaml")
    loop = write(tmp_path, "loop.yaml", "extends: loop.yaml\nexperiment: x\n")
    with pytest.raises(ConfigError, match="loops"):
        load_config(loop)
    bad = write(tmp_path, "bad.yaml", "experiment: [unclosed\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(bad)
    listy = write(tmp_path, "list.yaml", "- a\n- b\n")
    with pytest.raises(ConfigError, match="mapping"):
        load_config(listy)
