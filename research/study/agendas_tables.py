"""The arithmetic of the agendas study: paragraphs with labels, shares by group, report panels, period changes.

Pure numpy and Python, no I/O beyond the city → province table, so every number can be checked by hand on a few
documents (tests/test_study_agendas.py).

* A **label share** is the share of paragraphs carrying the label (a paragraph may carry several labels, so the
  shares of a row need not add up to one); the **character share** weights each paragraph by its length.
  Paragraphs the rules abstained on (``label_status: unlabelled``) count as carrying no label and are reported as
  ``share_unlabelled`` beside the shares. A **topic share** is the mean topic proportion over the paragraphs.
* Every row carries ``n_reports``, ``n_paragraphs`` and ``n_chars``, and ``thin`` when it rests on fewer than
  ``min_reports`` reports.
* **Period change**: pooled share in period B minus pooled share in period A, with a percentile bootstrap that
  resamples *reports* (each report with all its paragraphs) within each period, so the interval reflects how much
  the figure depends on which reports happen to be in the corpus; it says nothing about the labels' own errors.
"""
from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import DataError
from ..labels import LABELS

DATA_DIR = Path(__file__).parent / "data"
ALL = "all"
PANEL = "panel"
KEYS = ("level", "region", "province", "year")
DECIMALS = 6


@dataclass
class Paragraphs:
    """One row per report paragraph: where and when it comes from, its length and its labels."""

    ids: list[str]
    report: np.ndarray          # (n,) report id, e.g. "major_city/郑州市/2023"
    level: np.ndarray           # (n,) national | province | major_city | prefecture_city
    region: np.ndarray          # (n,) e.g. 郑州市
    province: np.ndarray        # (n,) the province (a province's own name for its report; "" for 国务院)
    year: np.ndarray            # (n,) int, the year the report was delivered
    chars: np.ndarray           # (n,) int
    Y: np.ndarray               # (n, 4) 0/1, columns = LABELS
    unlabelled: np.ndarray      # (n,) bool: the rules abstained (always False for a model)
    label_source: str = ""      # "rules:v2" or "model:<experiment>/<run_id>"
    topics: np.ndarray | None = None   # (n, K) topic proportions, when a topic model was fitted
    topic_names: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids)

    def column(self, key: str) -> np.ndarray:
        return getattr(self, key)


def report_of(doc_id: str) -> str:
    """The report a unit id belongs to: ``major_city/郑州市/2023:p12`` -> ``major_city/郑州市/2023``."""
    return doc_id.rsplit(":", 1)[0]


def load_city_provinces(spec: str = "builtin:city_province") -> dict[str, str]:
    """City -> province from a CSV with columns ``region,province`` (``builtin:NAME`` = research/study/data).

    The built-in table (research/study/data/city_province.csv) was written by hand for the 296 cities of the
    report corpus (44 major, 252 prefecture-level): the corpus's ``source`` URL is often empty and its ``path`` has
    no province, so neither can be derived. 重庆市 and the other municipalities map to themselves."""
    path = _table_path(spec)
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if rows and not {"region", "province"} <= set(rows[0]):
        raise DataError(f"{path}: needs columns region,province")
    out: dict[str, str] = {}
    for n, row in enumerate(rows, 2):
        region, province = (row.get("region") or "").strip(), (row.get("province") or "").strip()
        if not region or not province:
            raise DataError(f"{path}:{n}: empty region or province")
        if out.get(region, province) != province:
            raise DataError(f"{path}:{n}: {region} is mapped to two provinces")
        out[region] = province
    return out


