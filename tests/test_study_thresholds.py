"""Threshold tuning and calibration: correct on their own, and they never see the test documents.

The split-discipline tests check it three ways: (1) the index sets (fit / validation / test) are disjoint and the
validation part comes from the training part only; (2) spies on every function that fits or tunes record the
document texts they are given, and no test text is among them; (3) changing the test documents' texts *and* labels
changes nothing in the tuned thresholds or the calibration maps.
"""
import json

import numpy as np
import pytest

from research.config import load_config, validate_config
from research.datasets import write_jsonl
from research.datasets.toy import TOY_LABELS, TOY_TEXTS
from research.study.thresholds import ScoreCalibrator, best_f1_threshold, carve_validation, tune_thresholds

from conftest import CONFIGS


def test_best_threshold_matches_brute_force():
    rng = np.random.default_rng(0)
    for _ in range(20):
        truth = rng.random(60) < 0.3
        scores = np.round(rng.random(60) + truth * 0.3, 2)  # ties on purpose
        thr, f1 = best_f1_threshold(scores, truth, 0.5)
        brute = max(_f1(truth, scores >= t) for t in np.unique(scores))
        assert f1 == pytest.approx(brute)
        assert _f1(truth, scores >= thr) == pytest.approx(brute)


def _f1(truth, pred):
    tp = (truth & pred).sum()
    return 2 * tp / (truth.sum() + pred.sum()) if (truth.sum() + pred.sum()) else 0.0


def test_label_without_positives_keeps_the_default():
    thr, f1 = best_f1_threshold(np.array([0.1, 0.9]), np.array([0, 0]), 0.5)
    assert thr == 0.5 and np.isnan(f1)
    thresholds, _ = tune_thresholds(np.array([[0.2, 0.9], [0.8, 0.1]]), np.array([[0, 1], [1, 0]]), 0.5)
    assert thresholds.shape == (2,)


@pytest.mark.parametrize("method", ["isotonic", "sigmoid"])
def test_calibrator_outputs_probabilities(method):
    rng = np.random.default_rng(1)
    Y = (rng.random((300, 4)) < 0.3).astype(int)
    scores = Y * 1.5 + rng.normal(size=Y.shape)  # margins
    cal = ScoreCalibrator(method).fit(scores, Y)
    p = cal.transform(scores)
    assert p.shape == Y.shape and (p >= 0).all() and (p <= 1).all()
    # calibrated probabilities are better (lower Brier) than squashed margins
    raw = 1 / (1 + np.exp(-scores))
    assert ((p - Y) ** 2).mean() < ((raw - Y) ** 2).mean()
    assert set(json.loads(json.dumps(cal.to_json()))["maps"]) == {"party_building", "investment", "logistics",
                                                                   "livelihood"}


def test_validation_is_carved_from_training_rows_only():
    labels = [list(l) for l in TOY_LABELS] * 4
    fit_idx, val_idx = carve_validation(labels, 0.25, seed=0)
    assert set(fit_idx).isdisjoint(val_idx)
    assert sorted(np.concatenate([fit_idx, val_idx])) == list(range(len(labels)))
    assert abs(len(val_idx) - 24) <= 2


# ----------------------------------------------------------------- split discipline, end to end


