"""Prediction throughput: articles/s of ``TaggingModel`` with 1 and 2 tokenizer processes, against a naive loop.

    python -m research.bench.predict [--model best:default] [--n 3000] [--naive-n 300] [--out results/bench]

Documents are 新闻联播 items (title + content) from ``../shared/data/xwlb/xwlb_2012_2025.jsonl.gz`` (the first
``--n`` non-empty items) when present, else the package's embedded sample. Measured in the same run, after a
warm-up that loads the segmenter (its one-off start-up is not counted):

* ``model n_jobs=1`` / ``model n_jobs=2``: ``TaggingModel.predict`` on all documents (batches of 512; texts are
  segmented once, in a pool of tokenizer processes for n_jobs=2, and the tokens feed TF-IDF, LDA and the
  classifier);
* ``naive``: per document ``jieba.lcut(text)`` then ``pipeline[1:].predict([tokens])`` -- one document at a time, as
  a first script would do it; run on the first ``--naive-n`` documents (it is slow) and reported as a rate;
* ``naive, model tokenizer``: ``pipeline.predict([text])`` one document at a time (same output as the model).

Outputs of the batched runs are checked to be identical for 1 and 2 processes. Writes
``results/bench/predict_<timestamp>.json`` and ``.md`` and prints the table. The machine's load average is
recorded: on a shared machine the figures are only comparable within one run.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from .report import write_report

ROOT = Path(__file__).resolve().parents[2]
XWLB = ROOT.parent / "shared" / "data" / "xwlb" / "xwlb_2012_2025.jsonl.gz"


def load_texts(n: int, source: str | None = None) -> tuple[list[str], str]:
    """First ``n`` non-empty 新闻联播 items as "title\\ncontent" (xwlb dump, else the embedded sample)."""
    path = Path(source) if source else XWLB
    texts: list[str] = []
    if path.is_file():
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                obj = json.loads(line)
                body = (obj.get("content") or "").strip()
                if body:
                    texts.append("\n".join(s for s in (obj.get("title", ""), body) if s))
                if len(texts) >= n:
                    break
        return texts, str(path)
    from ..datasets.builtin import builtin_data_path

    sample = builtin_data_path("sample_v2")
    with gzip.open(sample, "rt", encoding="utf-8") as fh:
        for line in fh:
            obj = json.loads(line)
            if "__corpus__" in obj:
                continue
            text = obj.get("text") or "\n".join(s for s in (obj.get("title"), obj.get("content")) if s)
            if text:
                texts.append(text)
            if len(texts) >= n:
                break
    return texts, str(sample)


def find_model(spec: str | None) -> tuple[str, str]:
    """(model spec, how it was chosen): --model, else best:default in results/, else a toy model trained now."""
    from ..runs_index import read_runs

    if spec:
        return spec, "given"
    if [r for r in read_runs("results", "default") if r.has_model]:
        return "best:default", "best:default from results/runs.jsonl"
    from ..experiment import run_experiment

    tmp = Path(tempfile.mkdtemp(prefix="bench-predict-"))
    result = run_experiment(str(ROOT / "configs" / "toy.yaml"), results_dir=tmp)
    return str(result.path), "toy model trained for the benchmark (no default run found; vocabulary is tiny)"


def _cpu() -> float:
    t = os.times()  # this process plus its finished children (the tokenizer pool is joined after each stream)
    return t.user + t.system + t.children_user + t.children_system


def timed(fn, repeat: int = 1) -> tuple[float, object]:
    return timed_cpu(fn, repeat)[0::2]


def timed_cpu(fn, repeat: int = 1) -> tuple[float, float, object]:
    """(best wall seconds, CPU seconds of that repetition, output)."""
    best, cpu, out = float("inf"), 0.0, None
    for _ in range(repeat):
        c0, t0 = _cpu(), time.perf_counter()
        out = fn()
        wall, used = time.perf_counter() - t0, _cpu() - c0
        if wall < best:
            best, cpu = wall, used
    return best, cpu, out


def _row(method: str, n: int, wall: float, cpu: float | None) -> dict:
    row = {"method": method, "documents": n, "seconds": round(wall, 3), "docs_per_s": round(n / wall, 1)}
    if cpu:
        row["cpu_seconds"] = round(cpu, 3)
        row["docs_per_cpu_s"] = round(n / cpu, 1)
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m research.bench.predict", description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=None, help="model path or alias (default: best:default, else a toy model)")
    ap.add_argument("--n", type=int, default=3000, help="documents for the batched runs (default 3000)")
    ap.add_argument("--naive-n", type=int, default=300, help="documents for the naive loop (default 300)")
    ap.add_argument("--data", default=None, help="xwlb-style .jsonl.gz (default ../shared/data/xwlb/...)")
    ap.add_argument("--repeat", type=int, default=1, help="repeat each batched measurement, keep the best")
    ap.add_argument("--out", default="results/bench", help="output folder (default results/bench)")
    ap.add_argument("--backend", default=None,
                    help="also time this segmenter backend (e.g. rjieba) on the same model; predictions may differ")
    args = ap.parse_args(argv)

    import warnings

    import jieba


    from .. import __version__
    from ..model import load_model

    spec, chosen = find_model(args.model)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = load_model(spec)
    texts, data_source = load_texts(args.n, args.data)
    chars = [len(t) for t in texts]
    load_start = os.getloadavg()
    print(f"model {model.path} ({chosen}); {len(texts)} documents from {data_source}, "
          f"mean {statistics.mean(chars):.0f} chars; load average {load_start[0]:.2f}", file=sys.stderr)

    model.predict(texts[:20])  # warm-up: segmenter dictionary, lazy imports
    jieba.setLogLevel(60)
    jieba.initialize()

    rows = []
    outputs = {}
    for n_jobs in (1, 2):
        model.n_jobs = n_jobs
        wall, cpu, out = timed_cpu(lambda: model.predict(texts), args.repeat)
        outputs[n_jobs] = out
        rows.append(_row(f"model n_jobs={n_jobs}", len(texts), wall, cpu))
        print(f"  {rows[-1]}", file=sys.stderr)
    identical = json.dumps(outputs[1]) == json.dumps(outputs[2])

    backend_check = None
    if args.backend and args.backend != getattr(model.tokenizer, "backend", "jieba"):
        # another segmenter on the same fitted model: faster, but not byte-identical to the trained tokenizer
        model.pipeline.set_params(tokens__backend=args.backend)
        model.predict(texts[:20])
        for n_jobs in (1, 2):
            model.n_jobs = n_jobs
            wall, cpu, out = timed_cpu(lambda: model.predict(texts), args.repeat)
            rows.append(_row(f"model n_jobs={n_jobs}, backend={args.backend}", len(texts), wall, cpu))
            print(f"  {rows[-1]}", file=sys.stderr)
        same = sum(a["primary"] == b["primary"] for a, b in zip(out, outputs[1]))
        same_sets = sum(a["labels"] == b["labels"] for a, b in zip(out, outputs[1]))
        backend_check = {"backend": args.backend, "same_primary": round(same / len(texts), 4),
                         "same_label_set": round(same_sets / len(texts), 4)}
        model.pipeline.set_params(tokens__backend="jieba")

    # where the time goes (n_jobs=1): segmenting vs features + classifier
    model.n_jobs = 1
    t_tok, tokens = timed(lambda: model.tokenize(texts))
    union = model.pipeline.named_steps["features"]
    t_feat, feats = timed(lambda: union.transform(tokens))
    t_clf, _ = timed(lambda: model.clf.predict_labels(feats))
    stages = {"tokenize": round(t_tok, 3), "features": round(t_feat, 3), "classifier": round(t_clf, 3)}
    for name in ("tfidf", "lda"):
        step = dict(union.transformer_list).get(name)
        if step is not None and not isinstance(step, str):
            stages[name] = round(timed(lambda: step.transform(tokens))[0], 3)

    naive_docs = texts[: args.naive_n]
    rest = model.pipeline[1:]

    def naive():
        return [rest.predict([jieba.lcut(t)]) for t in naive_docs]

    def naive_model_tokenizer():
        return [model.pipeline.predict([t]) for t in naive_docs]

    for name, fn in (("naive: jieba.lcut + predict per document", naive),
                     ("naive: pipeline.predict per document", naive_model_tokenizer)):
        wall, cpu, _ = timed_cpu(fn)
        rows.append(_row(name, len(naive_docs), wall, cpu))
        print(f"  {rows[-1]}", file=sys.stderr)

    by = {r["method"]: r["docs_per_s"] for r in rows}
    baseline = by["naive: jieba.lcut + predict per document"]
    base_cpu = next(r for r in rows if r["method"].startswith("naive: jieba.lcut")).get("docs_per_cpu_s")
    for r in rows:
        r["vs_naive"] = round(r["docs_per_s"] / baseline, 2)
        if base_cpu and r.get("docs_per_cpu_s"):
            r["vs_naive_cpu"] = round(r["docs_per_cpu_s"] / base_cpu, 2)
    result = {
        "benchmark": "predict",
        "utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "research_version": __version__,
        "model": str(model.path), "model_choice": chosen,
        "tokenizer_backend": getattr(model.tokenizer, "backend", "jieba"),
        "data": data_source, "documents": len(texts), "mean_chars": round(statistics.mean(chars), 1),
        "median_chars": statistics.median(chars),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "load_average_start": [round(x, 2) for x in load_start],
                    "load_average_end": [round(x, 2) for x in os.getloadavg()]},
        "batch_size": model.batch_size,
        "rows": rows,
        "stages_n_jobs_1_seconds": stages,
        "outputs_identical_1_vs_2_jobs": identical,
        "speedup_2_vs_1": round(by["model n_jobs=2"] / by["model n_jobs=1"], 2),
        "target_docs_per_s": 1000,
        "other_backend": backend_check,
    }
    write_report(args.out, "predict", result, render_markdown(result))

    return 0


def render_markdown(r: dict) -> str:
    lines = [
        f"# Prediction throughput ({r['utc']})",
        "",
        f"{r['documents']} 新闻联播 articles (mean {r['mean_chars']:.0f} chars, median {r['median_chars']:.0f}) "
        f"from `{r['data']}`; model `{r['model']}` ({r['model_choice']}), tokenizer backend "
        f"`{r['tokenizer_backend']}`, batch size {r['batch_size']}; {r['machine']['cpus']} CPUs, load average "
        f"{r['machine']['load_average_start'][0]} at start, {r['machine']['load_average_end'][0]} at end.",
        "",
        "| method | documents | wall s | articles/s | vs naive | CPU s | articles per CPU-s | vs naive (CPU) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in r["rows"]:
        lines.append(f"| {row['method']} | {row['documents']} | {row['seconds']:.2f} | {row['docs_per_s']:.0f} | "
                     f"{row['vs_naive']:.1f}x | {row.get('cpu_seconds', 0):.2f} | {row.get('docs_per_cpu_s', 0):.0f} | "
                     f"{row.get('vs_naive_cpu', 0):.1f}x |")
    st = r["stages_n_jobs_1_seconds"]
    lines += [
        "",
        f"2 processes vs 1: {r['speedup_2_vs_1']:.2f}x; outputs identical: {r['outputs_identical_1_vs_2_jobs']}. "
        f"Target: >= {r['target_docs_per_s']} articles/s on 2 cores.",
        "",
        "Stages at n_jobs=1 (seconds for all documents): " + ", ".join(f"{k} {v:.2f}" for k, v in st.items()) + ".",
        "",
        "Articles per CPU-second does not depend on what else runs on the machine; wall-clock rates do (compare",
        "the load average with the CPU count).",
        "",
    ]
    ob = r.get("other_backend")
    if ob:
        lines += [f"Backend `{ob['backend']}` vs the model's own segmenter: same primary label for "
                  f"{ob['same_primary']:.1%} of the articles, same label set for {ob['same_label_set']:.1%}.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
