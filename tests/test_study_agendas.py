"""The agendas study (research/study/agendas*.py, `research agendas`): shares by hand, determinism, the CLI end to
end on synthetic report paragraphs (always) and on a slice of the real corpus (../shared), complete and atomic
output folders."""
from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import numpy as np
import pytest

from research.config import validate_config
from research.datasets.records import Document, write_jsonl
from research.labels import LABELS
from research.study.agendas import build_tables, collect_documents, rule_labels, run_agendas
from research.study.agendas_tables import (Paragraphs, group_rows, load_city_provinces, make_paragraphs,
                                           period_change, reports_of)

from conftest import CONFIGS, require_shared

CITIES = load_city_provinces()


def doc(report: str, n: int, text: str, labels=(), status=None) -> Document:
    level, region, year = report.split("/")
    return Document(id=f"{report}:p{n}", text=text, labels=tuple(labels), date=year,
                    label_status=status or ("labelled" if labels else "other"), label_source="hand",
                    meta={"corpus": "gov_reports", "region": region, "level": level, "year": int(year)})


# Four reports, ten paragraphs; lengths 10..100 so character shares can be checked by hand.
KF16, HN16, KF22, ZZ22 = ("prefecture_city/开封市/2016", "province/河南省/2016", "prefecture_city/开封市/2022",
                          "major_city/郑州市/2022")
HAND = [
    doc(KF16, 0, "a" * 10, ["logistics"]),
    doc(KF16, 1, "b" * 20, ["logistics", "investment"]),
    doc(KF16, 2, "c" * 30),
    doc(KF16, 3, "d" * 40, ["livelihood"]),
    doc(HN16, 0, "e" * 50, ["party_building"]),
    doc(HN16, 1, "f" * 60, status="unlabelled"),
    doc(KF22, 0, "g" * 70, ["logistics"]),
    doc(KF22, 1, "h" * 80, ["investment"]),
    doc(ZZ22, 0, "i" * 90),
    doc(ZZ22, 1, "j" * 100, ["logistics"]),
]


def hand_paragraphs() -> Paragraphs:
    from research.labels import to_indicator

    return make_paragraphs(HAND, to_indicator([d.labels for d in HAND]),
                           [d.label_status == "unlabelled" for d in HAND], "hand", CITIES)


def config(tmp_path: Path | None = None, **agendas):
    raw = {"experiment": "agendas_test", "seed": 0,
           "data": {"corpus": "labelled", "path": str(tmp_path / "reports.jsonl") if tmp_path else "x",
                    "rules": "builtin:v2"},
           "tokenize": {"backend": "rjieba", "n_jobs": 1, "cache": False},
           "features": {"lda": {"engine": "tomotopy", "iterations": 20, "min_df": 1, "max_df": 1.0,
                                "max_features": None}},
           "agendas": {"province": "河南省", "periods": [[2016, 2018], [2021, 2023]], "n_boot": 200,
                       "n_topics": 4, "regions": ["郑州市", "河南省"], **agendas}}
    return validate_config(raw)


# --------------------------------------------------------------------------- exact numbers


def test_label_shares_by_hand():
    par = hand_paragraphs()
    assert list(par.province) == ["河南省"] * 10 and par.chars.tolist() == list(range(10, 101, 10))
    rows = {(r["level"], r["year"]): r for r in group_rows(par, ["level", "year"], min_reports=2)}
    r = rows[("prefecture_city", 2016)]
    assert (r["n_reports"], r["n_paragraphs"], r["n_chars"], r["thin"]) == (1, 4, 100, True)
    assert r["share_logistics"] == 0.5 and r["share_investment"] == 0.25 and r["share_livelihood"] == 0.25
    assert r["share_party_building"] == 0.0 and r["share_no_label"] == 0.25 and r["share_unlabelled"] == 0.0
    assert r["char_share_logistics"] == 0.3 and r["char_share_livelihood"] == 0.4
    (all16,) = group_rows(par, ["year"], par.year == 2016, min_reports=2, fixed={"level": "all"})
    assert (all16["level"], all16["n_reports"], all16["n_paragraphs"], all16["thin"]) == ("all", 2, 6, False)
    assert all16["share_logistics"] == round(2 / 6, 6) and all16["share_party_building"] == round(1 / 6, 6)
    assert all16["share_no_label"] == round(2 / 6, 6) and all16["share_unlabelled"] == round(1 / 6, 6)
    assert all16["char_share_logistics"] == round(30 / 210, 6) and all16["label_source"] == "hand"


