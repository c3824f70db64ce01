"""Options several commands share, written once so that they read and behave the same everywhere."""
from __future__ import annotations

import argparse


def add_overrides(p: argparse.ArgumentParser, example: str = "classifier.C=2") -> None:
    """``--set KEY=VALUE`` (repeatable): override a config value; collected in ``args.overrides``."""
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help=f"override a config value, e.g. {example} (repeatable)")


def add_results(p: argparse.ArgumentParser, for_aliases: bool = False) -> None:
    """``--results DIR``: where runs are written, or (``for_aliases``) where best:/latest: are looked up."""
    p.add_argument("--results", default=None,
                   help="results folder for aliases (default: results/)" if for_aliases
                   else "results folder (default: output.dir of the config)")


__all__ = ["add_overrides", "add_results"]
