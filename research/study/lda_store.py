"""A disk store of fitted feature transformers (LDA topic models, TF-IDF) and their outputs, shared by sweep variants.

Key of a fitted transformer = sha1(class + parameters + token lists it is fitted on). Variants of a sweep that differ
only in the classifier therefore fit the topic model (and the TF-IDF vocabulary) once; a variant that changes
``n_topics`` gets its own. The output for a document set (topic proportions, TF-IDF matrix) is stored under
(transformer key, sha1 of the token lists). Files live in ``results/.cache/lda/``; they are written atomically,
so parallel readers never see half a file. A fitted LDA is identical whether fitted here or in ``pipeline.fit``
(same seed, same tokens), so reuse changes no result.
"""
from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import joblib
import numpy as np

from ..atomic import AtomicFile

log = logging.getLogger(__name__)


def tokens_sha1(tokens: list[list[str]]) -> str:
    h = hashlib.sha1()
    for doc in tokens:
        h.update("\x1f".join(doc).encode("utf-8"))
        h.update(b"\x1e")
    return h.hexdigest()


def lda_params_key(lda) -> str:
    return type(lda).__name__ + json.dumps(lda.get_params(deep=False), sort_keys=True, default=str)


class FeatureStore:
    def __init__(self, directory: str | Path):
        self.dir = Path(directory)
        self.hits = 0
        self.fits = 0
        self._keys: dict[int, tuple[object, str]] = {}  # id(fitted model) -> (model, key); nothing added to the model

    def model_key(self, lda, tokens: list[list[str]]) -> str:
        return hashlib.sha1((lda_params_key(lda) + "\x00" + tokens_sha1(tokens)).encode()).hexdigest()[:20]

    def _dump(self, obj, path: Path) -> None:
        with AtomicFile(path, "wb", make_parents=True) as fh:
            joblib.dump(obj, fh)

    def fit_transform(self, lda, tokens: list[list[str]]):
        """(fitted LdaTopics, topic proportions of ``tokens``), from the store when this exact fit was done before."""
        key = self.model_key(lda, tokens)
        model_path = self.dir / f"{key}.model.joblib"
        if model_path.is_file():
            fitted = joblib.load(model_path)
            self.hits += 1
            log.info("%s %s reused from %s", type(lda).__name__, key, self.dir)
        else:
            fitted = lda.fit(tokens)
            self._dump(fitted, model_path)
            self.fits += 1
            log.info("%s %s fitted and stored", type(lda).__name__, key)
        self._keys[id(fitted)] = (fitted, key)
        return fitted, self.transform(fitted, tokens, key)

    def transform(self, lda, tokens: list[list[str]], key: str | None = None) -> np.ndarray:
        key = key or self._keys.get(id(lda), (None, None))[1]
        if key is None:
            return lda.transform(tokens)
        path = self.dir / f"{key}.out.{tokens_sha1(tokens)[:20]}.joblib"
        if path.is_file():
            return joblib.load(path)
        out = lda.transform(tokens)
        self._dump(out, path)
        return out

