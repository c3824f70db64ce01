"""Government work reports: three real reports against gold read by hand, the rules one by one, every character
accounted for (also on random Markdown-ish text), report files and ``research segment`` on them."""
from __future__ import annotations

import csv
import functools
import gzip
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from research.cli import main
from research.errors import DataError
from research.ingest import (ReportUnit, read_report, report_file, report_file_spans, report_spans, report_units,
                             segment_inputs, segment_paths, write_unit_records)
from research.ingest.report import ROLES, report_blocks, split_front_matter
from research.ingest.report_run import FRONT_MATTER_ROLE, REPORT_CSV_COLUMNS, csv_columns

from conftest import require_shared

FIXTURES = Path(__file__).parent / "fixtures"
REPORTS = FIXTURES / "reports"
GOLD = FIXTURES / "reports_gold"
PAGES = FIXTURES / "pages"
NAMES = sorted(p.stem for p in GOLD.glob("*.json"))
CORPUS = ("data", "gov_reports", "gov_reports_to2025.jsonl.gz")


def gold_of(name: str) -> dict:
    return json.loads((GOLD / f"{name}.json").read_text("utf-8"))


@functools.cache
def corpus_records(path: Path) -> dict[str, dict]:
    """The shared corpus's records of the gold reports, read in one pass (JSON-decoding only their lines)."""
    keys = [f'"id": "{gold_of(n)["report"]}"' for n in NAMES]
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if any(k in line[:120] for k in keys)]
    return {r["id"]: r for r in records}


# -- gold: three real reports, read by hand -------------------------------------------------------------------
def test_the_gold_reports_are_the_three_layouts():
    assert NAMES == ["shaanxi_2019", "shantou_2023", "zhengzhou_2023"]
    assert {gold_of(n)["report"] for n in NAMES} == {"major_city/郑州市/2023", "province/陕西省/2019",
                                                     "prefecture_city/汕头市/2023"}
    assert sum((REPORTS / f"{n}.md").stat().st_size for n in NAMES) < 160_000


@pytest.mark.parametrize("name", NAMES)
def test_report_matches_gold(name):
    gold = gold_of(name)
    doc = read_report(REPORTS / gold["file"])
    assert (doc.report, doc.region, doc.level, doc.year) == (gold["report"], gold["region"], gold["level"],
                                                             gold["year"])
    assert len(doc.body) == gold["body_chars"]
    paragraphs = report_file(REPORTS / gold["file"], "paragraph")
    got = [{"index": p.index, "section": p.section, "subsection": p.subsection, "kind": p.kind,
            "starts": p.text[:20], "ends": p.text[-10:], "length": len(p.text)} for p in paragraphs]
    assert got == gold["paragraphs"]
    sections = report_file(REPORTS / gold["file"], "section")
    assert [{"index": s.index, "section": s.section, "subsection": s.subsection, "paragraphs": list(s.paragraphs),
             "length": len(s.text)} for s in sections] == gold["sections"]
    blocks = report_blocks(doc.body)
    assert [[b.role, b.text] for b in blocks if b.role.startswith("heading")] == gold["headings"]
    for role, key in [("front", "front"), ("salutation", "salutation"), ("caption", "captions")]:
        assert [b.text for b in blocks if b.role == role] == gold[key]
    assert all(p.id == f"{gold['report']}:p{p.index}" and p.source == str(REPORTS / gold["file"])
               for p in paragraphs)


@pytest.mark.parametrize("name", NAMES)
def test_gold_report_front_matter_and_salutation_are_not_paragraphs(name):
    gold = gold_of(name)
    doc = read_report(REPORTS / gold["file"])
    assert doc.body_start > 0 and doc.text.startswith("---\nid: ")
    paragraphs = report_file(REPORTS / gold["file"])
    assert all(p.start >= doc.body_start for p in paragraphs)
    texts = {p.text for p in paragraphs}
    assert not texts & {*gold["front"], *gold["salutation"], *(h for _, h in gold["headings"])}
    assert not any(p.text.startswith(("——", "各位代表：")) and len(p.text) < 60 for p in paragraphs)


