"""LdaTopics: token lists -> topic proportions, as a scikit-learn transformer.

The fitted state is plain arrays (vocabulary, topic-word parameters, alpha), whatever engine trained it, so a fitted
model pickles and saves with skops without any gensim or tomotopy object inside, and inference on new documents is
deterministic (see :mod:`research.topics.inference`).
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..errors import ResearchError
from ..text_input import TextInputMixin
from .engines import base_eta, train
from .inference import dirichlet_expectation, infer_gamma
from .seeding import eta_matrix
from .vocabulary import build_vocabulary, doc_term_matrix

DEFAULT_SEED_WEIGHT = 5.0


class LdaTopics(TextInputMixin, TransformerMixin, BaseEstimator):
    """Latent Dirichlet Allocation on pre-tokenized documents.

    Parameters
    ----------
    n_topics : number of topics K (at least 2).
    engine : ``"gensim"`` (online variational Bayes) or ``"tomotopy"`` (collapsed Gibbs sampling).
    passes, iterations : gensim passes over the corpus / E-step iterations per document; for tomotopy,
        ``iterations`` is the number of Gibbs sweeps.
    alpha, eta : priors (gensim names: "symmetric", "asymmetric", "auto" or a float; None = engine default).
    min_df, max_df, max_features : vocabulary filter shared by all engines (absolute count, fraction, top-N).
    chunksize : documents per gensim update.
    random_state : int, the seed that makes training deterministic; inference is deterministic regardless.
    tol : tomotopy's convergence stop: sweep in steps of 10 and stop once the log-likelihood per word rose by less
        than ``tol`` over a step (``iterations`` is then the most sweeps); None = exactly ``iterations`` sweeps.
        The sweeps run and the trace are in ``training_``. gensim ignores it (its ``passes`` are fixed).
    inference_max_iter, inference_tol : per-document stopping rule of the variational inference.
    n_jobs : processes for inferring topic proportions (``transform``); -1 = all cores. Output never depends on it.
    workers : tomotopy sampling threads. 1 (default) is bit-for-bit reproducible; > 1 is faster but only
        reproducible in distribution. gensim's ``LdaModel`` is single-process and ignores it.
    seed_words : optional ``{name: [words]}``; topic ``k`` is guided towards the k-th word list (word priors),
        the other topics stay free (see :mod:`research.topics.seeding`). None = plain LDA.
    seed_weight : prior pseudo-count of a seed word in its topic.

    Attributes
    ----------
    vocabulary_ : list of str, the kept tokens (column order of ``components_``).
    components_ : ndarray (K, V), variational topic-word parameters.
    alpha_ : ndarray (K,), document-topic prior.
    topic_names_ : list of str, ``topic_NN`` or the seed name for seeded topics.
    seed_words_used_ : dict name -> seed words found in the vocabulary ({} without seeding).
    training_ : dict, how training went (tomotopy: sweeps run, most sweeps, tol, converged, the log-likelihood
        per word trace); {} for gensim.
    """

    def __setstate__(self, state):
        """Models saved before the parameter was renamed carry ``seed``; it is ``random_state`` now."""
        state = dict(state)
        if "seed" in state and "random_state" not in state:
            state["random_state"] = state.pop("seed")
        super().__setstate__(state)

    def __init__(self, n_topics=20, engine="gensim", passes=2, iterations=50, alpha="symmetric", eta=None,
                 min_df=5, max_df=0.5, max_features=20000, chunksize=2000, random_state=0, inference_max_iter=100,
                 inference_tol=1e-3, workers=1, seed_words=None, seed_weight=DEFAULT_SEED_WEIGHT, tol=None,
                 n_jobs=1):
        self.n_topics = n_topics
        self.engine = engine
        self.passes = passes
        self.iterations = iterations
        self.alpha = alpha
        self.eta = eta
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.chunksize = chunksize
        self.random_state = random_state
        self.inference_max_iter = inference_max_iter
        self.inference_tol = inference_tol
        self.workers = workers
        self.seed_words = seed_words
        self.seed_weight = seed_weight
        self.tol = tol
        self.n_jobs = n_jobs

    # ------------------------------------------------------------------ fit

    def fit(self, X, y=None):
        self._fit(_as_token_lists(X))
        return self

    def fit_transform(self, X, y=None, **fit_params) -> np.ndarray:
        """``fit(X).transform(X)``, counting the documents' words once instead of twice."""
        return self._proportions(self._fit(_as_token_lists(X)))

    def _fit(self, docs) -> "sp.csr_matrix":
        """Fit on token lists; returns their count matrix over the fitted vocabulary."""
        if not isinstance(self.n_topics, (int, np.integer)) or self.n_topics < 2:
            raise ResearchError(f"LDA needs n_topics >= 2, got {self.n_topics!r}")
        vocabulary = build_vocabulary(docs, self.min_df, self.max_df, self.max_features)
        if not vocabulary:
            raise ResearchError(
                f"LDA vocabulary is empty after filtering {len(docs)} documents "
                f"(min_df={self.min_df}, max_df={self.max_df}); lower min_df or use more documents"
            )
        index = {token: i for i, token in enumerate(vocabulary)}
        X_counts = doc_term_matrix(docs, index)
        if X_counts.nnz == 0:
            raise ResearchError("LDA has no words to learn from after vocabulary filtering")
        params = dict(n_topics=int(self.n_topics), passes=self.passes, iterations=self.iterations, alpha=self.alpha,
                      eta=self.eta, chunksize=self.chunksize, seed=self.random_state)
        if self.engine == "tomotopy":
            params["workers"] = self.workers
            params["tol"] = getattr(self, "tol", None)
        used: dict[str, list[str]] = {}
        if self.seed_words:
            eta, used = eta_matrix(dict(self.seed_words), vocabulary, int(self.n_topics),
                                   base_eta(self.engine, self.eta, int(self.n_topics)), float(self.seed_weight))
            params["eta_matrix"] = eta
        trained = train(self.engine, X_counts, vocabulary, params)
        names = [f"topic_{k:02d}" for k in range(int(self.n_topics))]
        for k, name in enumerate(used):
            names[k] = f"{name}"
        self.topic_names_ = names
        self.seed_words_used_ = used
        self.vocabulary_ = vocabulary
        self.components_ = trained.components
        self.alpha_ = trained.alpha
        self.training_ = dict(trained.info)
        self.n_features_out_ = int(self.n_topics)
        return X_counts

    # ------------------------------------------------------------------ transform

    def transform(self, X) -> np.ndarray:
        """Topic proportions (n_docs, K); rows sum to 1; a document with no known word gets the prior's mean."""
        check_is_fitted(self, "components_")
        return self._proportions(self.count_matrix(X))

    def _proportions(self, counts) -> np.ndarray:
        gamma = infer_gamma(counts, self._exp_elog_beta(), self.alpha_, self.inference_max_iter, self.inference_tol,
                            n_jobs=getattr(self, "n_jobs", 1))  # models saved before n_jobs existed: one process
        return gamma / gamma.sum(axis=1, keepdims=True)

    def count_matrix(self, X):
        """Documents as a (n_docs, V) count matrix over ``vocabulary_``."""
        check_is_fitted(self, "vocabulary_")
        return doc_term_matrix(_as_token_lists(X), {t: i for i, t in enumerate(self.vocabulary_)})

    def _exp_elog_beta(self) -> np.ndarray:
        return np.exp(dirichlet_expectation(self.components_))

    # ------------------------------------------------------------------ reading topics

    @property
    def topic_word_(self) -> np.ndarray:
        """Topic-word probabilities (K, V), rows summing to 1."""
        check_is_fitted(self, "components_")
        return self.components_ / self.components_.sum(axis=1, keepdims=True)

    def top_words(self, n: int = 10) -> list[list[tuple[str, float]]]:
        """Per topic, the ``n`` most probable words with their probability."""
        tw = self.topic_word_
        out = []
        for row in tw:
            best = np.argsort(-row, kind="stable")[:n]
            out.append([(self.vocabulary_[j], float(row[j])) for j in best])
        return out

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "components_")
        return np.asarray([f"topic_{k:02d}" for k in range(self.n_features_out_)], dtype=object)


def _as_token_lists(X) -> list[list[str]]:
    docs = list(X)
    for i, doc in enumerate(docs[:1000]):
        if isinstance(doc, str):
            raise TypeError(
                f"LdaTopics expects token lists (the output of JiebaTokenizer); document {i} is a plain string"
            )
    return docs
