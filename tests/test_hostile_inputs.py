"""Hostile input and faults (issue 15): every probe that once wrote outside its folder, lost data or printed a
traceback, replayed against the CLI.

Each test asserts what a user sees and keeps: the exit code, one ``research: ...`` line naming the culprit, no
traceback, nothing written outside the output folder, an existing output left intact, every good line processed.
Faults that need the kernel (disk full) are injected at the one seam every output goes through
(:func:`research.atomic._fdopen`), plus one real ``RLIMIT_FSIZE`` run in a child process.
"""
from __future__ import annotations

import csv
import errno
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
import tracemalloc
from pathlib import Path

import pytest

from conftest import CONFIGS, REPO

PAGE = """@SUM(1+1)党建推进会

本报讯 11月20日，经开区党工委召开基层党建工作推进会，深入学习贯彻党的二十大精神，部署全面从严治党工作。

记者 张三

=1+1 中欧班列集结中心

-2+3 中欧班列（郑州）累计开行超过两千班，国际物流通道不断拓展，铁路口岸功能持续完善。

记者 李四
"""
"""Two articles whose headline or body starts like a spreadsheet formula."""
FAST = ["--set", "features.lda.enabled=false", "--set", "output.figures=false"]


# ---------------------------------------------------------------------------------------------- helpers


def cli(capsys, *argv) -> tuple[int, str, str]:
    """Run ``research ARGV`` in-process: (exit code, stdout, stderr)."""
    from research.cli import main

    rc = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return rc, out, err


def one_error(err: str, *names: str, prefix: str = "research: error: ") -> str:
    """The one ``research:`` line of stderr (no traceback), which must name each of ``names``."""
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.startswith("research:")]
    assert len(lines) == 1, err
    assert lines[0].startswith(prefix), lines[0]
    for name in names:
        assert str(name) in lines[0], (name, lines[0])
    return lines[0]


