"""Segmentation against hand-annotated seeds, synthetic pages for the other cases, and property tests."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from research.errors import DataError
from research.datasets.pages import documents_from_pages, load_pages_corpus
from research.ingest import (FIELDS, as_unit, read_text, segment,
                             segment_file, segment_from_json, segment_paths, spans, write_records)
from research.ingest import rules
from research.ingest.normalize import normalize
from research.ingest.segment import segment_parts

FIXTURES = Path(__file__).parent / "fixtures"
GOLD = FIXTURES / "seeds_gold"
PAGES = FIXTURES / "pages"
SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def seed_path(stem: str) -> Path:
    path = SEEDS / f"{stem}.txt"
    if not path.is_file():
        pytest.skip(f"../shared/seeds not present: {path}")
    return path


# -- gold: the two seed pages, annotated by hand -------------------------------------------------------------
@pytest.mark.shared
@pytest.mark.parametrize("stem", sorted(p.stem for p in GOLD.glob("*.json")))
def test_seed_matches_gold(stem):
    gold = json.loads((GOLD / f"{stem}.json").read_text("utf-8"))
    articles = segment_file(seed_path(stem))
    assert len(articles) == len(gold["articles"])
    for art, want in zip(articles, gold["articles"]):
        assert art.headline == " ".join(want["headline"])
        assert art.dateline == want["dateline"]
        assert art.byline == want["byline"]
        assert art.captions == want["captions"]
        assert [s.section_title for s in art.sections] == [s["title"] for s in want["sections"]]
        for sec, want_sec in zip(art.sections, want["sections"]):
            assert len(sec.body.split("\n")) == want_sec["paragraphs"], sec.id
            assert sec.body.startswith(want_sec["body_starts"]), sec.id
            assert sec.body.endswith(want_sec["body_ends"]), sec.id
            if "captions" in want_sec:
                assert sec.captions == want_sec["captions"]
        if "body" in want:
            assert art.body == want["body"]
        text = seed_path(stem).read_text("utf-8")
        first, last = want["lines"]
        assert text.count("\n", 0, art.start) + 1 == first
        assert text.count("\n", 0, art.end) + 1 == last


@pytest.mark.shared
@pytest.mark.parametrize("stem", sorted(p.stem for p in GOLD.glob("*.json")))
def test_seed_has_no_broken_words_or_leaks(stem):
    gold = json.loads((GOLD / f"{stem}.json").read_text("utf-8"))
    articles = segment_file(seed_path(stem))
    bodies = "\n".join(a.body for a in articles)
    for fragment in gold["repaired"]:
        assert fragment in bodies
    for art in articles:
        for sec in art.sections:
            for paragraph in sec.body.split("\n"):
                assert paragraph[-1] in "。！？：”", f"{sec.id}: unfinished paragraph {paragraph[-15:]!r}"
        for leaked in [art.byline, *art.captions, "本报讯", "记者"]:
            if leaked:
                assert leaked not in art.text, f"{art.id}: {leaked!r} leaked into the text"


@pytest.mark.shared
def test_seed_ids_units_and_offsets():
    path = seed_path("003_d688d4a557a7d976")
    text = path.read_text("utf-8")
    (art,) = segment_file(path)
    assert art.id == "003_d688d4a557a7d976:a0"
    assert [s.id for s in art.sections] == [f"003_d688d4a557a7d976:a0:s{i}" for i in range(4)]
    s2 = art.sections[2]
    assert text[s2.start:s2.end].startswith("明确工作重点") and text[s2.start:s2.end].endswith("对外开放优势。")
    assert s2.text.split("\n")[0] == "明确工作重点 为高质量发展搭好平台"  # its own title, not the headline
    assert art.sections[0].text.startswith("不忘初心 牢记使命 郑州经开区：")
    (page,) = as_unit([art], "page")
    assert page.unit == "page" and page.id == "003_d688d4a557a7d976" and page.article is None
    assert page.body.startswith("不忘初心") and "张倩" not in page.text


# -- synthetic pages: the cases the seeds do not cover --------------------------------------------------------
def test_headline_without_dateline_split_by_byline():
    a0, a1 = segment_file(PAGES / "no_dateline.txt")
    assert (a0.headline, a0.dateline, a0.byline) == ("经开区开展春季植树活动", "", "记者 李明")
    assert a0.body.split("\n")[0].endswith("共栽下银杏、国槐等树苗1200余株。")
    assert (a1.headline, a1.byline) == ("辖区新增两所公办幼儿园", "通讯员 赵红")
    assert a1.body.startswith("今年秋季") and len(a1.body.split("\n")) == 2


def test_two_captions_in_a_row_after_the_byline():
    (art,) = segment_file(PAGES / "two_captions.txt")
    assert art.captions == ["博览会现场人头攒动", "参展企业展示跨境物流设备"]
    assert art.byline == "记者 王芳 文/图" and art.dateline == "本报讯 5月20日"
    assert "人头攒动" not in art.text and "签约项目18个" in art.body


def test_single_article_with_reporter_in_the_dateline():
    (art,) = segment_file(PAGES / "single_article.txt")
    assert (art.headline, art.dateline, art.byline) == ("经开区召开安全生产工作会议", "本报讯 4月2日", "记者 周强")
    assert art.body.split("\n") == [
        "经开区召开安全生产工作会议，部署开展安全隐患大排查大整治行动。",
        "会议要求，各单位要压实安全生产责任，聚焦危化品、建筑施工、消防等重点领域，全面排查整治各类隐患，"
        "坚决防范遏制重特大事故发生。",
    ]
    assert len(art.sections) == 1 and art.sections[0].section == 0


def test_numbered_sections():
    (art,) = segment_file(PAGES / "numbered_sections.txt")
    assert [s.section_title for s in art.sections] == ["", "一、提升政务服务效能", "二、强化要素保障", "三、加强法治保障"]
    assert art.sections[2].body == "完善用地、用能、用工保障机制，建立重点项目要素保障清单，实行台账管理、动态销号。"
    assert art.sections[3].body.endswith("经开区营商环境办公室")  # a trailing signature is not a heading


@pytest.mark.parametrize("name", ["gbk_page.txt", "gb18030_page.txt"])
def test_gb_encoded_pages(name):
    (art,) = segment_file(PAGES / name)
    assert art.headline.startswith("经开区") and art.dateline.startswith("本报讯") and art.byline.startswith("记者")


@pytest.mark.parametrize(
    ("page", "headline", "captions", "titles"),
    [
        ("标题一\n\n正文第一段。\n\n\n\n图为现场，群众排队办事。\n\n正文第二段。", "标题一", ["图为现场，群众排队办事。"], [""]),
        ("标题\n\n正文，未完\n\n\n\n图片说明文字\n\n\n\n待续的正文。", "标题", ["图片说明文字"], [""]),
        ("标题\n\n正文。\n\n【小标题】\n\n正文二。", "标题", [], ["", "【小标题】"]),
        ("标题\n\n（一）第一部分\n\n正文一。\n\n（二）第二部分\n\n正文二。", "标题", [], ["（一）第一部分", "（二）第二部分"]),
    ],
)
def test_small_layouts(page, headline, captions, titles):
    (art,) = segment(page)
    assert art.headline == headline
    assert art.captions == captions
    assert [s.section_title for s in art.sections] == titles


def test_new_article_when_dateline_follows_a_headline_without_byline():
    page = "甲新闻\n\n本报讯 近日，甲事发生。\n\n乙新闻 标题\n\n本报讯 3月1日，乙事发生。"
    a0, a1 = segment(page)
    assert (a0.headline, a0.body, a0.sections[0].section_title) == ("甲新闻", "甲事发生。", "")
    assert (a1.headline, a1.dateline, a1.body) == ("乙新闻 标题", "本报讯 3月1日", "乙事发生。")


def test_empty_and_blank_pages():
    assert segment("") == []
    assert segment("\n\n \u3000\n") == []
    assert spans("") == []
    assert spans("\n \n") == [(0, 3, "other")]


# -- every character in exactly one field, and no crash -------------------------------------------------------
def check_accounting(text: str) -> None:
    """Spans tile the input; each field's text is in the record that owns it; 'other' holds no content."""
    tiles = spans(text)
    if not text:
        assert tiles == [] and segment(text) == []
        return
    assert [t[0] for t in tiles] == [0] + [t[1] for t in tiles[:-1]]
    assert tiles[-1][1] == len(text)
    assert all(field in FIELDS and start < end for start, end, field in tiles)
    articles = segment(text)
    attr = {"headline": "headline", "section_title": "body", "dateline": "dateline", "byline": "byline",
            "body": "body", "caption": "captions"}
    for start, end, field in tiles:
        piece = normalize(text[start:end])
        if field == "other":
            assert set(piece) <= set(",，:：()（） "), repr(piece)  # whitespace, dateline separators
            continue
        owners = [a for a in articles if a.start <= start and end <= a.end]
        assert len(owners) == 1
        value = getattr(owners[0], attr[field])
        assert piece in (" | ".join(value) if field == "caption" else value)


