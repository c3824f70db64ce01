"""``research topics``: choose K (``sweep``) and read a run's topics (``show``)."""
from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path

from ..errors import ResearchError
from .options import add_overrides, add_results

log = logging.getLogger(__name__)


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("topics", help="topic-model studies: choose K, read topics",
                              description="Topic-model studies: `sweep` trains LDA for several K and recommends one; "
                                          "`show` prints the topics of a run folder.")
    sub = p.add_subparsers(dest="topics_command", metavar="ACTION")
    sub.required = True

    s = sub.add_parser("sweep", help="train LDA for a list of K and report coherence, perplexity, diversity, time")
    s.add_argument("config", help="experiment config (YAML); features.lda gives the engine and its settings")
    add_overrides(s, "features.lda.engine=gensim")
    s.add_argument("--k", dest="k_values", default=None, help="comma-separated K values (default: topics.k_values)")
    s.add_argument("--alpha", default=None, help="comma-separated alpha values to cross with K (optional)")
    s.add_argument("--eta", default=None, help="comma-separated eta values to cross with K (optional)")
    s.add_argument("--max-heldout", type=int, default=5000,
                   help="score coherence on at most this many held-out documents (default 5000)")
    s.add_argument("--out", default=None, help="output folder (default results/<experiment>/topics_sweep_<time>)")

    e = sub.add_parser("seeded", help="compare LDA with and without lexicon-seeded topics (coherence, alignment, F1)")
    e.add_argument("config", help="experiment config (YAML)")
    add_overrides(e)
    e.add_argument("--k", type=int, default=None, help="number of topics (default features.lda.n_topics)")
    e.add_argument("--rules", default=None, help="lexicon for the seeds (default topics.seed_lexicon or builtin:v1)")
    e.add_argument("--seed-weight", type=float, default=None, help="default topics.seed_weight")
    e.add_argument("--out", default=None, help="output folder (default results/<experiment>/topics_seeded_<time>)")

    w = sub.add_parser("show", help="print the topics (or sweep table) of a run folder")
    w.add_argument("run_dir", help="a run folder with topics.md, best:<experiment> / latest:<experiment>, or a "
                                   "topics_sweep_* folder")
    add_results(w, for_aliases=True)
    p.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    if args.topics_command == "sweep":
        return _sweep(args)
    if args.topics_command == "seeded":
        return _seeded(args)
    if args.topics_command == "show":
        return _show(args)
    raise ResearchError(f"unknown topics action {args.topics_command!r}")


def _parse_list(text: str | None, kind, what: str):
    if text is None:
        return None
    out = []
    for item in text.split(","):
        item = item.strip()
        if not item:
            continue
        try:
            out.append(kind(item))
        except ValueError:
            raise ResearchError(f"--{what}: {item!r} is not valid (expected a comma-separated list)") from None
    if not out:
        raise ResearchError(f"--{what}: empty list")
    return out


def _prior(item: str):
    if item.lower() in ("none", "null"):
        return None
    try:
        return float(item)
    except ValueError:
        return item