@pytest.mark.parametrize("name", NAMES)
def test_gold_report_every_character_accounted_for(name):
    text = read_report(REPORTS / f"{name}.md").text
    check_tiles(report_file_spans(text), text, roles=(FRONT_MATTER_ROLE, *ROLES))
    paragraphs = report_file(REPORTS / f"{name}.md")
    spans = [(s, e) for s, e, r in report_file_spans(text) if r == "paragraph"]
    assert [(p.start, p.end) for p in paragraphs] == spans
    # what is neither paragraph nor blank is the front matter or a front/salutation/heading/caption block in gold
    gold = gold_of(name)
    others = [r for _, _, r in report_file_spans(text) if r not in ("paragraph", "blank")]
    assert others[0] == FRONT_MATTER_ROLE and others.count(FRONT_MATTER_ROLE) == 1
    assert len(others) - 1 == sum(len(gold[k]) for k in ("front", "salutation", "captions", "headings"))


def test_gold_layouts():
    zz, sx, st_ = (report_file(REPORTS / f"{n}.md") for n in ("zhengzhou_2023", "shaanxi_2019", "shantou_2023"))
    # 郑州: （一） items are lead sentences of paragraphs; 各位代表！ ends the item
    assert zz[3].subsection == "（一）精准施策稳增长，全力稳住经济大盘。" and zz[3].text.startswith(zz[3].subsection)
    assert zz[13].text.startswith("各位代表！2018年以来") and zz[13].subsection == "" == zz[14].subsection
    # 陕西: plain 一、 headings, continuation paragraphs stay in their item, （一） heading lines in part three
    assert sx[4].subsection == "（二）三大攻坚战扎实推进。" and not sx[4].text.startswith("（")
    assert sx[15].section == "三、2019年重点工作" and sx[15].subsection.startswith("（一）突出制造业")
    assert not sx[15].text.startswith("（一）")  # the heading line is not in the paragraph
    # 汕头: one table paragraph
    (table,) = [p for p in st_ if p.kind == "table"]
    assert table.text.count("\n") == 11 and table.text.startswith("| 重点事项 | 牵头单位 | 实际进度 |")


@pytest.mark.shared
@pytest.mark.parametrize("name", NAMES)
def test_fixture_is_the_corpus_report(name):
    """The fixture body is the shared corpus text, and the file gives the corpus's paragraph ids and texts."""
    gold = gold_of(name)
    record = corpus_records(require_shared(*CORPUS))[gold["report"]]
    doc = read_report(REPORTS / gold["file"])
    assert doc.body == record["text"]
    assert {k: doc.front_matter[k] for k in ("id", "region", "level", "year", "source")} == \
        {k: record[k] for k in ("id", "region", "level", "year", "source")}
    corpus_units = report_units(record["text"], "paragraph", report=record["id"])
    assert [(u.id, u.text, u.section, u.subsection) for u in corpus_units] == \
        [(u.id, u.text, u.section, u.subsection) for u in report_file(REPORTS / gold["file"])]


# -- the rules, one by one --------------------------------------------------------------------------------------
SYNTHETIC = """**某市2024年政府工作报告**

——2024年1月10日在某市第十届人民代表大会第三次会议上

某市人民政府市长 张 三

<!-- 市长张三作报告 -->

各位代表：

现在，我代表市人民政府向大会报告工作，请予审议。

# 一、2023年工作回顾

过去一年，全市经济稳中向好。重点抓了以下工作：

（一）项目建设提速。全年新开工项目120个，完成投资300亿元。

中欧班列开行500列，口岸功能进一步完善。

（新华社记者 李四 摄）

各位代表！这些成绩来之不易。

**二、2024年工作安排**

（一）持续扩大有效投资

抓好重点项目。实施重点项目200个。

| 项目 | 投资 |
| --- | --- |
| 安置房 | 10亿元 |

- 新建学校5所
- 新增床位800张

第一，坚持党的全面领导。

一、推进100个老旧小区改造。完善水、电、路、气等基础设施和市政配套设施，惠及居民超过6万户，继续推进城市既有住宅加装电梯。
"""