PROVINCE_EN = {
    "国务院": "State Council", "北京市": "Beijing", "天津市": "Tianjin", "上海市": "Shanghai", "重庆市": "Chongqing",
    "河北省": "Hebei", "山西省": "Shanxi", "内蒙古自治区": "Inner Mongolia", "辽宁省": "Liaoning", "吉林省": "Jilin",
    "黑龙江省": "Heilongjiang", "江苏省": "Jiangsu", "浙江省": "Zhejiang", "安徽省": "Anhui", "福建省": "Fujian",
    "江西省": "Jiangxi", "山东省": "Shandong", "河南省": "Henan", "湖北省": "Hubei", "湖南省": "Hunan",
    "广东省": "Guangdong", "广西壮族自治区": "Guangxi", "海南省": "Hainan", "四川省": "Sichuan", "贵州省": "Guizhou",
    "云南省": "Yunnan", "西藏自治区": "Tibet", "陕西省": "Shaanxi", "甘肃省": "Gansu", "青海省": "Qinghai",
    "宁夏回族自治区": "Ningxia", "新疆维吾尔自治区": "Xinjiang",
}
"""Latin names of the province-level regions, for figures drawn where no Chinese font is installed."""


def load_region_names(spec: str = "builtin:city_province") -> dict[str, str]:
    """Region -> Latin name (``name_en`` of the city table, :data:`PROVINCE_EN`); figures fall back to them."""
    path = _table_path(spec)
    with open(path, encoding="utf-8", newline="") as fh:
        names = {row["region"]: row["name_en"] for row in csv.DictReader(fh) if row.get("name_en")}
    return {**names, **PROVINCE_EN}


def _table_path(spec: str) -> Path:
    path = DATA_DIR / f"{spec.removeprefix('builtin:')}.csv" if spec.startswith("builtin:") else Path(spec)
    if not path.is_file():
        raise DataError(f"city → province table not found: {path}")
    return path


def province_of(level: str, region: str, cities: dict[str, str]) -> str:
    if level == "province":
        return region
    if level == "national":
        return ""
    return cities.get(region, "")


def make_paragraphs(docs: Sequence, Y: np.ndarray, unlabelled: Iterable[bool], label_source: str,
                    cities: dict[str, str]) -> Paragraphs:
    """:class:`Paragraphs` from report-unit documents (``meta`` with level, region, year) and their labels."""
    level = np.asarray([str(d.meta.get("level") or "") for d in docs], dtype=object)
    region = np.asarray([str(d.meta.get("region") or "") for d in docs], dtype=object)
    year = np.asarray([int(d.meta.get("year") or d.year or 0) for d in docs], dtype=int)
    province = np.asarray([province_of(lv, rg, cities) for lv, rg in zip(level, region)], dtype=object)
    Y = np.asarray(Y, dtype=np.int8).reshape(len(docs), len(LABELS))
    return Paragraphs(ids=[d.id for d in docs], report=np.asarray([report_of(d.id) for d in docs], dtype=object),
                      level=level, region=region, province=province, year=year,
                      chars=np.asarray([len(d.text) for d in docs], dtype=int), Y=Y,
                      unlabelled=np.asarray(list(unlabelled), dtype=bool), label_source=label_source)


def _r(x: float) -> float:
    return round(float(x), DECIMALS)


def group_rows(par: Paragraphs, keys: Sequence[str], mask: np.ndarray | None = None, min_reports: int = 3,
               fixed: dict[str, Any] | None = None, topics: bool = False) -> list[dict[str, Any]]:
    """One row per distinct value of ``keys`` among the paragraphs of ``mask``, sorted by the keys: counts, label
    shares (or, with ``topics``, mean topic proportions), ``thin`` flag. ``fixed`` columns come first
    (e.g. ``{"level": "all"}``)."""
    idx = np.flatnonzero(mask) if mask is not None else np.arange(len(par))
    groups: dict[tuple, list[int]] = defaultdict(list)
    cols = [par.column(k) for k in keys]
    for i in idx:
        groups[tuple(c[i] for c in cols)].append(i)
    rows = []
    for key in sorted(groups, key=lambda k: tuple((str(v) if not isinstance(v, (int, np.integer)) else int(v))
                                                  for v in k)):
        members = np.asarray(groups[key])
        n_reports = len(set(par.report[members]))
        row: dict[str, Any] = dict(fixed or {})
        row.update({k: (int(v) if isinstance(v, (int, np.integer)) else str(v)) for k, v in zip(keys, key)})
        row.update(n_reports=n_reports, n_paragraphs=len(members), n_chars=int(par.chars[members].sum()),
                   thin=n_reports < min_reports)
        if topics:
            mean = par.topics[members].mean(axis=0)
            row.update({name: _r(v) for name, v in zip(topic_columns(par), mean)})
        else:
            row.update(label_shares(par, members))
            row["label_source"] = par.label_source
        rows.append(row)
    return rows


