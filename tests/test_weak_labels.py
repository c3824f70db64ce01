"""The weak-labelling rules on hand-written examples: thresholds, exclusions, matching, validation."""
from __future__ import annotations

import copy

import pytest
import yaml

from research.errors import DataError
from research.labels import LABELS, NONE_LABEL
from research.weak_labels import WeakLabeller, load_lexicon
from research.weak_labels.lexicon import builtin_rules_path, parse_lexicon
from research.weak_labels.matcher import TermMatcher

FILLER = "今天天气晴朗，各地群众在公园里散步、赏花，孩子们在草地上放风筝，老人们下棋聊天，一派祥和景象。"


@pytest.fixture(scope="module")
def labeller() -> WeakLabeller:
    return WeakLabeller.from_rules("builtin:v1")


def label(labeller, title, body, tags=""):
    return labeller.label(title, f"{title}\n{body}", tags)


# -- lexicon ---------------------------------------------------------------------------------------------------

def test_builtin_rules_load_with_hash():
    lex = load_lexicon("builtin:v1")
    assert lex.version == "v1"
    assert len(lex.sha256) == 64 and int(lex.sha256, 16) >= 0
    assert load_lexicon("builtin:v1").sha256 == lex.sha256  # hash of the file bytes: stable
    for lab in LABELS:
        assert lex.label_terms(lab), lab
    assert "体育项目" in lex.shields
    # a term may score for several labels (防汛 is a penalty for logistics and for livelihood)
    assert {lab for lab, _ in lex.terms["防汛"]} == {"logistics", "livelihood"}


def test_provisional_rules_still_load():
    assert load_lexicon("builtin:v0").version == "v0"


def test_unknown_builtin_and_missing_file_are_user_errors(tmp_path):
    with pytest.raises(DataError, match="no built-in"):
        load_lexicon("builtin:v999")
    with pytest.raises(DataError, match="not found"):
        load_lexicon(tmp_path / "nope.yaml")


@pytest.fixture(scope="module")
def raw_rules():
    return yaml.safe_load(builtin_rules_path("v1").read_text(encoding="utf-8"))


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["labels"].__setitem__("sports", {3.0: ["足球"]}), "unknown label"),
    (lambda d: d["labels"]["logistics"][3.0].append("中欧班列"), "listed twice"),
    (lambda d: d["labels"]["logistics"].__setitem__(0.0, ["某词"]), "weight 0"),
    (lambda d: d["thresholds"].__setitem__("min_scor", 3), "unknown key"),
    (lambda d: d.__setitem__("colour", "red"), "unknown top-level"),
    (lambda d: d["label_thresholds"].__setitem__("logistics", {"min_core": -1}), "non-negative"),
])
def test_invalid_rules_name_the_problem(raw_rules, mutate, message):
    data = copy.deepcopy(raw_rules)
    mutate(data)
    with pytest.raises(DataError, match=message):
        parse_lexicon(data, where="test.yaml")


# -- matcher ---------------------------------------------------------------------------------------------------

def test_matcher_is_leftmost_longest():
    m = TermMatcher(["教育", "主题教育", "党史", "党史学习教育", "学习"])
    found = [t for _, t in m.find("开展党史学习教育和主题教育，加强教育")]
    assert found == ["党史学习教育", "主题教育", "教育"]
    assert m.counts("教育教育")["教育"] == 2
    assert TermMatcher([]).find("任何文字") == []


# -- the decision rules ------------------------------------------------------------------------------------------

def test_single_passing_word_does_not_label(labeller):
    body = FILLER * 3 + "一位市民说，他曾经坐过中欧班列。" + FILLER * 3
    weak = label(labeller, "春日公园游人如织", body)
    assert "logistics" not in weak.labels
    assert weak.status in ("other", "unlabelled")


def test_dense_logistics_item_is_labelled_with_explanation(labeller):
    body = ("今天，第一千列中欧班列从郑州集结中心发车，满载汽车配件驶向汉堡。多式联运示范工程加快推进，"
            "国际陆港集疏运体系不断完善，跨境电商包裹数量创新高，保税物流中心业务量持续增长。")
    weak = label(labeller, "中欧班列开行突破一千列", body)
    assert weak.status == "labelled"
    assert weak.primary == "logistics" and "logistics" in weak.labels
    assert "中欧班列" in weak.explanation["fired"]["logistics"]
    assert weak.source == "rules:v1"