def tree(folder: Path) -> dict[str, bytes | str]:
    """Every path under ``folder`` -> its bytes (files) or link target (symlinks): what a command touched."""
    out: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if path.is_symlink():
            out[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            out[rel] = path.read_bytes()
        else:
            out[rel] = "<dir>"
    return out


def leftovers(folder: Path) -> list[str]:
    """Temporary or half-written files left in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if ".partial" in p.name or p.name.endswith(".tmp"))


class FullDisk:
    """A file whose disk fills after ``budget`` characters: writes, flushes and even ``close`` fail with ENOSPC,
    as a buffered file on a full disk does."""

    def __init__(self, fh, budget: int):
        self._fh, self._budget = fh, budget

    def _check(self):
        if self._budget <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def write(self, data):
        self._check()
        self._budget -= len(data)
        return self._fh.write(data)

    def flush(self):
        self._check()
        self._fh.flush()

    def close(self):
        self._fh.close()
        self._check()

    def __getattr__(self, name):
        return getattr(self._fh, name)


@pytest.fixture
def full_disk(monkeypatch):
    """After this, every atomic output of the package runs out of space after ``budget`` characters."""
    import research.atomic as atomic

    def install(budget: int = 100):
        real = atomic._fdopen
        monkeypatch.setattr(atomic, "_fdopen", lambda *a, **k: FullDisk(real(*a, **k), budget))

    return install


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    """A results folder with one toy run (no LDA, no figures: ~2 s) and its model."""
    from research.config import load_config
    from research.experiment import run_experiment

    base = tmp_path_factory.mktemp("hostile") / "results"
    config = load_config(CONFIGS / "toy.yaml", ["features.lda.enabled=false", "output.figures=false"])
    run_experiment(config, results_dir=base, source=str(CONFIGS / "toy.yaml"))
    return base


@pytest.fixture
def run_dir(results, tmp_path) -> Path:
    """A private copy of the toy run folder (tests may delete or edit its files)."""
    src = next(p for p in (results / "toy").iterdir() if not p.name.startswith("."))
    dest = tmp_path / "run"
    shutil.copytree(src, dest)
    return dest


@pytest.fixture
def pages(tmp_path) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "p1.txt").write_text(PAGE, encoding="utf-8")
    return folder


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


# ---------------------------------------------------------------------------------------------- 1. run names


@pytest.mark.parametrize("name", ["..", ".", ".hidden"])
def test_1_experiment_name_cannot_leave_results(name, tmp_path, capsys):
    """`--set experiment=..` once put the run folder in the project root, `.` straight into results/."""
    work = tmp_path / "work"
    work.mkdir()
    rc, _, err = cli(capsys, "run", CONFIGS / "toy.yaml", "--set", f"experiment={name}", "--results",
                     work / "results", *FAST)
    assert rc == 2
    one_error(err, "experiment", "--set")
    assert tree(tmp_path) == {"work": "<dir>"}  # nothing created, not even results/


def test_1_run_folder_refuses_dot_names_itself(tmp_path):
    from research.artifacts import RunFolder
    from research.errors import ResearchError

    for name in ("..", ".", "a/../..", ""):
        with pytest.raises(ResearchError, match="plain folder name"):
            RunFolder(tmp_path, name)
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------------------------- 2. symlinks


def test_2_planted_symlink_is_never_followed_by_segment(pages, tmp_path, capsys):
    """`ln -s /some/victim seg.jsonl.tmp; research segment ... -o seg.jsonl` once overwrote the victim."""
    victim = tmp_path / "victim"
    victim.write_text("precious", encoding="utf-8")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    for planted in ("seg.jsonl.tmp", "seg.jsonl.partial", ".seg.jsonl.partial", f".seg.jsonl.partial-{os.getpid()}"):
        (out_dir / planted).symlink_to(victim)
    rc, _, err = cli(capsys, "segment", pages, "-o", out_dir / "seg.jsonl")
    assert rc == 0 and "Traceback" not in err
    assert victim.read_text(encoding="utf-8") == "precious"
    assert len((out_dir / "seg.jsonl").read_text(encoding="utf-8").splitlines()) == 2


def test_2_planted_symlink_is_never_followed_by_predict(run_dir, pages, tmp_path, capsys):
    victim = tmp_path / "victim"
    victim.write_text("precious", encoding="utf-8")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    for planted in (f".k.csv.partial-{os.getpid()}", "k.csv.tmp", "k.csv.partial"):
        (out_dir / planted).symlink_to(victim)
    (out_dir / "k.csv").symlink_to(victim)  # even the output itself: the link is replaced, not followed
    rc, _, err = cli(capsys, "predict", run_dir, pages, "-o", out_dir / "k.csv")
    assert rc == 0 and "Traceback" not in err
    assert victim.read_text(encoding="utf-8") == "precious"
    assert not (out_dir / "k.csv").is_symlink() and len(_rows(out_dir / "k.csv")) == 2


def test_2_atomic_helper_creates_unique_files_and_keeps_permissions(tmp_path):
    from research.atomic import AtomicFile, write_text

    target = tmp_path / "out.txt"
    a, b = AtomicFile(target), AtomicFile(target)
    assert a.tmp != b.tmp and a.tmp.parent == b.tmp.parent == tmp_path  # unique names, beside the target
    a.discard(), b.discard()
    write_text(target, "one")
    target.chmod(0o640)
    write_text(target, "two")
    assert target.read_text() == "two" and (target.stat().st_mode & 0o777) == 0o640
    assert leftovers(tmp_path) == []


def test_2_one_atomic_writer_for_the_whole_package():
    """No module hand-writes ``<name>.tmp`` / ``.partial`` files and renames them: research.atomic does it."""
    allowed = {
        "research/atomic.py",  # the helper
        "research/artifacts.py",  # renames a run *folder* (written under .partial-), not a file
        "research/study/agendas.py",  # renames a run folder too
    }
    offenders = []
    for path in sorted((REPO / "research").rglob("*.py")):
        rel = str(path.relative_to(REPO))
        text = path.read_text(encoding="utf-8")
        hand_written = ('with_name(' in text and ('.tmp"' in text or '.partial' in text)) or "os.replace(" in text
        if hand_written and rel not in allowed:
            offenders.append(rel)
    assert offenders == []


# ---------------------------------------------------------------------------------------------- 3. CSV formulas


def test_3_predict_csv_cells_are_never_formulas(run_dir, pages, tmp_path, capsys):
    out = tmp_path / "k.csv"
    rc, _, err = cli(capsys, "predict", run_dir, pages, "-o", out)
    assert rc == 0 and "Traceback" not in err
    rows = _rows(out)
    assert [r["headline"][:5] for r in rows] == ["'@SUM", "'=1+1"]  # the headline column
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row.values()), row
        assert all(isinstance(float(row[f"score_{n}"]), float) for n in ("logistics", "livelihood"))  # numbers stay
    jsonl = tmp_path / "k.jsonl"  # JSON lines keep the text exactly as it was
    assert cli(capsys, "predict", run_dir, pages, "-o", jsonl)[0] == 0
    records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert records[0]["headline"].startswith("@SUM") and records[1]["body"].startswith("-2+3")


def test_3_predict_text_mode_id_column_is_escaped(run_dir, tmp_path, capsys):
    docs = tmp_path / "docs.jsonl"
    docs.write_text("\n".join(json.dumps({"id": i, "text": "中欧班列开行"}) for i in
                              ("=cmd|' /C calc'!A0", "+1", "-1", "@x", "\tx", "\rx", "ok")) + "\n", encoding="utf-8")
    out = tmp_path / "docs.csv"
    rc, _, err = cli(capsys, "predict", run_dir, docs, "--text", "-o", out)
    assert rc == 0 and "Traceback" not in err
    ids = [r["id"] for r in _rows(out)]
    assert ids == ["'=cmd|' /C calc'!A0", "+1", "-1", "'@x", "'\tx", "'\rx", "ok"]  # a number is no formula


def test_3_segment_csv_cells_are_never_formulas(pages, tmp_path, capsys):
    out = tmp_path / "seg.csv"
    rc, _, err = cli(capsys, "segment", pages, "-o", out)
    assert rc == 0 and "Traceback" not in err
    rows = _rows(out)
    assert rows[0]["headline"].startswith("'@SUM") and rows[0]["text"].startswith("'@SUM")
    assert rows[1]["headline"].startswith("'=1+1") and rows[1]["body"].startswith("'-2+3")
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row.values()), row
    assert rows[0]["start"] == "0" and rows[0]["byline"] == "记者 张三"  # numbers and plain text: unchanged


def test_3_safe_cell_leaves_numbers_and_plain_text():
    from research.csv_safe import safe_cell

    cells = ("=1", "郑州", "", -0.5, 3, None, "-0.125000", "+2", "1e-5", "-2+3", "-1-1", "-inf", "+ 1")
    assert [safe_cell(v) for v in cells] == ["'=1", "郑州", "", -0.5, 3, None, "-0.125000", "+2", "1e-5", "'-2+3",
                                             "'-1-1", "'-inf", "'+ 1"]


# ---------------------------------------------------------------------------------------------- 4. YAML bombs

BOMB = "\n".join(["experiment: bomb", "sweep:", "  grid:", '    a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
                 + [f"    a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]) + "\n"


def test_4_yaml_alias_bomb_is_refused_in_one_line(tmp_path, capsys):
    config = tmp_path / "bomb.yaml"
    config.write_text(BOMB, encoding="utf-8")
    assert len(BOMB) < 800  # a 700-byte file that would expand to 9**9 values
    t0 = time.perf_counter()
    rc, _, err = cli(capsys, "run", config, "--results", tmp_path / "results")
    assert rc == 2 and time.perf_counter() - t0 < 5
    one_error(err, config, "alias")
    assert not (tmp_path / "results").exists()


def test_4_yaml_alias_bomb_in_set_and_recursive_aliases_are_refused(tmp_path):
    from research.config import load_config
    from research.errors import ConfigError

    ok = tmp_path / "ok.yaml"
    ok.write_text("experiment: x\n", encoding="utf-8")
    value = "{" + ", ".join(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}" if i else "x"] * 9) + "]"
                            for i in range(9)) + "}"
    with pytest.raises(ConfigError, match="--set sweep.grid: aliases expand"):
        load_config(ok, [f"sweep.grid={value}"])
    loop = tmp_path / "loop.yaml"
    loop.write_text("experiment: x\nsweep:\n  variants: &v [*v]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="refers to a value that contains it"):
        load_config(loop)
    anchors = tmp_path / "anchors.yaml"  # ordinary anchors still work
    anchors.write_text("experiment: x\nbase: &c {C: 2.0}\nclassifier: *c\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="base: unknown key"):
        load_config(anchors)


def test_4_report_front_matter_bomb_skips_that_report_only(tmp_path, capsys):
    good = tmp_path / "reports" / "a.md"
    good.parent.mkdir()
    good.write_text("---\nregion: 郑州市\nyear: 2023\n---\n# 一、工作回顾\n\n经开区推进党建工作，取得新成效。\n",
                    encoding="utf-8")
    bomb = good.with_name("bomb.md")
    bomb.write_text("---\n" + BOMB.replace("experiment: bomb\n", "") + "---\n# 一\n\n正文内容很多。\n", encoding="utf-8")
    rc, out, err = cli(capsys, "segment", good.parent, "-o", tmp_path / "r.jsonl")
    assert rc == 0 and "Traceback" not in err
    assert "bomb.md" in out and "skipped 1 file" in out
    assert len((tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()) >= 1


# ---------------------------------------------------------------------------------------------- 5. checksums


def test_5_model_without_checksum_sidecar_is_refused_unless_trusted(run_dir, pages, tmp_path, capsys, caplog):
    """A model whose .sha256 was deleted (and whose coefficients were zeroed) once loaded silently."""
    (run_dir / "model.skops.sha256").unlink()
    out = tmp_path / "k.jsonl"
    rc, _, err = cli(capsys, "predict", run_dir, pages, "-o", out)
    assert rc == 2 and not out.exists()
    one_error(err, "model.skops", "model.skops.sha256", "--trust-unverified")
    rc, _, err = cli(capsys, "predict", run_dir, pages, "-o", out, "--trust-unverified")
    assert rc == 0 and out.is_file() and "Traceback" not in err
    warned = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warned) == 1 and "unverified model" in warned[0]  # said, in one log line


def test_5_load_model_api_refuses_or_warns(run_dir):
    from research import load_model
    from research.errors import ModelFileError

    (run_dir / "model.skops.sha256").unlink()
    with pytest.raises(ModelFileError, match="integrity cannot be checked"):
        load_model(run_dir)
    with pytest.warns(UserWarning, match="unverified model"):
        assert load_model(run_dir, trust_unverified=True).predict(["中欧班列开行"])


# ---------------------------------------------------------------------------------------------- 6. predict output


def test_6_predict_never_empties_an_existing_output(run_dir, pages, tmp_path, capsys):
    out = tmp_path / "k.csv"
    assert cli(capsys, "predict", run_dir, pages, "-o", out)[0] == 0
    before = out.read_bytes()
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    rc, stdout, err = cli(capsys, "predict", run_dir, empty, tmp_path / "missing.txt", "-o", out)
    assert rc == 1
    one_error(err, out, "not written", prefix="research: nothing tagged")
    assert "skipped files: 2" in stdout
    assert out.read_bytes() == before and leftovers(tmp_path) == []


def test_6_interrupted_or_failed_predict_keeps_the_old_output(run_dir, pages, tmp_path, capsys, monkeypatch):
    from research.model import TaggingModel

    out = tmp_path / "k.jsonl"
    assert cli(capsys, "predict", run_dir, pages, "-o", out)[0] == 0
    before = out.read_bytes()
    for exc, code, line in ((KeyboardInterrupt(), 130, "research: interrupted"),
                            (OSError(errno.EIO, "Input/output error"), 2, "research: error: ")):
        def boom(self, *a, _exc=exc, **k):
            raise _exc
            yield  # pragma: no cover

        monkeypatch.setattr(TaggingModel, "_scored_batches", boom)
        rc, _, err = cli(capsys, "predict", run_dir, pages, "-o", out)
        assert rc == code
        one_error(err, prefix=line)
        assert out.read_bytes() == before and leftovers(tmp_path) == []


# ---------------------------------------------------------------------------------------------- 7. --text lines


def test_7_one_bad_byte_loses_only_its_line(run_dir, tmp_path, capsys):
    """4,000 lines with one bad byte at line 2,000 once tagged 1,733 and called the whole file skipped."""
    lines = [f"经开区党工委召开党建工作会议第{i}次".encode() for i in range(1, 4001)]
    lines[1999] = b"\xff\xfe" + lines[1999]
    docs = tmp_path / "docs.txt"
    docs.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "docs.jsonl"
    rc, stdout, err = cli(capsys, "predict", run_dir, docs, "--text", "-o", out, "--batch-size", "256")
    assert rc == 0 and "Traceback" not in err
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(ids) == 3999 and "docs:2000" not in ids and ids[0] == "docs:1" and ids[-1] == "docs:4000"
    assert "skipped files: 1" in stdout and f"{docs}:2000: not UTF-8" in stdout
    assert f"  {docs}: " not in stdout  # the file itself is not listed as skipped


def test_7_hostile_json_lines_are_reported_and_the_rest_tagged(run_dir, tmp_path, capsys):
    docs = tmp_path / "docs.jsonl"
    docs.write_text("\n".join([
        '{"id": "a", "text": "中欧班列开行"}',
        "[1, 2]",  # valid JSON, not an object
        '"just a string"',
        '{"id": "b", "text": 5}',  # text is not a string
        '{"id": "c", "text": "\\ud800"}',  # a lone surrogate
        '{"id": "d", "title": ["x"], "text": "y"}',
        '{"id": {"x": 1}, "text": "y"}',
        "not json",
        '{"id": "e", "content": "经开区党工委召开党建工作会议"}',
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "docs.jsonl.out.jsonl"
    rc, stdout, err = cli(capsys, "predict", run_dir, docs, "--text", "-o", out)
    assert rc == 0 and "Traceback" not in err
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == ["a", "e"]
    assert "skipped files: 7" in stdout
    for n, why in ((2, "not a JSON object"), (3, "not a JSON object"), (4, "text is not a string"),
                   (5, "text has a lone surrogate (\\ud800)"), (6, "title is not a string"), (7, "id is not a string"),
                   (8, "not valid JSON")):
        assert f"{docs}:{n}: {why}" in stdout


def test_7_output_that_is_also_an_input_is_refused(run_dir, tmp_path, capsys):
    docs = tmp_path / "docs.jsonl"
    docs.write_text('{"id": "a", "text": "中欧班列开行"}\n', encoding="utf-8")
    before = docs.read_bytes()
    rc, _, err = cli(capsys, "predict", run_dir, docs, "--text", "-o", docs)
    assert rc == 2
    one_error(err, docs, "also an input")
    assert docs.read_bytes() == before


# ---------------------------------------------------------------------------------------------- 8. runs.jsonl


def _finish_fake_run(results: Path, run_dir: Path, f1: float) -> Path:
    """A finished run of experiment ``toy`` with a copy of the toy model, through RunFolder like a real run."""
    from research.artifacts import RunFolder

    run = RunFolder(results, "toy")
    for name in ("model.skops", "model.skops.sha256"):
        shutil.copy(run_dir / name, run.path / name)
    return run.finish({"macro_f1": f1, "micro_f1": f1, "model": str(run.final_path / "model.skops")})


def test_8_torn_last_line_does_not_swallow_the_next_run(run_dir, tmp_path, capsys):
    from research.runs_index import read_runs, resolve_alias

    results = tmp_path / "results"
    first = _finish_fake_run(results, run_dir, 0.5)
    with open(results / "runs.jsonl", "ab") as fh:
        fh.write(b'{"experiment": "toy", "run_id": "torn", "pa')  # a crash mid-append: no newline
    second = _finish_fake_run(results, run_dir, 0.9)
    assert [r.path for r in read_runs(results)] == [first, second]
    assert resolve_alias("latest:toy", results).path == second
    assert resolve_alias("best:toy", results).path == second
    rc, out, err = cli(capsys, "runs", "--results", results)
    assert rc == 0 and second.name in out and "Traceback" not in err


def test_8_invalid_utf8_in_the_index_breaks_no_alias(run_dir, tmp_path, capsys):
    results = tmp_path / "results"
    first = _finish_fake_run(results, run_dir, 0.5)
    with open(results / "runs.jsonl", "ab") as fh:
        fh.write(b'{"experiment": "toy", "run_id": "\xff\xfe"}\n')
    second = _finish_fake_run(results, run_dir, 0.4)
    rc, out, err = cli(capsys, "runs", "--results", results, "--resolve", "latest:toy")
    assert rc == 0 and out.strip() == str(second / "model.skops") and "Traceback" not in err
    rc, out, _ = cli(capsys, "runs", "--results", results, "--resolve", "best:toy")
    assert out.strip() == str(first / "model.skops")


def test_8_crash_while_appending_leaves_no_torn_line(run_dir, tmp_path, monkeypatch):
    from research.errors import OutputError

    results = tmp_path / "results"
    _finish_fake_run(results, run_dir, 0.5)
    index = results / "runs.jsonl"
    before = index.read_bytes()
    real_write = os.write

    def half_then_full(fd, data):  # the disk fills half-way through the line
        real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", half_then_full)
    with pytest.raises(OutputError, match="cannot record the run .*No space left.*stays unpublished"):
        _finish_fake_run(results, run_dir, 0.9)
    monkeypatch.undo()
    assert index.read_bytes() == before  # cut back: the next append starts on a clean line
    assert [p.name.startswith(".partial-") for p in (results / "toy").iterdir()].count(True) == 1
    third = _finish_fake_run(results, run_dir, 0.7)
    from research.runs_index import read_runs

    assert read_runs(results)[-1].path == third


def test_8_unappendable_index_is_one_line_and_publishes_nothing(tmp_path, capsys):
    results = tmp_path / "results"
    (results / "runs.jsonl").mkdir(parents=True)  # not appendable
    rc, _, err = cli(capsys, "run", CONFIGS / "toy.yaml", "--results", results, *FAST)
    assert rc == 2
    one_error(err, "runs.jsonl", "unpublished")
    assert all(p.name.startswith(".partial-") for p in (results / "toy").iterdir())


# ---------------------------------------------------------------------------------------------- 9. disk full


def test_9_disk_full_during_predict(run_dir, pages, tmp_path, capsys, full_disk):
    out = tmp_path / "k.csv"
    assert cli(capsys, "predict", run_dir, pages, "-o", out)[0] == 0
    before = out.read_bytes()
    full_disk(budget=200)
    rc, _, err = cli(capsys, "predict", run_dir, pages, "-o", out)
    assert rc == 2
    one_error(err, out, "No space left on device")
    assert out.read_bytes() == before and leftovers(tmp_path) == []


def test_9_disk_full_during_segment(pages, tmp_path, capsys, full_disk):
    out = tmp_path / "seg.jsonl"
    out.write_text("old\n", encoding="utf-8")
    full_disk(budget=200)
    rc, _, err = cli(capsys, "segment", pages, "-o", out)
    assert rc == 2
    one_error(err, out, "No space left on device")
    assert out.read_text(encoding="utf-8") == "old\n" and leftovers(tmp_path) == []


def test_9_disk_full_during_run(tmp_path, capsys, full_disk):
    full_disk(budget=1000)  # the model file does not fit
    results = tmp_path / "results"
    rc, _, err = cli(capsys, "run", CONFIGS / "toy.yaml", "--results", results, *FAST)
    assert rc == 2
    line = one_error(err, "model.skops", "No space left on device", "partial folder stays at")
    assert ".partial-" in line and not (results / "runs.jsonl").exists()
    (partial,) = (results / "toy").iterdir()
    assert partial.name.startswith(".partial-") and leftovers(partial) == []
    assert "Traceback" in (partial / "run.log").read_text(encoding="utf-8")  # the whole story is in run.log


def test_9_token_cache_that_cannot_be_written_is_a_warning(tmp_path, caplog):
    """The token cache lives in results/.cache: a full disk or a broken cache file must not stop a run."""
    from research.token_cache import TokenCache

    (tmp_path / "cache" / "tokens.sqlite").mkdir(parents=True)  # unopenable, as a full or read-only disk is
    cache = TokenCache(tmp_path / "cache")
    cache.put_many([("k", ["中欧", "班列"])])
    assert cache.get_many(["k"]) == {}
    assert [r.levelname for r in caplog.records] == ["WARNING", "WARNING"]
    assert "not written" in caplog.records[0].getMessage()


def test_9_real_file_size_limit_in_a_child_process(pages, tmp_path):
    """The kernel, not a mock: RLIMIT_FSIZE makes writes fail (EFBIG) past 20 kB."""
    for i in range(30):
        shutil.copy(pages / "p1.txt", pages / f"p{i + 2}.txt")
    out = tmp_path / "seg.jsonl"
    out.write_text("old\n", encoding="utf-8")
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, hard))

    proc = subprocess.run([sys.executable, "-m", "research", "segment", str(pages), "-o", str(out)], cwd=REPO,
                          capture_output=True, text=True, preexec_fn=limit, timeout=120)
    assert proc.returncode == 2
    one_error(proc.stderr, out, "File too large")
    assert out.read_text(encoding="utf-8") == "old\n" and leftovers(tmp_path) == []


# ---------------------------------------------------------------------------------------------- tracebacks


def test_tb_infinite_or_nan_config_values(tmp_path, capsys):
    for value in (".inf", "-.inf", ".nan"):
        rc, _, err = cli(capsys, "run", CONFIGS / "toy.yaml", "--set", f"classifier.C={value}", "--results",
                         tmp_path / "results", *FAST)
        assert rc == 2
        one_error(err, "classifier.C", "finite")
    assert not (tmp_path / "results").exists()  # no .partial left either


@pytest.mark.parametrize("where", ["file-parent", "/proc/research-x", "/sys/research-x", "read-only"])
def test_tb_unusable_output_dir(where, tmp_path, capsys):
    if where == "file-parent":
        (tmp_path / "afile").write_text("x", encoding="utf-8")
        results = tmp_path / "afile" / "results"
    elif where == "read-only":
        if os.geteuid() == 0:
            pytest.skip("root ignores file permissions (/sys covers a folder that cannot be written)")
        ro = tmp_path / "ro"
        ro.mkdir(mode=0o500)
        results = ro / "results"
    else:
        results = Path(where)
    rc, _, err = cli(capsys, "run", CONFIGS / "toy.yaml", "--results", results, *FAST)
    assert rc == 2
    one_error(err, results, "output.dir")


@pytest.mark.parametrize("command", ["predict", "segment"])
def test_tb_output_naming_an_existing_folder(command, run_dir, pages, tmp_path, capsys):
    folder = tmp_path / "out.jsonl"
    folder.mkdir()
    argv = ["predict", run_dir, pages] if command == "predict" else ["segment", pages]
    rc, _, err = cli(capsys, *argv, "-o", folder)
    assert rc == 2
    one_error(err, folder, "is a folder")
    assert list(folder.iterdir()) == [] and leftovers(tmp_path) == []


def test_tb_compare_and_evaluate_on_unwritable_paths(results, tmp_path, capsys):
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    rc, _, err = cli(capsys, "compare", results / "toy", "--out", tmp_path / "afile" / "cmp", "--no-figures")
    assert rc == 2
    one_error(err, tmp_path / "afile" / "cmp")
    rc, _, err = cli(capsys, "evaluate", "-o", tmp_path / "afile" / "report.md")
    assert rc == 2
    one_error(err, tmp_path / "afile")
    rc, _, err = cli(capsys, "evaluate", "-o", "/sys/research-report.md")
    assert rc == 2
    one_error(err, "/sys/research-report.md")


def _interrupt(argv: list[str], marker: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """Start ``research ARGV``, send SIGINT once ``marker`` shows on stderr, return the finished process."""
    proc = subprocess.Popen([sys.executable, "-m", "research", *argv], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    seen = threading.Event()

    def read():
        for line in proc.stderr:
            lines.append(line)
            if marker in line:
                seen.set()

    reader = threading.Thread(target=read)
    reader.start()
    assert seen.wait(120), "".join(lines)
    proc.send_signal(signal.SIGINT)
    proc.wait(60)
    reader.join()
    return subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout.read(), "".join(lines))


def test_tb_sigint_is_one_line_and_exit_130(tmp_path):
    """Ctrl-C once printed a logged KeyboardInterrupt traceback."""
    results = tmp_path / "results"
    slow = ["--set", "features.lda.passes=100000"]  # minutes if not interrupted: the signal always lands mid-run
    done = _interrupt(["run", str(CONFIGS / "toy.yaml"), "--results", str(results), *slow], "train /", tmp_path)
    assert done.returncode == 130
    line = one_error(done.stderr, "partial folder stays at", prefix="research: interrupted")
    assert "KeyboardInterrupt" not in done.stderr
    (partial,) = (results / "toy").iterdir()
    assert partial.name.startswith(".partial-") and str(partial) in line
    assert not (results / "runs.jsonl").exists()


# ---------------------------------------------------------------------------------------------- wrong names


def test_names_a_folder_given_as_config(tmp_path, capsys):
    rc, _, err = cli(capsys, "run", CONFIGS)
    assert rc == 2
    line = one_error(err, CONFIGS, "is a folder")
    assert "not found" not in line


def test_names_the_set_override_not_the_file(tmp_path, capsys):
    rc, _, err = cli(capsys, "run", CONFIGS / "toy.yaml", "--set", "foo.bar=1", "--results", tmp_path)
    assert rc == 2
    one_error(err, "(--set)", "foo: unknown key")


def test_names_an_unreadable_subfolder_and_a_symlink_loop(pages, tmp_path, capsys, monkeypatch):
    locked = pages / "locked"
    locked.mkdir()
    (locked / "p9.txt").write_text(PAGE, encoding="utf-8")
    (pages / "loop.txt").symlink_to(pages / "loop.txt")
    (pages / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    real_scandir = os.scandir

    def scandir(path):  # root reads any folder: refuse this one the way a chmod 000 folder is refused
        if Path(path) == locked:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_scandir(path)

    import research.ingest.run as run_module

    monkeypatch.setattr(run_module.os, "scandir", scandir)
    rc, out, err = cli(capsys, "segment", pages)
    assert rc == 0 and "Traceback" not in err
    assert f"skipped {locked}: cannot read the folder (Permission denied)" in out
    assert f"skipped {pages / 'loop.txt'}: symlink loop" in out
    assert f"skipped {pages / 'dangling.txt'}: broken symlink" in out
    assert "skipped 3 file(s)" in out


def test_predict_names_a_skipped_file_once(run_dir, pages, tmp_path, capsys):
    (pages / "empty.txt").write_bytes(b"")
    rc, out, _ = cli(capsys, "predict", run_dir, pages, "-o", tmp_path / "k.jsonl")
    assert rc == 0
    empty = pages / "empty.txt"
    assert f"  {empty}: empty file" in out and f"{empty}: {empty}" not in out


# ---------------------------------------------------------------------------------------------- memory


def test_mem_huge_page_is_refused_unread(run_dir, tmp_path, capsys):
    """A 200 MB single-line page took 6 GB in predict; it is refused from its size, before it is read."""
    huge = tmp_path / "pages" / "huge.txt"
    huge.parent.mkdir()
    with open(huge, "wb") as fh:  # sparse: 200 MB on paper, nothing on disk
        fh.truncate(200 << 20)
    (huge.parent / "p1.txt").write_text(PAGE, encoding="utf-8")
    tracemalloc.start()
    try:
        rc, out, err = cli(capsys, "segment", huge.parent, "-o", tmp_path / "seg.jsonl")
        rc2, out2, err2 = cli(capsys, "predict", run_dir, huge.parent, "-o", tmp_path / "k.jsonl")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert rc == rc2 == 0 and "Traceback" not in err + err2
    for text in (out, out2):
        assert f"{huge}: 200.0 MiB, larger than a page can be (8.0 MiB)" in text
    assert peak < 50 << 20, peak  # the page was never read
    assert len((tmp_path / "k.jsonl").read_text(encoding="utf-8").splitlines()) == 2  # the good page was tagged


def test_mem_a_million_short_lines_is_refused(tmp_path, capsys):
    """A page of 1M short lines became one article with a 19.9 M-character headline."""
    page = tmp_path / "lines.txt"
    page.write_bytes("短行\n".encode("utf-8") * 1_000_000)
    rc, out, err = cli(capsys, "segment", page, "-o", tmp_path / "seg.jsonl")
    assert rc == 1 and "Traceback" not in err
    assert f"{page}: 1,000,000 lines, more than a page can have (50,000)" in out
    assert not (tmp_path / "seg.jsonl").exists()


def test_mem_headlines_are_bounded(tmp_path):
    from research.ingest import segment
    from research.ingest.rules import MAX_HEADLINE_LINES

    text = "\n".join(f"短行标题{i}" for i in range(5000)) + "\n本报讯 正文。\n"
    articles = segment(text)
    assert len(articles[0].headline.split()) <= MAX_HEADLINE_LINES
    assert sum(len(a.headline) for a in articles) < 1000


def test_mem_huge_text_line_is_skipped_and_read_past(run_dir, tmp_path, capsys, monkeypatch):
    import research.ingest.read as read

    monkeypatch.setattr(read, "MAX_PAGE_BYTES", 64 << 10)  # a 1 MB line against a 64 kB limit: same path
    docs = tmp_path / "docs.txt"
    with open(docs, "wb") as fh:
        fh.write("中欧班列开行\n".encode())
        fh.write("党建".encode() * (1 << 18) + b"\n")
        fh.write("经开区党工委召开党建工作会议\n".encode())
    out = tmp_path / "docs.jsonl"
    tracemalloc.start()
    try:
        rc, stdout, err = cli(capsys, "predict", run_dir, docs, "--text", "-o", out)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert rc == 0 and "Traceback" not in err
    assert [json.loads(x)["id"] for x in out.read_text(encoding="utf-8").splitlines()] == ["docs:1", "docs:3"]
    assert f"{docs}:2: line longer than" in stdout
    assert peak < 24 << 20, peak


def test_mem_streams_never_read_a_device_whole(tmp_path):
    from research.errors import DataError
    from research.ingest import read_page

    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    with pytest.raises(DataError, match="larger than a page can be"):
        read_page("/dev/zero")
