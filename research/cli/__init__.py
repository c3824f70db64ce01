"""The ``research`` command. Each subcommand lives in its own module with ``add_parser`` and ``main``.

A :class:`~research.errors.ResearchError` becomes one line on stderr and exit code 2; anything else is a bug
and keeps its traceback.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import sys

from ..errors import ResearchError

# subcommand name -> module (under research.cli) that defines add_parser(subparsers) and main(args) -> int
COMMANDS = {
    "run": "run",
    "segment": "segment",
    "dataset": "dataset",
    "predict": "predict",
    "runs": "runs",
    "compare": "compare",
    "topics": "topics",
    "evaluate": "evaluate",
    "agendas": "agendas",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="research", description="Classify and topic-model Chinese local news.")
    parser.add_argument("-v", "--verbose", action="store_true", help="more log output")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, module_name in COMMANDS.items():
        try:
            module = importlib.import_module(f"{__name__}.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{module_name}":
                continue  # command not built yet
            raise
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
        stream=sys.stderr,
    )
    for noisy in ("gensim", "jieba", "matplotlib", "PIL"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        return int(args.handler(args) or 0)
    except ResearchError as exc:
        print(f"research: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("research: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