def test_tables_by_hand():
    par = hand_paragraphs()
    t = build_tables(par, config(min_reports=1))
    cities = {(r["group"], r["region"], r["year"]): r for r in t["label_shares_province_cities"]}
    pooled = cities[("all cities", "河南省 cities", 2022)]  # 开封 and 郑州 2022: logistics in 2 of 4 paragraphs
    assert (pooled["n_reports"], pooled["n_paragraphs"], pooled["share_logistics"]) == (2, 4, 0.5)
    assert cities[("provincial report", "河南省", 2016)]["share_party_building"] == 0.5
    assert ("city", "郑州市", 2022) in cities and ("all cities", "河南省 cities", 2016) in cities
    assert {r["region"] for r in t["label_shares_by_year_region"]} == {"郑州市", "河南省"}
    assert {r["region"] for r in t["label_shares_by_region_year"]} == {"河南省"}  # heatmap_levels: [province]
    reports = {r["report"]: r for r in t["report_shares"]}
    assert reports[ZZ22]["share_logistics"] == 0.5 and reports[KF16]["n_paragraphs"] == 4
    rise = {(r["scope"], r["name"]): r for r in t["rise_fall"]}
    r = rise[("all", "logistics")]  # 2016: 2 of 6, 2022: 2 of 4
    assert (r["share_a"], r["share_b"], r["delta"]) == (round(2 / 6, 6), 0.5, round(0.5 - 2 / 6, 6))
    assert (r["n_reports_a"], r["n_reports_b"], r["n_paragraphs_a"], r["n_paragraphs_b"]) == (2, 2, 6, 4)
    assert r["delta_lo"] <= r["delta"] <= r["delta_hi"]
    panel = rise[("panel", "logistics")]  # only 开封市 reported in both periods: 2 of 4 -> 1 of 2
    assert (panel["share_a"], panel["share_b"], panel["n_reports_a"]) == (0.5, 0.5, 1)
    assert rise[("河南省 cities", "investment")]["share_b"] == 0.25
    assert {s for s, _ in rise} == {"all", "panel", "province", "major_city", "prefecture_city", "河南省 cities"}


def test_period_change_bootstrap():
    # every report of a period has the same share: the interval collapses onto the difference
    counts = np.array([[1.0], [2.0], [3.0], [6.0]])
    n = np.array([4, 8, 4, 8])
    years = np.array([2016, 2017, 2022, 2023])
    res = period_change(counts, n, years, [[2016, 2019], [2021, 2025]], n_boot=300, seed=1)
    assert res["share_a"][0] == 0.25 and res["share_b"][0] == 0.75 and res["delta"][0] == 0.5
    assert res["lo"][0] == pytest.approx(0.5) and res["hi"][0] == pytest.approx(0.5)
    # pooled, not a mean of report shares: (1 + 1) / (4 + 2) ; and seeded
    res = period_change(np.array([[1.0], [1.0], [0.0]]), np.array([4, 2, 5]), np.array([2016, 2017, 2022]),
                        [[2016, 2019], [2021, 2025]], n_boot=500, seed=3)
    assert res["share_a"][0] == pytest.approx(2 / 6)
    again = period_change(np.array([[1.0], [1.0], [0.0]]), np.array([4, 2, 5]), np.array([2016, 2017, 2022]),
                          [[2016, 2019], [2021, 2025]], n_boot=500, seed=3)
    assert res["lo"][0] == again["lo"][0] and res["hi"][0] == again["hi"][0]
    assert res["delta"][0] == pytest.approx(-1 / 3) and res["lo"][0] < res["delta"][0] < res["hi"][0]


def test_reports_and_empty_period():
    rep = reports_of(hand_paragraphs())
    assert rep.ids == sorted([KF16, HN16, KF22, ZZ22]) and rep.n_paragraphs.sum() == 10
    res = period_change(rep.label_counts, rep.n_paragraphs, rep.year, [[2000, 2001], [2016, 2022]], n_boot=10)
    assert np.isnan(res["share_a"]).all() and res["n_reports_a"] == 0 and np.isnan(res["lo"]).all()


