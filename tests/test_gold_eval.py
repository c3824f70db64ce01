"""Scoring against text read by hand: hand-read items never reach training; baselines; the in-domain seed set."""
from __future__ import annotations

import csv
import json

import pytest

from research.datasets.gold import read_gold
from research.errors import DataError
from research.experiment import run_experiment
from research.study.gold_eval import SEEDS_GOLD, evaluate_predictions, in_domain_set
from research.weak_labels import TagMapLabeller, WeakLabeller, make_labeller

from conftest import CONFIGS, require_shared


# -- the naive CCTV-tag baseline ----------------------------------------------------------------------------------

def test_tag_map_labels_from_tags_only():
    labeller = make_labeller("builtin:cctv_tags_naive")
    assert isinstance(labeller, TagMapLabeller) and labeller.version == "cctv_tags_naive"
    text = "中欧班列开行，党建引领招商引资"  # the text is never read
    assert labeller.label("t", text, "从严治党").labels == ("party_building",)
    both = labeller.label("t", text, "民生,中国经济")
    assert both.labels == ("investment", "livelihood") and both.primary == "livelihood"  # CCTV's first tag wins
    assert labeller.label("t", text, "").status == "unlabelled"           # no tag: no information
    other = labeller.label("t", text, "人民领袖,大国外交")
    assert other.status == "other" and other.primary == "none"            # tagged, none of the mapped tags
    assert len(labeller.sha256) == 64


def test_make_labeller_keeps_keyword_rules_and_rejects_a_bad_tag_map(tmp_path):
    assert isinstance(make_labeller("builtin:v1"), WeakLabeller)
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: tag_map\nversion: x\ntags: {民生: sports}\n", encoding="utf-8")
    with pytest.raises(DataError, match="tags must map"):
        make_labeller(bad)
    bad.write_text("kind: tag_map\nversion: x\ntags: {民生: livelihood}\nuntaged: other\n", encoding="utf-8")
    with pytest.raises(DataError, match="unknown key"):
        make_labeller(bad)


# -- hand-read items in a run ---------------------------------------------------------------------------------------

def _toy_gold(tmp_path, ids_labels: dict[str, list[str]]):
    path = tmp_path / "gold.jsonl"
    lines = [json.dumps({"__gold__": {"version": "toy"}})]
    for i, labels in ids_labels.items():
        lines.append(json.dumps({"id": i, "labels": labels, "primary": labels[0] if labels else "none",
                                 "reason": "toy label", "split": "heldout"}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_hand_read_items_are_kept_out_of_training_and_scored(tmp_path):
    from research.datasets.builtin import builtin_data_path
    from research.datasets.records import read_documents

    _, toy_docs = read_documents(builtin_data_path("toy"))
    held = {d.id: list(d.labels) for d in toy_docs[::4]}  # 6 of 24 read "by hand", labels as in the corpus
    gold = _toy_gold(tmp_path, held)
    result = run_experiment(CONFIGS / "toy.yaml", results_dir=tmp_path / "results",
                            overrides=[f"evaluation.hand_checked={gold}", "evaluation.in_domain_pages=/nonexistent"])
    with open(result.path / "predictions.csv", encoding="utf-8") as fh:
        test_ids = {row["id"] for row in csv.DictReader(fh)}
    assert not test_ids & set(held)
    assert result.metrics["n_train"] + result.metrics["n_test"] == len(toy_docs) - len(held)
    g = result.metrics["gold"]
    assert g["hand_checked"]["items"] == len(held)
    assert g["hand_checked"]["baseline_labels"]["micro_f1"] == 1.0  # gold = corpus labels here, so exactly 1
    assert 0.0 <= g["hand_checked"]["model"]["micro_f1"] <= 1.0
    assert g["in_domain"] == {"skipped": "pages not found: /nonexistent"}
    fingerprints = json.loads((result.path / "fingerprints.json").read_text(encoding="utf-8"))
    assert len(fingerprints["gold"]["hand_checked"]["sha256"]) == 64  # the judge is part of the run's provenance
    detail = json.loads((result.path / "gold.json").read_text(encoding="utf-8"))
    assert {p["id"] for p in detail["hand_checked"]["predictions"]} == set(held)
    assert "in_domain: skipped" in (result.path / "gold.md").read_text(encoding="utf-8")


def test_a_missing_gold_file_fails_before_any_run_folder(tmp_path):
    from research.errors import ResearchError

    with pytest.raises(ResearchError, match="not found"):
        run_experiment(CONFIGS / "toy.yaml", results_dir=tmp_path,
                       overrides=["evaluation.hand_checked=/nonexistent/gold.jsonl"])
    assert not (tmp_path / "toy").exists()


# -- the in-domain seed set (../shared/seeds) ------------------------------------------------------------------------

def test_seed_gold_covers_every_article_and_section():
    seeds = require_shared("seeds")
    header, items = read_gold(SEEDS_GOLD)
    assert header["version"] == "seeds_gold_v1" and len(items) == 10
    found = in_domain_set(seeds, "builtin:v1")
    assert [g.id for g in found.items] == [g.id for g in items]
    assert sum(":s" in g.id for g in items) == 4  # the long feature's four sections
    assert all(found.docs[g.id].text for g in items)

    def oracle(docs):
        by_id = {g.id: g for g in items}
        return [list(by_id[d.id].labels) for d in docs], [by_id[d.id].primary for d in docs]

    def silent(docs):
        return [[] for _ in docs], ["none" for _ in docs]

    assert evaluate_predictions(found, oracle)[0]["all"]["micro_f1"] == 1.0
    res = evaluate_predictions(found, silent)[0]["all"]
    assert all(res["per_label"][lab]["recall"] == 0.0 for lab in res["per_label"])


@pytest.mark.slow
def test_evaluate_command_scores_rules_and_models(tmp_path, tmp_path_factory, capsys):
    seeds = require_shared("seeds")
    from research.cli import main

    from test_model_api import toy_run

    run_dir = toy_run(tmp_path_factory)
    out = tmp_path / "report.md"
    assert main(["evaluate", str(run_dir), "--pages", str(seeds), "--rules", "builtin:v1", "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "in_domain: 10 hand-labelled items" in text and "rules builtin:v1" in text and f"model {run_dir}" in text
    assert "read by hand: party_building, investment, logistics, livelihood" in text  # the whole feature
    assert out.read_text(encoding="utf-8").strip() == text.strip()
