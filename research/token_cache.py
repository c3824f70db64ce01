"""A disk cache of token lists, so that a corpus is segmented once across runs, sweeps and variants.

Keys are sha1(tokenizer fingerprint + text), where the fingerprint covers the tokenizer settings, backend and
version, and the full user dictionary and stopword lists; one SQLite file (WAL mode) holds them all. Only the
process that calls ``transform`` touches it (pool workers only tokenize); several such processes, e.g. Dask workers
on one machine, may share a folder: SQLite serialises their writes. A cache that cannot be read or written (disk
full, read-only folder, a damaged file) is a warning, never a failed run: the tokens are then simply computed.
"""
from __future__ import annotations

import gc
import logging
import sqlite3
from collections.abc import Iterable
from itertools import chain
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

_BATCH = 900   # stays under SQLite's default limit on bound parameters


class TokenCache:
    """Token lists by key; ``get_many`` returns the hits, ``put_many`` stores (key, tokens) pairs.

    Storage: each distinct token is stored once (table ``vocab``: id -> token, append-only, ids never change) and
    a document is the int32 array of its token ids (table ``ids``: key -> bytes). Reading a corpus back is then one
    numpy take over all its ids plus list slices, with every occurrence of a token sharing one string object,
    instead of splitting millions of strings anew (the previous format, table ``tokens``, is no longer read).
    """

    def __init__(self, directory: str | Path):
        self.path = Path(directory) / "tokens.sqlite"
        self._words: list[str] = []        # id -> token, as far as this process has read the vocab table
        self._ids: dict[str, int] = {}     # token -> id

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=60, isolation_level=None)  # transactions are explicit below
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.OperationalError:  # e.g. a file system without shared memory: keep the default journal
            pass
        con.execute("CREATE TABLE IF NOT EXISTS vocab (id INTEGER PRIMARY KEY, token TEXT NOT NULL UNIQUE)")
        con.execute("CREATE TABLE IF NOT EXISTS ids (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
        return con

    def _sync_vocab(self, con: sqlite3.Connection) -> None:
        """Read the tokens other writers (or earlier runs) added since this process last looked."""
        for token_id, token in con.execute("SELECT id, token FROM vocab WHERE id >= ? ORDER BY id",
                                           (len(self._words),)):
            if token_id != len(self._words):
                raise sqlite3.DatabaseError(f"token ids are not contiguous at {token_id}")
            self._words.append(token)
            self._ids[token] = token_id

    def get_many(self, keys: list[str]) -> dict[str, list[str]]:
        paused = gc.isenabled()
        gc.disable()  # tens of thousands of new lists would trigger full collections that walk every token: 10x
        try:
            return self._get_many(keys)
        except (sqlite3.Error, OSError, ValueError, IndexError) as exc:
            log.warning("token cache %s not read (%s); segmenting instead", self.path, exc)
            return {}
        finally:
            if paused:
                gc.enable()

    def put_many(self, items: Iterable[tuple[str, list[str]]]) -> None:
        try:
            self._put_many(items)
        except (sqlite3.Error, OSError, ValueError) as exc:
            log.warning("token cache %s not written (%s)", self.path, exc)

    def _get_many(self, keys: list[str]) -> dict[str, list[str]]:
        con = self._connect()
        try:
            unique = list(dict.fromkeys(keys))
            hits: list[str] = []
            blobs: list[bytes] = []
            for i in range(0, len(unique), _BATCH):
                chunk = unique[i : i + _BATCH]
                marks = ",".join("?" * len(chunk))
                for key, value in con.execute(f"SELECT key, value FROM ids WHERE key IN ({marks})", chunk):
                    hits.append(key)
                    blobs.append(value)
            if hits:
                self._sync_vocab(con)
        finally:
            con.close()
        if not hits:
            return {}
        flat = np.frombuffer(b"".join(blobs), dtype="<i4")
        words = np.asarray(self._words, dtype=object)[flat].tolist()  # raises IndexError on a damaged row
        bounds = np.cumsum([len(b) // 4 for b in blobs]).tolist()
        found: dict[str, list[str]] = {}
        start = 0
        for key, stop in zip(hits, bounds):
            found[key] = words[start:stop]
            start = stop
        return found

    def _put_many(self, items: Iterable[tuple[str, list[str]]]) -> None:
        items = list(items)
        if not items:
            return
        con = self._connect()
        try:
            con.execute("BEGIN IMMEDIATE")  # one writer at a time: token ids are handed out in this transaction
            try:
                con.execute("DROP TABLE IF EXISTS tokens")  # the old format (joined strings): its pages are reused
                self._sync_vocab(con)
                new = set(chain.from_iterable(tokens for _, tokens in items)).difference(self._ids)
                if new:
                    first = len(self._words)
                    added = sorted(new)
                    con.executemany("INSERT INTO vocab (id, token) VALUES (?, ?)",
                                    zip(range(first, first + len(added)), added))
                    self._words.extend(added)
                    self._ids.update(zip(added, range(first, first + len(added))))
                lengths = [len(tokens) for _, tokens in items]
                flat = np.fromiter(map(self._ids.__getitem__, chain.from_iterable(t for _, t in items)),
                                   dtype="<i4", count=sum(lengths)).tobytes()
                rows, start = [], 0
                for (key, _), n in zip(items, lengths):
                    rows.append((key, flat[4 * start : 4 * (start + n)]))
                    start += n
                con.executemany("INSERT OR REPLACE INTO ids (key, value) VALUES (?, ?)", rows)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                self._words, self._ids = [], {}  # re-read on the next call: nothing of this attempt was kept
                raise
        finally:
            con.close()

    def __len__(self) -> int:
        if not self.path.exists():
            return 0
        con = self._connect()
        try:
            return int(con.execute("SELECT COUNT(*) FROM ids").fetchone()[0])
        finally:
            con.close()