def label_shares(par: Paragraphs, members: np.ndarray) -> dict[str, float]:
    """Paragraph and character shares of each label among ``members`` (indices), plus no-label and abstained."""
    Y = par.Y[members].astype(float)
    w = par.chars[members].astype(float)
    n, total = len(members), w.sum()
    out = {f"share_{name}": _r(Y[:, j].sum() / n) for j, name in enumerate(LABELS)}
    out["share_no_label"] = _r((Y.sum(axis=1) == 0).sum() / n)
    out["share_unlabelled"] = _r(par.unlabelled[members].sum() / n)
    out.update({f"char_share_{name}": _r((w * Y[:, j]).sum() / total) if total else 0.0
                for j, name in enumerate(LABELS)})
    return out


def topic_columns(par: Paragraphs) -> list[str]:
    k = 0 if par.topics is None else par.topics.shape[1]
    return [f"topic_{j:02d}" for j in range(k)]


# --------------------------------------------------------------------------- reports and period changes


@dataclass
class Reports:
    """Per-report sums: the unit the bootstrap resamples."""

    ids: list[str]
    level: np.ndarray
    region: np.ndarray
    province: np.ndarray
    year: np.ndarray
    n_paragraphs: np.ndarray       # (R,)
    label_counts: np.ndarray       # (R, 4) paragraphs carrying each label
    topic_sums: np.ndarray | None  # (R, K) summed topic proportions


def reports_of(par: Paragraphs) -> Reports:
    ids, first, inverse = np.unique(par.report.astype(str), return_index=True, return_inverse=True)
    R = len(ids)
    n = np.bincount(inverse, minlength=R)
    counts = np.zeros((R, par.Y.shape[1]))
    np.add.at(counts, inverse, par.Y)
    topic_sums = None
    if par.topics is not None:
        topic_sums = np.zeros((R, par.topics.shape[1]))
        np.add.at(topic_sums, inverse, par.topics)
    return Reports(ids=list(ids), level=par.level[first], region=par.region[first], province=par.province[first],
                   year=par.year[first], n_paragraphs=n, label_counts=counts, topic_sums=topic_sums)


def report_rows(rep: Reports) -> list[dict[str, Any]]:
    """The report panel: one row per report with its label (and topic) shares."""
    rows = []
    for r, rid in enumerate(rep.ids):
        n = rep.n_paragraphs[r]
        row = {"report": rid, "level": str(rep.level[r]), "region": str(rep.region[r]),
               "province": str(rep.province[r]), "year": int(rep.year[r]), "n_paragraphs": int(n)}
        row.update({f"share_{name}": _r(rep.label_counts[r, j] / n) for j, name in enumerate(LABELS)})
        if rep.topic_sums is not None:
            row.update({f"topic_{k:02d}": _r(rep.topic_sums[r, k] / n) for k in range(rep.topic_sums.shape[1])})
        rows.append(row)
    return rows


def scopes(rep: Reports, periods: Sequence[Sequence[int]], province: str | None = None) -> list[tuple[str, np.ndarray]]:
    """(name, report mask): all reports; the panel of regions with reports in both periods; each level; and the
    cities of ``province``."""
    in_a, in_b = (_in_period(rep.year, p) for p in periods)
    both = set(rep.region[in_a]) & set(rep.region[in_b])
    out = [(ALL, np.ones(len(rep.ids), bool)), (PANEL, np.isin(rep.region, list(both)))]
    for level in ("national", "province", "major_city", "prefecture_city"):
        mask = rep.level == level
        if mask.any():
            out.append((level, mask))
    if province:
        out.append((f"{province} cities", np.isin(rep.level, ["major_city", "prefecture_city"])
                    & (rep.province == province)))
    return out


