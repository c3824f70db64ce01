"""The hand-checked sample of government-report paragraphs: how it is drawn, and the file it is read from.

Drawn before reading, with no rule in the loop: paragraphs (≥ ``MIN_CHARS`` characters, glossaries left out) of
the shared report corpus are put in strata by level × year band × cue, and a seeded hash picks a fixed number per
stratum. The cue says whether a paragraph mentions a freight word (``logistics_cue``) or a Party-discipline word
(``party_cue``): both topics are a few per cent of report paragraphs, and without the cue strata the held-out half
would hold too few of them to measure precision. Population sizes per stratum are stored, so estimates can be
re-weighted to the whole corpus (:func:`research.datasets.gold.evaluate`).

Unlike the 新闻联播 sample, each line keeps the paragraph's text (government work reports are official documents
of state organs), so the set scores a model on any machine, ``../shared`` or not.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from .gov_reports import MIN_CHARS, iter_reports, report_to_units

SEED = "reports_gold_v1"
LOGISTICS_CUE = re.compile(r"物流|口岸|班列|港口|港区|陆港|航空港|多式联运|跨境电商|快递|保税|集装箱|货运")
PARTY_CUE = re.compile(r"党风廉政|从严治党|八项规定|党建|党的建设|主题教育|巡视|巡察|纪检|廉政|四风|形式主义")
BANDS = ((0, 2011, "≤2011"), (2012, 2016, "2012–2016"), (2017, 2020, "2017–2020"), (2021, 2100, "2021–2025"))
PLAIN_QUOTA = {
    # level -> band -> paragraphs drawn from paragraphs without a cue
    "prefecture_city": {"2012–2016": 35, "2017–2020": 35, "2021–2025": 35},
    "major_city": {"≤2011": 20, "2012–2016": 25, "2017–2020": 25, "2021–2025": 25},
    "province": {"≤2011": 12, "2012–2016": 12, "2017–2020": 12, "2021–2025": 14},
    "national": {"≤2011": 10, "2012–2016": 7, "2017–2020": 7, "2021–2025": 6},
}
CUE_QUOTA = {
    # cue -> level -> paragraphs, spread over the level's bands from 2012 on (local news is recent)
    "logistics_cue": {"prefecture_city": 24, "major_city": 18, "province": 12, "national": 6},
    "party_cue": {"prefecture_city": 15, "major_city": 12, "province": 9, "national": 3},
}


def band_of(year: int | None) -> str:
    for lo, hi, name in BANDS:
        if year is not None and lo <= year <= hi:
            return name
    return "unknown"


def cue_of(text: str) -> str:
    if LOGISTICS_CUE.search(text):
        return "logistics_cue"
    if PARTY_CUE.search(text):
        return "party_cue"
    return "plain"


def stratum_key(level: str, year: int | None, text: str) -> str:
    return f"{level}|{band_of(year)}|{cue_of(text)}"


def quotas() -> dict[str, int]:
    """Stratum -> paragraphs to draw."""
    out: dict[str, int] = {}
    for level, bands in PLAIN_QUOTA.items():
        for band, n in bands.items():
            out[f"{level}|{band}|plain"] = n
    recent = [name for lo, _, name in BANDS if lo >= 2012]
    for cue, levels in CUE_QUOTA.items():
        for level, n in levels.items():
            for i, band in enumerate(recent):
                share = n // len(recent) + (1 if i < n % len(recent) else 0)
                out[f"{level}|{band}|{cue}"] = share
    return out


def split_of(unit_id: str, seed: str = SEED) -> str:
    """dev (rules may be tuned on it) or heldout (only measured), fixed by a hash of the id."""
    return "dev" if hashlib.sha256(f"{seed}:split:{unit_id}".encode()).digest()[0] % 2 == 0 else "heldout"


def draw(path: str | Path, seed: str = SEED) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The drawn paragraphs (id order) with their metadata and stratum, and the population of every stratum."""
    want = quotas()
    population: Counter = Counter()
    pools: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for report in iter_reports(path):
        for u in report_to_units(report, "paragraph", MIN_CHARS):
            key = stratum_key(u.level, u.year, u.text)
            population[key] += 1
            if key in want:
                rank = hashlib.sha256(f"{seed}:{u.id}".encode()).hexdigest()
                pools[key].append((rank, {"id": u.id, "region": u.region, "level": u.level, "year": u.year,
                                          "section": u.section, "subsection": u.subsection, "text": u.text,
                                          "stratum": key}))
    chosen = []
    for key, n in want.items():
        chosen.extend(item for _, item in sorted(pools[key], key=lambda x: x[0])[:n])
    for item in chosen:
        item["split"] = split_of(item["id"], seed)
    return sorted(chosen, key=lambda x: x["id"]), {k: population.get(k, 0) for k in want}


def export_for_reading(items: list[dict[str, Any]], path: str | Path) -> None:
    """Plain text for the reader: id, place, year, headings and the paragraph; no stratum, no rule output."""
    with open(path, "w", encoding="utf-8") as fh:
        for it in items:
            fh.write(f"### {it['id']}\n{it['region']} · {it['level']} · {it['year']}\n"
                     f"heading: {it['section'] or '(preamble)'}{' > ' + it['subsection'] if it['subsection'] else ''}\n"
                     f"{it['text']}\n\n")



def read_reports_gold(spec: str | Path) -> tuple[dict[str, Any], list, dict[str, Any]]:
    """(header, :class:`~research.datasets.gold.GoldItem` list, id -> unlabelled Document with the text and the
    report metadata) of a hand-checked report file (a path or ``builtin:NAME``)."""
    from ..errors import DataError
    from .gold import read_gold
    from .gov_reports import CORPUS
    from .builtin import resolve_data_path
    from .records import Document, iter_json_lines

    header, items = read_gold(spec)
    path = resolve_data_path(str(spec))
    docs: dict[str, Document] = {}
    for lineno, obj in iter_json_lines(path):
        if "id" not in obj:
            continue
        if not str(obj.get("text") or "").strip():
            raise DataError(f"{path}:{lineno}: hand-checked report paragraph without its text")
        meta = {"corpus": CORPUS, **{k: obj.get(k) for k in ("region", "level", "year", "section", "subsection")}}
        docs[obj["id"]] = Document(id=obj["id"], text=obj["text"], date=str(obj.get("year") or "") or None,
                                   meta=meta)
    return header, items, docs


__all__ = ["BANDS", "CUE_QUOTA", "PLAIN_QUOTA", "SEED", "band_of", "cue_of", "draw", "export_for_reading",
           "quotas", "read_reports_gold", "split_of", "stratum_key"]