@pytest.mark.shared
def test_seeds_account_for_every_character():
    for stem in ("000_72fa3f510df407af", "003_d688d4a557a7d976"):
        text = seed_path(stem).read_text("utf-8")
        check_accounting(text)
        assert sum(1 for _, _, f in spans(text) if f == "caption") == (5 if stem.startswith("003") else 0)


FRAGMENTS = st.sampled_from([
    "经开区召开会议", "本报讯 3月15日,", "本报讯（记者 张三）", "记者 王赛华", "张倩 郭威", "文/图", "图为现场",
    "政治保", "障。", "，", "。", "、", "：", "一、", "（二）", "【小标题】", "——", "“", "”", " ", "\u3000", "\n",
    "\n\n", "\n\n\n\n", "\r\n", "Trading Center", "2023年", "１２３", "\ufeff", "\u200b", "(郑州)", "▲",
])
PAGE_TEXT = st.one_of(st.text(max_size=300), st.lists(FRAGMENTS, max_size=60).map("".join))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PAGE_TEXT)
def test_property_no_character_lost_and_no_crash(text):
    check_accounting(text)
    for art in segment(text):
        assert art.sections and art.start <= art.end
        assert all(art.start <= s.start <= s.end <= art.end for s in art.sections)
        json.dumps(art.to_json(), ensure_ascii=False)


