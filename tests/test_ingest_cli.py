"""``research segment`` in-process: summary, outputs, units, skipped files and exit codes."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from research.cli import main

PAGES = Path(__file__).parent / "fixtures" / "pages"
SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


@pytest.fixture
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"../shared/seeds not present: {SEEDS}")
    return SEEDS


@pytest.mark.shared
def test_seeds_summary_and_jsonl(seeds, tmp_path, capsys):
    out = tmp_path / "out" / "seeds.jsonl"
    assert main(["segment", str(seeds), "-o", str(out)]) == 0
    stdout = capsys.readouterr().out
    assert "articles" in stdout and "sections" in stdout and "chars" in stdout
    rows = {line.split()[0]: line.split() for line in stdout.splitlines()}
    assert rows[str(seeds / "000_72fa3f510df407af.txt")][2:4] == ["5", "5"]
    assert rows[str(seeds / "003_d688d4a557a7d976.txt")][2:4] == ["1", "4"]
    assert rows[str(seeds / "003_d688d4a557a7d976.txt")][5] == "5"  # captions
    assert "6 article records; skipped 0 file(s)" in stdout
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["id"] for r in records][:2] == ["000_72fa3f510df407af:a0", "000_72fa3f510df407af:a1"]
    assert records[0]["dateline"] == "本报讯 3月15日" and "政治保障" in records[0]["body"]
    assert len(records[5]["sections"]) == 4 and records[5]["captions"][0] == "第1000班中欧班列（郑州）发车"


@pytest.mark.shared
def test_seeds_sections_to_csv(seeds, tmp_path, capsys):
    out = tmp_path / "seeds.csv"
    assert main(["segment", str(seeds), "--unit", "section", "-o", str(out)]) == 0
    assert "9 section records" in capsys.readouterr().out
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 9
    assert rows[-1]["id"] == "003_d688d4a557a7d976:a0:s3"
    assert rows[-1]["section_title"] == "坚持以人为本 为高质量发展拓展空间"
    assert rows[-1]["captions"].startswith("经开区安置小区风景如画 | 上汽郑州基地生产车间")


def test_jsonl_to_stdout_puts_summary_on_stderr(capsys):
    assert main(["segment", str(PAGES / "single_article.txt"), "--unit", "page", "-o", "-"]) == 0
    captured = capsys.readouterr()
    (record,) = [json.loads(line) for line in captured.out.splitlines()]
    assert record["id"] == "single_article" and record["unit"] == "page"
    assert "1 page records" in captured.err


def test_bad_files_are_skipped_and_counted(tmp_path, capsys, caplog):
    assert main(["segment", str(PAGES), "-o", str(tmp_path / "pages.jsonl")]) == 0
    stdout = capsys.readouterr().out
    assert "skipped 3 file(s)" in stdout
    for name, reason in [("binary.txt", "binary file"), ("empty.txt", "empty file"),
                         ("shift_jis.txt", "unknown encoding")]:
        assert f"bad/{name}: {reason}" in stdout
        assert any(f"bad/{name}: {reason}" in r.getMessage() for r in caplog.records if r.levelname == "WARNING")
    encodings = {Path(row.split()[0]).name: row.split()[1] for row in stdout.splitlines() if ".txt " in row}
    assert encodings["gb18030_page.txt"] == "gb18030" and encodings["gbk_page.txt"] == "gbk"
    records = (tmp_path / "pages.jsonl").read_text("utf-8").splitlines()
    assert len(records) == 7  # 1 + 1 + 2 + 1 + 1 + 1 articles in the six good pages


def test_every_input_failing_exits_1(tmp_path, capsys):
    (tmp_path / "dir").mkdir()
    shutil.copy(PAGES / "bad" / "empty.txt", tmp_path / "dir" / "a.txt")
    assert main(["segment", str(tmp_path / "dir"), str(tmp_path / "missing.txt"), str(tmp_path / "no-txt")]) == 1
    stdout = capsys.readouterr().out
    assert "skipped 3 file(s)" in stdout
    assert "missing.txt: no such file" in stdout and "a.txt: empty file" in stdout


def test_bad_output_suffix_is_a_user_error(tmp_path, capsys):
    assert main(["segment", str(PAGES / "single_article.txt"), "-o", str(tmp_path / "out.txt")]) == 2
    assert "output must end with .jsonl or .csv" in capsys.readouterr().err
    assert not (tmp_path / "out.txt").exists()


def test_unknown_unit_is_rejected_by_argparse():
    with pytest.raises(SystemExit) as info:
        main(["segment", str(PAGES), "--unit", "paragraph"])
    assert info.value.code == 2
