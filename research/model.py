"""Reuse a trained model: ``research.load_model(path_or_alias)`` -> :class:`TaggingModel`.

The model file is a skops archive written by :func:`research.persistence.save_model`; loading it refuses any type
outside the package's trusted list and any file whose sha256 sidecar does not match (see
:mod:`research.persistence`), and warns when it was written by another version of ``research`` or scikit-learn.

Example (``run`` is a finished run folder, e.g. from ``research run configs/toy.yaml``)::

    >>> from research import load_model
    >>> model = load_model(run)                       # or "path/to/model.skops", "best:default", "latest:toy"
    >>> model.labels
    ['party_building', 'investment', 'logistics', 'livelihood']
    >>> out = model.predict(["中欧班列（郑州）集结中心开行班列再创新高"])
    >>> sorted(out[0])
    ['labels', 'primary', 'scores']
    >>> model.predict_proba(["经开区党工委召开党建工作会议"]).shape
    (1, 4)

Texts are tokenized once per batch (``batch_size`` documents, 512 by default) and the token lists feed both
feature branches, the scores and, when asked, the explanations; memory stays constant on long streams
(:meth:`TaggingModel.predict_stream`, :meth:`TaggingModel.tag_pages`). With ``n_jobs`` > 1, batches are
segmented and scored in that many worker processes, a few batches in flight; the output never depends on
``n_jobs`` or ``batch_size``.
"""
from __future__ import annotations

import logging
import warnings
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from pathlib import Path
from typing import Any

import numpy as np

from .cpus import effective_workers
from .errors import DataError, ModelFileError, ResearchError
from .persistence import read_model
from .runs_index import resolve_model_path
from .tokenize import as_texts

log = logging.getLogger(__name__)

DEFAULT_BATCH = 512
SCORE_DECIMALS = 6  # scores in records are rounded so that outputs are byte-identical across runs/platforms


