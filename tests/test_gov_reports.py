"""Government work reports as a corpus: filters, units, weak labels of the report genre, mixed corpora."""
from __future__ import annotations

import gzip
import json

import pytest

from research.config import validate_config
from research.datasets.gov_reports import (GENRE, iter_reports, load_gov_reports_labelled, report_to_units)
from research.datasets.loading import load_corpus, source_of
from research.errors import ConfigError, DataError

REPORT = """——2023年1月4日在某市第十六届人民代表大会第一次会议上

**某市人民政府市长 张 三**

各位代表：

现在，我代表市人民政府向大会报告工作，请予审议。

**一、2022年工作回顾**

（一）扩大开放。中欧班列开行1000列，增长20%，新开通国际货运航线3条，航空港货邮吞吐量突破60万吨，多式联运体系加快完善。

重点抓了以下工作：

（二）增进民生福祉。新建安置房2万套，新增学位1.2万个，城镇新增就业8万人，建成口袋公园30个，医疗卫生服务能力持续提升。

**二、加强政府自身建设**

全面加强党风廉政建设，严格落实中央八项规定精神，持之以恒纠治“四风”，坚决整治形式主义、官僚主义，一体推进不敢腐、不能腐、不想腐。

**名词解释**

1.“三标”活动：指标杆、标准、标志活动，是本市推进高质量发展的工作载体和抓手之一。
"""


def _write_reports(path, reports):
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for r in reports:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


@pytest.fixture()
def reports_file(tmp_path):
    return _write_reports(tmp_path / "reports.jsonl.gz", [
        {"id": "major_city/某市/2023", "level": "major_city", "region": "某市", "year": 2023, "text": REPORT},
        {"id": "province/某省/2012", "level": "province", "region": "某省", "year": 2012, "text": REPORT},
        {"id": "prefecture_city/某州/2019", "level": "prefecture_city", "region": "某州", "year": 2019, "text": REPORT},
    ])


def test_units_skip_glossary_and_one_line_connectives():
    units = report_to_units({"id": "r/x/2023", "region": "x", "level": "major_city", "year": 2023, "text": REPORT})
    texts = [u.text for u in units]
    assert [u.id for u in units] == ["r/x/2023:p1", "r/x/2023:p3", "r/x/2023:p4"]  # p0 and p2 are too short
    assert not any("三标" in t for t in texts), "glossary entries are not statements of policy"
    assert units[0].section == "一、2022年工作回顾" and units[0].subsection.startswith("（一）扩大开放")
    assert units[2].section == "二、加强政府自身建设" and units[2].subsection == ""


def test_filters_by_level_region_and_years(reports_file):
    assert [r["id"] for r in iter_reports(reports_file, levels=["province"])] == ["province/某省/2012"]
    assert [r["id"] for r in iter_reports(reports_file, regions=["某州"])] == ["prefecture_city/某州/2019"]
    assert [r["year"] for r in iter_reports(reports_file, years=[2013, 2023])] == [2023, 2019]
    with pytest.raises(DataError, match="not found"):
        list(iter_reports(reports_file.parent / "missing.jsonl.gz"))


def test_weak_labels_use_the_report_genre(reports_file):
    header, docs = load_gov_reports_labelled(reports_file, rules="builtin:v2", years=[2023, 2023])
    by_text = {d.text[:5]: d for d in docs}
    assert by_text["（一）扩大"].labels == ("logistics",)
    assert set(by_text["（二）增进"].labels) == {"livelihood"}
    assert by_text["全面加强党"].labels == ("party_building",)
    assert all(d.meta["corpus"] == "gov_reports" and d.date == "2023" for d in docs)
    assert header["rules_version"] == "v2" and header["filters"]["years"] == [2023, 2023]
    assert header["counts"]["documents"] == 3


def test_mixed_corpus_keeps_every_document_source(tmp_path, reports_file):
    news = tmp_path / "xwlb.jsonl.gz"
    with gzip.open(news, "wt", encoding="utf-8") as fh:
        for i in range(4):
            fh.write(json.dumps({"id": f"2024010{i}_001", "date": f"2024-01-0{i + 1}", "title": "中欧班列开行",
                                 "tag": "", "content": "中欧班列（郑州）今天开行第1000列，多式联运物流枢纽建设加快。"},
                                ensure_ascii=False) + "\n")
    config = validate_config({"experiment": "m", "data": {"corpus": "mixed", "rules": "builtin:v2", "parts": [
        {"corpus": "xwlb", "path": str(news)},
        {"corpus": "gov_reports", "path": str(reports_file), "unit": "paragraph", "sample": 5}]}})
    corpus = load_corpus(config.data, seed=0)
    sources = [source_of(d) for d in corpus.documents]
    assert sources.count("xwlb") == 4 and sources.count("gov_reports") == 5
    assert [p["corpus"] for p in corpus.fingerprint["parts"]] == ["xwlb", "gov_reports"]
    assert corpus.header["rules_version"] == "v2"
    again = load_corpus(config.data, seed=0)
    assert [d.id for d in again.documents] == [d.id for d in corpus.documents], "seeded sample is stable"
    other_seed = load_corpus(config.data, seed=1)
    assert {d.id for d in other_seed.documents} != {d.id for d in corpus.documents}


def test_mixed_corpus_refuses_colliding_ids(reports_file):
    config = validate_config({"experiment": "m", "data": {"corpus": "mixed", "parts": [
        {"corpus": "gov_reports", "path": str(reports_file)}, {"corpus": "gov_reports", "path": str(reports_file)}]}})
    with pytest.raises(DataError, match="appears in two parts"):
        load_corpus(config.data)


def test_config_parts_only_with_mixed():
    with pytest.raises(ConfigError, match="needs data.parts"):
        validate_config({"experiment": "m", "data": {"corpus": "mixed"}})
    with pytest.raises(ConfigError, match="only read with data.corpus: mixed"):
        validate_config({"experiment": "m", "data": {"corpus": "xwlb", "parts": [{"corpus": "xwlb"}]}})
    with pytest.raises(ConfigError, match="levels"):
        validate_config({"experiment": "m", "data": {"corpus": "gov_reports", "levels": ["county"]}})


def test_gov_reports_unit_must_fit(reports_file):
    config = validate_config({"experiment": "m", "data": {"corpus": "gov_reports", "path": str(reports_file),
                                                          "unit": "page"}})
    with pytest.raises(DataError, match="paragraph or section"):
        load_corpus(config.data)


def test_genre_constant_is_a_genre_of_the_shipped_rules():
    from research.weak_labels import load_lexicon

    assert GENRE in load_lexicon("builtin:v2").genre_thresholds
