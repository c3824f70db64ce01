"""The ``research`` command. Each subcommand lives in its own module with ``add_parser`` and ``main``.

A :class:`~research.errors.ResearchError`, or an ``OSError`` from the system (disk full, permission denied),
becomes one line on stderr and exit code 2; Ctrl-C one line and exit code 130; anything else is a bug and keeps
its traceback.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import warnings

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
    parser.add_argument("--version", action="version", version=f"research {_version()}")
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


def _version() -> str:
    from .. import __version__

    return __version__


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt as exc:
        print(_one_line("research: interrupted", exc), file=sys.stderr)
        return 130


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
        stream=sys.stderr,
    )
    for noisy in ("gensim", "jieba", "matplotlib", "PIL", "numexpr", "mlflow"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.showwarning = _log_warning  # a warning is one log line, not a file:line plus source excerpt
        return _run(args)


def _log_warning(message, category, filename, lineno, file=None, line=None) -> None:
    logging.getLogger("research").warning("%s", message)


def _run(args) -> int:
    try:
        return int(args.handler(args) or 0)
    except ResearchError as exc:
        print(_one_line(f"research: error: {exc}", exc), file=sys.stderr)
        return 2
    except BrokenPipeError:  # `research runs | head`: the reader left; stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:  # the system said no (disk full, permission denied): not a bug in the package
        logging.getLogger(__name__).debug("%s", exc, exc_info=True)
        where = f"{exc.filename}: " if exc.filename else ""
        print(_one_line(f"research: error: {where}{exc.strerror or exc}", exc), file=sys.stderr)
        return 2


def _one_line(message: str, exc: BaseException) -> str:
    """``message`` plus the notes added on the way up (e.g. where a run's partial folder stays), on one line."""
    notes = [str(n) for n in getattr(exc, "__notes__", ())]
    return " ".join(f"{message}{'; ' + '; '.join(notes) if notes else ''}".split("\n"))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
