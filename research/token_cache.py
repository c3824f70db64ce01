"""A disk cache of token lists, so that a corpus is segmented once across runs, sweeps and variants.

Keys are sha1(tokenizer fingerprint + text); one SQLite file holds them all. Only the parent process touches it,
so there is no locking to get wrong; worker processes only tokenize.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

_SEP = "\x1f"  # unit separator: never part of a token (control characters are stripped before cutting)
_BATCH = 900   # stays under SQLite's default limit on bound parameters


class TokenCache:
    def __init__(self, directory: str | Path):
        self.path = Path(directory) / "tokens.sqlite"

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=60)
        con.execute("CREATE TABLE IF NOT EXISTS tokens (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        return con

    def get_many(self, keys: list[str]) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        con = self._connect()
        try:
            unique = list(dict.fromkeys(keys))
            for i in range(0, len(unique), _BATCH):
                chunk = unique[i : i + _BATCH]
                marks = ",".join("?" * len(chunk))
                for key, value in con.execute(f"SELECT key, value FROM tokens WHERE key IN ({marks})", chunk):
                    found[key] = value.split(_SEP) if value else []
        finally:
            con.close()
        return found

    def put_many(self, items: Iterable[tuple[str, list[str]]]) -> None:
        con = self._connect()
        try:
            with con:
                con.executemany(
                    "INSERT OR REPLACE INTO tokens (key, value) VALUES (?, ?)",
                    ((key, _SEP.join(tokens)) for key, tokens in items),
                )
        finally:
            con.close()
