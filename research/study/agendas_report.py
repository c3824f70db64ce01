"""agendas.md and the figures of the agendas study (see :mod:`research.study.agendas`).

Figures draw Chinese region names and topic words when a CJK font is installed, else Latin region names (from the
city table and :data:`~research.study.agendas_tables.PROVINCE_EN`) and topic ids, never tofu boxes.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..labels import LABELS
from .agendas_tables import ALL, PANEL, Paragraphs, load_region_names

LEVELS = ("national", "province", "major_city", "prefecture_city")
LEVEL_COLORS = {"national": "C3", "province": "C0", "major_city": "C2", "prefecture_city": "C1", ALL: "black"}
N_MOVERS = 8


def _pct(x: float) -> str:
    return "–" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{100 * x:.1f}"


def _thin(row: dict) -> str:
    return "†" if row.get("thin") else ""


# --------------------------------------------------------------------------- markdown


def markdown(par: Paragraphs, tables: dict[str, list[dict]], config, summary: dict[str, Any]) -> str:
    ag = config.agendas
    lab, data, counts = summary["labels"], summary["data"], summary["counts"]
    years = counts["years"]
    (a0, a1), (b0, b1) = ag.periods
    lines = [
        f"# Local government agendas: {counts['paragraphs']:,} report paragraphs of {counts['reports']:,} reports, "
        f"{years[0]}–{years[-1]}" if years else "# Local government agendas", "",
        f"**Labels: {lab['describe']}.**", "",
        f"Data: `{data['path']}` ({data['corpus']}; filters {data['filters']}). Year = the year a report was "
        f"delivered: a {b0} report reviews {b0 - 1} and plans {b0}. Shares are shares of paragraphs carrying a label "
        f"(a paragraph can carry several), in per cent; every row gives the reports and paragraphs it rests on, and "
        f"† marks cells resting on fewer than {ag.min_reports} reports. Tables: the CSV files of this folder.", "",
        "## Label shares by year, all levels", "",
        "| year | reports | paragraphs | " + " | ".join(LABELS) + " | no label | rules abstained |",
        "|---:|---:|---:|" + "---:|" * (len(LABELS) + 2)]
    for r in (r for r in tables["label_shares_by_year_level"] if r["level"] == ALL):
        lines.append(f"| {r['year']}{_thin(r)} | {r['n_reports']} | {r['n_paragraphs']:,} | "
                     + " | ".join(_pct(r[f"share_{n}"]) for n in LABELS)
                     + f" | {_pct(r['share_no_label'])} | {_pct(r['share_unlabelled'])} |")
    lines += ["", "By level: `label_shares_by_year_level.csv`, ![by level](figures/label_share_by_year_level.png)", ""]
    if ag.province:
        lines += _province_section(tables["label_shares_province_cities"], ag)
    lines += _rise_fall_section(tables["rise_fall"], ag, summary)
    if summary.get("topics"):
        t = summary["topics"]
        lines += [f"## Topics (LDA, K={t['k']}: {t['k_origin']}; {t['engine']}, fitted on {t['fitted_on']:,} "
                  f"paragraphs)", "", "`topics.csv`, `topic_shares_by_year_level.csv`; "
                  "![topics by year](figures/topic_shares_by_year.png) ![movers](figures/topic_movers_by_year.png)",
                  ""]
    lines += [
        "## Reading these numbers", "",
        f"* The labels come from {lab['describe']}; a share moves when the language of the reports moves, including "
        "wording the labeller does not know. Rules abstain on many paragraphs (column *rules abstained*), and "
        "these count as carrying no label.",
        "* The corpus is not a balanced panel: which cities have a report differs from year to year (see the "
        "counts). Level rows and the *panel* scope of the period comparison (regions with reports in both periods) "
        "guard against reading a change of composition as a change of agenda.",
        "* Bootstrap intervals resample reports; they measure how much a figure depends on which reports are in the "
        "corpus, not the labels' own error.", ""]
    return "\n".join(lines)


def _province_section(rows: list[dict], ag) -> list[str]:
    lab = ag.label
    agg = {r["year"]: r for r in rows if r["group"] == "all cities"}
    own = {r["year"]: r for r in rows if r["group"] == "provincial report"}
    cities = {}
    for r in rows:
        if r["group"] == "city":
            cities.setdefault(r["year"], []).append(r["region"])
    lines = [f"## {ag.province} cities: {lab}", "",
             f"All cities of {ag.province} with a report that year, pooled; the provincial government's own report "
             f"beside them. ![{lab}](figures/province_cities_{lab}.png) "
             f"![heatmap](figures/heatmap_{lab}_province_cities.png)", "",
             f"| year | city reports | paragraphs | {lab} share, cities | cities | provincial report |",
             "|---:|---:|---:|---:|---|---:|"]
    empty = {"n_reports": 0, "n_paragraphs": 0, f"share_{lab}": None}
    for y in sorted(set(agg) | set(own)):
        r = agg.get(y, empty)
        p = own.get(y)
        lines.append(f"| {y}{_thin(r)} | {r['n_reports']} | {r['n_paragraphs']:,} | {_pct(r[f'share_{lab}'])} | "
                     f"{' '.join(sorted(cities.get(y, [])))} | "
                     f"{_pct(p[f'share_{lab}']) + ' (n=' + str(p['n_paragraphs']) + ')' if p else '–'} |")
    return lines + [""]


def _rise_fall_section(rows: list[dict], ag, summary: dict) -> list[str]:
    if not rows:
        return []
    pa, pb = rows[0]["period_a"], rows[0]["period_b"]
    lines = [f"## What rose and fell: {pa} vs {pb}", "",
             f"Pooled share of paragraphs in each period, difference in percentage points, 95 % bootstrap interval "
             f"({summary['n_boot']} resamples of reports within each period). *panel* = regions with reports in "
             f"both periods. ![rise and fall](figures/rise_fall.png)", "",
             f"| scope | label | {pa} | {pb} | Δ pp | 95 % CI | reports {pa} / {pb} |", "|---|---|---:|---:|---:|---|---|"]
    for r in (r for r in rows if r["kind"] == "label"):
        lines.append(f"| {r['scope']} | {r['name']} | {_pct(r['share_a'])} | {_pct(r['share_b'])} | "
                     f"{_signed(r['delta'])} | {_signed(r['delta_lo'])} … {_signed(r['delta_hi'])} | "
                     f"{r['n_reports_a']} / {r['n_reports_b']} |")
    topics = sorted((r for r in rows if r["kind"] == "topic" and r["scope"] == ALL and np.isfinite(r["delta"])),
                    key=lambda r: r["delta"])
    if topics:
        lines += ["", f"Topics that rose and fell most (all reports; mean topic share in per cent):", "",
                  f"| topic | {pa} | {pb} | Δ pp | 95 % CI |", "|---|---:|---:|---:|---|"]
        movers = topics[::-1] if len(topics) <= 2 * N_MOVERS else topics[::-1][:N_MOVERS] + topics[:N_MOVERS][::-1]
        for r in movers:
            lines.append(f"| {r['topic_words']} | {_pct(r['share_a'])} | {_pct(r['share_b'])} | "
                         f"{_signed(r['delta'])} | {_signed(r['delta_lo'])} … {_signed(r['delta_hi'])} |")
    return lines + [""]


def _signed(x: float) -> str:
    return "–" if x is None or np.isnan(x) else f"{100 * x:+.1f}"


# --------------------------------------------------------------------------- figures


def write_figures(par: Paragraphs, tables: dict[str, list[dict]], config, label_info: dict,
                  fig_dir: Path) -> list[Path]:
    from ..plotting import cjk_font, use_cjk_font

    use_cjk_font()
    fig_dir.mkdir(parents=True, exist_ok=True)
    ag = config.agendas
    latin = load_region_names(ag.city_provinces)
    name = (lambda r: r) if cjk_font() else (lambda r: latin.get(r, r))
    src = label_info["source"]
    paths = [_levels_figure(tables["label_shares_by_year_level"], src, fig_dir / "label_share_by_year_level.png")]
    if ag.province:
        paths.append(_province_figure(par, tables["label_shares_province_cities"], ag, src, name,
                                      fig_dir / f"province_cities_{ag.label}.png"))
        city_rows = [r for r in tables["label_shares_province_cities"] if r["group"] == "city"]
        paths.append(_heatmap(city_rows, ag.label, name, f"{name(ag.province)} cities: {ag.label} share by year "
                              f"({src})", fig_dir / f"heatmap_{ag.label}_province_cities.png"))
    paths.append(_heatmap(tables["label_shares_by_region_year"], ag.label, name,
                          f"{ag.label} share by region and year, {'/'.join(ag.heatmap_levels)} reports ({src})",
                          fig_dir / f"heatmap_{ag.label}_by_region_year.png"))
    paths.append(_rise_fall_figure(tables["rise_fall"], src, fig_dir / "rise_fall.png",
                                   scope_name=lambda sc: sc.replace(ag.province, name(ag.province))
                                   if ag.province else sc))
    if par.topics is not None:
        paths += _topic_figures(tables, par, fig_dir)
    return paths


def _levels_figure(rows: list[dict], source: str, path: Path) -> Path:
    from ..plotting import new_figure, save

    fig = new_figure(11, 9)
    axes = fig.subplots(3, 2)
    series = [lv for lv in (*LEVELS, ALL) if any(r["level"] == lv for r in rows)]
    panels = [(f"share_{n}", n) for n in LABELS] + [("n_reports", "reports per year (counts)"),
                                                    ("share_unlabelled", "rules abstained")]
    for ax, (key, title) in zip(axes.ravel(), panels):
        for lv in series:
            sub = sorted((r for r in rows if r["level"] == lv), key=lambda r: r["year"])
            x = [r["year"] for r in sub]
            y = [r[key] * (1 if key == "n_reports" else 100) for r in sub]
            ax.plot(x, y, color=LEVEL_COLORS[lv], lw=2.2 if lv == ALL else 1.3, label=lv)
            thin = [i for i, r in enumerate(sub) if r["thin"]]
            full = [i for i, r in enumerate(sub) if not r["thin"]]
            ax.scatter([x[i] for i in full], [y[i] for i in full], color=LEVEL_COLORS[lv], s=14, zorder=3)
            ax.scatter([x[i] for i in thin], [y[i] for i in thin], facecolors="white", edgecolors=LEVEL_COLORS[lv],
                       s=22, zorder=3)
        ax.set_title(title, fontsize=10)
        ax.set_ylabel("reports" if key == "n_reports" else "% of paragraphs")
        ax.grid(alpha=0.3)
    axes[0, 0].legend(fontsize=7)
    fig.suptitle(f"Label share of report paragraphs by year and level (labels: {source}; hollow = thin cell)",
                 fontsize=11)
    return save(fig, path)


def _province_figure(par: Paragraphs, rows: list[dict], ag, source: str, name, path: Path) -> Path:
    from ..plotting import new_figure, save

    lab = ag.label
    j = LABELS.index(lab)
    fig = new_figure(10, 6)
    ax, axn = fig.subplots(2, 1, gridspec_kw={"height_ratios": [3, 1]}, sharex=True)
    agg = sorted((r for r in rows if r["group"] == "all cities"), key=lambda r: r["year"])
    city = [r for r in rows if r["group"] == "city"]
    own = sorted((r for r in rows if r["group"] == "provincial report"), key=lambda r: r["year"])
    ax.scatter([r["year"] for r in city], [100 * r[f"share_{lab}"] for r in city],
               s=[8 + r["n_paragraphs"] / 6 for r in city], color="grey", alpha=0.35, label="one city's report")
    ax.plot([r["year"] for r in agg], [100 * r[f"share_{lab}"] for r in agg], "-o", color="C1", lw=2,
            label=f"{name(ag.province)} cities, pooled")
    for r in agg:
        ax.annotate(f"{r['n_reports']}/{r['n_paragraphs']}", (r["year"], 100 * r[f"share_{lab}"]), fontsize=7,
                    xytext=(0, 6), textcoords="offset points", ha="center")
    if own:
        ax.plot([r["year"] for r in own], [100 * r[f"share_{lab}"] for r in own], "--s", color="C0", ms=4,
                label=f"{name(ag.province)} provincial report")
    cities_all = np.isin(par.level, ["major_city", "prefecture_city"])
    years = sorted({int(y) for y in par.year[cities_all]})
    nat = [100 * par.Y[cities_all & (par.year == y), j].mean() for y in years]
    ax.plot(years, nat, ":", color="black", label="all cities in the data")
    ax.set_ylabel(f"% paragraphs labelled {lab}")
    ax.set_title(f"{name(ag.province)} cities: {lab} share by year (labels: {source}; "
                 f"numbers = reports/paragraphs)", fontsize=10)
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    axn.bar([r["year"] for r in agg], [r["n_reports"] for r in agg], color="C1", alpha=0.6)
    axn.set_ylabel("city reports")
    axn.set_xlabel("year the report was delivered")
    return save(fig, path)


def _heatmap(rows: list[dict], label: str, name, title: str, path: Path) -> Path:
    from ..plotting import new_figure, save

    regions = sorted({r["region"] for r in rows})
    years = sorted({r["year"] for r in rows})
    mat = np.full((len(regions), len(years)), np.nan)
    for r in rows:
        mat[regions.index(r["region"]), years.index(r["year"])] = 100 * r[f"share_{label}"]
    order = np.argsort(-np.nan_to_num(np.nanmean(mat, axis=1) if mat.size else np.zeros(0), nan=-1), kind="stable") \
        if len(regions) else []
    mat = mat[order] if len(regions) else mat
    regions = [regions[i] for i in order]
    fig = new_figure(max(6, 0.55 * len(years) + 3), max(2.5, 0.28 * len(regions) + 1.5))
    ax = fig.subplots()
    if mat.size:
        im = ax.imshow(np.ma.masked_invalid(mat), aspect="auto", cmap="viridis", interpolation="nearest")
        fig.colorbar(im, ax=ax, fraction=0.04, label=f"% paragraphs {label}")
        for (i, k), v in np.ndenumerate(mat):
            if np.isfinite(v):
                ax.text(k, i, f"{v:.0f}" if v >= 10 else f"{v:.1f}", ha="center", va="center", fontsize=6,
                        color="white" if v < np.nanmax(mat) * 0.6 else "black")
        ax.set_xticks(range(len(years)), [str(y) for y in years], rotation=45, fontsize=8)
        ax.set_yticks(range(len(regions)), [name(r) for r in regions], fontsize=7)
    else:
        ax.text(0.5, 0.5, "no reports", ha="center", va="center", transform=ax.transAxes)
    ax.set_title(title + "; blank = no report", fontsize=9)
    return save(fig, path)


def _rise_fall_figure(rows: list[dict], source: str, path: Path, scope_name=lambda s: s) -> Path:
    from ..plotting import cjk_font, new_figure, save

    labels = [r for r in rows if r["kind"] == "label"]
    topics = sorted((r for r in rows if r["kind"] == "topic" and r["scope"] == ALL and np.isfinite(r["delta"])),
                    key=lambda r: r["delta"])
    movers = topics[:N_MOVERS] + topics[-N_MOVERS:] if len(topics) > 2 * N_MOVERS else topics
    fig = new_figure(13 if movers else 7, 6)
    axes = fig.subplots(1, 2 if movers else 1)
    ax = axes[0] if movers else axes
    scopes = list(dict.fromkeys(r["scope"] for r in labels))
    height = 0.8 / max(1, len(scopes))
    for s, scope in enumerate(scopes):
        sub = [r for r in labels if r["scope"] == scope]
        y = np.arange(len(sub)) + s * height
        d = np.asarray([100 * r["delta"] for r in sub])
        err = np.abs(np.asarray([[100 * r["delta_lo"] for r in sub], [100 * r["delta_hi"] for r in sub]]) - d)
        ax.barh(y, d, height, xerr=np.nan_to_num(err), capsize=2, label=scope_name(scope),
                color=LEVEL_COLORS.get(scope, "C4" if scope == PANEL else "C5"),
                alpha=0.85 if scope in (ALL, PANEL) else 0.6)
    ax.set_yticks(np.arange(len(LABELS)) + 0.4 - height / 2, LABELS)
    ax.axvline(0, color="grey", lw=0.8)
    pa, pb = (labels[0]["period_a"], labels[0]["period_b"]) if labels else ("", "")
    ax.set_xlabel(f"share {pb} minus share {pa}, percentage points (95 % CI, reports resampled)")
    ax.set_title(f"labels ({source})", fontsize=10)
    ax.legend(fontsize=7)
    if movers:
        bx = axes[1]
        d = np.asarray([100 * r["delta"] for r in movers])
        err = np.abs(np.asarray([[100 * r["delta_lo"] for r in movers], [100 * r["delta_hi"] for r in movers]]) - d)
        bx.barh(range(len(movers)), d, xerr=err, capsize=2, color=["C3" if v < 0 else "C2" for v in d])
        bx.set_yticks(range(len(movers)), [r["topic_words"] if cjk_font() else r["name"].replace("topic_", "T") for r in movers],
                      fontsize=7)
        bx.axvline(0, color="grey", lw=0.8)
        bx.set_xlabel("percentage points of mean topic share")
        bx.set_title(f"topics that moved most, all reports ({pa} → {pb})", fontsize=10)
    return save(fig, path)


def _topic_figures(tables: dict[str, list[dict]], par: Paragraphs, fig_dir: Path) -> list[Path]:
    from ..plotting import cjk_font, new_figure, save

    rows = sorted((r for r in tables["topic_shares_by_year_level"] if r["level"] == ALL), key=lambda r: r["year"])
    cols = [f"topic_{k:02d}" for k in range(par.topics.shape[1])]
    names = par.topic_names if cjk_font() else [c.replace("topic_", "T") for c in cols]
    years = [r["year"] for r in rows]
    mat = np.asarray([[r[c] for r in rows] for c in cols]) * 100  # (K, years)
    delta = {r["name"]: r["delta"] for r in tables["rise_fall"] if r["kind"] == "topic" and r["scope"] == ALL}
    order = sorted(range(len(cols)), key=lambda k: -np.nan_to_num(delta.get(cols[k], 0.0)))
    fig = new_figure(max(7, 0.5 * len(years) + 4), max(3, 0.24 * len(cols) + 1.5))
    ax = fig.subplots()
    im = ax.imshow(mat[order], aspect="auto", cmap="viridis", interpolation="nearest")
    fig.colorbar(im, ax=ax, fraction=0.04, label="mean topic share, %")
    ax.set_xticks(range(len(years)), [str(y) for y in years], rotation=45, fontsize=8)
    ax.set_yticks(range(len(cols)), [names[k] for k in order], fontsize=7 if len(cols) > 25 else 8)
    ax.set_title("topic shares of report paragraphs by year (rows: most risen after the first period at the top)",
                 fontsize=9)
    paths = [save(fig, fig_dir / "topic_shares_by_year.png")]
    fig = new_figure(10, 4.5)
    ax = fig.subplots()
    movers = order[:4] + order[-4:] if len(order) > 8 else order
    for n, k in enumerate(movers):
        ax.plot(years, mat[k], marker="o", ms=3, ls="-" if n < len(movers) / 2 else "--", label=names[k])
    ax.set(xlabel="year the report was delivered", ylabel="mean topic share, %",
           title="the topics that rose (solid) and fell (dashed) most")
    ax.legend(fontsize=7, ncol=2)
    ax.grid(alpha=0.3)
    paths.append(save(fig, fig_dir / "topic_movers_by_year.png"))
    return paths