def _sweep(args) -> int:
    from ..config import load_config
    from ..study.topic_corpus import load_tokenized
    from ..topics.sweep import markdown_table, plot_sweep, recommend, run_sweep

    config = load_config(args.config, args.overrides)
    k_values = _parse_list(args.k_values, int, "k") or list(config.topics.k_values)
    alphas = _parse_list(args.alpha, _prior, "alpha")
    etas = _parse_list(args.eta, _prior, "eta")
    lda = config.features.lda
    params = _lda_params(config)
    stamp = time.strftime("%Y%m%d_%H%M%S")
    out = Path(args.out) if args.out else Path(config.output.dir) / config.experiment / f"topics_sweep_{stamp}"
    t0 = time.perf_counter()
    docs, tokens = load_tokenized(config, args.config, cache_dir=Path(config.output.dir) / ".cache")
    rows = run_sweep(tokens, k_values, params, heldout_fraction=config.topics.heldout_fraction, seed=config.seed,
                     alphas=alphas, etas=etas, top_n=config.topics.top_n, max_heldout_docs=args.max_heldout)
    best, reason = recommend(rows)
    out.mkdir(parents=True, exist_ok=True)
    table = markdown_table(rows, best)
    title = f"{config.experiment}: {config.data.corpus} ({len(docs)} docs), engine {lda.engine}"
    plot_sweep(rows, out / "sweep.png", best, title)
    summary = {
        "experiment": config.experiment,
        "config": config.to_dict(),
        "corpus": {"name": config.data.corpus, "path": config.data.path, "documents": len(docs)},
        "heldout_fraction": config.topics.heldout_fraction,
        "max_heldout_docs": args.max_heldout,
        "rows": [r.table_row() for r in rows],
        "top_words": {f"K={r.k},alpha={r.alpha},eta={r.eta}": r.top_words for r in rows},
        "recommended": {"k": best.k, "alpha": best.alpha, "eta": best.eta, "reason": reason},
        "seconds": round(time.perf_counter() - t0, 1),
    }
    (out / "sweep.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    md = (f"# Topic sweep: {title}\n\n{table}\n\n(* = recommended)\n\n**Recommended: K={best.k}.** {reason}.\n\n"
          f"Coherence: gensim CoherenceModel, top {config.topics.top_n} words, on held-out documents. "
          f"Perplexity: held-out, document part of the variational bound (lower is better). "
          f"Diversity: unique share of top-25 words.\n\n![sweep](sweep.png)\n")
    (out / "sweep.md").write_text(md, encoding="utf-8")
    print(table)
    print(f"\nrecommended K={best.k}: {reason}")
    print(f"written: {out}")
    return 0


def _lda_params(config) -> dict:
    lda = config.features.lda
    return dict(engine=lda.engine, passes=lda.passes, iterations=lda.iterations, alpha=lda.alpha, eta=lda.eta,
                min_df=lda.min_df, max_df=lda.max_df, max_features=lda.max_features, chunksize=lda.chunksize,
                random_state=config.seed)


def _seeded(args) -> int:
    from ..config import load_config
    from ..study.topic_corpus import load_tokenized
    from ..topics.seeded_eval import compare_seeding, markdown
    from ..weak_labels.seed_words import lexicon_seed_words

    config = load_config(args.config, args.overrides)
    k = args.k or config.features.lda.n_topics
    if k < 2:
        raise ResearchError(f"--k must be at least 2, got {k}")
    rules = args.rules or config.topics.seed_lexicon or "builtin:v1"
    weight = args.seed_weight if args.seed_weight is not None else config.topics.seed_weight
    seeds = lexicon_seed_words(rules, max_words=config.topics.seed_max_words)
    stamp = time.strftime("%Y%m%d_%H%M%S")
    out = Path(args.out) if args.out else Path(config.output.dir) / config.experiment / f"topics_seeded_{stamp}"
    docs, tokens = load_tokenized(config, args.config, cache_dir=Path(config.output.dir) / ".cache")
    result = compare_seeding(docs, tokens, {**_lda_params(config), "n_topics": k}, seeds, weight,
                             test_size=config.split.test_size, seed=config.seed)
    result.update({"experiment": config.experiment, "corpus": config.data.path, "k": k, "rules": rules})
    out.mkdir(parents=True, exist_ok=True)
    (out / "seeded.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    md = (f"# Seeded vs unseeded LDA: {config.data.corpus}, K={k}, engine {config.features.lda.engine}, "
          f"seeds from {rules}, seed_weight {weight}\n\n" + markdown(result))
    (out / "seeded.md").write_text(md, encoding="utf-8")
    print(md)
    print(f"written: {out}")
    return 0


def _show(args) -> int:
    from ..runs_index import resolve_run_dir

    run = resolve_run_dir(args.run_dir, args.results)
    if not run.is_dir():
        raise ResearchError(f"run folder not found: {run}")
    for name in ("topics.md", "sweep.md"):
        if (run / name).is_file():
            print((run / name).read_text(encoding="utf-8"))
            if (run / "topics.html").is_file():
                print(f"interactive view: {(run / 'topics.html').resolve()}")
            return 0
    raise ResearchError(f"{run}: no topics.md or sweep.md (run `research run` with LDA enabled, or `research topics sweep`)")
