"""Figures without pyplot, with Chinese text in them on any machine.

Package code draws on :class:`matplotlib.figure.Figure` objects and saves them itself: it never switches the
global backend (``matplotlib.use("Agg")`` inside a library breaks inline plots in a notebook) and never leaves
figures open in pyplot's registry.

Chinese: the package depends on ``noto-cjk[sans]`` (Google's Noto Sans CJK, SIL Open Font License 1.1; see the
README, *Dependencies, and why*). The first figure (:func:`new_figure`, or :func:`use_cjk_font` in a notebook)
registers that font with matplotlib and adds it to ``font.family`` *after* the current families, so Latin text
keeps matplotlib's default font and every Chinese character falls back to Noto Sans CJK SC. A CJK font installed
on the machine is used only if the packaged one cannot be found.
"""
from __future__ import annotations

import logging
import subprocess
from functools import lru_cache
from pathlib import Path

from matplotlib.figure import Figure

log = logging.getLogger(__name__)

_CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
                 "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "AR PL UMing CN")
PACKAGED_FAMILY = "Noto Sans CJK SC"
"""The face of the packaged collection figures use (matplotlib < 3.11 reads only the collection's first face,
Noto Sans CJK JP, which draws the same characters)."""


def new_figure(width: float, height: float) -> Figure:
    """A figure that can show Chinese (the CJK font is registered on first use)."""
    use_cjk_font()
    return Figure(figsize=(width, height))


def save(fig: Figure, path: str | Path, dpi: int = 110) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path, dpi=dpi)
    return path


def packaged_font_path() -> Path | None:
    """The Noto Sans CJK collection installed with the package (``noto-cjk[sans]``), or None."""
    try:
        import noto_cjk

        path = Path(noto_cjk.otc_path("sans"))
    except Exception:  # noqa: BLE001 - not installed, or an API change: try the font package itself
        try:
            import noto_cjk_sans_otc

            path = Path(str(noto_cjk_sans_otc.FONT_PATH))
        except Exception:  # noqa: BLE001
            return None
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of a font that draws Chinese, registered with matplotlib; None if there is none at all.

    Order: the packaged Noto Sans CJK; a known CJK family matplotlib already indexed; any font fontconfig lists
    for Chinese."""
    from matplotlib import font_manager

    packaged = packaged_font_path()
    if packaged is not None:
        try:
            before = {f.name for f in font_manager.fontManager.ttflist}
            font_manager.fontManager.addfont(str(packaged))
            names = {f.name for f in font_manager.fontManager.ttflist if _same_file(f.fname, packaged)}
            names |= {f.name for f in font_manager.fontManager.ttflist} - before
            for name in (PACKAGED_FAMILY, "Noto Sans CJK JP"):
                if name in names:
                    return name
            if names:
                return sorted(names)[0]
        except (OSError, RuntimeError, ValueError) as exc:
            log.warning("packaged CJK font %s could not be registered (%s); looking for a system font", packaged, exc)
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


def _same_file(fname, path: Path) -> bool:
    try:
        return Path(str(fname)).resolve() == path.resolve()
    except OSError:
        return False


def use_cjk_font() -> str | None:
    """Let matplotlib draw Chinese: the CJK font goes after the current ``font.family`` entries (Latin text keeps
    its font; Chinese characters fall back to the CJK one). Returns its name, or None when none exists."""
    import matplotlib

    name = cjk_font()
    if name is None:
        return None
    family = matplotlib.rcParams["font.family"]
    families = [family] if isinstance(family, str) else list(family)
    if name not in families:
        matplotlib.rcParams["font.family"] = [*families, name]
    return name


# --------------------------------------------------------------------------- shared conventions of the figures


def distinct_colors(n: int) -> list:
    """``n`` colours that stay distinguishable: tab10 up to 10, tab20 up to 20, then evenly spaced hues."""
    from matplotlib import colormaps

    if n <= 10:
        return [colormaps["tab10"](i) for i in range(n)]
    if n <= 20:
        return [colormaps["tab20"](i) for i in range(n)]
    cmap = colormaps["hsv"]
    return [cmap(i / n) for i in range(n)]


def line_styles(n: int) -> list[str]:
    """A line style per series, so that series beyond the colour cycle differ in dash as well."""
    return [("-", "--", ":", "-.")[(i // 10) % 4] for i in range(n)]


def topic_label(name: str, words: list[str] | tuple[str, ...] | str | None, n_words: int = 3) -> str:
    """``T07 招商 项目 投资``: a short topic id and its top words (the id alone when there are none)."""
    short = str(name).replace("topic_", "T")
    if not words:
        return short
    if isinstance(words, str):
        words = words.split()
    return f"{short} {' '.join(list(words)[:n_words])}"


def label_colorbar(fig: Figure, mappable, ax, label: str, **kwargs):
    """A colour bar that says what its colours measure."""
    cb = fig.colorbar(mappable, ax=ax, **kwargs)
    cb.set_label(label, fontsize=8)
    cb.ax.tick_params(labelsize=7)
    return cb


def in_label_order(names) -> list[str]:
    """Label names in the package's one order (party_building, investment, logistics, livelihood), then others
    (none / unlabelled) in their given order."""
    from .labels import LABELS

    names = list(names)
    return [n for n in LABELS if n in names] + [n for n in names if n not in LABELS]
