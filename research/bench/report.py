"""Where every benchmark writes: ``<out>/<name>_<UTC time>.json`` (the figures) and ``.md`` (the table people read),
each written atomically, and the table printed."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from ..atomic import write_text


def write_report(out_dir: str | Path, name: str, report: dict[str, Any], markdown: str) -> Path:
    """Write the report pair, print the table and where it went; returns the JSON path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    path = out / f"{name}_{stamp}.json"
    write_text(path, json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n")
    write_text(path.with_suffix(".md"), markdown)
    print(markdown)
    print(f"written: {path} and .md", file=sys.stderr)
    return path


__all__ = ["write_report"]
