"""A tiny Chinese toy corpus for tests and docs, in the spirit of gensim's ``common_texts``.

Twenty-four short, hand-written news sentences, six per label plus a few that carry two labels or none.
Small enough to read in one glance, big enough for every stage to fit in well under a second.
"""
from __future__ import annotations

from .records import Document

_TOY = [
    ("经开区党工委召开全面从严治党工作会议，部署党风廉政建设和纪检监察工作。", ["party_building"]),
    ("区委组织部开展党史学习教育，党员干部重温入党誓词，牢记使命。", ["party_building"]),
    ("统战工作会议强调，要凝聚党外知识分子和新的社会阶层人士合力。", ["party_building"]),
    ("基层党支部换届选举顺利完成，党组织战斗堡垒作用进一步增强。", ["party_building"]),
    ("纪工委通报违反中央八项规定精神典型问题，持续推进廉政教育。", ["party_building"]),
    ("宣传工作要守正创新，牢牢掌握意识形态工作领导权。", ["party_building"]),
    ("经开区举行重大项目集中签约仪式，总投资一百二十亿元的汽车零部件项目落地。", ["investment"]),
    ("招商引资再传捷报，新能源汽车产业链龙头企业签约入驻产业园。", ["investment"]),
    ("优化营商环境，为企业提供全流程帮办代办服务，项目审批时间压缩一半。", ["investment"]),
    ("上半年规模以上工业增加值同比增长百分之十五，固定资产投资稳步增长。", ["investment"]),
    ("经开区在全市开发区综合排名中位居第一，先进制造业集群加快成势。", ["investment"]),
    ("高端装备产业园二期开工建设，预计年产值突破五十亿元。", ["investment"]),
    ("第一千班中欧班列从郑州集结中心发车，满载汽车配件驶向汉堡。", ["logistics"]),
    ("功能性口岸建设提速，粮食口岸和肉类口岸查验场地统筹使用。", ["logistics"]),
    ("多式联运示范工程推进，国际陆港集疏运体系不断完善。", ["logistics"]),
    ("跨境电商进出口包裹数量创新高，保税物流中心业务量持续增长。", ["logistics"]),
    ("陆港型国家物流枢纽初步建成，冷链物流和智慧物流加快发展。", ["logistics"]),
    ("安置房建设稳步推进，一千四百套安置房交付使用，回迁群众喜迁新居。", ["livelihood"]),
    ("保交楼稳民生，经开区加快安置小区配套学校和医院建设。", ["livelihood"]),
    ("社区养老服务中心投入使用，老人在家门口就能享受医疗和助餐服务。", ["livelihood"]),
    ("春风行动招聘会提供三千个就业岗位，帮助高校毕业生就业创业。", ["livelihood"]),
    ("道路绿化提升工程完工，新建口袋公园十二个，居民出门见绿。", ["livelihood"]),
    ("以高质量党建引领项目建设，党员突击队奋战在重点项目一线。", ["party_building", "investment"]),
    ("市气象台预计明天有小雨，气温下降五度，请注意添衣保暖。", []),
]

TOY_TEXTS: list[str] = [text for text, _ in _TOY]
TOY_LABELS: list[list[str]] = [labels for _, labels in _TOY]


def toy_documents() -> list[Document]:
    """The toy corpus as Documents, dated across two years so that temporal splits work too."""
    docs = []
    for i, (text, labels) in enumerate(_TOY):
        year = 2023 if i % 3 else 2024
        docs.append(
            Document(
                id=f"toy_{i:02d}",
                text=text,
                labels=tuple(labels),
                primary=labels[0] if labels else "none",
                date=f"{year}-0{1 + i % 9}-1{i % 10}",
                label_status="labelled" if labels else "other",
                label_source="hand",
            )
        )
    return docs