def test_city_table():
    assert len(CITIES) == 296
    henan = {c for c, p in CITIES.items() if p == "河南省"}
    assert {"郑州市", "开封市", "洛阳市"} - henan == {"洛阳市"}  # 洛阳 has no report in the corpus
    assert len(henan) == 16 and CITIES["重庆市"] == "重庆市" and CITIES["恩施土家族苗族自治州"] == "湖北省"
    assert {c for c, p in CITIES.items() if p == "陕西省"} == {"西安市", "咸阳市", "安康市", "宝鸡市", "汉中市", "铜川市"}


def test_rules_are_reused_only_when_they_match():
    Y, abstained, info = rule_labels(HAND, "builtin:v2", header={})  # no header: labelled again by the rules
    assert info["kind"] == "rules" and info["source"] == "rules:v2" and "not a trained model" in info["describe"]
    assert Y.sum() == 0 and Y.shape == (10, 4)  # "aaaa..." carries no label for the rules
    from research.weak_labels import make_labeller

    Y, abstained, _ = rule_labels(HAND, "builtin:v2", header={"rules_sha256": make_labeller("builtin:v2").sha256})
    assert Y[1].tolist() == [0, 1, 1, 0] and abstained.tolist() == [False] * 5 + [True] + [False] * 4


def test_collect_filters_and_rejects_news(tmp_path):
    news = Document(id="20250101_001", text="新闻", meta={"corpus": "xwlb"})
    cfg = config(tmp_path)
    cfg.data.years = [2020, 2025]
    docs, info = collect_documents(cfg, documents=HAND + [news])
    assert [d.id for d in docs] == [d.id for d in HAND[6:]] and info["paragraphs"] == 4
    from research.errors import DataError

    with pytest.raises(DataError, match="no government-report paragraphs"):
        collect_documents(cfg, documents=[news])


# --------------------------------------------------------------------------- end to end on synthetic reports

SENTENCES = {
    "logistics": "加快中欧班列集结中心建设，中欧班列开行数量增长，航空港和铁路口岸功能完善，多式联运物流枢纽建设加快。",
    "investment": "大力开展招商引资，全年签约重大项目{n}个，总投资380亿元，产业园区新开工项目建设加快。",
    "party_building": "坚定不移推进全面从严治党，落实党风廉政建设责任制，严格执行中央八项规定精神，持续纠治四风。",
    "livelihood": "新建改建义务教育学校{n}所，建成保障性安居工程住房5000套，新增城镇就业4万人，医疗卫生服务能力提升。",
    "none": "现在，我代表市人民政府，向大会报告工作，请予审议，并请市政协委员和其他列席人员提出意见。",
}
PLACES = [("prefecture_city", "开封市"), ("prefecture_city", "新乡市"), ("major_city", "郑州市"),
          ("province", "河南省"), ("major_city", "武汉市"), ("prefecture_city", "宜昌市")]


def synthetic_reports() -> list[Document]:
    """Reports 2016-2023 of six places; logistics paragraphs grow after 2020, livelihood ones shrink."""
    docs = []
    for p, (level, region) in enumerate(PLACES):
        for year in range(2016, 2024):
            mix = ["investment", "party_building", "none", "livelihood"]
            mix += ["logistics", "logistics"] if year >= 2021 else ["livelihood", "logistics" if p % 2 else "none"]
            for n, label in enumerate(mix):
                docs.append(Document(id=f"{level}/{region}/{year}:p{n}", text=SENTENCES[label].format(n=n + year % 7),
                                     date=str(year), meta={"corpus": "gov_reports", "region": region, "level": level,
                                                           "year": year}))
    return docs


@pytest.fixture()
def synthetic_config(tmp_path):
    write_jsonl(tmp_path / "reports.jsonl", (d.to_json() for d in synthetic_reports()))
    path = tmp_path / "agendas.yaml"
    path.write_text(
        "extends: {}\nexperiment: agendas_test\ndata: {{corpus: labelled, path: {}, rules: builtin:v2, "
        "years: [2016, 2023]}}\ntokenize: {{n_jobs: 1, cache: false}}\n"
        "features:\n  lda: {{engine: tomotopy, iterations: 20, min_df: 1, max_df: 1.0}}\n"
        "agendas: {{n_topics: 3, n_boot: 200, periods: [[2016, 2019], [2021, 2023]], regions: [郑州市, 河南省]}}\n"
        .format(CONFIGS / "agendas.yaml", tmp_path / "reports.jsonl"), encoding="utf-8")
    return path


