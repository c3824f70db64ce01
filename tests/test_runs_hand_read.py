"""Hand-read scores first-class, packaged configs and the CLI around runs (issue 17).

One real `research run default`, started from an empty folder as a new user would after `pip install`, feeds
the tests: hand-read columns in `research runs`, `best:default` chosen by the hand-read score, the model card,
the per-label hand-read figure, MLflow, the README's `predict` example, aliases in `topics show`.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CONFIGS, REPO

pytestmark = pytest.mark.slow

RESEARCH = [sys.executable, "-m", "research"]


def research(*argv, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([*RESEARCH, *map(str, argv)], capture_output=True, text=True, cwd=cwd, timeout=600,
                          env=_env(cwd, REPO))
    if check:
        assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def _env(cwd: Path, pythonpath: Path) -> dict[str, str]:
    """This process's environment (OPENBLAS_* settings included), minus anything that points at other results."""
    env = {k: v for k, v in os.environ.items() if k not in ("RESEARCH_RESULTS", "PYTHONPATH")}
    return {**env, "HOME": str(cwd), "PYTHONPATH": str(pythonpath)}


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    """`research run default` from an empty folder: the packaged config, the embedded sample."""
    cwd = tmp_path_factory.mktemp("empty")
    proc = research("run", "default", "--results", cwd / "results", cwd=cwd)
    folder = Path(re.search(r"run folder: (\S+)", proc.stdout).group(1))
    return cwd / "results", folder, proc.stdout


def test_run_default_from_an_empty_folder(default_run):
    results, folder, stdout = default_run
    assert folder.parent == results / "default" and (folder / "model.skops").is_file()
    assert "against text read by hand, hand_checked (450 items)" in stdout
    assert re.search(r"ranks by hand_dev .*: 0\.\d{3}", stdout)
    env = json.loads((folder / "env.json").read_text(encoding="utf-8"))
    assert env["used"]["segmenter"]["name"] == "rjieba" and env["used"]["segmenter"]["version"]
    assert env["used"]["lda_engine"]["name"] == "tomotopy" and env["packages"]["rjieba"]


def test_version(tmp_path):
    from research import __version__

    proc = research("--version", cwd=tmp_path)
    assert proc.stdout.strip() == f"research {__version__}"


def test_hand_read_figure_and_model_card(default_run):
    _, folder, _ = default_run
    assert (folder / "figures" / "hand_read_scores.png").stat().st_size > 10_000
    card = (folder / "MODEL_CARD.md").read_text(encoding="utf-8")
    for heading in ("# Intended use", "# Limits", "# Training data", "# Hyperparameters", "# Overrides (--set)",
                    "# Against text read by hand", "# Versions", "# How to load"):
        assert heading in card, heading
    assert "hand-checked government-report paragraphs, heldout half" in card
    assert "`features.lda.engine`" in card and "`features.lda.passes`" not in card  # tomotopy: no gensim keys
    assert re.search(r"segmenter rjieba \d", card) and re.search(r"LDA engine tomotopy \d", card)
    assert "load_model(" in card


def _fake_runs(folder: Path, results: Path, rows: list[tuple[str, float, float, list[str]]]) -> None:
    """Copies of the real run with chosen weak-label macro-F1 and hand-read dev scores."""
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    results.mkdir(parents=True, exist_ok=True)
    with open(results / "runs.jsonl", "w", encoding="utf-8") as fh:
        for run_id, weak, hand, overrides in rows:
            dest = results / "default" / run_id
            if not dest.exists():
                shutil.copytree(folder, dest)
            gold = json.loads(json.dumps(metrics["gold"]))
            for name in ("hand_checked", "hand_checked_reports"):
                gold[name]["dev"]["macro_f1"] = hand
            m = {**metrics, "gold": gold, "macro_f1": weak}
            (dest / "metrics.json").write_text(json.dumps(m), encoding="utf-8")
            line = {"experiment": "default", "run_id": run_id, "path": str(dest), "macro_f1": weak,
                    "micro_f1": weak, "model": str(dest / "model.skops"), "overrides": overrides}
            if run_id != "old":  # an index line written before hand-read scores were indexed: read metrics.json
                from research.runs_index import gold_summary

                line["gold"] = gold_summary(gold)
            fh.write(json.dumps(line) + "\n")


