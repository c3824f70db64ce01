"""``research agendas CONFIG [--model M] [--set k=v]``: label and topic shares of government-report paragraphs by
year, level and place, what rose and fell between two periods (see :mod:`research.study.agendas`)."""
from __future__ import annotations

import argparse

from .options import add_overrides, add_results


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("agendas", help="local government agendas: label/topic shares of report paragraphs "
                                              "by year, level and place",
                              formatter_class=argparse.RawDescriptionHelpFormatter,
                              description="Example: research agendas configs/agendas.yaml --model best:full\n"
                                          "Without --model (or agendas.model) the paragraphs are labelled by the "
                                          "weak-labelling rules of data.rules; every output says which.")
    p.add_argument("config", help="experiment YAML with a data: section of report paragraphs and an agendas: section")
    p.add_argument("--model", default=None, metavar="ALIAS_OR_PATH",
                   help="label with this trained model (best:<exp>, latest:<exp>, a run folder or model.skops) "
                        "instead of the rules; overrides agendas.model")
    add_overrides(p, "agendas.province=湖北省")
    add_results(p)
    p.set_defaults(handler=main)


def main(args) -> int:
    from ..config import load_config
    from ..study.agendas import run_agendas

    config = load_config(args.config, args.overrides)
    result = run_agendas(config, source=str(args.config), results_dir=args.results, model=args.model)
    s = result.summary
    print(f"agendas: {s['counts']['paragraphs']:,} paragraphs of {s['counts']['reports']:,} reports; "
          f"labels: {s['labels']['describe']}")
    rows = [r for r in result.tables["rise_fall"] if r["kind"] == "label" and r["scope"] == "all"]
    for r in rows:
        print(f"  {r['name']:<15} {r['period_a']} {100 * r['share_a']:5.1f}%  {r['period_b']} {100 * r['share_b']:5.1f}%"
              f"  Δ {100 * r['delta']:+5.1f} pp (95% CI {100 * r['delta_lo']:+.1f} … {100 * r['delta_hi']:+.1f})")
    print(f"written to {result.out_dir}")
    return 0