EXPECTED = {"agendas.md", "summary.json", "config.yaml", "env.json", "run.log", "paragraphs.csv.gz",
            "label_shares_by_year_level.csv", "label_shares_by_year_region.csv", "label_shares_province_cities.csv",
            "label_shares_by_region_year.csv", "rise_fall.csv", "report_shares.csv", "topics.csv",
            "topic_shares_by_year_level.csv", "figures/label_share_by_year_level.png",
            "figures/province_cities_logistics.png", "figures/heatmap_logistics_province_cities.png",
            "figures/heatmap_logistics_by_region_year.png", "figures/rise_fall.png",
            "figures/topic_shares_by_year.png", "figures/topic_movers_by_year.png"}


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_cli_end_to_end_on_synthetic_reports(synthetic_config, tmp_path, capsys):
    from research.cli import main

    assert main(["agendas", str(synthetic_config), "--results", str(tmp_path / "results")]) == 0
    printed = capsys.readouterr().out
    assert "weak-labelling rules builtin:v2" in printed and "written to" in printed
    (out,) = (tmp_path / "results" / "agendas_test").iterdir()
    assert not out.name.startswith(".partial-")
    files = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    assert EXPECTED <= files
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert set(summary["files"]) == files and summary["labels"]["source"] == "rules:v2"
    assert summary["counts"] == {"paragraphs": 288, "reports": 48, "regions": 6, "years": list(range(2016, 2024)),
                                 "by_level": {"major_city": 96, "prefecture_city": 144, "province": 48}}
    for name in files:
        if name.startswith("label_shares") or name == "rise_fall.csv":
            rows = read_csv(out / name)
            assert rows and {r.get("label_source", r.get("source")) for r in rows} >= {"rules:v2"}, name
    md = (out / "agendas.md").read_text(encoding="utf-8")
    assert "**Labels: weak-labelling rules builtin:v2" in md and "河南省 cities" in md
    rise = {(r["scope"], r["name"]): r for r in read_csv(out / "rise_fall.csv")}
    logistics = rise[("all", "logistics")]  # 2016-19: 1 paragraph in 3 of 6 places (12 of 144); 2021-23: 2 of 6
    assert float(logistics["share_a"]) == round(1 / 12, 6) and float(logistics["share_b"]) == round(1 / 3, 6)
    assert float(logistics["delta_lo"]) > 0 and float(rise[("all", "livelihood")]["delta_hi"]) < 0
    with gzip.open(out / "paragraphs.csv.gz", "rt", encoding="utf-8") as fh:
        paragraphs = list(csv.DictReader(fh))
    assert len(paragraphs) == 288 and paragraphs[0]["province"] == "河南省" and paragraphs[0]["top_topic"]


def test_same_config_same_tables(synthetic_config, tmp_path):
    from research.config import load_config

    cfg = load_config(synthetic_config)
    a = run_agendas(cfg, str(synthetic_config), results_dir=tmp_path / "a", progress=False).out_dir
    b = run_agendas(cfg, str(synthetic_config), results_dir=tmp_path / "b", progress=False).out_dir
    for name in sorted(EXPECTED):
        if name.endswith((".csv", ".gz", ".md")):
            assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_failed_run_leaves_only_a_partial_folder(synthetic_config, tmp_path, monkeypatch):
    from research.config import load_config
    from research.study import agendas_report

    def boom(*args, **kwargs):
        raise RuntimeError("figure failed")

    monkeypatch.setattr(agendas_report, "write_figures", boom)
    with pytest.raises(RuntimeError, match="figure failed"):
        run_agendas(load_config(synthetic_config), str(synthetic_config), results_dir=tmp_path / "r", progress=False)
    folders = list((tmp_path / "r" / "agendas_test").iterdir())
    assert len(folders) == 1 and folders[0].name.startswith(".partial-")
    assert "figure failed" in (folders[0] / "run.log").read_text(encoding="utf-8")


