"""Sweeps from config: grid expansion, one-line errors for bad keys, and a tiny sweep on the toy corpus."""
import json

import pytest

from research.config import load_config, validate_config
from research.errors import ConfigError
from research.study.sweep import expand, lda_group, run_sweep, variant_name

from conftest import CONFIGS


def _sweep_config(grid=None, variants=None, **top):
    raw = load_config(CONFIGS / "toy.yaml").to_dict()
    raw["sweep"] = {"grid": grid or {}, "variants": variants or [], "n_jobs": 1}
    raw["output"] = {"save_model": False, "figures": True}
    raw.update(top)
    return validate_config(raw)


def test_grid_is_the_cartesian_product_plus_extra_variants():
    cfg = _sweep_config({"classifier.kind": ["logreg", "linear_svm", "complement_nb", "sgd"],
                         "features": ["tfidf", "lda", "tfidf+lda"]},
                        [{"features": "tfidf+lda", "features.lda.n_topics": 3}])
    variants = expand(cfg)
    assert len(variants) == 13
    kinds = {(v.config.classifier.kind, v.config.features.tfidf.enabled, v.config.features.lda.enabled)
             for v in variants[:12]}
    assert len(kinds) == 12
    extra = variants[-1].config
    assert extra.features.lda.n_topics == 3 and extra.features.tfidf.enabled and extra.features.lda.enabled
    for v in variants:
        assert not v.config.sweep.grid and v.config.description == f"sweep variant {v.name}"


def test_list_values_and_names():
    cfg = _sweep_config({"features.tfidf.ngram_range": [[1, 1], [1, 2]]})
    variants = expand(cfg)
    assert [v.config.features.tfidf.ngram_range for v in variants] == [[1, 1], [1, 2]]
    assert variant_name({"features.tfidf.ngram_range": [1, 2]}) == "ngram_range=1-2"


@pytest.mark.parametrize("key,needle", [
    ("classifier.knd", "classifier.knd: unknown key"),
    ("featurs.lda.n_topics", "featurs.lda.n_topics: unknown key"),
    ("classifier.kind.x", "is a value, not a section"),
])
def test_unknown_grid_key_is_a_one_line_error_naming_it(key, needle):
    with pytest.raises(ConfigError) as err:
        expand(_sweep_config({key: [1, 2]}))
    message = str(err.value)
    assert needle in message and "\n" not in message


def test_invalid_value_names_the_variant():
    with pytest.raises(ConfigError) as err:
        expand(_sweep_config({"classifier.kind": ["logreg", "forest"]}))
    assert "kind=forest" in str(err.value) and "classifier.kind" in str(err.value)
    with pytest.raises(ConfigError, match="features: 'bert'"):
        expand(_sweep_config({"features": ["bert"]}))


def test_variants_share_a_topic_model_only_when_lda_settings_match():
    variants = expand(_sweep_config({"classifier.kind": ["logreg", "sgd"], "features.lda.n_topics": [3, 4]}))
    groups = {v.name: lda_group(v.config) for v in variants}
    assert groups["kind=logreg,n_topics=3"] == groups["kind=sgd,n_topics=3"]
    assert groups["kind=logreg,n_topics=3"] != groups["kind=logreg,n_topics=4"]
    tfidf_only = expand(_sweep_config({"features": ["tfidf"]}))[0]
    assert lda_group(tfidf_only.config) is None


@pytest.mark.slow
def test_tiny_sweep_runs_every_variant_and_writes_the_comparison(tmp_path):
    cfg = _sweep_config({"classifier.kind": ["logreg", "complement_nb"], "features": ["tfidf", "tfidf+lda"]},
                        experiment="toy_sweep", evaluation={"bootstrap": 50})
    result = run_sweep(cfg, results_dir=tmp_path)
    assert len(result.runs) == 4
    assert all((tmp_path / "toy_sweep" / r["run_id"] / "metrics.json").is_file() for r in result.runs)
    manifest = json.loads(result.manifest.read_text())
    assert [r["variant"] for r in manifest["runs"]] == [r["variant"] for r in result.runs]
    out = tmp_path / "toy_sweep" / "_compare"
    table = (out / "comparison.md").read_text()
    assert "classifier.kind" in table and "complement_nb" in table and "tfidf+lda" in table
    assert (out / "comparison.csv").is_file() and (out / "figures" / "f1_by_variant.png").is_file()
    # the topic model was fitted once and reused by the second tfidf+lda variant
    assert sum(r["lda_fitted"] for r in result.runs) >= 1
    assert any(r["lda_reused"] for r in result.runs if "lda" in r["variant"])
    models = list((tmp_path / ".cache" / "lda").glob("*.model.joblib"))
    assert len(models) == 2  # one LdaTopics + one TfidfOnTokens, shared by all variants


@pytest.mark.slow
def test_cli_run_dispatches_a_sweep_config(tmp_path):
    from research.cli import main

    path = tmp_path / "sweep.yaml"
    path.write_text(f"extends: {CONFIGS / 'toy.yaml'}\nexperiment: toy_cli_sweep\noutput: {{save_model: false}}\n"
                    "features: {lda: {enabled: false}}\n"
                    "sweep: {grid: {classifier.kind: [logreg, sgd]}}\n", encoding="utf-8")
    assert main(["run", str(path), "--results", str(tmp_path / "r")]) == 0
    assert (tmp_path / "r" / "toy_cli_sweep" / "_compare" / "comparison.md").is_file()


def test_cli_bad_grid_key_exits_2_with_one_line(tmp_path, capsys):
    from research.cli import main

    path = tmp_path / "sweep.yaml"
    path.write_text(f"extends: {CONFIGS / 'toy.yaml'}\nexperiment: bad\nsweep: {{grid: {{clasifier.kind: [sgd]}}}}\n",
                    encoding="utf-8")
    assert main(["run", str(path), "--results", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "clasifier.kind: unknown key" in err
    assert not (tmp_path / "r").exists()


@pytest.mark.slow
def test_drift_runs_one_temporal_split_per_year_and_draws_the_figure(tmp_path):
    from research.datasets import write_jsonl
    from research.datasets.toy import TOY_LABELS, TOY_TEXTS
    from research.study.drift import run_drift

    rows = [{"id": f"d{y}_{i:02d}", "text": text + "。" * (y - 2021), "labels": labels, "date": f"{y}-03-01",
             "primary": labels[0] if labels else "none", "label_status": "labelled" if labels else "other"}
            for y in (2021, 2022, 2023) for i, (text, labels) in enumerate(zip(TOY_TEXTS, TOY_LABELS))]
    write_jsonl(tmp_path / "c.jsonl", rows)
    cfg = _sweep_config(experiment="toy_drift", data={"corpus": "labelled", "path": str(tmp_path / "c.jsonl")},
                        features={"tfidf": {"min_df": 1}, "lda": {"enabled": False}},
                        evaluation={"drift_years": [2022, 2023], "bootstrap": 50})
    result = run_drift(cfg, results_dir=tmp_path / "r")
    assert [r["year"] for r in result.rows] == [2022, 2023]
    assert [r["n_train"] for r in result.rows] == [24, 48] and all(r["n_test"] == 24 for r in result.rows)
    assert (result.out_dir / "figures" / "drift_by_year.png").is_file()
    assert "| 2023 | 48 | 24 |" in (result.out_dir / "drift.md").read_text()
