"""Public benchmark corpora: loaders keep their classes out of our labels; a benchmark run on tiny slices."""
import gzip
import json
import shutil
from itertools import islice
from pathlib import Path

import pytest

from research.config import validate_config
from research.datasets.benchmarks import load_benchmark_corpus
from research.errors import DataError

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DATA = SHARED / "data"


def _need(*parts) -> Path:
    path = DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (../shared beside the repo root); not present on this machine")
    return path


def _head(src: Path, dst: Path, n: int, step: int = 1) -> Path:
    opener = gzip.open if src.suffix == ".gz" else open
    with opener(src, "rt", encoding="utf-8") as fh:
        lines = list(islice(fh, 0, n * step, step))
    dst.write_text("".join(lines), encoding="utf-8")
    return dst


def test_thucnews_loader_keeps_the_class_in_meta():
    header, docs = load_benchmark_corpus("thucnews", _need("thucnews_titles", "dev.txt"))
    assert len(docs) == 10000 and len(header["classes"]) == 10
    d = docs[0]
    assert d.labels == () and d.label_status == "other" and d.meta["split"] == "dev"
    assert d.meta["class"] in header["classes"] and "\t" not in d.text


@pytest.mark.slow
def test_cnews_and_toutiao_loaders():
    _, cnews = load_benchmark_corpus("cnews", _need("cnews", "cnews_subset1000.txt.gz"))
    assert len(cnews) == 1000 and len({d.meta["class"] for d in cnews}) == 10
    header, tt = load_benchmark_corpus("toutiao", _need("toutiao", "toutiao_cat_data_subset.txt.gz"))
    assert len(tt) == 50020 and len(header["classes"]) == 15
    assert all(d.meta["class"].startswith(("news_", "stock")) for d in tt[:100])


def test_malformed_line_is_a_data_error(tmp_path):
    bad = tmp_path / "x.txt"
    bad.write_text("only text without a label\n", encoding="utf-8")
    (tmp_path / "class.txt").write_text("a\nb", encoding="utf-8")
    with pytest.raises(DataError, match="x.txt:1"):
        load_benchmark_corpus("thucnews", bad)
    with pytest.raises(DataError, match="unknown benchmark"):
        load_benchmark_corpus("imdb", bad)


def _bench_config(name, path, **evaluation):
    return validate_config({
        "experiment": f"bench_{name}_tiny", "data": {"corpus": name, "path": str(path)},
        "tokenize": {"min_len": 1, "cache": False},
        "features": {"tfidf": {"min_df": 1, "ngram_range": [1, 2]}, "lda": {"enabled": False}},
        "classifier": {"kind": "linear_svm", "C": 0.5, "class_weight": None},
        "evaluation": {"bootstrap": 50, **evaluation}, "output": {"figures": True},
    })


@pytest.mark.slow
def test_thucnews_run_on_tiny_slices_writes_a_run_folder(tmp_path):
    src = _need("thucnews_titles")
    data = tmp_path / "thuc"
    data.mkdir()
    shutil.copy(src / "class.txt", data / "class.txt")
    _head(src / "train_partial.txt", data / "train_partial.txt", 600, step=40)  # the file is grouped by class
    _head(src / "dev.txt", data / "dev.txt", 200, step=50)
    _head(src / "test.txt", data / "test.txt", 200, step=50)
    cfg = _bench_config("thucnews", data / "train_partial.txt",
                        eval_sets={"dev": str(data / "dev.txt"), "test": str(data / "test.txt")})
    from research.study.benchmark import run_benchmark

    result = run_benchmark(cfg, results_dir=tmp_path / "results")
    m = json.loads((result.path / "metrics.json").read_text())
    assert set(m["sets"]) == {"dev", "test"} and m["headline"] == "test"
    assert 0.2 < m["accuracy"] <= 1.0  # far above chance (0.1) even with 600 headlines
    assert m["sets"]["test"]["ci"]["accuracy"]["lo"] <= m["accuracy"] <= m["sets"]["test"]["ci"]["accuracy"]["hi"]
    assert m["published"]["BERT"] == 94.83
    assert {"config.yaml", "env.json", "fingerprints.json", "predictions.csv", "run.log"} <= \
        {p.name for p in result.path.iterdir()}
    assert (result.path / "figures" / "confusion.png").is_file()


@pytest.mark.slow
def test_cnews_cv_on_a_slice(tmp_path):
    src = _need("cnews", "cnews_subset1000.txt.gz")
    path = tmp_path / "cnews.txt"
    _head(src, path, 200, step=5)
    from research.study.benchmark import run_benchmark

    result = run_benchmark(_bench_config("cnews", path, cv_folds=3), results_dir=tmp_path / "results")
    cv = result.metrics["sets"]["cv"]
    assert cv["n"] == 200 and len(cv["fold_accuracy"]) == 3 and cv["accuracy"] > 0.5
