"""TF-IDF on token lists, and the feature union that puts TF-IDF and LDA topic proportions side by side.

Both branches read the same token lists from the ``tokens`` step, so text is segmented once per corpus.
"""
from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion
from sklearn.utils.validation import check_is_fitted

from .text_input import TextInputMixin


def identity(tokens):
    """Module-level identity, used as TfidfVectorizer's preprocessor and tokenizer (a lambda would not pickle)."""
    return tokens


class TfidfOnTokens(TextInputMixin, TransformerMixin, BaseEstimator):
    """TF-IDF over pre-tokenized documents (token lists), with word n-grams joined by a space.

    Parameters mirror :class:`sklearn.feature_extraction.text.TfidfVectorizer`; ``ngram_range`` is a pair.
    """

    def __init__(self, max_features=50000, min_df=2, max_df=0.95, sublinear_tf=True, ngram_range=(1, 1)):
        self.max_features = max_features
        self.min_df = min_df
        self.max_df = max_df
        self.sublinear_tf = sublinear_tf
        self.ngram_range = ngram_range

    def _vectorizer(self) -> TfidfVectorizer:
        return TfidfVectorizer(
            preprocessor=identity,
            tokenizer=identity,
            token_pattern=None,
            lowercase=False,
            max_features=self.max_features,
            min_df=self.min_df,
            max_df=self.max_df,
            sublinear_tf=self.sublinear_tf,
            ngram_range=tuple(self.ngram_range),
            dtype=np.float64,
        )

    def fit(self, X, y=None):
        self.vectorizer_ = self._vectorizer().fit(_token_lists(X))
        return self

    def fit_transform(self, X, y=None):
        self.vectorizer_ = self._vectorizer()
        return self.vectorizer_.fit_transform(_token_lists(X))

    def transform(self, X):
        check_is_fitted(self, "vectorizer_")
        docs = _token_lists(X)
        vectorizer = self.vectorizer_
        if tuple(self.ngram_range) == (1, 1) and not vectorizer.binary:
            # the counts scikit-learn's per-token loop would build, built by scipy (research.topics.vocabulary);
            # then scikit-learn's own idf weighting and normalisation: the same matrix, bit for bit
            from sklearn.utils._sparse import _align_api_if_sparse

            from .topics.vocabulary import doc_term_matrix

            counts = _align_api_if_sparse(doc_term_matrix(docs, vectorizer.vocabulary_, dtype=vectorizer.dtype))
            return vectorizer._tfidf.transform(counts, copy=False)
        return vectorizer.transform(docs)

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "vectorizer_")
        return self.vectorizer_.get_feature_names_out()

    # Persist the fitted vocabulary as a term list plus idf weights. skops stores every entry of a dict as its own
    # node, which made saving a 20k-term vocabulary take 30 s (and loading 10 s); a list of strings is one node.
    def __getstate__(self):
        state = dict(super().__getstate__())  # a copy: for non-sklearn classes this is the live __dict__
        vectorizer = state.pop("vectorizer_", None)
        if vectorizer is not None:
            vocabulary = vectorizer.vocabulary_
            state["terms_"] = sorted(vocabulary, key=vocabulary.__getitem__)
            state["idf_"] = np.asarray(vectorizer.idf_)
        return state

    def __setstate__(self, state):
        state = dict(state)
        terms, idf = state.pop("terms_", None), state.pop("idf_", None)
        super().__setstate__(state)
        if terms is not None:
            vectorizer = self._vectorizer()
            vectorizer.vocabulary_ = {term: i for i, term in enumerate(terms)}
            vectorizer.idf_ = idf
            self.vectorizer_ = vectorizer


def _token_lists(X):
    docs = list(X)
    if docs and isinstance(docs[0], str):
        raise TypeError("TfidfOnTokens expects token lists (the output of JiebaTokenizer), not plain strings")
    return docs


def make_features(tfidf: TfidfOnTokens | None, lda) -> FeatureUnion:
    """Union with stable step names ``tfidf`` and ``lda``; a disabled branch is the string "drop"."""
    return FeatureUnion([("tfidf", tfidf if tfidf is not None else "drop"), ("lda", lda if lda is not None else "drop")])
