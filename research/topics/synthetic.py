"""A synthetic token corpus with known topics, for tests and examples (no jieba, no files, instant)."""
from __future__ import annotations

import numpy as np

THEMES = {
    "party_building": ["党建", "党员", "纪检", "廉政", "巡视", "党组织", "干部", "学习教育", "作风", "监督"],
    "investment": ["招商", "签约", "项目", "产业园", "投资", "企业", "制造业", "营商环境", "产业链", "开工"],
    "logistics": ["中欧班列", "口岸", "物流", "集装箱", "港口", "货运", "跨境电商", "枢纽", "多式联运", "冷链"],
    "livelihood": ["安置房", "学校", "医院", "就业", "养老", "社区", "绿化", "公园", "医保", "住房"],
}
COMMON = ["工作", "建设", "发展", "推进", "会议"]


def synthetic_corpus(n_docs: int = 200, doc_len: int = 40, seed: int = 0) -> tuple[list[list[str]], list[str]]:
    """(token lists, main theme per document): each document mixes mostly one theme, a little of another, and
    some common words."""
    rng = np.random.default_rng(seed)
    names = list(THEMES)
    docs, themes = [], []
    for _ in range(n_docs):
        main, other = rng.choice(len(names), 2, replace=False)
        tokens = []
        for _ in range(doc_len):
            u = rng.random()
            if u < 0.75:
                tokens.append(str(rng.choice(THEMES[names[main]])))
            elif u < 0.9:
                tokens.append(str(rng.choice(THEMES[names[other]])))
            else:
                tokens.append(str(rng.choice(COMMON)))
        docs.append(tokens)
        themes.append(names[main])
    return docs, themes
