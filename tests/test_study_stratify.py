"""Iterative multi-label stratification: folds partition the rows, keep label proportions, and are seeded."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from research.study.stratify import IterativeStratifiedKFold, iterative_assign, iterative_train_test_split


def _Y(n=400, seed=0, rates=(0.1, 0.3, 0.04, 0.35)):
    rng = np.random.default_rng(seed)
    return (rng.random((n, len(rates))) < np.asarray(rates)).astype(np.int8)


def test_folds_partition_rows_and_balance_every_label():
    Y = _Y()
    folds = list(IterativeStratifiedKFold(5, seed=0).split(None, Y))
    assert len(folds) == 5
    tests = np.concatenate([te for _, te in folds])
    assert sorted(tests) == list(range(len(Y)))
    for tr, te in folds:
        assert set(tr).isdisjoint(te) and len(tr) + len(te) == len(Y)
    per_fold = np.array([Y[te].sum(axis=0) for _, te in folds])  # (folds, labels)
    # every label's positives are spread within one document of an even share
    assert (per_fold.max(axis=0) - per_fold.min(axis=0) <= 1).all()
    unlabelled = np.array([(Y[te].sum(axis=1) == 0).sum() for _, te in folds])
    assert unlabelled.max() - unlabelled.min() <= 1


def test_rare_label_reaches_every_fold_where_a_random_split_may_not():
    Y = np.zeros((100, 4), dtype=np.int8)
    Y[:5, 2] = 1  # five documents of a rare label, five folds
    Y[5:60, 1] = 1
    for _, te in IterativeStratifiedKFold(5, seed=3).split(None, Y):
        assert Y[te, 2].sum() == 1


def test_same_seed_same_folds_other_seed_other_folds():
    Y = _Y(300, seed=1)
    a = iterative_assign(Y, [1] * 4, seed=7)
    b = iterative_assign(Y, [1] * 4, seed=7)
    c = iterative_assign(Y, [1] * 4, seed=8)
    assert (a == b).all() and (a != c).any()


def test_train_test_split_sizes_and_proportions():
    Y = _Y(1000, seed=2)
    tr, te = iterative_train_test_split(Y, 0.2, seed=0)
    assert set(tr).isdisjoint(te) and len(tr) + len(te) == 1000
    assert abs(len(te) - 200) <= 4
    share = Y[te].sum(axis=0) / Y.sum(axis=0)
    assert np.allclose(share, 0.2, atol=0.02)


def test_bad_arguments():
    with pytest.raises(ValueError):
        IterativeStratifiedKFold(1)
    with pytest.raises(ValueError):
        list(IterativeStratifiedKFold(5).split(None, _Y(3)))
    with pytest.raises(ValueError):
        iterative_train_test_split(_Y(), 1.5)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(10, 80), k=st.integers(2, 5), seed=st.integers(0, 1000))
def test_every_row_gets_exactly_one_fold(n, k, seed):
    Y = _Y(n, seed=seed)
    fold = iterative_assign(Y, [1] * k, seed=seed)
    assert fold.min() >= 0 and fold.max() < k and len(fold) == n