class TaggingModel:
    """A fitted pipeline plus its model card, with batch prediction, page tagging and explanations.

    Attributes
    ----------
    labels : the label names, in score-column order.
    thresholds : per-label score threshold above which a label is predicted.
    card : the metadata saved with the model (experiment, run_id, config, fingerprints, metrics, versions, and
        ``env`` from the run folder when the model sits in one).
    path : the model file it was loaded from (None for an in-memory pipeline).
    """

    def __init__(self, pipeline, card: dict[str, Any] | None = None, path: str | Path | None = None,
                 batch_size: int = DEFAULT_BATCH, n_jobs: int = 1):
        for step in ("tokens", "features", "clf"):
            if step not in pipeline.named_steps:
                raise ModelFileError(f"{path or 'pipeline'}: not a research pipeline (no step {step!r})")
        self.pipeline = _prediction_pipeline(pipeline)
        self.card = dict(card or {})
        self.path = Path(path) if path is not None else None
        self.batch_size = int(batch_size)
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.n_jobs = n_jobs
        self.compute = None  # a dask ComputeConfig after use_scheduler(): batches are scored on the cluster
        self._explainer = None

    # ------------------------------------------------------------------ properties

    @property
    def n_jobs(self) -> int:
        return self._n_jobs

    @n_jobs.setter
    def n_jobs(self, value: int) -> None:
        self._n_jobs = int(value) if value is not None else 1
        self.pipeline.set_params(tokens__n_jobs=self._n_jobs)

    def use_scheduler(self, scheduler: str, n_workers: int = 2) -> None:
        """Score batches on a Dask cluster: ``scheduler`` is its address (``tcp://host:8786``) or ``"local"`` for a
        LocalCluster of ``n_workers`` processes. The model is sent to every worker once; each batch (segmenting,
        TF-IDF, LDA inference, classifier) is one task, results come back in input order and equal local ones."""
        from .config import ComputeConfig

        self.compute = ComputeConfig(backend="dask", scheduler=None if scheduler == "local" else scheduler,
                                     n_workers=max(1, int(n_workers)))

    def use_backend(self, backend: str) -> None:
        """Segment with ``backend`` instead of the trained one (see :func:`load_model`)."""
        from . import tokenize

        known = getattr(tokenize, "BACKENDS", ("jieba",))
        if backend not in known:
            raise ResearchError(f"unknown tokenizer backend {backend!r}; choose one of {', '.join(known)}")
        trained = getattr(self.tokenizer, "backend", "jieba")
        if backend != trained:
            if "backend" not in self.tokenizer.get_params():
                raise ResearchError(f"this version of the tokenizer has no backend {backend!r}")
            if hasattr(tokenize, "backend_version") and tokenize.backend_version(backend) == "missing":
                raise ResearchError(f"tokenizer backend {backend!r} is not installed (pip install {backend})")
            self.pipeline.set_params(tokens__backend=backend)
            self.card["prediction_backend"] = backend
            log.info("segmenting with %s instead of the trained %s", backend, trained)

    @property
    def labels(self) -> list[str]:
        return [str(c) for c in self.clf.classes_]

    @property
    def thresholds(self) -> dict[str, float]:
        return {name: float(t) for name, t in zip(self.labels, self.clf.thresholds_)}

    @property
    def clf(self):
        return self.pipeline.named_steps["clf"]

    @property
    def tokenizer(self):
        return self.pipeline.named_steps["tokens"]

    @property
    def lda(self):
        """The fitted LdaTopics step, or None when the model was trained without topics."""
        t = dict(self.pipeline.named_steps["features"].transformer_list).get("lda")
        return None if t is None or isinstance(t, str) else t

    def __repr__(self) -> str:
        name = f"{self.card.get('experiment', '?')}/{self.card.get('run_id', '?')}"
        return f"<TaggingModel {name} labels={self.labels} path={self.path}>"

    # ------------------------------------------------------------------ core batch step

    def tokenize(self, texts: list[str]) -> list[list[str]]:
        return self.tokenizer.transform(texts)

    def _score_tokens(self, tokens: list[list[str]]):
        features = self.pipeline.named_steps["features"].transform(tokens)
        labels, primary, scores = self.clf.predict_labels(features)
        return features, labels, primary, scores

    def _scored_batches(self, items: Iterable, text_of=None) -> Iterator[tuple[list, Any, list, list, np.ndarray]]:
        """(items, features, label lists, primary labels, scores) per batch of ``batch_size`` items, in order.

        With ``n_jobs`` > 1 and more than one batch of input, whole batches (segmenting, TF-IDF, LDA inference,
        classifier) run in a pool of forked worker processes, at most ``2 * n_jobs`` batches in flight, so every
        stage uses every core and memory stays bounded; smaller inputs run in-process. The output is the same
        either way: each document's features and scores do not depend on the other documents of its batch.
        """
        if getattr(self, "compute", None) is not None:
            yield from self._scored_batches_dask(items, text_of)
            return
        workers = effective_workers(self._n_jobs)
        if workers <= 1:
            yield from self._scored_batches_serial(items, text_of)
            return
        it = iter(items)
        first = list(islice(it, self.batch_size))
        if len(first) < self.batch_size:  # one batch: a pool would cost more than it saves
            yield from self._scored_batches_serial(first, text_of)
            return
        yield from self._scored_batches_pool(chain([first], _chunks(it, self.batch_size)), text_of, workers)

    def _scored_batches_pool(self, batches: Iterator[list], text_of, workers: int):
        from multiprocessing import get_context

        self.tokenize(["预热"])  # load the segmenter once in the parent: forked workers inherit it
        # fork: the workers inherit this model (initargs are not pickled with the fork start method)
        pool = get_context("fork").Pool(workers, initializer=_init_worker, initargs=(self,))
        inflight: deque = deque()
        ok = False
        try:
            for batch in batches:
                texts = [_checked_text(item, text_of, i) for i, item in enumerate(batch)]
                inflight.append((batch, pool.apply_async(_worker_score, (texts,))))
                if len(inflight) >= 2 * workers:
                    done, result = inflight.popleft()
                    yield (done, *result.get())
            while inflight:
                done, result = inflight.popleft()
                yield (done, *result.get())
            ok = True
        finally:
            if ok:
                pool.close()
            else:  # an error, or the caller stopped early: do not wait for batches nobody will read
                pool.terminate()
            pool.join()

    def _scored_batches_dask(self, items: Iterable, text_of=None):
        import copy

        from .compute.dask_backend import get_client, n_workers

        client = get_client(self.compute)
        worker_model = copy.deepcopy(self)
        worker_model.compute = None
        worker_model.n_jobs = 1  # the cluster is the parallelism
        [shared] = client.scatter([worker_model], broadcast=True)
        limit = 2 * n_workers(self.compute)
        inflight: deque = deque()
        try:
            for batch in _chunks(iter(items), self.batch_size):
                texts = [_checked_text(item, text_of, i) for i, item in enumerate(batch)]
                inflight.append((batch, client.submit(_dask_score, shared, texts, pure=False)))
                if len(inflight) >= limit:
                    done, future = inflight.popleft()
                    yield (done, *future.result())
            while inflight:
                done, future = inflight.popleft()
                yield (done, *future.result())
        finally:
            for _, future in inflight:  # the caller stopped early: drop what nobody will read
                future.cancel()

    def _scored_batches_serial(self, items: Iterable, text_of=None):
        """In-process version of :meth:`_scored_batches`.

        Texts stream through the tokenizer's ``iter_transform``, so one pool of tokenizer processes serves the
        whole stream (no pool start-up per batch) and each text is segmented exactly once; the token lists of a
        batch feed TF-IDF, LDA and the classifier. Memory: one tokenizer block plus one batch.
        """
        pending: deque = deque()

        def texts():
            for item in items:
                pending.append(item)
                text = item if text_of is None else text_of(item)
                if not isinstance(text, str):
                    raise TypeError(f"text {len(pending) - 1} is {type(text).__name__}, expected str")
                yield text

        tokens = self._iter_tokens(texts())
        try:
            while True:
                toks = list(islice(tokens, self.batch_size))
                if not toks:
                    return
                batch = [pending.popleft() for _ in toks]
                features, labels, primary, scores = self._score_tokens(toks)
                yield batch, features, labels, primary, scores
        finally:
            close = getattr(tokens, "close", None)
            if close is not None:
                close()  # stops the tokenizer's worker pool if the caller stops early

    def _iter_tokens(self, texts: Iterator[str]) -> Iterator[list[str]]:
        tok = self.tokenizer
        if hasattr(tok, "iter_transform"):
            return tok.iter_transform(texts)
        return (t for batch in _chunks(texts, self.batch_size) for t in tok.transform(batch))  # older tokenizer

    # ------------------------------------------------------------------ public prediction API

    def predict(self, texts: Iterable[str]) -> list[dict[str, Any]]:
        """One ``{"labels": [...], "primary": str, "scores": {label: score}}`` per text (primary "none" when no
        label reaches its threshold). Scores are probabilities (margins for linear_svm), rounded to 6 places."""
        return list(self.predict_stream(_texts(texts)))

    def predict_stream(self, texts: Iterable[str]) -> Iterator[dict[str, Any]]:
        """Like :meth:`predict`, lazily: consumes ``texts`` one batch at a time (constant memory)."""
        if isinstance(texts, str):
            raise TypeError("expected a list of texts, got a single string (wrap it in a list)")
        for _, _, labels, primary, scores in self._scored_batches(texts):
            yield from _results(labels, primary, scores, self.labels)

    def predict_proba(self, texts: Iterable[str]) -> np.ndarray:
        """(n, 4) per-label probabilities (squashed margins for linear_svm), columns in :attr:`labels` order."""
        out = [self.clf.predict_proba(features) for _, features, _, _, _ in self._scored_batches(_texts(texts))]
        return np.vstack(out) if out else np.zeros((0, len(self.labels)))

    def explain(self, text: str, top_n: int = 5) -> dict[str, dict[str, Any]]:
        """Per label: score, whether predicted, the ``top_n`` terms and topics that pushed the score up
        (coefficient x feature value) and the features that pulled it down. See :mod:`research.explain`."""
        return self.explain_many([_one_text(text)], top_n=top_n)[0]

    def explain_many(self, texts: Iterable[str], top_n: int = 5) -> list[dict[str, dict[str, Any]]]:
        out = []
        for _, features, _, _, scores in self._scored_batches(_texts(texts)):
            out.extend(self.explainer.explain(features, top_n=top_n, scores=scores))
        return out

    @property
    def explainer(self):
        if self._explainer is None:
            from .explain import LinearExplainer

            self._explainer = LinearExplainer(self.pipeline)
        return self._explainer

    def topics(self, text: str, top_n: int | None = None, words: int = 8) -> list[dict[str, Any]]:
        """Topic proportions of ``text``, largest first: ``[{"topic", "share", "words"}, ...]``.

        ``top_n`` keeps the largest ones (all by default). Empty list for a model trained without LDA.
        """
        lda = self.lda
        if lda is None:
            return []
        shares = lda.transform(self.tokenize([_one_text(text)]))[0]
        names = list(getattr(lda, "topic_names_", None) or [f"topic_{k:02d}" for k in range(len(shares))])
        top = lda.top_words(words)
        order = np.argsort(-shares, kind="stable")[: top_n or len(shares)]
        return [{"topic": names[k], "share": round(float(shares[k]), 4), "words": [w for w, _ in top[k]]}
                for k in order]

    # ------------------------------------------------------------------ pages

    def tag_pages(self, paths: Iterable[str | Path] | str | Path, unit: str | None = None,
                  explain: int = 0, explanations: bool = False, on_file=None) -> "PageTagging":
        """Segment raw page files and government work reports (or folders of them) into ``unit`` records and tag
        each one. ``unit`` None: articles of pages (``.txt``), paragraphs of reports (``.md``); ``section``:
        sections of both; ``page``/``article`` fit pages only, ``paragraph`` reports only (a file the unit does
        not fit is skipped, with the reason).

        Returns an iterator of dicts: the record's fields (pages: id, source, article, section, unit, headline,
        section_title, byline, body, captions, start, end, text; reports: id, source, report, unit, index,
        region, level, year, section, subsection, kind, start, end, text) plus ``labels``, ``primary``, ``scores`` and,
        with ``explain=N``, ``top_terms`` (the N strongest terms/topics behind the predicted labels) and, with
        ``explanations=True``, the full per-label ``explanation``. Folders are read as their ``*.txt`` and
        ``*.md`` files.
        Bad files (missing, binary, undecodable, empty) are logged and skipped, the others tagged; the
        iterator's ``skipped`` holds ``(path, reason)`` once it is exhausted. Records come one batch at a time,
        in file order.
        """
        if isinstance(paths, (str, Path)):
            paths = [paths]
        return PageTagging(self, list(paths), unit, explain, explanations, on_file=on_file)

    def tag_segments(self, segments: Iterable, explain: int = 0,
                     explanations: bool = False) -> Iterator[dict[str, Any]]:
        """Tag already segmented records (objects with ``text`` and ``to_json()``), one batch at a time.

        ``explain=N`` adds ``top_terms``: the N strongest terms/topics behind the predicted labels (behind the
        best-scoring label when none is predicted); ``explanations=True`` adds the full per-label ``explanation``.
        """
        from .explain import top_terms

        for batch, features, labels, primary, scores in self._scored_batches(segments, _text_of):
            results = list(_results(labels, primary, scores, self.labels))
            focus = [r["labels"] or [self.labels[int(np.argmax(scores[i]))]] for i, r in enumerate(results)]
            expl = None
            if explain or explanations:
                expl = self.explainer.explain(features, top_n=explain or 5, scores=scores,
                                              only=None if explanations else focus)
            for i, (seg, result) in enumerate(zip(batch, results)):
                rec = _segment_dict(seg)
                rec.update(result)
                if explain:
                    rec["top_terms"] = top_terms(expl[i], focus[i], explain)
                if explanations:
                    rec["explanation"] = expl[i]
                yield rec


