"""``research predict`` and ``research runs``: seeds, synthetic pages with bad files, output formats, aliases."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from test_model_api import PAGE, toy_run

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "seeds"

pytestmark = pytest.mark.slow  # each test runs the CLI in-process on the toy model (model load: seconds)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    return toy_run(tmp_path_factory)


def cli(*argv: str) -> int:
    from research.cli import main

    return main([str(a) for a in argv])


@pytest.fixture()
def pages(tmp_path) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "p1.txt").write_text(PAGE, encoding="utf-8")
    (folder / "p2.txt").write_text(PAGE.replace("张三", "王五"), encoding="gb18030")  # another encoding
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16)
    (folder / "empty.txt").write_bytes(b"")
    return folder


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.shared
def test_predict_seeds(run_dir, tmp_path, capsys):
    if not SEEDS.is_dir():
        pytest.skip(f"seed pages not found at {SEEDS} (../shared is not checked out next to the repo)")
    out = tmp_path / "seeds.jsonl"
    assert cli("predict", run_dir, SEEDS, "-o", out) == 0
    articles = _jsonl(out)
    page = [r for r in articles if r["source"].endswith(".txt") and r["id"].startswith("000_")]
    assert len(page) == 5  # one newspaper page, five articles
    assert "统战" in page[0]["headline"]
    assert page[0]["primary"] == "party_building"  # even the 24-document toy model gets this one
    summary = capsys.readouterr().out
    assert f"tagged {len(articles)} article(s)" in summary and "skipped files: 0" in summary

    out = tmp_path / "sections.csv"
    assert cli("predict", run_dir, SEEDS, "--unit", "section", "-o", out) == 0
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    feature = [r for r in rows if r["id"].startswith("003_")]
    assert len(feature) >= 3  # the long feature splits into its sections
    assert {r["unit"] for r in rows} == {"section"}
    assert all(r["primary"] for r in rows)


def test_bad_files_are_skipped_and_counted(run_dir, pages, tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    assert cli("predict", run_dir, pages, "-o", out, "--batch-size", "1", "--jobs", "2") == 0
    records = _jsonl(out)
    assert [r["id"] for r in records] == ["p1:a0", "p1:a1", "p2:a0", "p2:a1"]
    assert records[2]["byline"] == "记者 王五"  # the GB18030 page was decoded
    for r in records:
        assert {"labels", "primary", "scores", "top_terms", "headline", "text"} <= set(r)
        assert "explanation" not in r
    captured = capsys.readouterr()
    assert "skipped files: 2" in captured.out
    assert "binary.txt" in captured.out and "empty.txt" in captured.out
    assert "tagged 4 article(s)" in captured.out
    assert not list(tmp_path.glob(".out.jsonl.partial*"))  # committed under its final name only


def test_outputs_agree_across_formats_and_batching(run_dir, pages, tmp_path, capsys):
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert cli("predict", run_dir, pages / "p1.txt", "-o", a) == 0
    assert cli("predict", run_dir, pages / "p1.txt", "-o", b, "--batch-size", "1", "--jobs", "2") == 0
    assert a.read_bytes() == b.read_bytes()  # byte-identical whatever the batching / processes
    capsys.readouterr()
    assert cli("predict", run_dir, pages / "p1.txt", "--explanations") == 0
    captured = capsys.readouterr()
    lines = [json.loads(x) for x in captured.out.splitlines()]  # stdout: only JSON lines
    assert [r["id"] for r in lines] == ["p1:a0", "p1:a1"]
    assert set(lines[0]["explanation"]) == set(lines[0]["scores"])
    assert "tagged 2 article(s)" in captured.err  # the summary goes to stderr when stdout carries the records
    c = tmp_path / "c.csv"
    assert cli("predict", run_dir, pages / "p1.txt", "-o", c, "--unit", "page") == 0
    with open(c, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 1 and rows[0]["unit"] == "page" and rows[0]["score_logistics"]


def test_text_mode(run_dir, tmp_path, capsys):
    docs = tmp_path / "docs.jsonl"
    docs.write_text("\n".join(json.dumps({"id": f"d{i}", "title": "中欧班列", "content": "中欧班列开行"},
                                         ensure_ascii=False) for i in range(3)) + "\nnot json\n", encoding="utf-8")
    out = tmp_path / "docs.csv"
    assert cli("predict", run_dir, docs, "--text", "-o", out) == 0
    with open(out, encoding="utf-8-sig", newline="") as fh:
        assert [r["id"] for r in csv.DictReader(fh)] == ["d0", "d1", "d2"]
    assert "skipped files: 1" in capsys.readouterr().out


def test_user_errors_exit_2(run_dir, pages, tmp_path, capsys):
    assert cli("predict", tmp_path / "nope.skops", pages) == 2
    assert cli("predict", run_dir, pages, "-o", tmp_path / "out.txt") == 2
    assert cli("predict", run_dir, pages, "-o", tmp_path / "missing" / "out.jsonl") == 2
    assert cli("predict", "best:toy", pages, "--results", tmp_path) == 2
    errors = [x for x in capsys.readouterr().err.splitlines() if x.startswith("research: error:")]
    assert len(errors) == 4
    # only bad files: nothing tagged, the table says why, exit 1
    only_bad = tmp_path / "bad"
    only_bad.mkdir()
    shutil.copy(pages / "binary.txt", only_bad)
    assert cli("predict", run_dir, only_bad, "-o", tmp_path / "none.jsonl") == 1
    assert "skipped files: 1" in capsys.readouterr().out


def _fake_results(run_dir: Path, root: Path) -> Path:
    """A results folder with three runs of one experiment (copies of the toy run) and one deleted run."""
    results = root / "results"
    lines = []
    for run_id, f1 in (("r1", 0.40), ("r2", 0.70), ("r3", 0.55), ("gone", 0.99)):
        dest = results / "toy" / run_id
        shutil.copytree(run_dir, dest)
        lines.append({"experiment": "toy", "run_id": run_id, "path": str(dest), "macro_f1": f1, "micro_f1": f1,
                      "model": str(dest / "model.skops")})
    shutil.rmtree(results / "toy" / "gone")
    with open(results / "runs.jsonl", "w", encoding="utf-8") as fh:
        for line in lines:
            fh.write(json.dumps(line) + "\n")
        fh.write('{"half a line\n')  # a crash mid-append must not break the index
    return results


def test_runs_lists_and_aliases_resolve(run_dir, tmp_path, capsys, pages):
    from research.runs_index import read_runs, resolve_alias

    results = _fake_results(run_dir, tmp_path)
    assert [r.run_id for r in read_runs(results)] == ["r1", "r2", "r3"]  # deleted folder and bad line ignored
    assert resolve_alias("best:toy", results).run_id == "r2"
    assert resolve_alias("latest:toy", results).run_id == "r3"
    assert cli("runs", "--results", results) == 0
    table = capsys.readouterr().out
    assert "r2 *" in table and "gone" not in table and "0.700" in table
    assert cli("runs", "--results", results, "--resolve", "best:toy") == 0
    assert capsys.readouterr().out.strip() == str(results / "toy" / "r2" / "model.skops")
    assert cli("runs", "--results", results, "--json", "--sort", "macro_f1") == 0
    assert [json.loads(x)["run_id"] for x in capsys.readouterr().out.splitlines()] == ["r2", "r3", "r1"]
    out = tmp_path / "alias.jsonl"
    assert cli("predict", "best:toy", pages / "p1.txt", "--results", results, "-o", out) == 0
    assert len(_jsonl(out)) == 2
    assert cli("runs", "--results", tmp_path / "empty") == 0
    assert "no finished runs" in capsys.readouterr().out


def test_predict_tags_report_paragraphs_and_pages_in_one_run(run_dir, pages, tmp_path, capsys):
    """A government work report (.md) is tagged paragraph by paragraph, with its place, year and headings,
    through the same file walk as `research segment`; pages beside it keep their articles."""
    report = Path(__file__).parent / "fixtures" / "reports" / "zhengzhou_2023.md"
    out = tmp_path / "tags.jsonl"
    assert cli("predict", str(run_dir), str(report), str(pages / "p1.txt"), "-o", str(out)) == 0
    assert "record(s)" in capsys.readouterr().out
    rows = _jsonl(out)
    paragraphs = [r for r in rows if r["unit"] == "paragraph"]
    assert len(paragraphs) == 40 and all("labels" in r and "primary" in r for r in rows)
    assert paragraphs[3]["region"] == "郑州市" and paragraphs[3]["year"] == 2023
    assert paragraphs[3]["subsection"] == "（一）精准施策稳增长，全力稳住经济大盘。"
    assert [r for r in rows if r["unit"] == "article"]
    assert cli("predict", str(run_dir), str(report), "--unit", "article", "-o", str(tmp_path / "x.jsonl")) != 0
    assert "unit article does not fit a report" in capsys.readouterr().out
