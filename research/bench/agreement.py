"""Segmenter agreement: does a fast backend cut the corpus the way jieba does (with the package's user dictionary)?

    python -m research.bench.agreement [--backend rjieba] [--limit N] [--stride K] [--jobs 2]

Every document is normalized as the tokenizer does, cut by jieba (the reference) and by the backend, both with
the user dictionary loaded and HMM on. Reported:

* token agreement = share of jieba's tokens whose exact character span is also a token of the backend (and the
  same with the roles swapped), on the raw segmentation, before and after the backend's jieba harmonization;
* filtered agreement = share of the tokens the package keeps (after stopwords/min_len/number rules) that the
  backend also keeps, per document as multisets;
* documents whose token lists are identical; the most frequent disagreements.

A backend is offered by ``JiebaTokenizer(backend=...)`` only if its raw and filtered agreement are >= 99 %.
Writes ``results/bench/agreement_<backend>_<timestamp>.json`` and ``.md``.
"""
from __future__ import annotations

import argparse
import time
from collections import Counter
from multiprocessing import get_context

from ..tokenize import (JiebaTokenizer, _decide, _harmonized, _segmenter, backend_version, normalize_for_tokens,
                        segment)
from .pipeline import corpus_texts
from .report import write_report

BAR = 0.99


def _spans(tokens: list[str]) -> set[tuple[int, int]]:
    out, start = set(), 0
    for tok in tokens:
        out.add((start, start + len(tok)))
        start += len(tok)
    return out


def _compare_chunk(args) -> dict:
    texts, backend, settings = args
    _, words, key, stopwords, min_len, keep_numbers, keep_latin, hmm = settings
    ref = _segmenter("jieba", words, key)
    other = _segmenter(backend, words, key)
    rules = (stopwords, min_len, keep_numbers, keep_latin)
    c = Counter()
    diffs: Counter = Counter()
    for text in texts:
        norm = normalize_for_tokens(text)
        a = segment("jieba", ref, norm, hmm)
        b_raw = segment(backend, other, norm, hmm)
        b = [t for r in b_raw for t in _harmonized(r)]
        sa, sb, sr = _spans(a), _spans(b), _spans(b_raw)
        c["docs"] += 1
        c["chars"] += len(text)
        c["jieba_tokens"] += len(sa)
        c["backend_tokens"] += len(sb)
        c["matched"] += len(sa & sb)
        c["matched_unharmonized"] += len(sa & sr)
        c["backend_tokens_unharmonized"] += len(sr)
        c["docs_identical"] += a == b
        fa = [t for t in (_decide(x, *rules) for x in a) if t is not None]
        fb = [t for t in (_decide(x, *rules) for x in b) if t is not None]
        ca, cb = Counter(fa), Counter(fb)
        c["filtered_jieba"] += len(fa)
        c["filtered_backend"] += len(fb)
        c["filtered_matched"] += sum((ca & cb).values())
        c["filtered_docs_identical"] += fa == fb
        if a != b:
            for i, j in sorted(sa - sb)[:5]:
                diffs[norm[i:j]] += 1
    return {"counts": dict(c), "diffs": dict(diffs.most_common(200))}


def measure(texts: list[str], backend: str = "rjieba", jobs: int = 2, chunk: int = 256) -> dict:
    tok = JiebaTokenizer().fit()
    settings = tok._settings()
    _segmenter("jieba", settings[1], settings[2])
    _segmenter(backend, settings[1], settings[2])
    tasks = [(texts[i : i + chunk], backend, settings) for i in range(0, len(texts), chunk)]
    total, diffs = Counter(), Counter()
    t0 = time.perf_counter()
    from tqdm.auto import tqdm

    bar = tqdm(total=len(texts), desc="agreement", unit="doc", mininterval=10)
    if jobs > 1:
        with get_context("fork").Pool(jobs) as pool:
            parts = []
            for task, part in zip(tasks, pool.imap(_compare_chunk, tasks)):
                parts.append(part)
                bar.update(len(task[0]))
    else:
        parts = []
        for task in tasks:
            parts.append(_compare_chunk(task))
            bar.update(len(task[0]))
    bar.close()
    for part in parts:
        total.update(part["counts"])
        diffs.update(part["diffs"])
    c = total
    return {
        "backend": backend,
        "backend_version": backend_version(backend),
        "reference": f"jieba {backend_version('jieba')}",
        "user_dict": "builtin:v1",
        "hmm": True,
        "documents": c["docs"],
        "chars": c["chars"],
        "token_agreement": c["matched"] / max(1, c["jieba_tokens"]),
        "token_agreement_backend_side": c["matched"] / max(1, c["backend_tokens"]),
        "token_agreement_unharmonized": c["matched_unharmonized"] / max(1, c["jieba_tokens"]),
        "filtered_token_agreement": c["filtered_matched"] / max(1, c["filtered_jieba"]),
        "filtered_token_agreement_backend_side": c["filtered_matched"] / max(1, c["filtered_backend"]),
        "documents_identical": c["docs_identical"] / max(1, c["docs"]),
        "filtered_documents_identical": c["filtered_docs_identical"] / max(1, c["docs"]),
        "jieba_tokens": c["jieba_tokens"],
        "filtered_jieba_tokens": c["filtered_jieba"],
        "passes_bar": bool(c["matched"] / max(1, c["jieba_tokens"]) >= BAR
                           and c["filtered_matched"] / max(1, c["filtered_jieba"]) >= BAR),
        "bar": BAR,
        "top_disagreements": [[tok, n] for tok, n in diffs.most_common(25)],
        "seconds": time.perf_counter() - t0,
    }


def to_markdown(r: dict, source: str) -> str:
    pct = lambda x: f"{100 * x:.3f} %"  # noqa: E731
    lines = [
        f"# Segmenter agreement: {r['backend']} {r['backend_version']} vs {r['reference']}",
        "",
        f"Corpus: {source} ({r['documents']:,} documents, {r['chars']:,} chars); user dictionary "
        f"{r['user_dict']} loaded in both, HMM on.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| token agreement (jieba tokens with the same span in {r['backend']}) | {pct(r['token_agreement'])} |",
        f"| token agreement, {r['backend']} side | {pct(r['token_agreement_backend_side'])} |",
        f"| token agreement before ASCII harmonization | {pct(r['token_agreement_unharmonized'])} |",
        f"| filtered tokens (what the package keeps) agreement | {pct(r['filtered_token_agreement'])} |",
        f"| filtered tokens agreement, {r['backend']} side | {pct(r['filtered_token_agreement_backend_side'])} |",
        f"| documents with identical raw token lists | {pct(r['documents_identical'])} |",
        f"| documents with identical filtered token lists | {pct(r['filtered_documents_identical'])} |",
        f"| passes the {r['bar']:.0%} bar | {'yes' if r['passes_bar'] else 'NO'} |",
        "",
        "Most frequent jieba tokens the backend cuts differently: "
        + ", ".join(f"{t!r}×{n}" for t, n in r["top_disagreements"][:15]),
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", default="rjieba")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--stride", type=int, default=1, help="every K-th document (a systematic sample of the corpus)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", default="results/bench")
    args = ap.parse_args(argv)
    source, texts = corpus_texts(args.limit)
    if args.stride > 1:
        texts = texts[:: args.stride]
        source += f" (every {args.stride}th document)"
    report = measure(texts, args.backend, args.jobs)
    report["source"] = source
    write_report(args.out, f"agreement_{args.backend}", report, to_markdown(report, source))
    return 0 if report["passes_bar"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