class PageTagging:
    """Iterator of tagged records over page files, one file and one batch at a time (constant memory in the
    number of files), with the files it could not use in ``skipped`` (``(path, reason)``, complete once the
    iterator is exhausted) and the number of page files it read in ``n_files``.

    ``on_file`` (optional) is called with each file path once it was read, e.g. to advance a progress bar.
    """

    def __init__(self, model: TaggingModel, paths: list, unit: str | None, explain: int,
                 explanations: bool = False, on_file=None):
        from .ingest import INPUT_SUFFIXES, INPUT_UNITS, expand_paths

        if unit is not None and unit not in INPUT_UNITS:
            raise DataError(f"unit must be one of {', '.join(INPUT_UNITS)}, got {unit!r}")
        self.unit = unit
        self.skipped: list[tuple[str, str]] = []
        self.files = expand_paths(paths, self.skipped, INPUT_SUFFIXES)
        self.n_files = 0
        self._on_file = on_file
        self._records = model.tag_segments(self._segments(), explain=explain, explanations=explanations)

    def _segments(self):
        # the same walk as `research segment` (research.ingest.iter_files), one file at a time
        from .ingest import iter_files

        for _, records, _ in iter_files(self.files, self.unit, self.skipped, self._on_file):
            self.n_files += 1
            yield from records

    def __iter__(self):
        return self

    def __next__(self) -> dict[str, Any]:
        return next(self._records)

    @property
    def n_skipped(self) -> int:
        return len(self.skipped)


