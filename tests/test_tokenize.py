"""JiebaTokenizer contract: estimator API, pickling, determinism across n_jobs, cache, filtering rules, backends.

No timing assertions here: speed lives in the benchmark report (`make bench`).
"""
from __future__ import annotations

import importlib.util
import pickle

import pytest
from sklearn.base import clone

import research.tokenize as tokmod
from research.tokenize import JiebaTokenizer, normalize_for_tokens

TEXTS = [
    "市委书记主持召开党建工作会议，强调加强基层党组织建设。",
    "经开区签约12个招商引资项目，总投资58.6亿元，其中外资项目3个。",
    "中欧班列（渝新欧）今年开行1500列，口岸通关效率提升30%。",
    "新建保障性住房2000套，PM2.5浓度下降，CCTV-7报道了民生工程。",
    "ＡＢＣ公司在自贸区设立２０２２年度物流枢纽。",
]
HAS_RJIEBA = importlib.util.find_spec("rjieba") is not None


def _many(n=300):
    return [f"{TEXTS[i % len(TEXTS)]}第{i}条" for i in range(n)]


def test_params_roundtrip_and_clone():
    tok = JiebaTokenizer(min_len=1, keep_numbers=True, n_jobs=2, backend="jieba")
    params = tok.get_params()
    assert params["min_len"] == 1 and params["keep_numbers"] is True and params["backend"] == "jieba"
    assert params["n_jobs"] == 2
    tok.set_params(min_len=3, hmm=False)
    assert tok.min_len == 3 and tok.hmm is False
    twin = clone(tok)
    assert twin.get_params() == tok.get_params()
    assert not hasattr(twin, "fingerprint_")


def test_default_uses_all_cores():
    assert JiebaTokenizer().n_jobs == -1


def test_init_stores_params_only():
    tok = JiebaTokenizer()
    assert not [k for k in vars(tok) if k.endswith("_")]
    tok.fit()
    assert {"user_words_", "stopwords_", "fingerprint_"} <= set(vars(tok))


def test_pickle_roundtrip_gives_same_tokens():
    tok = JiebaTokenizer(n_jobs=1).fit()
    again = pickle.loads(pickle.dumps(tok))
    assert again.transform(TEXTS) == tok.transform(TEXTS)
    # nothing callable (bound methods, lambdas, jieba objects) is stored on the estimator
    assert not [k for k, v in vars(tok).items() if callable(v)]


def test_deterministic_and_independent_of_n_jobs(monkeypatch):
    monkeypatch.setattr(tokmod, "_PARALLEL_MIN_CHARS", 0)  # force the pool even for this small input
    monkeypatch.setattr(tokmod, "_CHUNK", 7)
    texts = _many()
    one = JiebaTokenizer(n_jobs=1).fit().transform(texts)
    two = JiebaTokenizer(n_jobs=2).fit().transform(texts)
    assert one == two
    assert one == JiebaTokenizer(n_jobs=1).fit().transform(texts)


def test_streaming_blocks_and_generators(monkeypatch):
    monkeypatch.setattr(tokmod, "_BLOCK", 13)
    texts = _many(60)
    tok = JiebaTokenizer(n_jobs=1).fit()
    whole = tok.transform(texts)
    assert tok.transform(t for t in texts) == whole  # any iterable, consumed block by block
    assert list(tok.iter_transform(iter(texts))) == whole


def test_cache_hit_identical_and_does_not_resegment(tmp_path, monkeypatch):
    calls = {"n": 0}
    real = tokmod._cut_many

    def counting(texts, settings):
        calls["n"] += len(texts)
        return real(texts, settings)

    monkeypatch.setattr(tokmod, "_cut_many", counting)
    texts = _many(40)
    tok = JiebaTokenizer(n_jobs=1, cache_dir=str(tmp_path)).fit()
    first = tok.transform(texts)
    assert calls["n"] == len(texts)
    second = tok.transform(texts)
    assert second == first
    assert calls["n"] == len(texts)  # nothing segmented the second time
    # a fresh estimator with the same settings (another run) also hits the cache
    assert JiebaTokenizer(n_jobs=1, cache_dir=str(tmp_path)).fit().transform(texts) == first
    assert calls["n"] == len(texts)
    # partially new input: only the new texts are segmented
    tok.transform(texts + ["全新的一条新闻，讲述物流园区建设。"])
    assert calls["n"] == len(texts) + 1


