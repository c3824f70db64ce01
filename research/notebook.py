"""The shared setup of the notebooks in ``notebooks/``: where things are, Chinese in figures, display helpers.

    from research.notebook import setup, show, table
    nb = setup(full=False)            # nb.CONFIG, nb.RESULTS, nb.SHARED, nb.SEEDS; registers the CJK font

``RESEARCH_RESULTS`` (the tests point it at a temporary folder) and ``RESEARCH_SHARED`` override the defaults
(``results/`` and ``../shared`` beside the repository, or beside the working folder outside a checkout).
"""
from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setup:
    ROOT: Path
    """The repository root (the folder holding pyproject.toml), or the working folder outside a checkout."""
    SHARED: Path
    """../shared: the real corpora and the seed pages (may be absent)."""
    SEEDS: Path
    """Raw local-newspaper pages."""
    RESULTS: Path
    """Where runs are written and read."""
    CONFIG: Path
    """The experiment config the notebook uses."""
    FULL: bool
    CJK_FONT: str | None
    """The font figures draw Chinese with (the packaged Noto Sans CJK)."""


def setup(full: bool = False, config: str = "default", full_config: str = "xwlb_full") -> Setup:
    """Paths for a notebook, and Chinese in its figures. ``full`` picks ``full_config`` (needs ../shared)."""
    from .config import config_path
    from .plotting import use_cjk_font

    cwd = Path.cwd()
    root = next((p for p in (cwd, *cwd.parents) if (p / "pyproject.toml").is_file()), cwd)
    shared = Path(os.environ.get("RESEARCH_SHARED") or root.parent / "shared")
    results = Path(os.environ.get("RESEARCH_RESULTS") or root / "results")
    name = full_config if full else config
    local = root / "configs" / f"{name}.yaml"
    cfg = local if local.is_file() else config_path(name)
    if full and not shared.is_dir():
        raise FileNotFoundError(f"full=True needs the shared data folder {shared}")
    font = use_cjk_font()
    print(f"config {cfg.name}, results in {results}, ../shared {'found' if shared.is_dir() else 'absent'}, "
          f"figures draw Chinese with {font}")
    return Setup(ROOT=root, SHARED=shared, SEEDS=shared / "seeds", RESULTS=results, CONFIG=cfg, FULL=full,
                 CJK_FONT=font)


def show(fig) -> None:
    """Display a matplotlib figure as PNG, whichever backend is active, and close it."""
    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    display(Image(data=buf.getvalue()))


def show_file(path: str | Path) -> None:
    """Display a PNG written by the package (a run's or a study's figure)."""
    from IPython.display import Image, display

    display(Image(filename=str(path)))


def table(rows: list[dict], columns: list[str], pct: tuple[str, ...] = (), head: int | None = None) -> None:
    """A list of dicts as a Markdown table; columns in ``pct`` are shares shown in per cent."""
    from IPython.display import Markdown, display

    rows = rows[:head] if head else rows
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for r in rows:
        cells = [f"{100 * float(r[c]):.1f}" if c in pct and r[c] not in ("", None) else str(r[c]) for c in columns]
        lines.append("| " + " | ".join(cells) + " |")
    display(Markdown("\n".join(lines)))
