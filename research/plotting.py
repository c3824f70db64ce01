"""Figures without pyplot, and Chinese text in them when the machine has a CJK font.

Package code draws on :class:`matplotlib.figure.Figure` objects and saves them itself: it never switches the
global backend (``matplotlib.use("Agg")`` inside a library breaks inline plots in a notebook) and never leaves
figures open in pyplot's registry.
"""
from __future__ import annotations

import subprocess
from functools import lru_cache
from pathlib import Path

from matplotlib.figure import Figure

_CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
                 "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "AR PL UMing CN")


def new_figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height))


def save(fig: Figure, path: str | Path, dpi: int = 110) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=dpi)
    return path


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The name of an installed font family that can draw Chinese (registered with matplotlib), or None."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    known = next((name for name in _CJK_FAMILIES if name in installed), None)
    if known:
        return known
    try:  # fonts matplotlib has not indexed yet: ask fontconfig, prefer a regular sans face
        listing = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    files = [line.split(":")[0].strip() for line in listing.splitlines() if line.strip()]
    for file in sorted(files, key=lambda f: ("Regular" not in f, "Sans" not in f, f)):
        try:
            font_manager.fontManager.addfont(file)
            return font_manager.FontProperties(fname=file).get_name()
        except (OSError, RuntimeError, ValueError):
            continue
    return None


def use_cjk_font() -> str | None:
    """Put a CJK font first in matplotlib's sans-serif list; its name, or None (nothing changed) when none exists."""
    import matplotlib

    name = cjk_font()
    if name is None:
        return None
    families = list(matplotlib.rcParams["font.sans-serif"])
    if name not in families:
        matplotlib.rcParams["font.sans-serif"] = [name, *families]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return name


def chinese_or(text: str, fallback: str) -> str:
    """``text`` if figures can show Chinese here, else ``fallback`` (e.g. an id) so no tofu boxes are drawn."""
    return text if cjk_font() else fallback
