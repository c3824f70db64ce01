"""Layers only look down: no import cycle anywhere in research/, imports inside functions included."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "research"


def module_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """module -> the package modules it imports (``from . import x`` also imports the package itself)."""
    def name_of(path: Path) -> str:
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

    mods = {name_of(p): p for p in root.rglob("*.py")}
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for m, path in mods.items():
        package = m if path.name == "__init__.py" else m.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = package
                for _ in range(max(node.level - 1, 0)):
                    base = base.rsplit(".", 1)[0]
                mod = (f"{base}.{node.module}" if node.module else base) if node.level else (node.module or "")
                targets = [mod] + [f"{mod}.{a.name}" for a in node.names]
            else:
                continue
            for t in targets:
                while t and t not in mods:
                    t = t.rsplit(".", 1)[0] if "." in t else ""
                if t and t != m:
                    edges[m].add(t)
    return edges


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for t in sorted(edges[m]):
            if state.get(t) == 1:
                return stack[stack.index(t):] + [t]
            if t not in state and (found := visit(t)):
                return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(edges):
        if m not in state and (found := visit(m)):
            return found
    return None


def test_the_package_has_no_import_cycle():
    cycle = find_cycle(module_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_a_planted_cycle(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from .sub import b\n")  # inside a function: still a dependency
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "b.py").write_text("from .. import a\n")
    assert find_cycle(module_graph(pkg)) in (["pkg.a", "pkg.sub.b", "pkg.a"], ["pkg.sub.b", "pkg.a", "pkg.sub.b"])


def test_estimators_do_not_import_labels_data_or_pipeline():
    """The bottom layer (tokenize, features, topics, classify) never reaches up into rules, data or pipeline."""
    edges = module_graph()
    low = [m for m in edges if m.count(".") and m.split(".")[1] in ("tokenize", "features", "topics", "classify")]
    high = ("research.weak_labels", "research.datasets", "research.ingest", "research.pipeline",
            "research.experiment", "research.study", "research.cli")
    bad = {m: sorted(t for t in edges[m] if t.startswith(high)) for m in low}
    assert {m: t for m, t in bad.items() if t} == {}


def test_config_choices_come_from_the_registries():
    import typing

    from research.classifiers import KINDS
    from research.config import ClassifierConfig, DataConfig, TokenizeConfig
    from research.ingest import REPORT_UNITS, UNITS
    from research.tokenize import BACKENDS
    from research.topics.engines import ENGINES

    def choices(model, field):
        return set(typing.get_args(model.model_fields[field].annotation))

    from research.config import LdaConfig

    assert choices(ClassifierConfig, "kind") == set(KINDS)
    assert choices(LdaConfig, "engine") == set(ENGINES)
    assert choices(TokenizeConfig, "backend") == set(BACKENDS)
    assert choices(DataConfig, "unit") == set(UNITS) | set(REPORT_UNITS)


def test_a_classifier_kind_is_one_registry_entry(monkeypatch):
    """A new kind registered in research.classifiers trains, scores and explains with no other change."""
    import numpy as np
    from sklearn.linear_model import RidgeClassifier

    from research import classifiers
    from research.classify import MultiLabelClassifier

    def ridge(C, alpha, class_weight, max_iter, seed):
        return RidgeClassifier(alpha=1.0 / C, class_weight=class_weight, random_state=seed)

    kind = classifiers.ClassifierKind("ridge", ridge, ridge, probability=False, weights=classifiers._coef)
    monkeypatch.setitem(classifiers.REGISTRY, "ridge", kind)
    rng = np.random.default_rng(0)
    X = rng.random((40, 6))
    y = [["investment"] if x[0] > 0.5 else ["logistics", "livelihood"] if x[1] > 0.5 else [] for x in X]
    y[0], y[1] = ["party_building"], ["party_building", "investment"]
    clf = MultiLabelClassifier(kind="ridge").fit(X, y)
    assert clf.uses_probability_ is False and list(clf.thresholds_) == [0.0] * 4
    assert clf.predict(X).shape == (40, 4)
    assert kind.weights(clf.estimators_[1]).shape == (6,)


def test_the_benchmark_factory_uses_the_registry():
    from research.config import validate_config
    from research.study.benchmark import make_classifier

    config = validate_config({"experiment": "x", "classifier": {"kind": "linear_svm", "C": 2.0}}, source="test")
    model = make_classifier(config)
    assert type(model).__name__ == "LinearSVC" and model.C == 2.0