@settings(max_examples=10, deadline=None)
@given(st.text(alphabet="经开区会议，。、 本报讯记者", min_size=1, max_size=20), st.integers(1, 5))
def test_property_very_long_lines(chunk, lines):
    check_accounting(("".join([chunk] * (20_000 // len(chunk) + 1)) + "\n\n") * lines)


def test_parts_never_overlap_on_a_synthetic_folder():
    for path in PAGES.glob("*.txt"):
        text = read_text(path)
        parts = [p for article in segment_parts(text) for p in article]
        assert sorted((p.start, p.end) for p in parts) == sorted(set((p.start, p.end) for p in parts))
        check_accounting(text)


# -- many files: units, the skip report, records in and out ---------------------------------------------------
def test_segment_paths_units_and_skip_report():
    for unit, count in [("page", 6), ("article", 7), ("section", 10)]:
        run = segment_paths([PAGES], unit=unit)
        assert len(run) == count and all(r.unit == unit for r in run)
        assert run.n_skipped == 3 and {Path(p).name for p, _ in run.skipped} == {"binary.txt", "empty.txt",
                                                                               "shift_jis.txt"}
    run = segment_paths(PAGES / "numbered_sections.txt", unit="section")
    assert [r.id for r in run] == [f"numbered_sections:a0:s{i}" for i in range(4)]
    assert run.files[0].sections == 4 and run.files[0].chars == len(segment_file(run.files[0].path)[0].body)
    with pytest.raises(DataError, match="unit must be one of"):
        segment_paths([PAGES], unit="paragraph")


def test_records_round_trip_through_jsonl_and_become_documents(tmp_path):
    records = segment_paths([PAGES], unit="section").records
    assert write_records(records, tmp_path / "s.jsonl") == len(records)
    lines = (tmp_path / "s.jsonl").read_text("utf-8").splitlines()
    assert [segment_from_json(json.loads(line)) for line in lines] == records
    docs = documents_from_pages([PAGES / "no_dateline.txt"], unit="article")
    assert [d.id for d in docs] == ["no_dateline:a0", "no_dateline:a1"]
    assert docs[1].text.startswith("辖区新增两所公办幼儿园\n今年秋季") and "赵红" not in docs[1].text
    assert docs[1].label_status == "unlabelled" and docs[1].meta["byline"] == "通讯员 赵红"
    with pytest.raises(DataError, match="no segments"):
        documents_from_pages([PAGES / "bad"])


def test_pages_corpus_is_weak_labelled_per_unit():
    from research.labels import LABELS

    header, docs = load_pages_corpus([PAGES], unit="section")
    assert header["corpus"] == "pages" and header["pages"]["files"] == 6 and header["pages"]["unit"] == "section"
    assert len(header["skipped"]) == 3 and header["rules_sha256"]
    assert [d.id for d in docs] == [r.id for r in segment_paths([PAGES], unit="section")]
    assert all(set(d.labels) <= set(LABELS) and d.label_status in ("labelled", "other", "unlabelled") for d in docs)


# -- the rules, one by one ------------------------------------------------------------------------------------
@pytest.mark.parametrize("line", ["记者 王赛华", "记者 王赛华 文/图", "张倩 郭威", "本报记者王赛华", "（记者 张三 通讯员 李四）",
                                  "王赛华 摄", "欧阳小明", "文/图 记者 王赛华", "责任编辑：刘洋"])
def test_is_byline(line):
    assert rules.is_byline(line)


@pytest.mark.parametrize("line", ["不忘初心 牢记使命", "文明城市", "文明城市 共建共享", "摄影 大赛开幕", "记者",
                                  "经开区安置小区风景如画", "李小虎指出，要强化运行机制。"])
def test_is_not_byline(line):
    assert not rules.is_byline(line)


@pytest.mark.parametrize(("line", "ends"), [("障。", True), ("…政治保", False), ("要坚守工作底线，", False),
                                            ("令人瞩目：", True), ("的贡献！”", True), ("由“点", False), ("", False)])
def test_ends_sentence(line, ends):
    assert rules.ends_sentence(line) is ends


@pytest.mark.parametrize(("line", "is_open", "heading"), [
    ("全面从严治党 为高质量发展提供坚强保障", False, True),
    ("全面从严治党 为高质量发展提供坚强保障", True, False),  # an unfinished paragraph continues instead
    ("在康桥美庐湾、九龙新城和世和2#地块、瑞祥3#地块、瑞绣", False, False),
    ("二、强化要素保障", True, True),
    ("坚持建管并重", False, True),
])
def test_looks_like_heading(line, is_open, heading):
    assert rules.looks_like_heading(line, is_open) is heading
