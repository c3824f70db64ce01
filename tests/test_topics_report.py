"""write_topic_report: files, content, an offline HTML view, speed on a sample-sized corpus."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import replace

import numpy as np
import pytest

from research.datasets import Document
from research.datasets.toy import toy_documents
from research.topics import LdaTopics
from research.topics.reading import frex, relevance, topic_map
from research.topics.report import write_topic_report
from research.topics.synthetic import synthetic_corpus
from research.topics.view import render_view


@pytest.fixture(scope="module")
def fitted():
    tokens, themes = synthetic_corpus(n_docs=120, doc_len=30, seed=3)
    docs = [Document(id=f"d{i:03d}", text=" ".join(t), title=f"标题{i}", labels=(theme,) if i % 5 else (),
                     date=f"{2015 + i % 4}-03-01", label_status="labelled" if i % 5 else "other")
            for i, (t, theme) in enumerate(zip(tokens, themes))]
    lda = LdaTopics(n_topics=4, engine="tomotopy", iterations=50, min_df=2, max_df=0.9, random_state=0).fit(tokens)
    return lda, docs, tokens


def test_report_files_and_summary(fitted, tmp_path):
    lda, docs, tokens = fitted
    summary = write_topic_report(lda, docs, tokens, tmp_path, top_n=8)
    for name in ("topics.json", "topics.md", "topics.html", "figures/topic_share_by_year.png",
                 "figures/topic_share_by_label.png"):
        assert (tmp_path / name).is_file(), name
        assert name in summary["files"]
    assert summary["n_topics"] == 4 and summary["n_documents"] == len(docs)
    data = json.loads((tmp_path / "topics.json").read_text(encoding="utf-8"))
    assert data["years"] == ["2015", "2016", "2017", "2018"]
    assert "none" in data["labels"] and "logistics" in data["labels"]
    assert abs(sum(t["prevalence"] for t in data["topics"]) - 1.0) < 1e-3
    for t in data["topics"]:
        assert len(t["words"]) == 8 and all(0 < w["prob"] <= 1 for w in t["words"])
        probs = [w["prob"] for w in t["words"]]
        assert probs == sorted(probs, reverse=True)
        assert len(t["frex"]) == 8 and len(t["relevance"]) == 8
        assert 1 <= len(t["documents"]) <= 5
        shares = [d["share"] for d in t["documents"]]
        assert shares == sorted(shares, reverse=True)
        assert len(t["share_by_year"]) == 4 and len(t["share_by_label"]) == len(data["labels"])
    md = (tmp_path / "topics.md").read_text(encoding="utf-8")
    assert "| topic | share |" in md and "topic_00" in md


@pytest.mark.slow
def test_report_is_deterministic(fitted, tmp_path):
    lda, docs, tokens = fitted
    write_topic_report(lda, docs, tokens, tmp_path / "a")
    write_topic_report(lda, docs, tokens, tmp_path / "b")
    for name in ("topics.json", "topics.md", "topics.html"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def _external_refs(html: str) -> list[str]:
    tags = re.findall(r"<(?:script|link|img|iframe|source|embed|object)\b[^>]*>", html, flags=re.I)
    refs = [t for t in tags if re.search(r"(?:src|href|data)\s*=\s*[\"']?\s*(?:https?:)?//", t, flags=re.I)]
    refs += re.findall(r"@import|url\(\s*[\"']?\s*(?:https?:)?//", html, flags=re.I)
    return refs


def test_html_view_is_self_contained(fitted, tmp_path):
    lda, docs, tokens = fitted
    write_topic_report(lda, docs, tokens, tmp_path)
    html = (tmp_path / "topics.html").read_text(encoding="utf-8")
    assert _external_refs(html) == []
    assert "http://" not in html and "https://" not in html
    assert not re.search(r"<script[^>]*\bsrc=", html) and not re.search(r"<link\b", html)
    assert "topic-data" in html and "function select" in html


def test_html_data_cannot_break_out_of_its_script_tag(tmp_path):
    data = {"model": {"engine": "x", "n_topics": 1, "vocabulary_size": 1, "seeded": False}, "n_documents": 1,
            "relevance_lambda": 0.6, "years": [], "labels": [], "documents_per_label": [],
            "topics": [{"name": "</script><script>alert(1)</script>", "words": []}]}
    html = render_view(data)
    assert html.count("</script>") == 2  # the data block's and the code's own closing tags only
    assert "alert(1)</script>" not in html


@pytest.mark.slow
def test_report_on_toy_corpus_with_jieba(tmp_path):
    from research.tokenize import JiebaTokenizer

    docs = toy_documents()
    tokens = JiebaTokenizer().fit_transform([d.text for d in docs])
    lda = LdaTopics(n_topics=3, engine="gensim", min_df=1, max_df=1.0, passes=5).fit(tokens)
    summary = write_topic_report(lda, docs, tokens, tmp_path)
    assert len(summary["top_words"]) == 3


def test_report_handles_documents_without_dates_labels_or_known_words(fitted, tmp_path):
    lda, docs, tokens = fitted
    odd = [replace(docs[0], id="x1", date=None, labels=()), replace(docs[1], id="x2", date="", title="")]
    summary = write_topic_report(lda, odd, [["未知词"], []], tmp_path)
    data = json.loads((tmp_path / "topics.json").read_text(encoding="utf-8"))
    assert summary["n_documents"] == 2 and data["years"] == []


def test_reading_helpers():
    rng = np.random.default_rng(0)
    phi = rng.dirichlet(np.ones(30), size=5)
    p_w = phi.mean(axis=0)
    f = frex(phi)
    assert f.shape == phi.shape and np.all((f > 0) & (f <= 1))
    np.testing.assert_allclose(relevance(phi, p_w, 1.0), np.log(phi))
    xy = topic_map(phi)
    assert xy.shape == (5, 2) and np.all(np.isfinite(xy))


@pytest.mark.slow
def test_report_on_five_thousand_documents(tmp_path):
    """A corpus of realistic size: every topic gets words, representative documents and a share per year
    (how long it takes is the benchmark's business, not a test's)."""
    tokens, themes = synthetic_corpus(n_docs=5000, doc_len=150, seed=5)
    docs = [Document(id=str(i), text=" ".join(t[:60]), labels=(th,), date=f"{2012 + i % 14}-01-01")
            for i, (t, th) in enumerate(zip(tokens, themes))]
    lda = LdaTopics(n_topics=20, engine="tomotopy", iterations=20, min_df=2).fit(tokens)
    write_topic_report(lda, docs, tokens, tmp_path)
    report = json.loads((tmp_path / "topics.json").read_text(encoding="utf-8"))
    assert len(report["topics"]) == 20
    assert all(t["words"] and t["documents"] for t in report["topics"])


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "headless_shell"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.mark.slow
@pytest.mark.skipif(_chromium() is None, reason="no chromium / chrome binary installed (apt-get install chromium)")
def test_view_renders_offline_in_headless_chromium(fitted, tmp_path):
    lda, docs, tokens = fitted
    write_topic_report(lda, docs, tokens, tmp_path)
    cmd = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--proxy-server=127.0.0.1:9",
           "--proxy-bypass-list=<-loopback>", "--dump-dom", (tmp_path / "topics.html").as_uri()]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    dom = out.stdout
    # the script ran: circles, term bars and representative documents exist in the rendered DOM
    assert dom.count("<circle") == 4
    assert 'class="bar"' in dom
    assert "标题" in dom