def test_cache_key_depends_on_settings_and_dictionaries(tmp_path):
    base = JiebaTokenizer(cache_dir=str(tmp_path)).fit()
    other = JiebaTokenizer(cache_dir=str(tmp_path), min_len=1).fit()
    no_stop = JiebaTokenizer(cache_dir=str(tmp_path), stopwords=None).fit()
    custom = tmp_path / "dict.txt"
    custom.write_text("渝新欧\n", encoding="utf-8")
    dic = JiebaTokenizer(cache_dir=str(tmp_path), user_dict=str(custom)).fit()
    fps = {base.fingerprint_, other.fingerprint_, no_stop.fingerprint_, dic.fingerprint_}
    assert len(fps) == 4
    # cached tokens of one setting are never served to another
    a = base.transform(TEXTS)
    b = other.transform(TEXTS)
    assert a != b and b == JiebaTokenizer(min_len=1).fit().transform(TEXTS)


def test_filtering_rules():
    text = "2022年GDP增长15.7%，PM2.5下降，在的了我们经开区"
    default = JiebaTokenizer(n_jobs=1).fit().transform([text])[0]
    assert "2022" not in default and "15.7%" not in default  # numbers dropped by default
    assert "gdp" in default and "pm2.5" in default          # latin kept, lower-cased
    assert "经开区" in default                                 # user dictionary word kept whole
    assert all(len(t) >= 2 for t in default)                  # min_len=2 drops 的, 了, 在
    assert "我们" not in default                               # stopword
    numbers = JiebaTokenizer(n_jobs=1, keep_numbers=True).fit().transform([text])[0]
    assert "2022" in numbers
    no_latin = JiebaTokenizer(n_jobs=1, keep_latin=False).fit().transform([text])[0]
    assert "gdp" not in no_latin and "经开区" in no_latin
    single = JiebaTokenizer(n_jobs=1, min_len=1, stopwords=None).fit().transform([text])[0]
    assert "的" in single and "我们" in single
    assert not [t for t in single if not t.strip() or t in "，。、"]  # punctuation never kept


def test_filter_memo_matches_reference_filter():
    tok = JiebaTokenizer(n_jobs=1).fit()
    s = tok._settings()
    seg = tokmod._segmenter("jieba", s[1], s[2])
    for text in TEXTS:
        raw = tokmod.segment("jieba", seg, normalize_for_tokens(text), True)
        assert tokmod._filter(raw, s[3], s[4], s[5], s[6]) == tok.transform([text])[0]


def test_full_width_text_normalized():
    toks = JiebaTokenizer(n_jobs=1, keep_numbers=True).fit().transform([TEXTS[4]])[0]
    assert "abc" in toks and "2022" in toks


def test_type_errors():
    tok = JiebaTokenizer(n_jobs=1).fit()
    with pytest.raises(TypeError, match="single string"):
        tok.transform("一条新闻")
    with pytest.raises(TypeError, match="document 1"):
        tok.transform(["一条新闻", 3])


def test_bad_params_fail_at_fit():
    with pytest.raises(ValueError, match="min_len"):
        JiebaTokenizer(min_len=0).fit()
    with pytest.raises(ValueError, match="backend"):
        JiebaTokenizer(backend="thulac").fit()


def test_empty_input():
    assert JiebaTokenizer().fit().transform([]) == []


@pytest.mark.skipif(not HAS_RJIEBA, reason="rjieba not installed")
def test_rjieba_backend_agrees_and_has_its_own_cache_keys(tmp_path, monkeypatch):
    texts = _many(50)
    ref = JiebaTokenizer(n_jobs=1).fit()
    fast = JiebaTokenizer(n_jobs=1, backend="rjieba", cache_dir=str(tmp_path)).fit()
    assert fast.fingerprint_ != ref.fingerprint_
    a, b = ref.transform(texts), fast.transform(texts)
    same = sum(x == y for x, y in zip(a, b))
    assert same / len(texts) >= 0.9
    assert "经开区" in b[1]  # user dictionary loaded in the Rust segmenter too
    # CCTV-7 is split the way jieba splits it
    raw_fast = fast.transform(["CCTV-7报道"])[0]
    assert raw_fast == ref.transform(["CCTV-7报道"])[0]
    monkeypatch.setattr(tokmod, "_PARALLEL_MIN_CHARS", 0)
    assert JiebaTokenizer(n_jobs=2, backend="rjieba").fit().transform(texts) == b
    assert pickle.loads(pickle.dumps(fast)).transform(texts) == b


def test_config_passes_backend_and_n_jobs():
    from research.config import validate_config
    from research.pipeline import build_pipeline

    cfg = validate_config({"experiment": "t", "tokenize": {"backend": "jieba", "n_jobs": 1}})
    tok = build_pipeline(cfg).named_steps["tokens"]
    assert tok.backend == "jieba" and tok.n_jobs == 1
    assert validate_config({"experiment": "t"}).tokenize.n_jobs == -1


def test_cache_repeated_texts_get_independent_lists(tmp_path):
    tok = JiebaTokenizer(n_jobs=1, cache_dir=str(tmp_path)).fit()
    tok.transform([TEXTS[0]])
    out = tok.transform([TEXTS[0], TEXTS[0]])
    assert out[0] == out[1] and out[0] is not out[1]
