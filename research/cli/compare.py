"""``research compare results/<experiment>``: table of runs, their metrics and the config keys that differ; figures."""
from __future__ import annotations

from pathlib import Path


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("compare", help="compare the runs of an experiment (table + figures)",
                              description="Example: research compare results/xwlb_classifiers")
    p.add_argument("experiment_dir", help="results/<experiment> folder holding run folders")
    p.add_argument("--manifest", default=None,
                   help="only the runs of this sweep manifest (sweep-*.json); default: the latest manifest in the "
                        "folder if there is one, else every finished run")
    p.add_argument("--all", action="store_true", help="every finished run in the folder, ignoring sweep manifests")
    p.add_argument("--out", default=None, help="output folder (default: <experiment_dir>/_compare)")
    p.add_argument("--no-figures", action="store_true", help="table only")
    p.set_defaults(handler=main)


def main(args) -> int:
    from ..study.compare import compare_runs

    exp_dir = Path(args.experiment_dir)
    manifest = Path(args.manifest) if args.manifest else None
    if manifest is None and not args.all and exp_dir.is_dir():
        manifests = sorted(exp_dir.glob("sweep-*.json"))
        manifest = manifests[-1] if manifests else None
    result = compare_runs(exp_dir, manifest=manifest, out_dir=args.out, figures=not args.no_figures)
    print(result.text)
    print(f"\nwritten to {result.out_dir}" + (f" (runs of {manifest.name})" if manifest else ""))
    return 0