# ---------------------------------------------------------------------- loading


def load_model(path_or_alias: str | Path, results_dir: str | Path | None = None, batch_size: int = DEFAULT_BATCH,
               n_jobs: int = 1, check_version: bool = True, backend: str | None = None,
               trust_unverified: bool = False) -> TaggingModel:
    """Load a model for prediction.

    ``path_or_alias``: a ``model.skops`` file, a run folder, or ``best:<experiment>`` (highest macro-F1) /
    ``latest:<experiment>`` resolved through ``<results_dir>/runs.jsonl`` (default ``results/``).
    Raises :class:`~research.errors.ModelFileError` for a file that fails its checksum, has no checksum sidecar
    (unless ``trust_unverified``: then it warns) or asks for an untrusted type; warns (UserWarning) when the file was written by another research or scikit-learn version.

    ``backend`` swaps the segmenter the model was trained with for another one (e.g. ``"rjieba"``, several times
    faster); tokens -- and so, rarely, predictions -- may then differ from the trained segmenter's. None keeps
    the model's own.
    """
    path = resolve_model_path(path_or_alias, results_dir)
    with warnings.catch_warnings():
        # persistence warns on a research version mismatch with stacklevel pointing into this module; re-raise
        # it from here so the caller sees it at their own call site
        warnings.simplefilter("always")
        with warnings.catch_warnings(record=True) as caught:
            pipeline, card = read_model(path, check_version=check_version, trust_unverified=trust_unverified)
    for w in caught:
        warnings.warn(str(w.message), w.category, stacklevel=2)
    model = TaggingModel(pipeline, card, path=path, batch_size=batch_size, n_jobs=n_jobs)
    if backend is not None:
        model.use_backend(backend)
    return model


