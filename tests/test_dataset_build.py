"""The 新闻联播 corpus builder, the embedded sample and the hand-checked file."""
from __future__ import annotations

import gzip
import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest

from research.datasets.build import build_corpus, year_table
from research.datasets.gold import GOLD_PATH, STRATA, GoldItem, evaluate, read_gold, split_of
from research.datasets.records import Document, read_documents
from research.datasets.sample import SAMPLE_V2_PATH, stratified_draw
from research.datasets.xwlb import clean_content, document_text, load_xwlb_labelled
from research.errors import DataError
from research.labels import LABELS, NONE_LABEL
from research.weak_labels import load_lexicon

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO.parent / "shared" / "data" / "xwlb" / "xwlb_2012_2025.jsonl.gz"

RAW = [
    {"id": "20200101_001", "date": "2020-01-01", "title": "中央纪委通报八项规定问题", "tag": "",
     "content": "央视网消息（新闻联播）：中央纪委国家监委通报违反中央八项规定精神问题，各级纪检监察机关持之以恒纠治四风，"
                "推动全面从严治党向纵深发展，党员干部要严守政治纪律和政治规矩。\n(视频编辑：张三 文字编辑：李四)"},
    {"id": "20200101_002", "date": "2020-01-01", "title": "中欧班列开行突破一千列", "tag": "中国经济",
     "content": "央视网消息(新闻联播)：今天，第一千列中欧班列从郑州集结中心发车。多式联运示范工程加快推进，"
                "国际陆港集疏运体系不断完善，跨境电商包裹数量创新高，保税物流中心业务量持续增长。"},
    {"id": "20200102_001", "date": "2020-01-02", "title": "美国多地爆发抗议", "tag": "国际资讯",
     "content": "央视网消息（新闻联播）：当地时间1日，美国多地爆发抗议活动。"},
    {"id": "20200102_002", "date": "2020-01-02", "title": "全国大部地区天气晴好", "tag": "",
     "content": "中国网络电视台消息(新闻联播)：受冷空气影响，北方大部地区气温下降，南方部分地区有小到中雨。"},
]


def write_raw(path: Path, rows: list[dict]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


# -- text cleaning -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("央视网消息（新闻联播）：今天，会议召开。", "今天，会议召开。"),
    ("央视网消息(新闻联播):今天，会议召开。", "今天，会议召开。"),
    ("中国网络电视台消息(新闻联播)：今天，会议召开。", "今天，会议召开。"),
    ("央视网(新闻联播)消息：今天，会议召开。", "今天，会议召开。"),
    ("今天，会议召开。\n（视频编辑：王五 文字编辑：赵六）", "今天，会议召开。"),
    ("第一段。\n\n  第二段。", "第一段。\n第二段。"),
])
def test_clean_content(raw, expected):
    assert clean_content(raw) == expected


def test_document_text_is_title_then_body():
    assert document_text("标题", "央视网消息（新闻联播）：正文。") == "标题\n正文。"


# -- builder on a small hand-made slice (no ../shared needed) ---------------------------------------------------------

def test_build_twice_is_byte_identical_and_header_has_hashes(tmp_path):
    src = write_raw(tmp_path / "raw.jsonl.gz", RAW)
    h1, docs = build_corpus(src, tmp_path / "a.jsonl.gz")
    h2, _ = build_corpus(src, tmp_path / "b.jsonl.gz")
    assert (tmp_path / "a.jsonl.gz").read_bytes() == (tmp_path / "b.jsonl.gz").read_bytes()
    lex = load_lexicon("builtin:v1")
    header, read_back = read_documents(tmp_path / "a.jsonl.gz")  # really gzip'd, readable by the shared reader
    assert header["rules_sha256"] == lex.sha256 and header["rules_version"] == "v1"
    assert header["source_sha256"] == hashlib.sha256(src.read_bytes()).hexdigest()
    assert header["counts"]["documents"] == len(RAW)
    assert [d.id for d in read_back] == sorted(r["id"] for r in RAW)
    by_id = {d.id: d for d in read_back}
    assert by_id["20200101_001"].primary == "party_building"
    assert by_id["20200101_002"].primary == "logistics"
    assert by_id["20200102_001"].label_status == "other"  # foreign news
    assert by_id["20200102_002"].primary == NONE_LABEL
    assert not by_id["20200101_001"].text.startswith("央视网") and "编辑" not in by_id["20200101_001"].text
    assert by_id["20200101_001"].title == "中央纪委通报八项规定问题"
    assert by_id["20200101_002"].meta["tags"] == "中国经济"


