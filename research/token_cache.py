"""A disk cache of token lists, so that a corpus is segmented once across runs, sweeps and variants.

Keys are sha1(tokenizer fingerprint + text), where the fingerprint covers the tokenizer settings, backend and
version, and the full user dictionary and stopword lists; one SQLite file (WAL mode) holds them all. Only the
process that calls ``transform`` touches it (pool workers only tokenize); several such processes, e.g. Dask workers
on one machine, may share a folder: SQLite serialises their writes. A cache that cannot be read or written (disk
full, read-only folder, a damaged file) is a warning, never a failed run: the tokens are then simply computed.
"""
from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

_SEP = "\x1f"  # unit separator: never part of a token (control characters are stripped before cutting)
_BATCH = 900   # stays under SQLite's default limit on bound parameters


class TokenCache:
    """Token lists by key; ``get_many`` returns the hits, ``put_many`` stores (key, tokens) pairs."""

    def __init__(self, directory: str | Path):
        self.path = Path(directory) / "tokens.sqlite"

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=60)
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.OperationalError:  # e.g. a file system without shared memory: keep the default journal
            pass
        con.execute("CREATE TABLE IF NOT EXISTS tokens (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        return con

    def get_many(self, keys: list[str]) -> dict[str, list[str]]:
        try:
            return self._get_many(keys)
        except (sqlite3.Error, OSError) as exc:
            log.warning("token cache %s not read (%s); segmenting instead", self.path, exc)
            return {}

    def put_many(self, items: Iterable[tuple[str, list[str]]]) -> None:
        try:
            self._put_many(items)
        except (sqlite3.Error, OSError) as exc:
            log.warning("token cache %s not written (%s)", self.path, exc)

    def _get_many(self, keys: list[str]) -> dict[str, list[str]]:
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

    def _put_many(self, items: Iterable[tuple[str, list[str]]]) -> None:
        con = self._connect()
        try:
            with con:
                con.executemany(
                    "INSERT OR REPLACE INTO tokens (key, value) VALUES (?, ?)",
                    ((key, _SEP.join(tokens)) for key, tokens in items),
                )
        finally:
            con.close()

    def __len__(self) -> int:
        if not self.path.exists():
            return 0
        con = self._connect()
        try:
            return int(con.execute("SELECT COUNT(*) FROM tokens").fetchone()[0])
        finally:
            con.close()
