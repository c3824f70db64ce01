import pickle

import numpy as np
import pytest
from sklearn.base import clone

from research.features import TfidfOnTokens, make_features

DOCS = [["中欧班列", "发车", "郑州"], ["安置房", "交付", "郑州"], ["中欧班列", "口岸", "多式联运"], ["党建", "引领"]]


def test_tfidf_on_tokens_uses_the_given_tokens():
    tf = TfidfOnTokens(min_df=1, max_df=1.0)
    X = tf.fit_transform(DOCS)
    assert X.shape == (4, 9)  # nine distinct tokens
    assert "中欧班列" in tf.get_feature_names_out()
    assert np.allclose(np.sqrt(X.multiply(X).sum(axis=1)).A1, 1.0)  # rows are l2-normalised


def test_bigrams_join_tokens_with_a_space():
    tf = TfidfOnTokens(min_df=1, max_df=1.0, ngram_range=(1, 2)).fit(DOCS)
    assert "中欧班列 发车" in set(tf.get_feature_names_out())


def test_plain_strings_are_rejected():
    with pytest.raises(TypeError, match="token lists"):
        TfidfOnTokens().fit(["中欧班列发车"])


def test_params_clone_and_pickle():
    tf = TfidfOnTokens(max_features=10, min_df=1)
    assert clone(tf).get_params() == tf.get_params()
    tf.set_params(max_features=5)
    assert tf.max_features == 5
    fitted = tf.fit(DOCS)
    again = pickle.loads(pickle.dumps(fitted))
    assert (again.transform(DOCS) != fitted.transform(DOCS)).nnz == 0


def test_union_has_stable_names_and_drops_disabled_branch():
    union = make_features(TfidfOnTokens(min_df=1), None)
    assert [name for name, _ in union.transformer_list] == ["tfidf", "lda"]
    assert union.fit_transform(DOCS).shape[0] == 4


def test_persisted_state_keeps_the_vocabulary_as_a_term_list():
    """skops stores each dict entry as a node (a 20k vocabulary took 30 s to save); a list is one node."""
    tf = TfidfOnTokens(min_df=1).fit(DOCS)
    state = tf.__getstate__()
    assert "vectorizer_" not in state and isinstance(state["terms_"], list)
    assert hasattr(tf, "vectorizer_")  # getting the state must not strip the live object
    assert list(state["terms_"]) == list(tf.get_feature_names_out())