def test_load_xwlb_labelled_missing_source_is_user_error(tmp_path):
    with pytest.raises(DataError, match="not found"):
        load_xwlb_labelled(tmp_path / "missing.jsonl.gz")


def test_year_table_counts():
    docs = [Document(id="1", text="t", labels=("investment",), primary="investment", date="2020-01-01",
                     label_status="labelled"),
            Document(id="2", text="t", primary=NONE_LABEL, date="2020-02-01", label_status="other"),
            Document(id="3", text="t", date="2021-01-01")]
    rows = {r["year"]: r for r in year_table(docs)}
    assert rows[2020]["labelled"] == 1 and rows[2020]["other"] == 1 and rows[2020]["investment"] == 1
    assert rows[2021]["unlabelled"] == 1


def test_cli_missing_source_exits_2(tmp_path, capsys):
    from research.cli import main

    assert main(["dataset", "build", "--source", str(tmp_path / "nope.jsonl.gz"), "-o", str(tmp_path / "o.gz")]) == 2
    assert "not found" in capsys.readouterr().err


# -- the embedded sample ----------------------------------------------------------------------------------------------

def test_embedded_sample_size_and_schema():
    assert SAMPLE_V2_PATH.is_file()
    assert SAMPLE_V2_PATH.stat().st_size <= 3 * 1024 * 1024
    assert SAMPLE_V2_PATH.read_bytes()[:2] == b"\x1f\x8b"  # really gzip
    header, docs = read_documents(SAMPLE_V2_PATH)
    assert header["rules_sha256"] == load_lexicon("builtin:v2").sha256, "sample is stale: run `research dataset sample`"
    assert 5000 <= len(docs) <= 8000
    assert len({d.id for d in docs}) == len(docs)
    by_source = Counter(d.meta.get("corpus") for d in docs)
    assert set(by_source) == {"xwlb", "gov_reports"} and min(by_source.values()) >= 2000
    _, gold = read_gold(GOLD_PATH)
    news = {d.id: d for d in docs if d.meta["corpus"] == "xwlb"}
    assert {g.id for g in gold} <= set(news), "every hand-checked 新闻联播 item ships in full"
    for source in ("xwlb", "gov_reports"):
        part = [d for d in docs if d.meta["corpus"] == source and d.trainable]
        primaries = Counter(d.primary for d in part)
        assert set(primaries) == {*LABELS, NONE_LABEL}
        assert min(primaries.values()) >= 240  # rare labels raised to a floor of 250 (NEWS_QUOTA, REPORT_QUOTA)
        assert len({d.year for d in part}) >= 10
    gold_ids = {g.id for g in gold}
    limit = header["sampling"]["max_chars_news"]
    assert all(len(d.text) <= limit for d in docs if d.meta["corpus"] == "xwlb" and d.id not in gold_ids)
    assert all(len(d.text) <= header["sampling"]["max_chars_reports"] for d in docs if d.meta["corpus"] == "gov_reports")
    for d in docs:
        if d.label_status == "labelled":
            assert d.primary in d.labels
        elif d.label_status == "other":
            assert d.labels == () and d.primary == NONE_LABEL


def test_embedded_sample_holds_no_hand_checked_report_paragraph():
    from research.datasets.gold_reports import read_reports_gold

    _, docs = read_documents(SAMPLE_V2_PATH)
    _, items, gold_docs = read_reports_gold("builtin:hand_checked_reports_v1")
    texts = {d.text for d in gold_docs.values()}
    assert not {d.id for d in docs} & {g.id for g in items}
    assert not any(d.text in texts for d in docs)


def test_stratified_draw_is_seeded_and_balanced():
    docs = [Document(id=f"2020{i:04d}", text="t", labels=("investment",), primary="investment",
                     date=f"{2012 + i % 5}-01-01", label_status="labelled") for i in range(50)]
    a = stratified_draw(docs, per_label=10)
    assert [d.id for d in a] == [d.id for d in stratified_draw(list(reversed(docs)), per_label=10)]
    assert len(a) == 10 and Counter(d.year for d in a) == {y: 2 for y in range(2012, 2017)}