def test_synthetic_report_roles_and_units():
    roles = [(b.role, b.text) for b in report_blocks(SYNTHETIC)]
    assert roles[:5] == [("front", "某市2024年政府工作报告"),
                         ("front", "——2024年1月10日在某市第十届人民代表大会第三次会议上"),
                         ("front", "某市人民政府市长 张 三"), ("caption", "<!-- 市长张三作报告 -->"),
                         ("salutation", "各位代表：")]
    assert ("heading1", "一、2023年工作回顾") in roles and ("heading1", "二、2024年工作安排") in roles
    assert ("heading2", "（一）持续扩大有效投资") in roles and ("caption", "（新华社记者 李四 摄）") in roles
    assert ("heading1", "第一，坚持党的全面领导。") in roles
    units = report_units(SYNTHETIC, "paragraph", report="x", region="某市", level="prefecture_city", year=2024)
    by_start = {u.text[:6]: u for u in units}
    assert [u.text[:6] for u in units] == ["现在，我代表", "过去一年，全", "（一）项目建", "中欧班列开行", "各位代表！这",
                                          "抓好重点项目", "| 项目 |", "- 新建学校", "一、推进10"]
    assert by_start["（一）项目建"].subsection == "（一）项目建设提速。" == by_start["中欧班列开行"].subsection
    assert by_start["各位代表！这"].subsection == "" and by_start["各位代表！这"].section == "一、2023年工作回顾"
    assert by_start["抓好重点项目"].heading_path == ("二、2024年工作安排", "（一）持续扩大有效投资")
    assert by_start["| 项目 |"].kind == "table" and by_start["- 新建学校"].kind == "list"
    assert by_start["一、推进10"].section == "第一，坚持党的全面领导。"  # too long for a heading: a paragraph
    assert units[0].to_json()["region"] == "某市" and units[0].year == 2024 and "source" not in units[0].to_json()
    sections = report_units(SYNTHETIC, "section", report="x")
    assert [s.paragraphs for s in sections] == [(0,), (1,), (2, 3), (4,), (5, 6, 7), (8,)]
    assert sections[2].text == units[2].text + "\n" + units[3].text and sections[2].id == "x:s2"
    check_tiles(report_spans(SYNTHETIC), SYNTHETIC)


def test_empty_and_blank_reports():
    assert report_units("", report="x") == [] and report_spans("") == []
    assert report_spans("\n \n") == [(0, 3, "blank")]
    with pytest.raises(ValueError, match="unit must be one of paragraph, section"):
        report_units("正文。", "article")


@pytest.mark.parametrize(("text", "meta", "offset"), [
    ("---\nid: a/b/2023\nyear: 2023\n---\n正文", {"id": "a/b/2023", "year": 2023}, 32),
    ("正文", {}, 0),
    ("---\n[1, 2\n---\n正文", {}, 0),          # broken YAML: no front matter
    ("---\na: 2023-13-45\n---\n正文", {}, 0),  # a date that is none: no crash
    ("---\n- 1\n---\n正文", {}, 12),            # not a mapping
])
def test_split_front_matter(text, meta, offset):
    got, body, off = split_front_matter(text)
    assert (got, off) == (meta, offset) and body == text[off:]