def test_best_default_is_chosen_by_the_hand_read_score(default_run, tmp_path):
    from research.runs_index import resolve_alias

    _, folder, _ = default_run
    results = tmp_path / "results"
    _fake_runs(folder, results, [("old", 0.70, 0.81, []), ("weak_best", 0.95, 0.60, ["classifier.C=64"]),
                                 ("newest", 0.80, 0.75, [])])
    assert resolve_alias("best:default", results).run_id == "old"           # hand_dev, not the weak labels
    assert resolve_alias("best:default?by=macro_f1", results).run_id == "weak_best"
    assert resolve_alias("best:default", results, by="hand_heldout").run_id == "newest"  # tie -> newest
    assert resolve_alias("latest:default", results).run_id == "newest"
    proc = research("runs", "--results", results, "--resolve", "best:default", cwd=tmp_path)
    assert proc.stdout.strip() == str(results / "default" / "old" / "model.skops")
    proc = research("runs", "--results", results, "--by", "macro_f1", "--resolve", "best:default", cwd=tmp_path)
    assert "weak_best" in proc.stdout


def test_runs_shows_hand_read_scores_overrides_and_differences(default_run, tmp_path):
    _, folder, _ = default_run
    results = tmp_path / "results"
    _fake_runs(folder, results, [("a", 0.70, 0.81, []), ("b", 0.95, 0.60, ["classifier.C=64"])])
    config = (results / "default" / "b" / "config.yaml")
    config.write_text(config.read_text(encoding="utf-8").replace("C: 4.0", "C: 64.0"), encoding="utf-8")
    table = research("runs", "default", "--results", results, cwd=tmp_path).stdout
    header = table.splitlines()[0].split()
    assert header[:7] == ["experiment", "run_id", "weak_macro", "hand_dev", "hand_heldout", "news_micro",
                          "reports_micro"]
    row_a = next(line for line in table.splitlines() if " a *" in line)
    row_b = next(line for line in table.splitlines() if line.startswith("default") and " b " in line)
    assert "0.810" in row_a and "classifier.C=4.0" in row_a
    assert "--set classifier.C=64" in row_b and "0.600" in row_b
    assert "ranked by hand_dev" in table
    rows = [json.loads(x) for x in research("runs", "default", "--results", results, "--json",
                                            cwd=tmp_path).stdout.splitlines()]
    assert rows[1]["overrides"] == ["classifier.C=64"] and rows[0]["hand_dev"] == pytest.approx(0.81)


