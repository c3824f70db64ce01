"""Choosing K: the sweep's metrics, the recommendation, the figure and the CLI."""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from research.errors import ResearchError
from research.topics.coherence import coherence_per_topic
from research.topics.metrics import perplexity, topic_diversity
from research.topics.sweep import SweepRow, markdown_table, plot_sweep, recommend, run_sweep, split_heldout
from research.topics.synthetic import THEMES, synthetic_corpus

PARAMS = dict(engine="tomotopy", iterations=40, passes=1, alpha="symmetric", eta=None, min_df=2, max_df=0.9,
              max_features=None, chunksize=2000, random_state=0)


@pytest.fixture(scope="module")
def tokens():
    return synthetic_corpus(n_docs=300, doc_len=40, seed=2)[0]


@pytest.fixture(scope="module")
def rows(tokens):
    return run_sweep(tokens, [2, 4, 8], PARAMS, heldout_fraction=0.2, seed=0, progress=False)


def test_sweep_metrics_are_finite(rows):
    assert [r.k for r in rows] == [2, 4, 8]
    for r in rows:
        for name in ("c_v", "npmi", "u_mass", "perplexity", "diversity", "fit_seconds"):
            assert math.isfinite(getattr(r, name)), (r.k, name)
        assert 0 <= r.c_v <= 1 and -1 <= r.npmi <= 1 and r.u_mass <= 0
        assert 0 < r.diversity <= 1 and r.perplexity > 1


def test_true_k_is_recommended_on_a_corpus_with_four_themes(rows):
    best, reason = recommend(rows)
    assert best.k == 4
    assert "K=4" in reason and "NPMI" in reason
    by_k = {r.k: r for r in rows}
    assert by_k[4].npmi > by_k[2].npmi and by_k[4].npmi > by_k[8].npmi


def test_recommend_prefers_the_smaller_k_within_tolerance():
    def row(k, npmi):
        return SweepRow(k=k, alpha="a", eta=None, c_v=0.5, npmi=npmi, u_mass=-2.0, perplexity=100.0,
                        diversity=0.8, fit_seconds=1.0)

    best, reason = recommend([row(10, 0.100), row(20, 0.103), row(30, 0.090)])
    assert best.k == 10 and "smallest K" in reason
    best, _ = recommend([row(10, 0.05), row(20, 0.103)])
    assert best.k == 20
    with pytest.raises(ResearchError, match="no model could be scored"):
        recommend([row(10, float("nan"))])


@pytest.mark.slow
def test_table_and_figure(rows, tmp_path):
    best, _ = recommend(rows)
    table = markdown_table(rows, best)
    assert table.splitlines()[0].startswith("| K | c_v | NPMI | u_mass | perplexity | diversity |")
    assert "| 4 * |" in table
    plot_sweep(rows, tmp_path / "sweep.png", best, "test")
    assert (tmp_path / "sweep.png").stat().st_size > 10_000


def test_alpha_grid_adds_rows(tokens):
    rows = run_sweep(tokens[:150], [3], PARAMS, alphas=["symmetric", 0.5], heldout_fraction=0.3, progress=False)
    assert [(r.k, r.alpha) for r in rows] == [(3, "symmetric"), (3, 0.5)]
    assert "alpha" in markdown_table(rows)


def test_bad_k_and_tiny_corpora_are_clear_errors(tokens):
    with pytest.raises(ResearchError, match="K must be >= 2"):
        run_sweep(tokens, [1, 5], PARAMS)
    with pytest.raises(ResearchError, match="K must be >= 2"):
        run_sweep(tokens, [], PARAMS)
    with pytest.raises(ResearchError, match="at least 4 documents"):
        split_heldout(3, 0.1, 0)


def test_split_is_seeded_and_disjoint():
    a_train, a_held = split_heldout(100, 0.1, 3)
    b_train, b_held = split_heldout(100, 0.1, 3)
    assert np.array_equal(a_held, b_held) and len(a_held) == 10
    assert not set(a_train) & set(a_held) and len(a_train) + len(a_held) == 100


def test_coherence_scores_good_topics_above_mixed_ones(tokens):
    good = [THEMES["logistics"][:8], THEMES["livelihood"][:8]]
    mixed = [THEMES["logistics"][:4] + THEMES["livelihood"][:4], THEMES["investment"][:4] + THEMES["party_building"][:4]]
    missing = [["不存在的词", "也不存在"], THEMES["investment"][:5]]
    s_good, s_mixed, s_missing = coherence_per_topic([good, mixed, missing], tokens, topn=8)
    for m in ("c_v", "c_npmi", "u_mass"):
        assert np.nanmean(s_good[m]) > np.nanmean(s_mixed[m])
    assert np.isnan(s_missing["c_npmi"][0]) and np.isfinite(s_missing["c_npmi"][1])


def test_perplexity_and_diversity(tokens):
    from research.topics import LdaTopics

    model = LdaTopics(n_topics=4, engine="tomotopy", iterations=50, min_df=2).fit(tokens[:200])
    X = model.count_matrix(tokens[200:])
    p = perplexity(model.components_, model.alpha_, X)
    assert 1 < p < len(model.vocabulary_)
    assert math.isnan(perplexity(model.components_, model.alpha_, model.count_matrix([["未知"]])))
    assert topic_diversity([["a", "b"], ["a", "c"]]) == 0.75


@pytest.mark.slow
def test_cli_sweep_on_the_embedded_sample(tmp_path, capsys):
    from research.cli import main

    config = tmp_path / "sweep.yaml"
    config.write_text(
        "experiment: sweep_test\n"
        "data: {corpus: labelled, path: 'builtin:sample_v2', limit: 600}\n"
        "features:\n  lda: {engine: tomotopy, iterations: 30, min_df: 3}\n"
        f"output: {{dir: '{tmp_path / 'results'}'}}\n",
        encoding="utf-8",
    )
    code = main(["topics", "sweep", str(config), "--k", "4,8", "--set", "topics.heldout_fraction=0.2"])
    out = capsys.readouterr().out
    assert code == 0
    assert "recommended K=" in out and "| K | c_v | NPMI" in out
    folders = list((tmp_path / "results" / "sweep_test").glob("topics_sweep_*"))
    assert len(folders) == 1
    for name in ("sweep.json", "sweep.md", "sweep.png"):
        assert (folders[0] / name).is_file()
    summary = json.loads((folders[0] / "sweep.json").read_text(encoding="utf-8"))
    assert [r["k"] for r in summary["rows"]] == [4, 8]
    assert all(math.isfinite(r["npmi"]) for r in summary["rows"])
    assert main(["topics", "show", str(folders[0])]) == 0


def test_cli_errors_are_one_line(tmp_path, capsys):
    from research.cli import main

    config = tmp_path / "c.yaml"
    config.write_text("experiment: x\ndata: {corpus: labelled, path: 'builtin:toy'}\n", encoding="utf-8")
    assert main(["topics", "sweep", str(config), "--k", "1,3"]) == 2
    assert "K must be >= 2" in capsys.readouterr().err
    assert main(["topics", "sweep", str(config), "--k", "a,b"]) == 2
    assert main(["topics", "show", str(tmp_path / "nope")]) == 2