# -- every character in exactly one span, and no crash ----------------------------------------------------------
def check_tiles(tiles: list[tuple[int, int, str]], text: str, roles: tuple[str, ...] = ROLES) -> None:
    if not text:
        assert tiles == []
        return
    assert [t[0] for t in tiles] == [0] + [t[1] for t in tiles[:-1]]
    assert tiles[-1][1] == len(text)
    assert all(role in roles and start < end for start, end, role in tiles)
    assert all(not text[s:e].strip() for s, e, r in tiles if r == "blank")
    assert all(text[s:e].strip() for s, e, r in tiles if r != "blank")


FRAGMENTS = st.sampled_from([
    "**", "*", "#", "# ", "一、", "二、", "十一、", "（一）", "(二)", "第一，", "第二部分", "各位代表：", "各位代表！",
    "各位人大代表", "——", "——2024年1月5日在某市第一次会议上", "市长 张三", "政府工作报告", "<!--", "-->",
    "（新华社记者 张三 摄）", "| a | b |", "| --- | --- |", "- ", "1. ", "2、", "---", "---\n", "id: x\n", "year: 2023\n",
    "工作回顾", "招商引资", "中欧班列开行500列", "。", "，", "：", " ", "\u3000", "\t", "\n", "\n\n", "\n \n", "\r\n",
    "\ufeff", "\u200b", "Ⅱ", "２０２３", "x" * 70,
])
REPORT_TEXT = st.one_of(st.text(max_size=300), st.lists(FRAGMENTS, max_size=80).map("".join))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(REPORT_TEXT)
def test_property_every_character_has_a_role(text):
    tiles = report_spans(text)
    check_tiles(tiles, text)
    paragraphs = report_units(text, "paragraph", report="r")
    assert [(p.start, p.end) for p in paragraphs] == [(s, e) for s, e, r in tiles if r == "paragraph"]
    assert all(p.text and p.kind in ("body", "list", "table") for p in paragraphs)
    assert all("\n" not in p.section + p.subsection for p in paragraphs)
    sections = report_units(text, "section", report="r")
    assert [i for s in sections for i in s.paragraphs] == list(range(len(paragraphs)))
    json.dumps([u.to_json() for u in paragraphs + sections], ensure_ascii=False)
    check_tiles(report_file_spans(text), text, roles=(FRONT_MATTER_ROLE, *ROLES))


@settings(max_examples=50, deadline=None)
@given(st.lists(FRAGMENTS, max_size=30).map("".join))
def test_property_front_matter_is_one_span(body):
    head = "---\nid: a/b/2020\nregion: 某市\n---\n"
    tiles = report_file_spans(head + body)
    text = head + body
    assert tiles[0] == (0, len(head), FRONT_MATTER_ROLE)
    check_tiles(tiles, text, roles=(FRONT_MATTER_ROLE, *ROLES))


# -- report files: metadata, encodings, bad files ----------------------------------------------------------------
BODY = "各位代表：\n\n**一、工作回顾**\n\n过去一年，全市新开工项目120个，完成投资300亿元。\n"