def test_set_overrides_are_recorded(tmp_path):
    proc = research("run", "toy", "--results", tmp_path / "results", "--set", "classifier.C=2", cwd=tmp_path)
    line = json.loads((tmp_path / "results" / "runs.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert line["overrides"] == ["classifier.C=2"] and line["config"] == "toy"
    folder = Path(re.search(r"run folder: (\S+)", proc.stdout).group(1))
    assert "--set classifier.C=2" in (folder / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "overrides: --set classifier.C=2" in (folder / "run.log").read_text(encoding="utf-8")


def test_aliases_in_topics_show_and_predict_exit_codes(default_run, tmp_path):
    results, _, _ = default_run
    shown = research("topics", "show", "best:default", "--results", results, cwd=tmp_path).stdout
    assert shown.startswith("# Topics (tomotopy, K=20")
    missing = research("predict", "best:default", "missing.txt", "--results", results, cwd=tmp_path, check=False)
    assert missing.returncode != 0 and "nothing tagged" in missing.stderr


def test_readme_predict_example(default_run):
    """The README's `model.predict([...])` line and the output pasted under it, on the `make run` model."""
    from research import load_model

    results, _, _ = default_run
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    call, shown = re.search(r'model\.predict\((\[".*?"\])\)\s*\n# (\[\{.*\}\])', readme).groups()
    expected = eval(shown.replace("{...}", "None"))  # noqa: S307 - the README's own literal
    got = load_model("best:default", results_dir=results).predict(json.loads(call))
    assert [(r["labels"], r["primary"]) for r in got] == [(e["labels"], e["primary"]) for e in expected]


def test_mlflow_logs_a_run_and_reads_it_back(default_run, tmp_path):
    """output.mlflow: a toy run end to end, and the default run's hand-read scores, read back with MLflow."""
    mlflow = pytest.importorskip("mlflow")
    from research.experiment import run_experiment
    from research.tracking import log_run, tracking_uri

    results = tmp_path / "results"
    run = run_experiment(CONFIGS / "toy.yaml", results_dir=results, overrides=["output.mlflow=true"])
    mlflow.set_tracking_uri(tracking_uri(results))
    df = mlflow.search_runs(experiment_names=["toy"])
    assert len(df) == 1
    row = df.iloc[0]
    assert row["params.classifier.kind"] == "logreg" and row["params.features.lda.engine"] == "gensim"
    assert row["metrics.macro_f1"] == pytest.approx(run.metrics["macro_f1"])
    assert row["tags.research.run_id"] == run.run_id
    client = mlflow.MlflowClient()
    files = {a.path for a in client.list_artifacts(row["run_id"], "model")}
    assert {"model/model.skops", "model/model.skops.sha256", "model/MODEL_CARD.md"} <= files
    assert any(a.path.endswith("label_scores.png") for a in client.list_artifacts(row["run_id"], "figures"))

    _, folder, _ = default_run  # a run with hand-read scores
    metrics = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    log_run(folder, experiment="default", run_id=folder.name, config={"seed": 0}, metrics=metrics,
            results_dir=results)
    df = mlflow.search_runs(experiment_names=["default"])
    got = df.iloc[0]
    assert got["metrics.hand.hand_checked_reports.heldout.macro_f1"] == pytest.approx(
        metrics["gold"]["hand_checked_reports"]["heldout"]["macro_f1"])
    assert got["metrics.rank.hand_dev"] > 0.5


def test_pyldavis_export_is_offline(tmp_path):
    pytest.importorskip("pyLDAvis")
    from research.experiment import run_experiment

    run = run_experiment(CONFIGS / "toy.yaml", results_dir=tmp_path,
                         overrides=["topics.report=true", "topics.ldavis=true"])
    html = (run.path / "topics_ldavis.html").read_text(encoding="utf-8")
    assert (run.path / "topics.html").is_file() and (run.path / "ldavis" / "ldavis.v3.0.0.js").is_file()
    assert '"ldavis/d3.v5.min.js"' in html and "https://" not in html  # scripts from beside the page only


def test_packaged_configs_in_a_wheel(tmp_path):
    """After `pip install`, `research run toy` works from any folder: the configs are inside the package."""
    wheel_dir, target = tmp_path / "wheel", tmp_path / "site"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheel_dir), str(REPO)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next(wheel_dir.glob("research-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=600)
    assert (target / "research" / "configs" / "default.yaml").is_file()
    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    proc = subprocess.run([sys.executable, "-m", "research", "run", "toy", "--results", "out"], cwd=cwd,
                          capture_output=True, text=True, timeout=600,
                          env=_env(cwd, target))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "run folder: out/toy/" in proc.stdout
    where = subprocess.run([sys.executable, "-c", "import research; print(research.__file__)"], cwd=cwd,
                           capture_output=True, text=True, env=_env(cwd, target), timeout=60).stdout
    assert where.startswith(str(target))  # the installed copy ran, not the checkout
