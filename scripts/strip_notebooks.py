"""Strip outputs, execution counts and run-time metadata from notebooks, in place.

    python scripts/strip_notebooks.py                  # every notebooks/*.ipynb
    python scripts/strip_notebooks.py a.ipynb b.ipynb  # the given files
    python scripts/strip_notebooks.py --check          # change nothing; exit 1 if a notebook would change

Notebooks are stored without outputs (tests/test_notebooks.py checks it), so a diff shows only code and prose.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
CELL_METADATA = ("execution", "collapsed", "scrolled")  # per-run state JupyterLab records on cells


def strip(nb) -> bool:
    """Remove outputs, execution counts and run-time cell metadata from ``nb``; True if anything was removed."""
    changed = False
    for cell in nb.cells:
        if cell.cell_type == "code":
            changed |= bool(cell.get("outputs")) or cell.get("execution_count") is not None
            cell.outputs = []
            cell.execution_count = None
        for key in CELL_METADATA:
            if key in cell.metadata:
                del cell.metadata[key]
                changed = True
    if "widgets" in nb.metadata:
        del nb.metadata["widgets"]
        changed = True
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks (default: notebooks/*.ipynb)")
    parser.add_argument("--check", action="store_true", help="only report; exit 1 if a notebook has outputs")
    args = parser.parse_args(argv)
    paths = args.paths or sorted((ROOT / "notebooks").glob("*.ipynb"))
    dirty = []
    for path in paths:
        nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
        if strip(nb):
            dirty.append(path)
            if not args.check:
                nbformat.write(nb, path)
    for path in dirty:
        print(f"{'has outputs' if args.check else 'stripped'}: {path}")
    return 1 if (args.check and dirty) else 0


if __name__ == "__main__":
    sys.exit(main())