def test_topics_off_and_k_from_a_sweep(synthetic_config, tmp_path):
    from research.config import load_config

    res = run_agendas(load_config(synthetic_config, ["agendas.topics=false", "output.figures=false"]),
                      str(synthetic_config), results_dir=tmp_path / "r", progress=False)
    assert not (res.out_dir / "topics.csv").exists() and "topic" not in {r["kind"] for r in res.tables["rise_fall"]}
    sweep = tmp_path / "sweep"
    sweep.mkdir()
    (sweep / "sweep.json").write_text(json.dumps({"recommended": {"k": 2, "reason": "test"}}), encoding="utf-8")
    res = run_agendas(load_config(synthetic_config, [f"agendas.sweep={sweep}", "output.figures=false"]),
                      str(synthetic_config), results_dir=tmp_path / "r", progress=False)
    assert res.summary["topics"]["k"] == 2 and "topic sweep" in res.summary["topics"]["k_origin"]


@pytest.mark.slow
def test_labels_from_a_trained_model(synthetic_config, tmp_path_factory, tmp_path):
    from test_model_api import toy_run

    from research.config import load_config

    run_dir = toy_run(tmp_path_factory)
    res = run_agendas(load_config(synthetic_config, ["agendas.topics=false"]), str(synthetic_config),
                      results_dir=tmp_path, model=str(run_dir), progress=False)
    assert res.summary["labels"]["kind"] == "model" and res.summary["labels"]["source"].startswith("model:toy/")
    assert "trained model" in res.text and "rules abstained" in res.text
    rows = res.tables["label_shares_by_year_level"]
    assert {r["label_source"] for r in rows} == {res.summary["labels"]["source"]}
    assert all(r["share_unlabelled"] == 0.0 for r in rows)


def test_config_section_is_strict():
    from research.errors import ConfigError

    with pytest.raises(ConfigError, match="agendas.heatmap_label: unknown key"):
        validate_config({"experiment": "x", "agendas": {"heatmap_label": "logistics"}})
    with pytest.raises(ConfigError, match="first period must end before"):
        validate_config({"experiment": "x", "agendas": {"periods": [[2016, 2021], [2020, 2025]]}})
    with pytest.raises(ConfigError, match="agendas.label"):
        validate_config({"experiment": "x", "agendas": {"label": "ports"}})


# --------------------------------------------------------------------------- the real corpus


@pytest.mark.shared
@pytest.mark.slow
def test_cli_on_a_slice_of_the_report_corpus(tmp_path):
    require_shared("data", "gov_reports", "gov_reports_to2025.jsonl.gz")
    from research.cli import main

    args = ["agendas", str(CONFIGS / "agendas.yaml"), "--results", str(tmp_path),
            "--set", "data.regions=[河南省, 郑州市, 开封市, 新乡市, 湖北省, 武汉市]", "--set", "data.years=[2016, 2023]",
            "--set", "agendas.n_topics=5", "--set", "features.lda.iterations=20", "--set", "agendas.n_boot=100"]
    assert main(args) == 0
    (out,) = (tmp_path / "agendas").iterdir()
    assert EXPECTED <= {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    rows = read_csv(out / "label_shares_province_cities.csv")
    assert {r["region"] for r in rows} >= {"河南省 cities", "郑州市", "河南省"}
    assert all(int(r["n_paragraphs"]) > 0 and int(r["n_reports"]) > 0 for r in rows)


@pytest.mark.shared
def test_every_city_of_the_corpus_has_a_province():
    path = require_shared("data", "gov_reports", "gov_reports_to2025.jsonl.gz")
    from research.datasets.gov_reports import iter_reports

    cities = {r["region"] for r in iter_reports(path) if r["level"] in ("major_city", "prefecture_city")}
    assert cities == set(CITIES)


def test_paragraphs_labelled_again_get_the_report_thresholds():
    """One clause about 中欧班列 carries a report paragraph (not a news item): relabelling must use the report genre."""
    text = "开放水平进一步提升。对沿线国家和地区出口增长12%，中欧（厦门）国际班列实现常态化运营，新增对外投资增长61.6%。"
    doc = Document(id="major_city/厦门市/2019:p3", text=text,
                   meta={"corpus": "gov_reports", "region": "厦门市", "level": "major_city", "year": 2019})
    Y, _, _ = rule_labels([doc], "builtin:v2", header={})
    assert Y[0, LABELS.index("logistics")] == 1