def test_metadata_from_front_matter_else_from_the_path(tmp_path):
    (tmp_path / "a.md").write_text("---\nid: x/y/2021\nregion: 某市\nlevel: major_city\nyear: '2021'\n---\n" + BODY,
                                   "utf-8")
    doc = read_report(tmp_path / "a.md")
    assert (doc.report, doc.region, doc.level, doc.year) == ("x/y/2021", "某市", "major_city", 2021)
    (unit,) = report_file(tmp_path / "a.md")
    assert unit.id == "x/y/2021:p0" and doc.text[unit.start:unit.end] == "过去一年，全市新开工项目120个，完成投资300亿元。"
    folder = tmp_path / "政府工作报告-主要城市" / "郑州市"
    folder.mkdir(parents=True)
    (folder / "2023.md").write_text("---\ntitle: 政府工作报告\n---\n" + BODY, "utf-8")
    doc = read_report(folder / "2023.md")
    assert (doc.report, doc.region, doc.level, doc.year) == ("major_city/郑州市/2023", "郑州市", "major_city", 2023)
    (tmp_path / "洛阳市").mkdir()
    (tmp_path / "洛阳市" / "2020.md").write_text(BODY, "utf-8")
    doc = read_report(tmp_path / "洛阳市" / "2020.md")
    assert (doc.report, doc.region, doc.level, doc.year, doc.body_start) == ("洛阳市/2020", "洛阳市", "", 2020, 0)
    (tmp_path / "notes.md").write_text(BODY, "utf-8")
    assert read_report(tmp_path / "notes.md").report == "notes" and read_report(tmp_path / "notes.md").year is None


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file (PNG)"),
    ("---\nid: x\n---\n\n".encode(), "empty report (front matter only)"),
    ("---\nid: [x\n---\n正文。".encode(), "front matter ('---' … '---') is not closed or not valid YAML"),
    ("---\nyear: 二〇二三\n---\n正文。".encode(), "front matter year must be a 4-digit year"),
    ("**一、工作回顾**\n\n各位代表：\n".encode(), "no paragraphs"),
])
def test_bad_report_files_are_skipped_with_a_reason(tmp_path, content, reason):
    path = tmp_path / "r.md"
    path.write_bytes(content)
    run = segment_inputs(path)
    assert not run.records and not run.reports
    ((skipped, why),) = run.skipped
    assert skipped == str(path) and why.startswith(f"{path}: {reason}")


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_encoded_report_reads_like_utf8(tmp_path, encoding):
    text = (REPORTS / "shaanxi_2019.md").read_text("utf-8")
    (tmp_path / "shaanxi_2019.md").write_bytes(text.replace("\n", "\r\n").encode(encoding))
    doc = read_report(tmp_path / "shaanxi_2019.md")
    assert doc.encoding == encoding and doc.text == text
    assert [(u.id, u.text, u.start) for u in report_file(tmp_path / "shaanxi_2019.md")] == \
        [(u.id, u.text, u.start) for u in report_file(REPORTS / "shaanxi_2019.md")]


def test_segment_inputs_mixes_pages_and_reports_and_skips_misfits(tmp_path):
    run = segment_inputs([PAGES / "single_article.txt", REPORTS / "shaanxi_2019.md"])
    assert [r.unit for r in run][:2] == ["article", "paragraph"] and len(run) == 1 + 47
    assert run.files[0].articles == 1 and run.reports[0].paragraphs == 47 and run.reports[0].sections == 19
    assert run.fingerprint()["reports"] == 1
    run = segment_inputs([PAGES / "single_article.txt", REPORTS / "shaanxi_2019.md"], unit="paragraph")
    assert len(run) == 47 and run.skipped == [
        (str(PAGES / "single_article.txt"),
         f"{PAGES / 'single_article.txt'}: unit paragraph does not fit a page (its units: page, article, section)")]
    run = segment_inputs([PAGES / "single_article.txt", REPORTS / "shaanxi_2019.md"], unit="section")
    assert [r.id for r in run][:2] == ["single_article:a0:s0", "province/陕西省/2019:s0"]
    run = segment_inputs(REPORTS, unit="article")
    assert not run.records and len(run.skipped) == 3 and "does not fit a report" in run.skipped[0][1]
    with pytest.raises(DataError, match="unit must be one of"):
        segment_inputs(REPORTS, unit="chapter")
    # the pages-only entry point is unchanged: .md files and README.md are not pages
    assert all(not isinstance(r, ReportUnit) for r in segment_paths([PAGES, REPORTS], unit="article"))


