"""The whole run on the toy corpus: folder contents, reproducibility, and failures that leave nothing behind."""
import json
import subprocess
import sys

import pytest

from research.cli import main as cli_main
from research.experiment import run_experiment

from conftest import CONFIGS, REPO

EXPECTED_FILES = {"config.yaml", "env.json", "fingerprints.json", "metrics.json", "predictions.csv", "model.skops",
                  "model.skops.sha256", "MODEL_CARD.md", "run.log"}


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    results = tmp_path_factory.mktemp("results")
    first = run_experiment(CONFIGS / "toy.yaml", results_dir=results)
    second = run_experiment(CONFIGS / "toy.yaml", results_dir=results)
    return results, first, second


def test_run_folder_is_complete(two_runs):
    results, first, _ = two_runs
    names = {p.name for p in first.path.iterdir()}
    assert EXPECTED_FILES <= names
    assert {p.name for p in (first.path / "figures").iterdir()} >= {"label_scores.png", "confusions.png"}
    fingerprints = json.loads((first.path / "fingerprints.json").read_text())
    assert len(fingerprints["corpus"]["sha256"]) == 64
    assert len(fingerprints["user_dict"]["sha256"]) == 64 and len(fingerprints["stopwords"]["sha256"]) == 64
    env = json.loads((first.path / "env.json").read_text())
    assert env["packages"]["scikit-learn"] and env["git"]["commit"]
    metrics = json.loads((first.path / "metrics.json").read_text())
    assert set(metrics["labels"]) == {"party_building", "investment", "logistics", "livelihood"}
    for key in ("micro_f1", "macro_f1", "subset_accuracy", "hamming_loss"):
        assert 0.0 <= metrics[key] <= 1.0
    assert first.path.parent.name == "toy" and not first.path.name.startswith(".")


def test_same_config_twice_gives_identical_metrics_and_predictions(two_runs):
    _, first, second = two_runs
    assert first.path != second.path
    m1 = json.loads((first.path / "metrics.json").read_text())
    m2 = json.loads((second.path / "metrics.json").read_text())
    m1.pop("fit_seconds"), m2.pop("fit_seconds")
    assert m1 == m2
    assert (first.path / "predictions.csv").read_bytes() == (second.path / "predictions.csv").read_bytes()


def test_runs_index_has_one_line_per_finished_run(two_runs):
    results, first, second = two_runs
    lines = [json.loads(l) for l in (results / "runs.jsonl").read_text().splitlines()]
    assert [l["run_id"] for l in lines] == [first.run_id, second.run_id]
    assert all(l["model"].endswith("model.skops") for l in lines)


def test_a_run_that_dies_never_looks_complete(tmp_path, monkeypatch):
    import research.experiment as experiment

    def boom(*args, **kwargs):
        raise RuntimeError("killed mid-run")

    monkeypatch.setattr(experiment, "save_model", boom)
    with pytest.raises(RuntimeError, match="killed"):
        run_experiment(CONFIGS / "toy.yaml", results_dir=tmp_path)
    leftovers = list((tmp_path / "toy").iterdir())
    assert len(leftovers) == 1 and leftovers[0].name.startswith(".partial-")
    assert not (tmp_path / "runs.jsonl").exists()


@pytest.mark.parametrize(
    "extra, expected",
    [
        (["--set", "features.lda.n_topcs=3"], "features.lda.n_topcs: unknown key"),
        (["--set", "classifier.C=lots"], "classifier.C"),
        (["--set", "data.path=/no/such/file.jsonl"], "data file not found: /no/such/file.jsonl"),
        (["--set", "split.kind=temporal"], "test_year"),
    ],
)
def test_cli_errors_are_one_line_and_leave_no_folder(tmp_path, capsys, extra, expected):
    code = cli_main(["run", str(CONFIGS / "toy.yaml"), "--results", str(tmp_path), *extra])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert expected in err and err.startswith("research: error:") and len(err.splitlines()) == 1
    assert "Traceback" not in err
    assert not (tmp_path / "toy").exists()


def test_cli_unknown_key_in_file(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("experiment: x\nclasifier: {kind: logreg}\n", encoding="utf-8")
    assert cli_main(["run", str(bad), "--results", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: clasifier: unknown key" in err


@pytest.mark.slow
def test_console_script_prints_folder_and_macro_f1(tmp_path):
    out = subprocess.run([sys.executable, "-m", "research", "run", str(CONFIGS / "toy.yaml"), "--results",
                          str(tmp_path)], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "run folder:" in out.stdout and "macro-F1" in out.stdout


@pytest.mark.slow
def test_killed_process_leaves_only_a_partial_folder(tmp_path):
    """kill -9 in the middle of a run: no folder that looks finished, no index line."""
    import signal
    import time

    proc = subprocess.Popen([sys.executable, "-m", "research", "run", str(CONFIGS / "toy.yaml"), "--results",
                             str(tmp_path), "--set", "features.lda.passes=200"],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and not list(tmp_path.glob("toy/.partial-*")):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    entries = list((tmp_path / "toy").iterdir())
    assert entries and all(e.name.startswith(".partial-") for e in entries)
    assert not (tmp_path / "runs.jsonl").exists()


@pytest.mark.slow
def test_default_experiment_on_the_embedded_sample(tmp_path):
    """What `make run` does, end to end, on the shipped sample (no ../shared needed)."""
    result = run_experiment(CONFIGS / "default.yaml", results_dir=tmp_path)
    metrics = result.metrics
    assert metrics["n_train"] >= 1000 and metrics["n_test"] >= 200
    assert metrics["macro_f1"] > 0.6  # weak labels are learnable: far above the ~0.3 of chance-level guessing
    assert (result.path / "topics.json").exists() and (result.path / "model.skops").exists()
    gold = metrics["gold"]
    # every hand-read item is scored: the sample carries the 450 news items (kept out of training); the report
    # paragraphs come with their texts, so every model is scored on all 379 and on their held-out half
    assert gold["hand_checked"]["items"] == 450
    reports = gold["hand_checked_reports"]
    assert reports["items"] == 379 and reports["heldout"]["items"] == 197
    ci = reports["heldout"]["ci"]["macro_f1"]
    assert reports["heldout"]["macro_f1"] > 0.7 and ci["lo"] < ci["value"] < ci["hi"]
    if (REPO.parent / "shared" / "seeds").is_dir():
        # in-domain: the real 郑州经开区 page, read by hand (measured 2026-12-05: micro-F1 0.77; 4 of the 5 articles
        # get the reader's primary label, the resettlement-housing visit is called investment)
        assert gold["in_domain"]["model"]["micro_f1"] >= 0.7
        detail = json.loads((result.path / "gold.json").read_text(encoding="utf-8"))["in_domain"]["predictions"]
        page = [p for p in detail if p["id"].startswith("000_")]
        assert len(page) == 5 and sum(p["model_primary"] == p["gold_primary"] for p in page) >= 4
    else:
        assert "pages not found" in gold["in_domain"]["skipped"]
