"""build_pipeline(config) -> a scikit-learn Pipeline with fixed step names.

    tokens   -> JiebaTokenizer                       (texts -> token lists, once)
    features -> FeatureUnion(tfidf=TfidfOnTokens, lda=LdaTopics)
    clf      -> MultiLabelClassifier

so that a config or a sweep can address any parameter as ``features__lda__n_topics`` or ``clf__C``.
"""
from __future__ import annotations

from pathlib import Path

from sklearn.pipeline import Pipeline

from .classify import MultiLabelClassifier
from .config import ExperimentConfig, TokenizeConfig
from .features import TfidfOnTokens, make_features
from .tokenize import JiebaTokenizer
from .topics import LdaTopics

STEP_NAMES = ("tokens", "features", "clf")


def make_tokenizer(tok: TokenizeConfig, cache_dir: str | Path | None = None, progress=None) -> JiebaTokenizer:
    """The (unfitted) tokenizer a config's ``tokenize:`` section describes; the one place that maps it."""
    return JiebaTokenizer(
        user_dict=tok.user_dict, stopwords=tok.stopwords, min_len=tok.min_len, keep_numbers=tok.keep_numbers,
        keep_latin=tok.keep_latin, hmm=tok.hmm, n_jobs=tok.n_jobs, backend=tok.backend,
        cache_dir=str(cache_dir) if (cache_dir and tok.cache) else None, progress=progress,
    )


def build_pipeline(config: ExperimentConfig, cache_dir: str | Path | None = None) -> Pipeline:
    tok, feats, clf = config.tokenize, config.features, config.classifier
    tokenizer = make_tokenizer(tok, cache_dir)
    tfidf = None
    if feats.tfidf.enabled:
        t = feats.tfidf
        tfidf = TfidfOnTokens(max_features=t.max_features, min_df=t.min_df, max_df=t.max_df,
                              sublinear_tf=t.sublinear_tf, ngram_range=tuple(t.ngram_range))
    lda = None
    if feats.lda.enabled:
        l = feats.lda
        lda = LdaTopics(n_topics=l.n_topics, engine=l.engine, passes=l.passes, iterations=l.iterations,
                        alpha=l.alpha, eta=l.eta, min_df=l.min_df, max_df=l.max_df, max_features=l.max_features,
                        chunksize=l.chunksize, random_state=config.seed, workers=1, tol=l.tol, n_jobs=l.n_jobs,
                        seed_words=_seed_words(config), seed_weight=config.topics.seed_weight)
    classifier = MultiLabelClassifier(kind=clf.kind, C=clf.C, alpha=clf.alpha, class_weight=clf.class_weight,
                                      threshold=clf.threshold, max_iter=clf.max_iter, random_state=config.seed,
                                      n_jobs=clf.n_jobs)
    return Pipeline([("tokens", tokenizer), ("features", make_features(tfidf, lda)), ("clf", classifier)])


def _seed_words(config: ExperimentConfig) -> dict[str, list[str]] | None:
    """Lexicon words that guide some topics towards the four labels (``topics.seed_lexicon``); None = unseeded."""
    t = config.topics
    if not t.seed_lexicon:
        return None
    from .weak_labels.seed_words import lexicon_seed_words

    return lexicon_seed_words(t.seed_lexicon, max_words=t.seed_max_words)
