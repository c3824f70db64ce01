"""research.compute: the Dask backend gives exactly the local backend's results (tokens, features, sweeps)."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from research.compute import fit_transform_features, joblib_backend, partition, tokenize, transform
from research.config import ComputeConfig

from conftest import CONFIGS

TEXTS = [
    "市委书记主持召开党建工作会议，强调加强基层党组织建设。",
    "经开区签约12个招商引资项目，总投资58.6亿元，其中外资项目3个。",
    "中欧班列今年开行1500列，口岸通关效率提升，物流枢纽建设加快。",
    "新建保障性住房2000套，改善居民居住条件，推进民生工程。",
    "招商引资项目落地开发区，产业园区吸引企业投资建设。",
    "社区卫生服务中心开诊，解决群众看病难问题，提升民生福祉。",
]


def _corpus(n=240):
    return [f"{TEXTS[i % len(TEXTS)]}第{i}期。{TEXTS[(i * 7) % len(TEXTS)]}" for i in range(n)]


def test_partition_covers_in_order():
    for n, k in [(0, 3), (1, 4), (10, 3), (11, 11), (5, 8)]:
        slices = partition(n, k)
        assert [i for s in slices for i in range(n)[s]] == list(range(n))


def test_local_transform_equals_plain_transform():
    from research.features import TfidfOnTokens
    from research.tokenize import JiebaTokenizer

    tokens = JiebaTokenizer(n_jobs=1).fit().transform(_corpus(60))
    tfidf = TfidfOnTokens(min_df=1).fit(tokens)
    import research.compute.core as core

    old = core.LOCAL_MIN_ROWS
    core.LOCAL_MIN_ROWS = 0  # force the forked partitions on this small input
    try:
        got = transform(tfidf, tokens, ComputeConfig(backend="local", partitions=2))
    finally:
        core.LOCAL_MIN_ROWS = old
    assert (got != tfidf.transform(tokens)).nnz == 0


def test_fit_pipeline_local_equals_pipeline_fit(toy, toy_config, fitted_toy_pipeline):
    from research.compute import fit_pipeline
    from research.pipeline import build_pipeline

    texts, labels = toy
    ours = fit_pipeline(build_pipeline(toy_config), texts, labels, ComputeConfig(backend="local"))
    np.testing.assert_allclose(ours.named_steps["clf"].decision_scores(ours[:-1].transform(texts)),
                               fitted_toy_pipeline.named_steps["clf"].decision_scores(
                                   fitted_toy_pipeline[:-1].transform(texts)), rtol=1e-10, atol=1e-12)
    assert (ours.predict(texts) == fitted_toy_pipeline.predict(texts)).all()


@pytest.mark.slow
def test_dask_local_cluster_equals_local_backend(tmp_path):
    distributed = pytest.importorskip("distributed")
    from research.features import TfidfOnTokens, make_features
    from research.tokenize import JiebaTokenizer
    from research.topics import LdaTopics

    texts = _corpus()
    local_cfg = ComputeConfig(backend="local")
    dask_cfg = ComputeConfig(backend="dask", n_workers=2, partitions=5)

    tok = JiebaTokenizer(n_jobs=1).fit()
    local_tokens = tokenize(tok, texts, local_cfg)

    def features():
        return make_features(TfidfOnTokens(min_df=1), LdaTopics(n_topics=3, passes=1, iterations=20, min_df=1,
                                                                 max_df=0.9, random_state=0))

    local_union = features()
    local_X = fit_transform_features(local_union, local_tokens, compute=local_cfg)

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        dask_tokens = tokenize(JiebaTokenizer(n_jobs=1, cache_dir=str(tmp_path)), texts, dask_cfg)
        assert dask_tokens == local_tokens
        # a second pass is served by the (shared) cache and is still identical
        assert tokenize(JiebaTokenizer(n_jobs=1, cache_dir=str(tmp_path)), texts, dask_cfg) == local_tokens

        dask_X = fit_transform_features(features(), dask_tokens, compute=dask_cfg)
        assert sp.issparse(dask_X) and dask_X.shape == local_X.shape
        np.testing.assert_allclose(dask_X.toarray(), local_X.toarray(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(local_X.toarray(), local_union.fit_transform(local_tokens).toarray(),
                                   rtol=1e-10, atol=1e-12)

        # sweeps: joblib tasks run on the cluster and give the same results as locally
        from joblib import Parallel, delayed

        grid = [2, 3, 4]
        with joblib_backend(dask_cfg):
            from joblib.parallel import get_active_backend

            assert "Dask" in type(get_active_backend()[0]).__name__
            on_dask = Parallel(n_jobs=2)(delayed(_fit_lda_sum)(local_tokens, k) for k in grid)
        with joblib_backend(local_cfg):
            on_local = Parallel(n_jobs=1)(delayed(_fit_lda_sum)(local_tokens, k) for k in grid)
        np.testing.assert_allclose(on_dask, on_local, rtol=1e-12)

        # the whole fit on the cluster predicts exactly like the local fit
        from research.compute import fit_pipeline
        from research.config import load_config
        from research.datasets.toy import TOY_LABELS, TOY_TEXTS
        from research.pipeline import build_pipeline

        cfg = load_config(CONFIGS / "toy.yaml")
        local_p = fit_pipeline(build_pipeline(cfg), TOY_TEXTS, TOY_LABELS, local_cfg)
        dask_p = fit_pipeline(build_pipeline(cfg), TOY_TEXTS, TOY_LABELS, dask_cfg)
        assert (local_p.predict(TOY_TEXTS) == dask_p.predict(TOY_TEXTS)).all()


def _fit_lda_sum(tokens, k):
    from research.topics import LdaTopics

    lda = LdaTopics(n_topics=k, passes=1, iterations=10, min_df=1, max_df=0.9, random_state=0).fit(tokens)
    return float(lda.components_.sum())