def _corpus(path, test_texts, test_labels):
    """24 toy documents dated 2023 (train) + 8 dated 2024 (test) with the given texts/labels."""
    rows = []
    for i, (text, labels) in enumerate(zip(TOY_TEXTS * 2, TOY_LABELS * 2)):
        rows.append({"id": f"tr{i:02d}", "text": text + ("。" * (i // 24)), "labels": labels,
                     "primary": labels[0] if labels else "none", "date": "2023-05-01",
                     "label_status": "labelled" if labels else "other"})
    for i, (text, labels) in enumerate(zip(test_texts, test_labels)):
        rows.append({"id": f"te{i:02d}", "text": text, "labels": labels, "primary": labels[0] if labels else "none",
                     "date": "2024-05-01", "label_status": "labelled" if labels else "other"})
    write_jsonl(path, rows)
    return path


def _config(corpus_path, **evaluation):
    raw = load_config(CONFIGS / "toy.yaml").to_dict()
    raw["data"] = {"corpus": "labelled", "path": str(corpus_path)}
    raw["split"] = {"kind": "temporal", "test_year": 2024}
    raw["evaluation"] = {**raw["evaluation"], "tune_thresholds": True, "calibrate": True,
                         "calibration_method": "sigmoid", "validation_size": 0.3, "explain_top_n": 2,
                         "bootstrap": 50, **evaluation}
    raw["output"] = {"save_model": False, "figures": False}
    return validate_config(raw)


@pytest.mark.slow
def test_tuning_and_calibration_never_see_test_rows(tmp_path, monkeypatch):
    import research.study.thresholds as thresholds
    from research.experiment import run_experiment

    test_texts = [t + "（测试）" for t in TOY_TEXTS[::3]]
    test_labels = TOY_LABELS[::3]
    corpus = _corpus(tmp_path / "c.jsonl", test_texts, test_labels)
    seen: dict[str, list[str]] = {"fit": [], "tune": [], "calibrate": [], "transform": []}

    real_fit, real_transform = thresholds.fit_pipeline, thresholds.transform_features
    real_tune, real_cal = thresholds.tune_thresholds, thresholds.ScoreCalibrator.fit

    def spy_fit(pipeline, texts, y, store=None):
        seen["fit"] += list(texts)
        return real_fit(pipeline, texts, y, store)

    def spy_transform(pipeline, texts, store=None):
        seen["transform"] += list(texts)
        return real_transform(pipeline, texts, store)

    def spy_tune(scores, Y, default):
        seen["tune"].append(scores.shape[0])
        return real_tune(scores, Y, default)

    def spy_cal(self, scores, Y):
        seen["calibrate"].append(scores.shape[0])
        return real_cal(self, scores, Y)

    monkeypatch.setattr(thresholds, "fit_pipeline", spy_fit)
    monkeypatch.setattr(thresholds, "transform_features", spy_transform)
    monkeypatch.setattr(thresholds, "tune_thresholds", spy_tune)
    monkeypatch.setattr(thresholds.ScoreCalibrator, "fit", spy_cal)

    result = run_experiment(_config(corpus), results_dir=tmp_path / "results")
    validation = json.loads((result.path / "validation.json").read_text())
    predicted_ids = [line.split(",")[0] for line in (result.path / "predictions.csv").read_text().splitlines()[1:]]

    assert sorted(predicted_ids) == [f"te{i:02d}" for i in range(len(test_texts))]
    assert not set(test_texts) & set(seen["fit"]), "the model was fitted on test documents"
    assert not set(test_texts) & set(seen["transform"]), "validation scoring saw test documents"
    n_val = validation["n_validation"]
    assert seen["tune"] == [n_val] and seen["calibrate"] == [n_val]
    assert validation["n_fit"] + n_val == 48  # the training part, and nothing else
    assert len(set(seen["fit"]) & set(seen["transform"])) == 0  # fit and validation parts are disjoint
    header = (result.path / "predictions.csv").read_text().splitlines()[0].split(",")
    assert "prob_logistics" in header and header[-1] == "explanation"  # calibrated probabilities + explanations
    assert "ci" in json.loads((result.path / "metrics.json").read_text())


@pytest.mark.slow
def test_changing_test_texts_and_labels_changes_no_threshold_or_calibration(tmp_path):
    from research.experiment import run_experiment

    outputs = []
    variants = [
        (TOY_TEXTS[::3], TOY_LABELS[::3]),
        (["完全不同的测试文本，与训练数据无关。"] * 8, [["logistics"]] * 8),
    ]
    for k, (texts, labels) in enumerate(variants):
        corpus = _corpus(tmp_path / f"c{k}.jsonl", texts, labels)
        result = run_experiment(_config(corpus), results_dir=tmp_path / f"results{k}")
        outputs.append(((result.path / "validation.json").read_text(), (result.path / "calibration.json").read_text(),
                        json.loads((result.path / "metrics.json").read_text())["micro_f1"]))
    assert outputs[0][0] == outputs[1][0], "tuned thresholds depend on the test set"
    assert outputs[0][1] == outputs[1][1], "calibration depends on the test set"
    assert outputs[0][2] != outputs[1][2]  # the test set did change (sanity check of the experiment itself)