# -- the hand-checked sample ------------------------------------------------------------------------------------------

def test_hand_checked_file_is_well_formed():
    header, gold = read_gold(GOLD_PATH)
    assert len(gold) >= 400
    strata = Counter(g.stratum for g in gold)
    for stratum in (*LABELS, "other"):
        assert strata[stratum] >= 80, stratum
    assert set(strata) <= set(STRATA) and strata["unlabelled"] > 0
    assert set(header["population"]) == set(strata)
    assert {g.split for g in gold} == {"dev", "heldout"}
    assert all(g.split == split_of(g.id) for g in gold)
    assert all(g.reason.strip() for g in gold)
    assert all(g.primary in g.labels if g.labels else g.primary == NONE_LABEL for g in gold)
    assert [g.id for g in gold] == sorted(g.id for g in gold)
    assert len({g.id for g in gold}) == len(gold)


def test_read_gold_rejects_bad_lines(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "x", "labels": ["sports"], "primary": "sports", "reason": "r",
                               "stratum": "other"}) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="unknown label"):
        read_gold(bad)
    bad.write_text(json.dumps({"id": "x", "labels": ["investment"], "primary": "logistics", "reason": "r",
                               "stratum": "other"}) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="primary"):
        read_gold(bad)


def test_evaluate_precision_recall_and_weighting():
    gold = [GoldItem("a", ("investment",), "investment", "r", "investment", "dev"),
            GoldItem("b", (), NONE_LABEL, "r", "investment", "dev"),
            GoldItem("c", ("investment",), "investment", "r", "other", "dev"),
            GoldItem("d", (), NONE_LABEL, "r", "other", "dev")]
    pred = {"a": Document("a", "t", ("investment",), "investment", label_status="labelled"),
            "b": Document("b", "t", ("investment",), "investment", label_status="labelled"),
            "c": Document("c", "t", (), None, label_status="unlabelled"),
            "d": Document("d", "t", (), NONE_LABEL, label_status="other")}
    res = evaluate(gold, pred, population={"investment": 10, "other": 90})
    m = res["per_label"]["investment"]
    assert (m["tp"], m["fp"], m["fn"]) == (1, 1, 1)
    assert m["precision"] == 0.5 and m["recall"] == 0.5
    # weights: investment stratum 10/2 = 5 per item, other stratum 90/2 = 45 per item
    assert m["weighted"]["precision"] == pytest.approx(0.5)
    assert m["weighted"]["recall"] == pytest.approx(5 / (5 + 45))
    assert res["other"]["precision"] == 1.0
    assert res["coverage"] == {"labelled": 2, "other": 1, "unlabelled": 1}


# -- real data (../shared) ---------------------------------------------------------------------------------------------

def _need_source() -> Path:
    if not SOURCE.is_file():
        pytest.skip(f"needs {SOURCE} (../shared beside the repo root); not present on this machine")
    return SOURCE


@pytest.mark.shared
@pytest.mark.slow
def test_build_real_slice_twice_is_identical(tmp_path):
    src = _need_source()
    rows = []
    with gzip.open(src, "rt", encoding="utf-8") as fh:
        for line in fh:
            rows.append(json.loads(line))
            if len(rows) == 1500:
                break
    slice_path = write_raw(tmp_path / "slice.jsonl.gz", rows)
    build_corpus(slice_path, tmp_path / "a.jsonl.gz")
    build_corpus(slice_path, tmp_path / "b.jsonl.gz")
    assert (tmp_path / "a.jsonl.gz").read_bytes() == (tmp_path / "b.jsonl.gz").read_bytes()
    header, docs = read_documents(tmp_path / "a.jsonl.gz")
    assert len(docs) == 1500 and header["counts"]["status"].get("labelled", 0) > 0


@pytest.mark.shared
@pytest.mark.slow
def test_hand_checked_ids_exist_in_source():
    src = _need_source()
    _, gold = read_gold(GOLD_PATH)
    wanted = {g.id for g in gold}
    found = set()
    with gzip.open(src, "rt", encoding="utf-8") as fh:
        for line in fh:
            i = json.loads(line)["id"]
            if i in wanted:
                found.add(i)
    assert found == wanted