def test_density_threshold(labeller):
    """The same logistics evidence labels a short item but not one drowned in unrelated text."""
    evidence = "港口集装箱吞吐量增长，多式联运加快发展，物流园区建设提速。"
    short = label(labeller, "港口集装箱吞吐量增长", evidence)
    long = label(labeller, "各地见闻", FILLER * 25 + evidence + FILLER * 25)
    assert "logistics" in short.labels
    assert "logistics" not in long.labels
    assert long.explanation["density"]["logistics"] < short.explanation["density"]["logistics"]


def test_foreign_news_is_other(labeller):
    party_text = "纪检监察机关严肃查处违纪违法问题，全面从严治党，巡视巡察一体推进，党风廉政建设持续深化。" * 2
    by_tag = label(labeller, "某国政府宣布新政策", party_text, tags="国际资讯")
    by_title = label(labeller, "美国多地爆发抗议", party_text)
    by_lead = label(labeller, "议会通过预算案", "当地时间5日，该国议会通过预算案。" + party_text)
    roundup = label(labeller, "国际联播快讯", party_text)
    for weak in (by_tag, by_title, by_lead, roundup):
        assert weak.status == "other" and weak.labels == () and weak.primary == NONE_LABEL
        assert weak.explanation["rule"] == "foreign"


def test_domestic_item_with_foreign_news_tag_is_not_excluded(labeller):
    party_text = "纪检监察机关严肃查处违纪违法问题，全面从严治党，巡视巡察一体推进，党风廉政建设持续深化。" * 2
    weak = label(labeller, "国内联播快讯", party_text, tags="国际资讯")
    assert weak.explanation.get("rule") != "foreign"


def test_diplomacy_is_other(labeller):
    body = "双方表示将深化经贸合作，扩大相互投资，推动产业链供应链合作，欢迎企业投资兴业，加强重大项目合作。" * 2
    weak = label(labeller, "习近平会见某国总统", body)
    assert weak.status == "other" and weak.explanation["rule"] == "diplomacy"


def test_passenger_travel_is_not_logistics(labeller):
    body = ("春运期间全国铁路发送旅客突破一亿人次，各地铁路部门加开列车增加运力，客流持续高位运行，"
            "旅客出行平稳有序，车站推出便民服务。") * 2
    weak = label(labeller, "铁路客流创新高", body)
    assert "logistics" not in weak.labels


def test_party_building_item(labeller):
    body = ("中央纪委国家监委通报违反中央八项规定精神问题，各级纪检监察机关持之以恒纠治四风，"
            "推动全面从严治党向纵深发展，党员干部要严守政治纪律和政治规矩。")
    weak = label(labeller, "中央纪委通报八项规定问题", body)
    assert weak.primary == "party_building" and weak.status == "labelled"


def test_multi_label_and_primary(labeller):
    body = ("经开区举行重大项目集中签约仪式，总投资一百二十亿元的汽车零部件项目落地，招商引资成效明显，"
            "产业链龙头企业签约入驻产业园。同时，配套建设安置房一千四百套，回迁群众喜迁新居，"
            "新建学校和社区医院投入使用，安置小区养老服务中心开门迎客，就业岗位持续增加。")
    weak = label(labeller, "重大项目签约 安置房交付", body)
    assert weak.status == "labelled"
    assert set(weak.labels) >= {"investment", "livelihood"}
    assert weak.primary in weak.labels
    assert list(weak.labels) == [lab for lab in LABELS if lab in weak.labels]


def test_nothing_relevant_is_confidently_other(labeller):
    weather = "受冷空气影响，北方大部地区气温下降六到八摄氏度，南方部分地区有小到中雨，傍晚风力逐渐减弱。"
    weak = label(labeller, "全国大部地区天气晴好", weather * 3)
    assert weak.status == "other" and weak.primary == NONE_LABEL


def test_labeller_is_deterministic(labeller):
    body = "港口集装箱吞吐量增长，多式联运加快发展，物流园区建设提速。招商引资签约重大项目。"
    assert label(labeller, "标题", body) == label(labeller, "标题", body)
