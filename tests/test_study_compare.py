"""research compare: runs table with the differing config keys, ablation, figures; and the bootstrap CIs."""
import json

import numpy as np
import pytest
import yaml

from research.labels import LABELS
from research.study.bootstrap import multiclass_ci, multilabel_ci, multilabel_point
from research.study.compare import compare_runs, flatten


def _fake_run(exp, run_id, kind, tfidf, lda, k, macro, ci=None):
    folder = exp / run_id
    folder.mkdir(parents=True)
    config = {"experiment": exp.name, "description": f"variant {run_id}", "seed": 0,
              "classifier": {"kind": kind, "C": 4.0},
              "features": {"tfidf": {"enabled": tfidf}, "lda": {"enabled": lda, "n_topics": k}}}
    metrics = {"micro_f1": macro + 0.05, "macro_f1": macro, "subset_accuracy": 0.5, "hamming_loss": 0.1,
               "n_test": 100, "fit_seconds": 1.0,
               "labels": {n: {"precision": 0.5, "recall": 0.5, "f1": macro, "support": 10} for n in LABELS}}
    if ci:
        metrics["ci"] = {"macro_f1": {"value": macro, "lo": macro - ci, "hi": macro + ci},
                         "micro_f1": {"value": macro + 0.05, "lo": macro + 0.05 - ci, "hi": macro + 0.05 + ci}}
    (folder / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (folder / "metrics.json").write_text(json.dumps(metrics), encoding="utf-8")
    return folder


@pytest.fixture()
def experiment(tmp_path):
    exp = tmp_path / "exp"
    runs = [("r1", "logreg", True, False, 20, 0.70), ("r2", "logreg", False, True, 20, 0.50),
            ("r3", "logreg", True, True, 20, 0.72), ("r4", "sgd", True, False, 20, 0.65),
            ("r5", "logreg", True, True, 10, 0.71), ("r6", "logreg", True, True, 40, 0.73)]
    for run_id, kind, tfidf, lda, k, macro in runs:
        _fake_run(exp, run_id, kind, tfidf, lda, k, macro, ci=0.02)
    (exp / ".partial-r7").mkdir()  # an unfinished run is never compared
    return exp


def test_table_lists_runs_sorted_with_only_the_differing_keys(experiment):
    result = compare_runs(experiment)
    assert [r["run_id"] for r in result.rows] == ["r6", "r3", "r5", "r1", "r4", "r2"]
    assert set(result.varying) == {"classifier.kind", "features.tfidf.enabled", "features.lda.enabled",
                                   "features.lda.n_topics"}
    row = result.rows[0]
    assert row["features"] == "tfidf+lda" and row["classifier"] == "logreg" and row["K"] == "40"
    tfidf_only = next(r for r in result.rows if r["run_id"] == "r1")
    assert tfidf_only["K"] == ""  # a setting of a disabled branch is not shown as a difference
    assert "C" not in row and "description" not in row  # same everywhere / ignored


def test_ablation_and_files(experiment):
    result = compare_runs(experiment)
    assert "macro-F1 by classifier x features (LDA K=20)" in result.text
    assert "| logreg | 0.700 | 0.500 | 0.720 |" in result.text
    out = experiment / "_compare"
    assert (out / "comparison.md").read_text().startswith("6 runs of exp")
    assert len((out / "comparison.csv").read_text().splitlines()) == 7
    assert {p.name for p in (out / "figures").iterdir()} == {"f1_by_variant.png", "f1_vs_k.png"}


def test_cli_compare_prints_the_table(experiment, capsys):
    from research.cli import main

    assert main(["compare", str(experiment), "--no-figures"]) == 0
    out = capsys.readouterr().out
    assert "| run_id |" in out and "r6" in out


def test_cli_compare_missing_folder_is_a_one_line_error(tmp_path, capsys):
    from research.cli import main

    assert main(["compare", str(tmp_path / "nope")]) == 2
    assert "no such experiment folder" in capsys.readouterr().err


def test_flatten():
    assert flatten({"a": {"b": 1, "c": {"d": [1, 2]}}, "e": {}}) == {"a.b": 1, "a.c.d": [1, 2], "e": {}}


# ----------------------------------------------------------------- bootstrap


def test_multilabel_point_matches_sklearn():
    from sklearn.metrics import accuracy_score, f1_score, hamming_loss

    rng = np.random.default_rng(0)
    Yt = (rng.random((200, 4)) < 0.3).astype(int)
    Yp = np.where(rng.random((200, 4)) < 0.8, Yt, 1 - Yt)
    p = multilabel_point(Yt, Yp)
    assert p["micro_f1"] == pytest.approx(f1_score(Yt, Yp, average="micro"))
    assert p["macro_f1"] == pytest.approx(f1_score(Yt, Yp, average="macro"))
    assert p["subset_accuracy"] == pytest.approx(accuracy_score(Yt, Yp))
    assert p["hamming_loss"] == pytest.approx(hamming_loss(Yt, Yp))


def test_ci_contains_the_value_and_narrows_with_more_rows():
    rng = np.random.default_rng(1)

    def width(n):
        Yt = (rng.random((n, 4)) < 0.3).astype(int)
        Yp = np.where(rng.random((n, 4)) < 0.8, Yt, 1 - Yt)
        ci = multilabel_ci(Yt, Yp, n_boot=300, seed=0)["macro_f1"]
        assert ci["lo"] <= ci["value"] <= ci["hi"]
        return ci["hi"] - ci["lo"]

    assert width(2000) < width(100)


def test_multiclass_ci_is_seeded():
    y = np.array(list("aabbccddee") * 20)
    pred = np.where(np.arange(200) % 7 == 0, "a", y)
    a = multiclass_ci(y, pred, n_boot=200, seed=3)
    assert a == multiclass_ci(y, pred, n_boot=200, seed=3)
    assert a["accuracy"]["value"] == pytest.approx((y == pred).mean())


def test_paired_delta_is_zero_for_identical_models_and_signed_otherwise():
    from research.study.bootstrap import paired_delta_ci

    rng = np.random.default_rng(2)
    Yt = (rng.random((500, 4)) < 0.3).astype(int)
    worse = np.where(rng.random((500, 4)) < 0.7, Yt, 1 - Yt)
    better = np.where(rng.random((500, 4)) < 0.95, Yt, 1 - Yt)
    same = paired_delta_ci(Yt, worse, worse, n_boot=200)["macro_f1"]
    assert same["value"] == same["lo"] == same["hi"] == 0.0
    d = paired_delta_ci(Yt, worse, better, n_boot=200)["macro_f1"]
    assert 0 < d["lo"] <= d["value"] <= d["hi"]
