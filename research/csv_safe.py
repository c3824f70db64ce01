"""Text cells that a spreadsheet shows as text, never runs as a formula.

Why: a headline or body that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) is read by
Excel and LibreOffice as a formula when the CSV is opened -- ``=HYPERLINK(...)`` or a DDE call hidden in a scraped
page. Like spreadsheet-safe exporters (OWASP "CSV injection"), such a cell gets a ``'`` in front; a reader that
wants the exact text strips one leading ``'`` from cells that start with ``'`` followed by one of these characters.
A plain number (``-0.25``, ``+3``, ``1e-5``; a score column of margins) is data, not a formula, and passes unchanged,
as in defusedcsv.

    >>> safe_cell("=1+1"), safe_cell("-据报道"), safe_cell("-2+3"), safe_cell("-0.25"), safe_cell("郑州"), safe_cell(-1)
    ("'=1+1", "'-据报道", "'-2+3", '-0.25', '郑州', -1)
"""
from __future__ import annotations

import csv
import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def safe_cell(value):
    """``value`` with a ``'`` in front if it is a str a spreadsheet would evaluate; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(row):
    """:func:`safe_cell` over a list of cells or the values of a dict row."""
    if isinstance(row, dict):
        return {k: safe_cell(v) for k, v in row.items()}
    return [safe_cell(v) for v in row]


class SafeWriter:
    """``csv.writer`` (LF line ends) over :func:`safe_row`, whose rows stay rows: Python's csv module does not quote
    a bare CR when lines end in LF, so a row holding one (an id from a user's JSON) is written fully quoted."""

    def __init__(self, fh):
        self._minimal = csv.writer(fh, lineterminator="\n")
        self._quoted = csv.writer(fh, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def writerow(self, row) -> None:
        row = safe_row(row)
        cr = any(isinstance(cell, str) and "\r" in cell for cell in row)
        (self._quoted if cr else self._minimal).writerow(row)


__all__ = ["FORMULA_STARTS", "SafeWriter", "safe_cell", "safe_row"]
