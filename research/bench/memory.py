"""Peak memory of ``research predict`` (and ``research segment``) on hostile page sizes: bounded, whatever the input.

    python -m research.bench.memory [--model best:default] [--out results/bench] [--limit-mb 1500]

Each case is a fresh ``python -m research ...`` process on a page written to a temporary folder:

* ``200 MB single-line page``: one 200 MB line of Chinese text (took 6 GB in ``predict`` before pages were
  bounded; now refused unread, see ``research.ingest.read.MAX_PAGE_BYTES``);
* ``1M short lines``: a 7 MB page of a million two-character lines (became one article with a 19.9 M-character
  headline; now refused by ``MAX_PAGE_LINES``);
* ``largest accepted page``: one line just under ``MAX_PAGE_BYTES`` -- the worst page that is still tagged;
* ``most lines accepted``: ``MAX_PAGE_LINES`` short lines (headlines are capped at ``MAX_HEADLINE_LINES`` lines);
* ``--text, 200 MB line``: a document file whose second line is 200 MB (skipped, read past in blocks; the other
  lines are tagged).

Peak RSS is the kernel's figure for the ``research`` process (``ru_maxrss`` from ``wait4``) and, as an upper
bound, the largest sum of the RSS of the process and its worker processes seen by polling every 20 ms (forked
workers share most pages with their parent, so the sum overcounts). The benchmark fails (exit 1) if a ``predict``
case peaks above ``--limit-mb``. Writes ``results/bench/memory_<timestamp>.json`` and ``.md``.
"""
from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from .report import write_report

SENTENCE = "经开区党工委召开基层党建工作推进会，部署全面从严治党和党风廉政建设工作。中欧班列集结中心开行量再创新高。"


