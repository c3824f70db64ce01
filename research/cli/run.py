"""``research run CONFIG [--set a.b=c ...]``: train and evaluate one experiment, print where the results are."""
from __future__ import annotations

import argparse

from ..labels import LABELS


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("run", help="train + evaluate an experiment config, write a run folder",
                              formatter_class=argparse.RawDescriptionHelpFormatter,
                              description="Example: research run configs/default.yaml --set features.lda.n_topics=30")
    p.add_argument("config", help="experiment YAML (configs/*.yaml)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a config value, e.g. classifier.C=2 (repeatable)")
    p.add_argument("--results", default=None, help="results folder (default: output.dir of the config)")
    p.set_defaults(handler=main)


def main(args) -> int:
    from ..experiment import run_experiment

    result = run_experiment(args.config, overrides=args.overrides, results_dir=args.results)
    m = result.metrics
    print(f"run folder: {result.path}")
    print(f"macro-F1 {m['macro_f1']:.3f}  micro-F1 {m['micro_f1']:.3f}  subset accuracy {m['subset_accuracy']:.3f}"
          f"  ({m['n_train']} train / {m['n_test']} test documents)")
    for name in LABELS:
        s = m["labels"][name]
        print(f"  {name:<15} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  n={s['support']}")
    return 0
