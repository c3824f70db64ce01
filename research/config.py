"""Experiment configs: strict YAML models, ``extends``, and ``--set a.b=c`` overrides.

Every parameter that can change a result lives here, so a resolved config plus the data fingerprints pins a run.
Validation is strict on purpose: a typo such as ``n_topcs`` must fail loudly, naming the key and the file,
instead of silently running the default.
"""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from .classifiers import KINDS as CLASSIFIER_KINDS
from .errors import ConfigError
from .ingest import REPORT_UNITS, UNITS
from .safe_yaml import YamlSizeError, safe_load
from .tokenize import BACKENDS as TOKENIZER_BACKENDS
from .topics.engines import ENGINES

LDA_ENGINES = tuple(ENGINES)
UNIT_NAMES = (*UNITS, *(u for u in REPORT_UNITS if u not in UNITS))
"""Config choices come from the registries they name: adding an engine, a backend or a unit there is enough."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=False, allow_inf_nan=False)


class DataConfig(_Strict):
    corpus: Literal["labelled", "xwlb", "gov_reports", "mixed", "pages", "thucnews", "cnews", "toutiao"] = "labelled"
    """labelled: a JSONL corpus file; xwlb: the raw CCTV dump, weak-labelled on the fly; gov_reports: government
    work reports (../shared/data/gov_reports) cut into ``unit`` records and weak-labelled; mixed: the corpora of
    ``parts`` together, each document keeping its source; pages: raw newspaper page files or folders, segmented
    into ``unit`` records and weak-labelled; thucnews/cnews/toutiao: public benchmarks."""
    path: str = "builtin:sample_v2"
    """A file, or ``builtin:NAME`` for data shipped in the package (``builtin:sample_v2`` is the embedded sample)."""
    unit: Literal[UNIT_NAMES] = "article"  # pages: research.ingest UNITS; reports: REPORT_UNITS
    """pages: page, article or section; gov_reports: paragraph or section."""
    rules: str = "builtin:v1"
    """Weak-labelling rules used when the corpus is labelled on the fly (``corpus: xwlb``, ``gov_reports``)."""
    limit: int | None = Field(default=None, ge=1)
    """Keep only the first N documents (deterministic): quick trials on big corpora."""
    levels: list[Literal["national", "province", "major_city", "prefecture_city"]] | None = None
    """gov_reports: keep these levels only (None = all)."""
    regions: list[str] | None = None
    """gov_reports: keep these regions only, e.g. [郑州市, 河南省] (None = all)."""
    years: list[int] | None = Field(default=None, min_length=2, max_length=2)
    """gov_reports: an inclusive year range [from, to] (None = all years)."""
    min_chars: int = Field(default=40, ge=1)
    """gov_reports: shorter units (one-line connectives such as 重点抓了以下工作：) are left out."""
    sample: int | None = Field(default=None, ge=1)
    """Keep a seeded random N documents (by a hash of the id and the run seed; after ``limit``): a corpus
    part of a chosen size in a ``mixed`` corpus."""
    parts: list["DataConfig"] = Field(default_factory=list)
    """mixed: the corpora to combine, each a data section of its own (its ``rules`` default to this one's)."""

    @model_validator(mode="after")
    def _parts_only_for_mixed(self) -> "DataConfig":
        if self.corpus == "mixed" and not self.parts:
            raise ValueError("data.corpus 'mixed' needs data.parts (a list of corpora)")
        if self.corpus != "mixed" and self.parts:
            raise ValueError("data.parts is only read with data.corpus: mixed")
        for part in self.parts:  # resolved here, so a run's config.yaml shows the rules each part was labelled with
            if "rules" not in part.model_fields_set:
                part.rules = self.rules
        return self


class SplitConfig(_Strict):
    kind: Literal["random", "temporal"] = "random"
    test_size: float = Field(default=0.2, gt=0.0, lt=1.0)
    test_year: int | None = None
    """temporal: train on documents dated before this year, test on this year."""

    @model_validator(mode="after")
    def _temporal_needs_year(self) -> "SplitConfig":
        if self.kind == "temporal" and self.test_year is None:
            raise ValueError("split.kind 'temporal' needs split.test_year")
        return self


class TokenizeConfig(_Strict):
    user_dict: str = "builtin:v1"
    stopwords: str = "builtin:v1"
    min_len: int = Field(default=2, ge=1)
    keep_numbers: bool = False
    keep_latin: bool = True
    hmm: bool = True
    n_jobs: int = -1
    """Processes for tokenization; -1 (default) = all cores. Output never depends on it."""
    backend: Literal[TOKENIZER_BACKENDS] = "rjieba"  # research.tokenize.BACKENDS
    """Segmenter: rjieba (default; Rust jieba-rs, several times faster; the same tokens as jieba on 100.000 % of the
    新闻联播 corpus's tokens with the user dictionary, see ``make bench-agreement``) or jieba (the reference)."""
    cache: bool = True
    """Cache tokens on disk (keyed by text hash + tokenizer settings + dictionary/stopword hashes)."""


class TfidfConfig(_Strict):
    enabled: bool = True
    max_features: int | None = Field(default=50000, ge=1)
    min_df: int = Field(default=2, ge=1)
    max_df: float = Field(default=0.95, gt=0.0, le=1.0)
    sublinear_tf: bool = True
    ngram_range: list[int] = Field(default_factory=lambda: [1, 1], min_length=2, max_length=2)


LDA_ENGINE_DEFAULTS: dict[str, dict[str, Any]] = {
    "tomotopy": {"iterations": 100, "alpha": "auto"},
    "gensim": {"iterations": 50, "alpha": "symmetric"},
}
"""What ``iterations`` and ``alpha`` mean when a config leaves them out: the recommended settings of each engine
(tomotopy: 100 Gibbs sweeps, alpha learnt; gensim: 50 E-step iterations, symmetric alpha)."""
GENSIM_ONLY = ("passes", "chunksize")
"""LDA settings only gensim reads: left out of a tomotopy run's resolved config (config.yaml, model card)."""
TOMOTOPY_ONLY = ("tol",)
"""LDA settings only tomotopy reads: left out of a gensim run's resolved config."""


class LdaConfig(_Strict):
    enabled: bool = True
    engine: Literal[LDA_ENGINES] = "tomotopy"  # research.topics.engines.ENGINES
    """tomotopy (default: Gibbs sampling; held-out NPMI 0.138 vs -0.005 for gensim at K=50, README *Topic models*)
    or gensim (online variational Bayes)."""
    n_topics: int = Field(default=20, ge=2)
    passes: int = Field(default=2, ge=1)
    """gensim only: passes over the corpus."""
    iterations: int | None = Field(default=None, ge=1)
    """tomotopy: Gibbs sweeps; gensim: E-step iterations per document. None = the engine's default (100 / 50)."""
    alpha: str | float | None = None
    """Document-topic prior; None = the engine's default (tomotopy ``auto``: learnt; gensim ``symmetric``)."""
    eta: str | float | None = None
    min_df: int = Field(default=5, ge=1)
    max_df: float = Field(default=0.5, gt=0.0, le=1.0)
    max_features: int | None = Field(default=20000, ge=1)
    tol: float | None = Field(default=0.02, gt=0.0)
    """tomotopy: stop once 10 sweeps raise the log-likelihood per word by less than this (nats, ~ the relative
    change of perplexity; 0.02 = research.topics.engines.tomotopy_engine.DEFAULT_TOL, chosen by held-out NPMI);
    ``iterations`` is then the most sweeps. null = exactly ``iterations`` sweeps. The sweeps
    run are recorded in the run (metrics.json ``lda_training``). gensim ignores it."""
    n_jobs: int = -1
    """Processes inferring topic proportions; -1 = all cores. Output never depends on it."""
    chunksize: int = Field(default=2000, ge=1)
    """gensim only: documents per update."""

    @model_validator(mode="after")
    def _engine_defaults(self) -> "LdaConfig":
        for key, value in LDA_ENGINE_DEFAULTS[self.engine].items():
            if getattr(self, key) is None:
                setattr(self, key, value)
        return self


class FeaturesConfig(_Strict):
    tfidf: TfidfConfig = Field(default_factory=TfidfConfig)
    lda: LdaConfig = Field(default_factory=LdaConfig)

    @model_validator(mode="after")
    def _at_least_one(self) -> "FeaturesConfig":
        if not (self.tfidf.enabled or self.lda.enabled):
            raise ValueError("at least one of features.tfidf / features.lda must be enabled")
        return self


class ClassifierConfig(_Strict):
    kind: Literal[CLASSIFIER_KINDS] = "logreg"  # research.classifiers.REGISTRY
    C: float = Field(default=4.0, gt=0.0)
    alpha: float = Field(default=1e-4, gt=0.0)
    """Smoothing for complement_nb, regularisation for sgd."""
    class_weight: Literal["balanced"] | None = "balanced"
    threshold: float | None = None
    """Decision threshold on the score; None = 0.5 for probabilities, 0.0 for margins."""
    max_iter: int = Field(default=2000, ge=1)
    n_jobs: int = -1
    """Labels fitted in parallel (threads); -1 = all cores. Output never depends on it."""


class TopicsConfig(_Strict):
    """Topic-model study settings (``research topics sweep``, topic reports). Owned by research/topics/."""

    k_values: list[int] = Field(default_factory=lambda: [10, 20, 30, 40, 50])
    heldout_fraction: float = Field(default=0.1, gt=0.0, lt=1.0)
    top_n: int = Field(default=10, ge=1)
    report: bool = True
    """Write topics.json / topics.md / topics.html and topic figures into the run folder when LDA is enabled."""
    seed_lexicon: str | None = None
    """Weak-labelling rules (e.g. ``builtin:v1``) whose label terms seed one topic per label (guided LDA); None =
    plain LDA. Topics 0-3 then follow party_building / investment / logistics / livelihood, the rest stay free."""
    seed_weight: float = Field(default=5.0, gt=0.0)
    """Prior pseudo-count of a seed word in its topic (see research/topics/seeding.py)."""
    seed_max_words: int = Field(default=25, ge=1)
    """Seed words per label: the lexicon's anchor terms (weight >= 3), at most this many."""
    ldavis: bool = False
    """Also write a pyLDAvis view (``topics_ldavis.html``) next to topics.html (needs the ``ldavis`` extra)."""


class EvaluationConfig(_Strict):
    """How a run is evaluated beyond the single split (owned by research/study/)."""

    cv_folds: int | None = Field(default=None, ge=2)
    """Multi-label stratified k-fold on the training part instead of one split, when set."""
    validation_size: float = Field(default=0.15, gt=0.0, lt=1.0)
    """Fraction of the training part held out for threshold tuning and calibration (never the test set)."""
    tune_thresholds: bool = False
    calibrate: bool = False
    bootstrap: int = Field(default=0, ge=0)
    """Bootstrap resamples for confidence intervals on headline metrics (0 = off)."""
    drift_years: list[int] | None = None
    """Temporal drift: for each year t, train on documents before t and test on t."""
    explain_top_n: int = Field(default=0, ge=0)
    """Top terms/topics per predicted label written to the predictions file (0 = off)."""
    calibration_method: Literal["isotonic", "sigmoid"] = "isotonic"
    """Per-label calibration map fitted on the validation split when ``calibrate`` is set."""
    curves: bool = False
    """Write PR curves and reliability diagrams (figures + curves.json) into the run folder."""
    hand_checked: str | None = None
    """Items read by hand (``builtin:hand_checked_v1``): removed from the corpus before the split, scored after
    fitting (model vs the corpus's own labels) -> gold.json / gold.md."""
    hand_checked_source: str | None = "../shared/data/xwlb/xwlb_2012_2025.jsonl.gz"
    """The raw 新闻联播 dump the texts of hand-checked items missing from the corpus are read from (a model trained
    on reports is scored on the same 450 items); None, or a missing file, scores only the items in the corpus."""
    hand_checked_reports: str | None = None
    """Government-report paragraphs read by hand (``builtin:hand_checked_reports_v1``, texts in the file): removed
    from the corpus before the split, scored after fitting (model vs the rules' labels) -> gold.json / gold.md."""
    in_domain_pages: str | None = None
    """Raw local-newspaper pages whose units were labelled by hand (``../shared/seeds``); skipped with a warning
    when the folder is absent, so the default experiment still runs on a fresh machine."""
    in_domain_gold: str = "builtin:seeds_gold_v1"
    """Hand labels of the ``in_domain_pages`` units (segment ids -> labels)."""
    eval_sets: dict[str, str] = Field(default_factory=dict)
    """Benchmarks with an official split: name -> file evaluated after training on ``data.path`` (e.g. dev, test)."""


class SweepConfig(_Strict):
    """A grid of variants of this config: dotted keys -> lists of values (owned by research/study/)."""

    grid: dict[str, list[Any]] = Field(default_factory=dict)
    """Dotted config keys -> values; the variants are the cartesian product (e.g. ``classifier.kind: [logreg, sgd]``)."""
    variants: list[dict[str, Any]] = Field(default_factory=list)
    """Extra variants added after the grid, each a mapping of dotted keys -> value (e.g. a K variation)."""
    n_jobs: int = 1
    """Variants run in parallel (joblib processes); topic models are fitted once per distinct LDA setting first."""


class ComputeConfig(_Strict):
    """Where the heavy work runs (owned by research/compute/)."""

    backend: Literal["local", "dask"] = "local"
    scheduler: str | None = None
    """Address of a running dask scheduler (tcp://host:8786); None with backend dask = a LocalCluster."""
    n_workers: int = Field(default=2, ge=1)
    partitions: int | None = Field(default=None, ge=1)


class OutputConfig(_Strict):
    dir: str = "results"
    save_model: bool = True
    figures: bool = True
    mlflow: bool = False
    """Also log the finished run (params, metrics incl. hand-read, figures, model) to MLflow (research/tracking.py;
    needs the ``mlflow`` extra)."""
    mlflow_uri: str | None = None
    """MLflow tracking URI; None = the local file store ``<output.dir>/mlruns``."""


class AgendasConfig(_Strict):
    """Local government agendas from report paragraphs: label and topic shares by year, level and place
    (``research agendas``; owned by research/study/agendas.py)."""

    model: str | None = None
    """A trained model (``best:full``, a run folder or a model.skops) whose labels are counted; None = the
    weak-labelling rules of ``data.rules``. Every output says which."""
    regions: list[str] = Field(default_factory=list)
    """Report regions followed year by year on their own (e.g. [郑州市, 河南省, 国务院])."""
    province: str | None = "河南省"
    """The province whose cities (major and prefecture cities, by ``city_provinces``) get their own table and
    figures, city by city and together; None = none."""
    label: Literal["party_building", "investment", "logistics", "livelihood"] = "logistics"
    """The label of the province figure and of the region x year heatmaps."""
    heatmap_levels: list[Literal["national", "province", "major_city", "prefecture_city"]] = Field(
        default_factory=lambda: ["province"])
    """Regions of these levels are the rows of the region x year heatmap of ``label``."""
    periods: list[list[int]] = Field(default_factory=lambda: [[2016, 2019], [2021, 2025]], min_length=2,
                                     max_length=2)
    """Two inclusive year ranges compared for what rose and fell (default: before vs after 2020)."""
    n_boot: int = Field(default=1000, ge=1)
    """Bootstrap resamples of reports for the confidence intervals of period differences."""
    min_reports: int = Field(default=3, ge=1)
    """Cells resting on fewer reports are flagged as thin (column ``thin``, hollow markers, † in agendas.md)."""
    topics: bool = True
    """Fit LDA on the paragraphs and report topic shares (off: labels only)."""
    n_topics: int | None = Field(default=None, ge=2)
    """K of the topic model; None = features.lda.n_topics (``sweep`` overrides both)."""
    sweep: str | None = None
    """A ``research topics sweep`` folder (or its sweep.json): K = its recommended K."""
    topic_fit_docs: int | None = Field(default=None, ge=10)
    """Fit LDA on a seeded sample of this many paragraphs (every paragraph still gets its topic shares)."""
    topic_words: int = Field(default=4, ge=1)
    """Top words that name a topic in tables and figures."""
    city_provinces: str = "builtin:city_province"
    """CSV ``region,province[,level]`` mapping cities to their province (the built-in one covers every city of
    the report corpus)."""

    @model_validator(mode="after")
    def _periods_are_ranges(self) -> "AgendasConfig":
        for period in self.periods:
            if len(period) != 2 or period[0] > period[1]:
                raise ValueError(f"periods: each period is [from, to] with from <= to, got {period}")
        (a0, a1), (b0, b1) = self.periods
        if a1 >= b0:
            raise ValueError(f"periods: the first period must end before the second starts, got {self.periods}")
        return self


class ExperimentConfig(_Strict):
    experiment: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    seed: int = 0
    data: DataConfig = Field(default_factory=DataConfig)
    split: SplitConfig = Field(default_factory=SplitConfig)
    tokenize: TokenizeConfig = Field(default_factory=TokenizeConfig)
    features: FeaturesConfig = Field(default_factory=FeaturesConfig)
    classifier: ClassifierConfig = Field(default_factory=ClassifierConfig)
    topics: TopicsConfig = Field(default_factory=TopicsConfig)
    evaluation: EvaluationConfig = Field(default_factory=EvaluationConfig)
    sweep: SweepConfig = Field(default_factory=SweepConfig)
    compute: ComputeConfig = Field(default_factory=ComputeConfig)
    output: OutputConfig = Field(default_factory=OutputConfig)
    agendas: AgendasConfig = Field(default_factory=AgendasConfig)
    _overrides: list[str] = PrivateAttr(default_factory=list)
    """The ``--set KEY=VALUE`` overrides this config was loaded with (recorded in runs.jsonl and the model card)."""
    _source: str | None = PrivateAttr(default=None)
    """The config file (or packaged config name) it was read from."""

    @field_validator("experiment")
    @classmethod
    def _plain_folder_name(cls, name: str) -> str:
        # the name becomes results/<experiment>/: '.', '..' or a leading dot would put runs outside it or hide them
        if name.startswith("."):
            raise ValueError("must not start with a dot ('.' and '..' would put the run outside its folder)")
        return name

    def to_dict(self) -> dict[str, Any]:
        """The resolved config as plain data; settings the chosen LDA engine does not read are left out."""
        out = self.model_dump(mode="json")
        lda = out["features"]["lda"]
        for key in GENSIM_ONLY if lda.get("engine") != "gensim" else TOMOTOPY_ONLY:
            lda.pop(key, None)
        return out

    @property
    def overrides(self) -> list[str]:
        return list(self._overrides)

    @property
    def source(self) -> str | None:
        return self._source


# --------------------------------------------------------------------------- loading


PACKAGED_CONFIGS = Path(__file__).resolve().parent / "configs"
"""The configs shipped in the package (in the repository, a link to ``configs/``)."""


def config_path(spec: str | Path) -> Path:
    """A config file: ``spec`` itself when it exists, else the packaged config of that name (``default``,
    ``full``, ``benchmarks/thucnews``; ``.yaml`` optional), so that ``research run default`` works in any folder."""
    path = Path(spec)
    if path.exists() or path.is_absolute():
        return path
    name = str(spec).removeprefix("configs/")
    for candidate in (PACKAGED_CONFIGS / name, PACKAGED_CONFIGS / f"{name}.yaml"):
        if candidate.is_file() and candidate.resolve().is_relative_to(PACKAGED_CONFIGS.resolve()):
            return candidate
    return path


def packaged_configs() -> list[str]:
    """Names of the configs shipped in the package (``default``, ``benchmarks/thucnews``, ...)."""
    if not PACKAGED_CONFIGS.is_dir():
        return []
    return sorted(str(p.relative_to(PACKAGED_CONFIGS).with_suffix("")) for p in PACKAGED_CONFIGS.rglob("*.yaml"))


def load_config(path: str | Path, overrides: list[str] | None = None) -> ExperimentConfig:
    """Read a YAML config (following ``extends``), apply ``a.b=c`` overrides, validate strictly.

    ``path`` is a file, or the name of a packaged config (``default``, ``full``: see :func:`config_path`)."""
    given = path
    path = config_path(path)
    if not path.exists() and not Path(given).suffix and packaged_configs():
        raise ConfigError(f"config file not found: {given} (a file, or one of the packaged configs: "
                          f"{', '.join(packaged_configs())})")
    raw = _read_with_extends(path, seen=())
    raw.pop("extends", None)
    set_keys: set[str] = set()
    for item in overrides or []:
        key, value = _parse_override(item)
        _assign(raw, key, value)
        set_keys.add(key)
    config = validate_config(raw, source=str(path), override_keys=set_keys)
    config._overrides = [str(o) for o in overrides or []]
    config._source = str(given)
    return config


def validate_config(raw: dict[str, Any], source: str = "<dict>", override_keys: set[str] = frozenset()) -> ExperimentConfig:
    try:
        return ExperimentConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_one_line(exc, source, override_keys)) from None