def _in_period(years: np.ndarray, period: Sequence[int]) -> np.ndarray:
    return (years >= period[0]) & (years <= period[1])


def period_change(counts: np.ndarray, n_paragraphs: np.ndarray, years: np.ndarray, periods: Sequence[Sequence[int]],
                  n_boot: int = 1000, seed: Any = 0, level: float = 0.95) -> dict[str, np.ndarray]:
    """Pooled shares in the two periods, their difference and its percentile-bootstrap interval (reports resampled
    with replacement within each period). ``counts`` (R, m): per-report sums (labels or topic proportions);
    arrays of length m; NaN where a period has no report."""
    m = counts.shape[1]
    rng = np.random.default_rng(seed)
    out: dict[str, Any] = {}
    boots = []
    for tag, period in zip("ab", periods):
        sel = _in_period(years, period)
        c, n = counts[sel], n_paragraphs[sel].astype(float)
        out[f"n_reports_{tag}"], out[f"n_paragraphs_{tag}"] = int(sel.sum()), int(n.sum())
        if not sel.any():
            out[f"share_{tag}"] = np.full(m, np.nan)
            boots.append(np.full((n_boot, m), np.nan))
            continue
        out[f"share_{tag}"] = c.sum(axis=0) / n.sum()
        W = rng.multinomial(len(n), np.full(len(n), 1.0 / len(n)), size=n_boot).astype(float)  # (B, R)
        boots.append((W @ c) / (W @ n)[:, None])
    out["delta"] = out["share_b"] - out["share_a"]
    diff = boots[1] - boots[0]
    if np.isnan(diff).all():
        out["lo"] = out["hi"] = np.full(m, np.nan)
    else:
        out["lo"], out["hi"] = np.quantile(diff, [(1 - level) / 2, 1 - (1 - level) / 2], axis=0)
    return out


def change_rows(rep: Reports, periods: Sequence[Sequence[int]], n_boot: int, seed: int, province: str | None,
                label_source: str, topic_names: Sequence[str] = (), progress: bool | None = None) -> list[dict]:
    """What rose and fell between the two periods, per scope: one row per label and per topic."""
    from tqdm.auto import tqdm

    columns = [("label", name, rep.label_counts[:, j], label_source) for j, name in enumerate(LABELS)]
    if rep.topic_sums is not None:
        columns += [("topic", f"topic_{k:02d}", rep.topic_sums[:, k], "LDA on the paragraphs")
                    for k in range(rep.topic_sums.shape[1])]
    names = {f"topic_{k:02d}": t for k, t in enumerate(topic_names)}
    values = np.stack([c[2] for c in columns], axis=1)
    (a0, a1), (b0, b1) = periods
    rows = []
    disable = None if progress is None else not progress
    for s, (scope, mask) in enumerate(tqdm(scopes(rep, periods, province), desc="period changes", unit="scope",
                                           disable=disable)):
        res = period_change(values[mask], rep.n_paragraphs[mask], rep.year[mask], periods, n_boot, [seed, s])
        for j, (kind, name, _, source) in enumerate(columns):
            rows.append({"scope": scope, "kind": kind, "name": name, "topic_words": names.get(name, ""),
                         "period_a": f"{a0}-{a1}", "period_b": f"{b0}-{b1}",
                         "share_a": _r(res["share_a"][j]), "share_b": _r(res["share_b"][j]),
                         "delta": _r(res["delta"][j]), "delta_lo": _r(res["lo"][j]), "delta_hi": _r(res["hi"][j]),
                         "n_reports_a": res["n_reports_a"], "n_reports_b": res["n_reports_b"],
                         "n_paragraphs_a": res["n_paragraphs_a"], "n_paragraphs_b": res["n_paragraphs_b"],
                         "source": source})
    return rows