# ---------------------------------------------------------------------- helpers


def _prediction_pipeline(pipeline):
    """The fitted pipeline as prediction runs it, leaving the caller's object untouched: a new Pipeline whose
    tokenizer is a copy (fitted state shared) that never writes a token cache and never draws a bar per batch
    (callers show their own progress); the feature and classifier steps are the caller's own."""
    import copy

    from sklearn.pipeline import Pipeline

    tokens = copy.copy(pipeline.named_steps["tokens"])
    tokens.set_params(cache_dir=None, progress=False)
    steps = [(name, tokens if name == "tokens" else step) for name, step in pipeline.steps]
    return Pipeline(steps)


def _texts(texts) -> list[str]:
    return as_texts(texts)


_WORKER: TaggingModel | None = None  # the model inside a prediction worker process


def _init_worker(model: TaggingModel) -> None:
    global _WORKER
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: no traceback per worker
    model.pipeline.set_params(tokens__n_jobs=1)  # (in the worker's copy) no pool inside a pool
    _WORKER = model


def _worker_score(texts: list[str]):
    assert _WORKER is not None
    return _WORKER._score_tokens(_WORKER.tokenize(texts))


def _dask_score(model: TaggingModel, texts: list[str]):
    """A Dask task: one batch scored by the worker's copy of the model, one BLAS thread."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        return model._score_tokens(model.tokenize(texts))




def _checked_text(item, text_of, i: int) -> str:
    text = item if text_of is None else text_of(item)
    if not isinstance(text, str):
        raise TypeError(f"text {i} is {type(text).__name__}, expected str")
    return text


def _text_of(seg) -> str:
    return seg["text"] if isinstance(seg, dict) else seg.text


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def _one_text(text) -> str:
    if not isinstance(text, str):
        raise TypeError(f"expected one text (str), got {type(text).__name__}")
    return text


def _results(labels, primary, scores, names) -> Iterator[dict[str, Any]]:
    for lab, prim, row in zip(labels, primary, scores):
        yield {"labels": list(lab), "primary": prim,
               "scores": {n: round(float(s), SCORE_DECIMALS) for n, s in zip(names, row)}}


def _segment_dict(seg) -> dict[str, Any]:
    if hasattr(seg, "to_json"):
        rec = dict(seg.to_json())
        rec.pop("sections", None)
        return rec
    if isinstance(seg, dict):
        return dict(seg)
    fields = ("source", "article", "section", "unit", "headline", "section_title", "byline", "body", "captions",
              "start", "end")
    rec = {"id": getattr(seg, "id", None)}
    rec.update({f: getattr(seg, f, None) for f in fields})
    rec["text"] = seg.text
    return rec


__all__ = ["TaggingModel", "PageTagging", "load_model", "DataError", "ResearchError"]