def test_records_to_csv_and_jsonl(tmp_path):
    records = segment_inputs([PAGES / "single_article.txt", REPORTS / "shaanxi_2019.md"]).records
    assert csv_columns(records[1:]) == REPORT_CSV_COLUMNS
    assert csv_columns(records)[:15] == ("id", "source", "page", "article", "section", "unit", "headline",
                                         "section_title", "byline", "dateline", "body", "captions", "start", "end",
                                         "text")
    assert write_unit_records(records, tmp_path / "mixed.csv") == 48
    with open(tmp_path / "mixed.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["id"] == "single_article:a0" and rows[0]["report"] == ""
    assert rows[1]["id"] == "province/陕西省/2019:p0" and rows[1]["region"] == "陕西省" and rows[1]["year"] == "2019"
    assert write_unit_records(records, tmp_path / "mixed.jsonl") == 48
    lines = [json.loads(line) for line in (tmp_path / "mixed.jsonl").read_text("utf-8").splitlines()]
    assert lines[1] == {**records[1].to_json()} and list(lines[1])[:3] == ["id", "source", "report"]


# -- research segment on reports ----------------------------------------------------------------------------------
def test_cli_report_paragraphs_to_jsonl(tmp_path, capsys):
    out = tmp_path / "zz.jsonl"
    assert main(["segment", str(REPORTS / "zhengzhou_2023.md"), "-o", str(out)]) == 0
    stdout = capsys.readouterr().out
    row = next(line.split() for line in stdout.splitlines() if line.startswith(str(REPORTS)))
    assert row[1:5] == ["utf-8", "40", "24", str(sum(p["length"] for p in gold_of("zhengzhou_2023")["paragraphs"]))]
    assert "40 paragraph records; skipped 0 file(s)" in stdout and f"wrote 40 paragraph records to {out}" in stdout
    assert stdout.splitlines()[1].split() == ["report", "file", "encoding", "paragraphs", "sections", "chars"]
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert records[0]["id"] == "major_city/郑州市/2023:p0" and records[0]["source"] == str(REPORTS / "zhengzhou_2023.md")
    assert records[3]["subsection"] == "（一）精准施策稳增长，全力稳住经济大盘。" and records[3]["region"] == "郑州市"
    assert records[3]["level"] == "major_city" and records[3]["year"] == 2023 and records[3]["unit"] == "paragraph"
    text = (REPORTS / "zhengzhou_2023.md").read_text("utf-8")
    assert all(text[r["start"]:r["end"]].replace("**", "").strip()[:5] == r["text"][:5] for r in records)


def test_cli_report_sections_to_csv(tmp_path, capsys):
    out = tmp_path / "st.csv"
    assert main(["segment", str(REPORTS / "shantou_2023.md"), "--unit", "section", "-o", str(out)]) == 0
    assert "23 section records" in capsys.readouterr().out
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == REPORT_CSV_COLUMNS and len(rows) == 23
    assert rows[13]["subsection"] == "（一）凝心聚力推动经济发展稳中向好" and rows[13]["paragraphs"] == "18 19 20 21 22"
    assert rows[13]["id"] == "prefecture_city/汕头市/2023:s13" and rows[13]["kind"] == "section"


def test_cli_jsonl_to_stdout(capsys):
    assert main(["segment", str(REPORTS / "shaanxi_2019.md"), "--unit", "section", "-o", "-"]) == 0
    captured = capsys.readouterr()
    records = [json.loads(line) for line in captured.out.splitlines()]
    assert len(records) == 19 and records[-1]["paragraphs"] == [46] and "19 section records" in captured.err


@pytest.fixture
def mixed(tmp_path) -> Path:
    folder = tmp_path / "mixed"
    shutil.copytree(PAGES, folder / "pages")  # six good pages, three bad ones, a README.md
    shutil.copy(REPORTS / "shaanxi_2019.md", folder / "shaanxi_2019.md")
    text = (REPORTS / "shantou_2023.md").read_text("utf-8")
    (folder / "gbk").mkdir()
    (folder / "gbk" / "shantou_2023.md").write_bytes(text.replace("Ⅱ", "II").encode("gbk"))
    (folder / "bad_binary.md").write_bytes(b"%PDF-1.4\x00\x01")
    (folder / "bad_empty.md").write_bytes(b"  \n")
    return folder


def test_cli_folder_mixing_pages_and_reports(mixed, tmp_path, capsys, caplog):
    out = tmp_path / "all.jsonl"
    assert main(["segment", str(mixed), "-o", str(out)]) == 0
    stdout = capsys.readouterr().out
    assert "7 article records, 116 paragraph records; skipped 5 file(s)" in stdout
    assert "wrote 123 records (7 article records, 116 paragraph records)" in stdout
    lines = stdout.splitlines()
    assert lines[1].split() == ["file", "encoding", "articles", "sections", "chars", "captions"]
    assert lines[8].split()[:5] == ["total", "6", "files", "7", "10"]
    assert lines[9].split() == ["report", "file", "encoding", "paragraphs", "sections", "chars"]
    assert lines[12].split()[:5] == ["total", "2", "reports", "116", "42"] and "README" not in stdout
    for name, reason in [("bad_binary.md", "binary file (PDF)"), ("bad_empty.md", "empty file"),
                         ("binary.txt", "binary file"), ("empty.txt", "empty file"),
                         ("shift_jis.txt", "unknown encoding")]:
        assert f"{name}: {reason}" in stdout
        assert any(f"{name}: {reason}" in r.getMessage() for r in caplog.records if r.levelname == "WARNING")
    rows = {line.split()[0]: line.split() for line in stdout.splitlines() if line.endswith(tuple("0123456789"))}
    assert rows[str(mixed / "gbk" / "shantou_2023.md")][1:4] == ["gbk", "69", "23"]
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(records) == 123 and {r["unit"] for r in records} == {"article", "paragraph"}


def test_cli_folder_unit_paragraph_skips_pages(mixed, capsys):
    assert main(["segment", str(mixed), "--unit", "paragraph"]) == 0
    stdout = capsys.readouterr().out
    assert "116 paragraph records; skipped 11 file(s)" in stdout  # 6 pages + 3 bad pages + 2 bad reports
    assert "single_article.txt: unit paragraph does not fit a page" in stdout


def test_cli_unit_that_fits_no_input_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["segment", str(REPORTS / "shaanxi_2019.md"), "--unit", "article"])
    assert info.value.code == 2
    assert "--unit article fits none of the inputs" in capsys.readouterr().err