def _read_with_extends(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    if path.is_dir():
        raise ConfigError(f"{path}: is a folder, not a config file (give a .yaml file)")
    if not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    if path.resolve() in seen:
        raise ConfigError(f"{path}: `extends` loops back to itself")
    try:
        raw = safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    except YamlSizeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: top level must be a mapping of keys, got {type(raw).__name__}")
    parent = raw.get("extends")
    if parent is None:
        return raw
    if not isinstance(parent, str):
        raise ConfigError(f"{path}: extends: must be a file name")
    base = _read_with_extends((path.parent / parent), seen + (path.resolve(),))
    base.pop("extends", None)
    return _deep_merge(base, raw)


def _deep_merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _parse_override(item: str) -> tuple[str, Any]:
    if "=" not in item:
        raise ConfigError(f"--set {item!r}: expected KEY=VALUE, e.g. features.lda.n_topics=30")
    key, text = item.split("=", 1)
    key = key.strip()
    if not key or any(not part for part in key.split(".")):
        raise ConfigError(f"--set {item!r}: empty key")
    try:
        value = safe_load(text) if text.strip() else ""
    except yaml.YAMLError:
        value = text
    except YamlSizeError as exc:
        raise ConfigError(f"--set {key}: {exc}") from None
    return key, value


def _assign(raw: dict[str, Any], dotted: str, value: Any) -> None:
    node = raw
    parts = dotted.split(".")
    for part in parts[:-1]:
        child = node.get(part)
        if child is None:
            child = node[part] = {}
        if not isinstance(child, dict):
            raise ConfigError(f"--set {dotted}: {part!r} is not a section")
        node = child
    node[parts[-1]] = value


def _one_line(exc: ValidationError, source: str, override_keys: set[str]) -> str:
    problems = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        from_set = any(loc == k or k.startswith(loc + ".") or loc.startswith(k + ".") for k in override_keys)
        where = f"{source} (--set)" if from_set else source
        if err["type"] == "extra_forbidden":
            problems.append(f"{where}: {loc}: unknown key")
        elif err["type"] == "missing":
            problems.append(f"{where}: {loc}: required key is missing")
        else:
            given = err.get("input")
            shown = f" (got {given!r})" if not isinstance(given, dict) and given is not None else ""
            msg = err["msg"].removeprefix("Value error, ")
            problems.append(f"{where}: {loc or '<top>'}: {msg}{shown}")
    first, rest = problems[0], len(problems) - 1
    return first + (f" (and {rest} more problem{'s' if rest > 1 else ''})" if rest else "")


def resolve_path(value: str, config_source: str | None = None) -> Path:
    """A data path from a config: relative to the working directory, else to the project holding ``configs/``."""
    path = Path(value).expanduser()
    if path.is_absolute() or path.exists() or config_source is None:
        return path
    for parent in Path(config_source).resolve().parents:
        if parent.name == "configs":
            candidate = parent.parent / path
            if candidate.exists():
                return candidate
    return path


def flatten(node: Any, prefix: str = "") -> dict[str, Any]:
    """A resolved config as dotted keys (``features.lda.n_topics``) -> leaf values: how runs are compared,
    listed and logged. An empty section is one key with the value ``{}``."""
    out: dict[str, Any] = {}
    if isinstance(node, dict) and node:
        for k, v in node.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    else:
        out[prefix] = node
    return out
