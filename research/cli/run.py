"""``research run CONFIG [--set a.b=c ...]``: train and evaluate one experiment, print where the results are.

The config decides what a run is: a benchmark corpus (``data.corpus`` thucnews/cnews/toutiao) runs the multi-class
benchmark, a non-empty ``sweep.grid``/``sweep.variants`` runs every variant, ``evaluation.drift_years`` runs the
temporal-drift study, anything else is one ordinary run.
"""
from __future__ import annotations

import argparse

from ..labels import LABELS
from .options import add_overrides, add_results


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("run", help="train + evaluate an experiment config, write a run folder",
                              formatter_class=argparse.RawDescriptionHelpFormatter,
                              description="Examples:\n  research run default            (a config shipped in the "
                                          "package: default, full, toy, benchmarks/thucnews, ...)\n"
                                          "  research run configs/default.yaml --set features.lda.n_topics=30")
    p.add_argument("config", help="a config file, or the name of a packaged config (default, full, toy, ...)")
    add_overrides(p)
    add_results(p)
    p.set_defaults(handler=main)


def main(args) -> int:
    from ..config import load_config

    config = load_config(args.config, args.overrides)
    if config.data.corpus in ("thucnews", "cnews", "toutiao"):
        from ..study.benchmark import print_summary, run_benchmark

        print_summary(run_benchmark(config, source=str(args.config), results_dir=args.results))
        return 0
    if config.sweep.grid or config.sweep.variants:
        from ..study.sweep import print_sweep, run_sweep

        print_sweep(run_sweep(config, source=str(args.config), results_dir=args.results))
        return 0
    if config.evaluation.drift_years:
        from ..study.drift import print_drift, run_drift

        print_drift(run_drift(config, source=str(args.config), results_dir=args.results))
        return 0

    from ..experiment import run_experiment

    result = run_experiment(config, results_dir=args.results, source=str(args.config))
    print_run(result)
    return 0


def print_run(result) -> None:
    m = result.metrics
    print(f"run folder: {result.path}")
    print(f"macro-F1 {m['macro_f1']:.3f}  micro-F1 {m['micro_f1']:.3f}  subset accuracy {m['subset_accuracy']:.3f}"
          f"  ({m['n_train']} train / {m['n_test']} test documents, scored against its weak labels)")
    for key, ci in (m.get("ci") or {}).items():
        print(f"  95% CI {key}: {ci['lo']:.3f}-{ci['hi']:.3f}")
    for name in LABELS:
        s = m["labels"][name]
        print(f"  {name:<15} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  n={s['support']}")
    for name, g in (m.get("gold") or {}).items():
        if "model" in g:  # the scores that measure truth rather than agreement with the rules
            base = g["baseline_labels"]["micro_f1"]
            print(f"against text read by hand, {name} ({g['items']} items): model micro-F1 "
                  f"{g['model']['micro_f1']:.3f}, {g['baseline']} {'–' if base is None else f'{base:.3f}'}")
        else:
            print(f"against text read by hand, {name}: skipped ({g['skipped']})")
    from ..runs_index import DEFAULT_RANKING, RunEntry, gold_summary

    entry = RunEntry(experiment="", run_id="", path=result.path, macro_f1=m["macro_f1"], micro_f1=m["micro_f1"],
                     model=None, line=0, extra={"gold": gold_summary(m.get("gold") or {})})
    score = entry.score(DEFAULT_RANKING)
    if score is not None:
        print(f"best:<experiment> ranks by {DEFAULT_RANKING} (mean macro-F1 on the hand-checked dev halves): "
              f"{score:.3f}")