def test_cli_every_report_failing_exits_1(mixed, capsys):
    assert main(["segment", str(mixed / "bad_binary.md"), str(mixed / "bad_empty.md")]) == 1
    stdout = capsys.readouterr().out
    assert "0 article records; skipped 2 file(s)" in stdout
    assert "bad_binary.md: binary file (PDF), not a text page" in stdout


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("unit", ["paragraph", "section"])
def test_cli_segment_matches_the_gold_fixture(name, unit, tmp_path, capsys):
    """`research segment REPORT.md --unit paragraph|section` gives exactly the hand-checked fixture."""
    gold = gold_of(name)
    out = tmp_path / "records.jsonl"
    assert main(["segment", str(REPORTS / gold["file"]), "--unit", unit, "-o", str(out)]) == 0
    capsys.readouterr()
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    if unit == "paragraph":
        got = [{"index": r["index"], "section": r["section"], "subsection": r["subsection"], "kind": r["kind"],
                "starts": r["text"][:20], "ends": r["text"][-10:], "length": len(r["text"])} for r in records]
        assert got == gold["paragraphs"]
    else:
        got = [{"index": r["index"], "section": r["section"], "subsection": r["subsection"],
                "paragraphs": list(r["paragraphs"]), "length": len(r["text"])} for r in records]
        assert got == gold["sections"]
    assert all(r["id"] == f"{gold['report']}:{unit[0]}{r['index']}" and r["region"] == gold["region"]
               and r["level"] == gold["level"] and r["year"] == gold["year"] for r in records)
