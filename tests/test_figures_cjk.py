"""Chinese in figures on any machine: the packaged CJK font, registered at the first figure (issue 17).

The glyph test runs in a fresh interpreter that cannot see any system font (matplotlib's system-font scan and
fontconfig are disabled, and its font cache starts empty), so it passes only if the font installed with the
package draws the text; matplotlib's "Glyph ... missing from font(s)" warning is turned into an error.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from conftest import REPO

GLYPH_SCRIPT = textwrap.dedent(r'''
    import json, sys, warnings
    from matplotlib import font_manager
    # no system fonts at all: only matplotlib's own DejaVu and what the package registers
    font_manager.findSystemFonts = lambda *a, **k: []
    font_manager.fontManager = font_manager.FontManager()
    font_manager.findfont = font_manager.fontManager.findfont
    font_manager._get_font.cache_clear()
    import subprocess as _sp
    _run = _sp.run
    def _no_fc_list(cmd, *a, **k):
        if cmd and cmd[0] == "fc-list":
            raise OSError("fontconfig hidden by the test")
        return _run(cmd, *a, **k)
    _sp.run = _no_fc_list
    assert not [f for f in font_manager.fontManager.ttflist if "CJK" in f.name or "Hei" in f.name]

    warnings.filterwarnings("error", message=r".*[Gg]lyph .* missing from")
    from research.plotting import cjk_font, new_figure, packaged_font_path, save, topic_label

    fig = new_figure(5, 3)                    # registers the packaged font on first use
    ax = fig.subplots()
    ax.barh([0, 1], [0.3, 0.7])
    ax.set_yticks([0, 1], [topic_label("topic_03", ["中欧班列", "口岸", "物流"]), topic_label("topic_07", "招商 项目")])
    ax.set_title("党建 招商引资 民生：新闻联播 -0.5")
    save(fig, sys.argv[1])
    print(json.dumps({"font": cjk_font(), "file": str(packaged_font_path())}))
''')


def test_chinese_renders_without_system_cjk_fonts(tmp_path):
    out = tmp_path / "cjk.png"
    env = {**os.environ, "MPLCONFIGDIR": str(tmp_path / "mplconfig"), "HOME": str(tmp_path),
           "PYTHONPATH": str(REPO)}  # a fresh, empty matplotlib font cache
    proc = subprocess.run([sys.executable, "-c", GLYPH_SCRIPT, str(out)], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]  # a missing glyph would have raised a UserWarning as error
    info = json.loads(proc.stdout.strip().splitlines()[-1])
    assert info["font"].startswith("Noto Sans CJK") and "noto_cjk" in info["file"]
    assert out.stat().st_size > 5000


def test_missing_glyphs_do_warn_without_the_font(tmp_path):
    """The guard above is real: without a CJK font matplotlib does warn, and the test would fail."""
    import warnings

    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 1))
    fig.text(0.1, 0.5, "党建", family="DejaVu Sans")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(tmp_path / "tofu.png")
    assert any("missing from font" in str(w.message) for w in caught)


def test_figure_conventions():
    from research.labels import LABELS
    from research.plotting import distinct_colors, in_label_order, topic_label

    assert topic_label("topic_12", ["中欧班列", "口岸", "物流", "多式联运"]) == "T12 中欧班列 口岸 物流"
    assert topic_label("topic_00", None) == "T00"
    assert in_label_order(["none", "livelihood", "investment", "party_building", "logistics"]) == [*LABELS, "none"]
    for n in (4, 12, 25):  # 12 topic lines no longer share 10 colours
        colors = distinct_colors(n)
        assert len({tuple(round(c, 4) for c in col) for col in colors}) == n


def test_topic_figures_show_top_words(tmp_path, monkeypatch):
    """Topic figures name topics by their Chinese top words, put labels in the package's order and label the
    colour bar (figures captured before saving)."""
    import research.plotting as plotting
    from research.topics.report import _figures

    saved = {}
    real_save = plotting.save
    monkeypatch.setattr(plotting, "save", lambda fig, path, **kw: saved.setdefault(path.name, fig) and
                        real_save(fig, path, **kw))
    topics = [{"name": f"topic_{k:02d}", "words": [{"word": w} for w in words],
               "share_by_year": [0.2, 0.3], "share_by_label": [0.1, 0.2, 0.3]}
              for k, words in enumerate((["中欧班列", "口岸", "物流"], ["招商", "项目", "投资"]))]
    data = {"topics": topics, "years": ["2020", "2021"], "labels": ["livelihood", "none", "investment"]}
    _figures(data, tmp_path)
    fig = saved["topic_share_by_label.png"]
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["T00 中欧班列 口岸 物流", "T01 招商 项目 投资"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["investment", "livelihood", "none"]
    assert "topic share" in fig.axes[1].get_ylabel()  # the colour bar says what it measures
    assert (tmp_path / "topic_share_by_year.png").stat().st_size > 3000
