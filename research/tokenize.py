"""JiebaTokenizer: Chinese text -> filtered token lists, as a scikit-learn transformer.

Tokens are produced once per corpus and shared by every feature branch (TF-IDF and LDA read the same lists), and
can be cached on disk so that a second run or a sweep variant segments nothing. The fitted tokenizer carries its
user dictionary and stopwords as plain word lists, so a saved model tags text the same way on another machine, and
no jieba object, bound method or lambda is ever stored on the estimator (it stays picklable and skops-safe).
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .fingerprint import combined_sha256
from .resources import read_word_list, resource_path
from .token_cache import TokenCache

log = logging.getLogger(__name__)

TOKENIZER_VERSION = "1"  # bump when the filtering rules below change: it invalidates cached tokens
_CHUNK = 256
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_NUMBER = re.compile(r"^[\d.,%:+\-/·~]+$")
_LATIN = re.compile(r"^[a-z0-9.\-_+&]+$")
_HAS_WORD_CHAR = re.compile(r"[0-9a-zA-Z\u3400-\u9fff\uf900-\ufaff]")

# jieba tokenizers live per process, keyed by the user-dictionary hash; never on an estimator.
_JIEBA: dict[str, object] = {}


def _jieba_for(user_words: tuple[str, ...], key: str):
    tok = _JIEBA.get(key)
    if tok is None:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        tok = jieba.Tokenizer()
        tok.initialize()
        for word in user_words:
            tok.add_word(word)
        _JIEBA[key] = tok
    return tok


def normalize_for_tokens(text: str) -> str:
    """NFKC (full-width digits/latin -> ASCII) and control characters removed; fine for tokens, not for display."""
    return _CONTROL.sub(" ", unicodedata.normalize("NFKC", text))


def _filter(tokens, stopwords: frozenset[str], min_len: int, keep_numbers: bool, keep_latin: bool) -> list[str]:
    out = []
    for token in tokens:
        token = token.strip().lower()
        if len(token) < min_len or token in stopwords or not _HAS_WORD_CHAR.search(token):
            continue
        if _NUMBER.match(token):
            if not keep_numbers:
                continue
        elif _LATIN.match(token) and not keep_latin:
            continue
        out.append(token)
    return out


def _cut_many(texts: list[str], settings: tuple) -> list[list[str]]:
    """Worker function (module level, so it pickles): cut and filter a chunk of texts."""
    user_words, dict_key, stopwords, min_len, keep_numbers, keep_latin, hmm = settings
    tok = _jieba_for(user_words, dict_key)
    return [
        _filter(tok.cut(normalize_for_tokens(text), HMM=hmm), stopwords, min_len, keep_numbers, keep_latin)
        for text in texts
    ]


class JiebaTokenizer(TransformerMixin, BaseEstimator):
    """Segment Chinese text with jieba and a domain user dictionary; drop stopwords, short tokens and numbers.

    Parameters
    ----------
    user_dict, stopwords : ``"builtin:v1"`` (shipped with the package), a file path, or None for none.
    min_len : shortest token kept, in characters (2 drops single characters such as 的, 在).
    keep_numbers : keep purely numeric tokens (2022, 15.7%).
    keep_latin : keep latin-script tokens (ewto, pm2.5), lower-cased.
    hmm : let jieba guess unknown words with its HMM (jieba's default).
    n_jobs : worker processes for large inputs; -1 = all cores. Output never depends on it.
    cache_dir : folder of the on-disk token cache; None disables it.
    progress : show a progress bar (None = only on a terminal).

    ``transform`` returns a list of token lists, the input every later stage accepts.
    """

    def __init__(self, user_dict="builtin:v1", stopwords="builtin:v1", min_len=2, keep_numbers=False,
                 keep_latin=True, hmm=True, n_jobs=1, cache_dir=None, progress=None):
        self.user_dict = user_dict
        self.stopwords = stopwords
        self.min_len = min_len
        self.keep_numbers = keep_numbers
        self.keep_latin = keep_latin
        self.hmm = hmm
        self.n_jobs = n_jobs
        self.cache_dir = cache_dir
        self.progress = progress

    def fit(self, X=None, y=None):
        if not isinstance(self.min_len, int) or self.min_len < 1:
            raise ValueError(f"min_len must be a positive integer, got {self.min_len!r}")
        self.user_words_ = read_word_list(resource_path("user_dict", self.user_dict)) if self.user_dict else []
        self.stopwords_ = sorted(read_word_list(resource_path("stopwords", self.stopwords))) if self.stopwords else []
        import jieba

        self.fingerprint_ = combined_sha256(
            [TOKENIZER_VERSION, jieba.__version__, str(self.min_len), str(self.keep_numbers), str(self.keep_latin),
             str(self.hmm), "\n".join(self.user_words_), "\n".join(self.stopwords_)]
        )
        return self

    def transform(self, X) -> list[list[str]]:
        check_is_fitted(self, "fingerprint_")
        texts = _as_texts(X)
        cache = TokenCache(self.cache_dir) if self.cache_dir else None
        keys = [self._key(t) for t in texts] if cache else []
        found = cache.get_many(keys) if cache else {}
        todo = [i for i in range(len(texts)) if not cache or keys[i] not in found]
        if cache:
            log.info("tokens: %d cached, %d to segment", len(texts) - len(todo), len(todo))
        fresh = self._cut([texts[i] for i in todo])
        if cache and todo:
            cache.put_many((keys[i], toks) for i, toks in zip(todo, fresh))
        result: list[list[str]] = [None] * len(texts)  # type: ignore[list-item]
        for i, toks in zip(todo, fresh):
            result[i] = toks
        if cache:
            for i, key in enumerate(keys):
                if result[i] is None:
                    result[i] = list(found[key])
        return result

    def _key(self, text: str) -> str:
        return hashlib.sha1((self.fingerprint_ + "\x00" + text).encode("utf-8")).hexdigest()

    def _settings(self) -> tuple:
        words = tuple(self.user_words_)
        dict_key = hashlib.sha1("\n".join(words).encode("utf-8")).hexdigest()
        return (words, dict_key, frozenset(self.stopwords_), self.min_len, self.keep_numbers, self.keep_latin, self.hmm)

    def _cut(self, texts: list[str]) -> list[list[str]]:
        if not texts:
            return []
        from tqdm.auto import tqdm

        settings = self._settings()
        chunks = [texts[i : i + _CHUNK] for i in range(0, len(texts), _CHUNK)]
        n_jobs = _effective_jobs(self.n_jobs, len(chunks))
        bar = tqdm(total=len(texts), desc="tokenize", unit="doc", disable=_bar_disabled(self.progress, len(texts)))
        out: list[list[str]] = []
        try:
            if n_jobs == 1:
                for chunk in chunks:
                    out.extend(_cut_many(chunk, settings))
                    bar.update(len(chunk))
            else:
                _jieba_for(settings[0], settings[1])  # load once in the parent; forked workers inherit it
                with ProcessPoolExecutor(n_jobs, mp_context=get_context("fork")) as pool:
                    for chunk, toks in zip(chunks, pool.map(_cut_many, chunks, [settings] * len(chunks))):
                        out.extend(toks)
                        bar.update(len(chunk))
        finally:
            bar.close()
        return out

    def get_feature_names_out(self, input_features=None):  # tokens are not columns
        raise AttributeError("JiebaTokenizer outputs token lists, not feature columns")


def _as_texts(X) -> list[str]:
    if isinstance(X, str):
        raise TypeError("JiebaTokenizer expects a list of texts, got a single string")
    texts = list(X)
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"document {i} is {type(text).__name__}, expected str")
    return texts


def _effective_jobs(n_jobs: int, n_chunks: int) -> int:
    cores = os.cpu_count() or 1
    wanted = cores if n_jobs in (-1, 0, None) else max(1, int(n_jobs))
    return max(1, min(wanted, cores, n_chunks))


def _bar_disabled(progress, n: int) -> bool | None:
    if progress is None:
        return None if n >= 2000 else True  # tqdm: None = only on a terminal
    return not progress