def write_pages(folder: Path) -> dict[str, tuple[str, Path]]:
    """The hostile inputs: case name -> (kind, path); kind is ``page`` or ``text``."""
    from ..ingest.read import MAX_PAGE_BYTES, MAX_PAGE_LINES

    unit = SENTENCE.encode("utf-8")
    cases: dict[str, tuple[str, Path]] = {}

    def single_line(path: Path, size: int) -> Path:
        block = unit * ((1 << 20) // len(unit))
        with open(path, "wb") as fh:
            left = size
            while left > 0:
                piece = block[:left] if left < len(block) else block
                if len(piece) < len(block):  # whole characters only
                    piece = piece[: len(piece) - len(piece) % 3]
                    if not piece:
                        break
                fh.write(piece)
                left -= len(piece)
        return path

    cases["200 MB single-line page"] = ("page", single_line(folder / "page_200mb.txt", 200 << 20))
    short = folder / "lines_1m.txt"
    short.write_bytes("短行\n".encode("utf-8") * 1_000_000)
    cases["1M short lines"] = ("page", short)
    cases["largest accepted page"] = ("page", single_line(folder / "page_max.txt", MAX_PAGE_BYTES - 4096))
    most = folder / "lines_max.txt"
    most.write_bytes("短行\n".encode("utf-8") * (MAX_PAGE_LINES - 1))
    cases["most lines accepted"] = ("page", most)
    docs = folder / "docs.txt"
    with open(docs, "wb") as fh:
        fh.write(unit + b"\n")
        block = unit * ((1 << 20) // len(unit))
        for _ in range(200):
            fh.write(block)
        fh.write(b"\n" + unit + b"\n")
    cases["--text, 200 MB line"] = ("text", docs)
    return cases


def measure(argv: list[str]) -> dict:
    """Run ``argv``; its exit code, wall seconds, kernel peak RSS and polled process-tree peak RSS (MB)."""
    import psutil

    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak_tree = 0
    done = threading.Event()

    def poll():
        nonlocal peak_tree
        try:
            p = psutil.Process(proc.pid)
        except psutil.Error:
            return
        while not done.is_set():
            try:
                rss = p.memory_info().rss + sum(c.memory_info().rss for c in p.children(recursive=True))
                peak_tree = max(peak_tree, rss)
            except psutil.Error:
                pass
            time.sleep(0.02)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    err_lines: list[str] = []
    reader = threading.Thread(target=lambda: err_lines.extend(proc.stderr), daemon=True)
    reader.start()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    watcher.join()
    reader.join()
    last = [line.strip() for line in err_lines if line.strip()]
    return {"exit": proc.returncode, "seconds": round(time.perf_counter() - t0, 2),
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1), "peak_tree_rss_mb": round(peak_tree / 2**20, 1),
            "stderr_last": last[-1][:240] if last else ""}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m research.bench.memory", description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=None, help="model path or alias (default: best:default, else a toy model)")
    ap.add_argument("--out", default="results/bench", help="output folder (default results/bench)")
    ap.add_argument("--limit-mb", type=float, default=1500.0, help="peak RSS a predict case may reach (MB)")
    ap.add_argument("--jobs", default="-1", help="predict --jobs (default -1: all cores)")
    args = ap.parse_args(argv)

    from .. import __version__
    from ..ingest.read import MAX_PAGE_BYTES, MAX_PAGE_LINES
    from .predict import find_model

    spec, chosen = find_model(args.model)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        folder = Path(tmp)
        cases = write_pages(folder)
        base = [sys.executable, "-m", "research"]
        baseline = measure(base + ["predict", spec, str(cases["1M short lines"][1]), "--no-progress", "-o",
                                   str(folder / "warm.jsonl")])  # also warms the page cache for the model file
        for name, (kind, path) in cases.items():
            size = path.stat().st_size
            out = folder / "out.jsonl"
            cmd = base + ["predict", spec, str(path), "--no-progress", "--jobs", args.jobs, "-o", str(out)]
            if kind == "text":
                cmd.append("--text")
            row = {"case": name, "command": "predict", "input_mb": round(size / 2**20, 1), **measure(cmd)}
            rows.append(row)
            print(f"  {row}", file=sys.stderr)
            if kind == "page":
                row = {"case": name, "command": "segment", "input_mb": round(size / 2**20, 1),
                       **measure(base + ["segment", str(path), "-o", str(folder / "seg.jsonl")])}
                rows.append(row)
                print(f"  {row}", file=sys.stderr)
    worst = max(r["peak_rss_mb"] for r in rows if r["command"] == "predict")
    result = {
        "benchmark": "memory",
        "utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "research_version": __version__,
        "model": spec, "model_choice": chosen,
        "limits": {"max_page_bytes": MAX_PAGE_BYTES, "max_page_lines": MAX_PAGE_LINES},
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "model_only_peak_rss_mb": baseline["peak_rss_mb"],
        "rows": rows,
        "limit_mb": args.limit_mb,
        "worst_predict_peak_rss_mb": worst,
        "ok": worst < args.limit_mb,
    }
    write_report(args.out, "memory", result, render_markdown(result))
    return 0 if result["ok"] else 1


def render_markdown(r: dict) -> str:
    lines = [
        f"# Peak memory on hostile pages ({r['utc']})",
        "",
        f"Model `{r['model']}` ({r['model_choice']}); a page is at most {r['limits']['max_page_bytes'] >> 20} MiB "
        f"and {r['limits']['max_page_lines']:,} lines. Tagging a small page with this model peaks at "
        f"{r['model_only_peak_rss_mb']:.0f} MB. {r['machine']['cpus']} CPUs.",
        "",
        "| case | command | input MB | exit | seconds | peak RSS MB | process tree peak MB | last stderr line |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in r["rows"]:
        lines.append(f"| {row['case']} | {row['command']} | {row['input_mb']:.1f} | {row['exit']} | "
                     f"{row['seconds']:.1f} | {row['peak_rss_mb']:.0f} | {row['peak_tree_rss_mb']:.0f} | "
                     f"{row['stderr_last'].replace('|', '/')} |")
    verdict = "under" if r["ok"] else "OVER"
    lines += ["", f"Worst `predict` peak: {r['worst_predict_peak_rss_mb']:.0f} MB, {verdict} the "
                  f"{r['limit_mb']:.0f} MB limit.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
