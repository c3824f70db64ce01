"""The hand-checked report paragraphs: drawn before reading, well formed, kept out of training, scored in runs."""
from __future__ import annotations

from collections import Counter

import pytest
from conftest import require_shared

from research.datasets.gold_reports import draw, quotas, read_reports_gold, split_of, stratum_key

SPEC = "builtin:hand_checked_reports_v1"


def test_file_is_well_formed_with_two_halves_and_texts():
    header, items, docs = read_reports_gold(SPEC)
    assert len(items) >= 300
    splits = Counter(g.split for g in items)
    assert splits["dev"] >= 150 and splits["heldout"] >= 150
    assert all(g.split == split_of(g.id) for g in items)
    assert set(docs) == {g.id for g in items}
    assert all(len(d.text) >= 40 and d.meta["corpus"] == "gov_reports" for d in docs.values())
    assert {g.stratum for g in items} <= set(header["strata"]) and set(header["population"]) == set(quotas())
    levels = Counter(d.meta["level"] for d in docs.values())
    assert set(levels) == {"national", "province", "major_city", "prefecture_city"}
    for g in items:
        d = docs[g.id]
        assert g.stratum == stratum_key(d.meta["level"], d.meta["year"], d.text)
    every_label = Counter(lab for g in items if g.split == "heldout" for lab in g.labels)
    assert min(every_label.values()) >= 15, "each label has enough held-out positives to measure precision"


@pytest.mark.slow
@pytest.mark.shared
def test_the_committed_sample_is_what_the_seeded_draw_gives():
    """Drawn before reading: the ids and texts are exactly the seeded draw over the shared corpus."""
    path = require_shared("data", "gov_reports", "gov_reports_to2025.jsonl.gz")
    drawn, population = draw(path)
    _, items, docs = read_reports_gold(SPEC)
    assert [d["id"] for d in drawn] == sorted(g.id for g in items)
    assert all(docs[d["id"]].text == d["text"] for d in drawn)
    header, _, _ = read_reports_gold(SPEC)
    assert header["population"] == population
