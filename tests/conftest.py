"""Shared fixtures: the toy corpus, paths, and a skip for tests that need ../shared."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CONFIGS = REPO / "configs"


def require_shared(*parts: str) -> Path:
    """Path under ../shared, or skip the test with the reason spelled out."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (../shared beside the repo root); not present on this machine")
    return path


@pytest.fixture(scope="session")
def toy():
    from research.datasets.toy import TOY_LABELS, TOY_TEXTS

    return TOY_TEXTS, TOY_LABELS


@pytest.fixture(scope="session")
def toy_config():
    from research.config import load_config

    return load_config(CONFIGS / "toy.yaml")


@pytest.fixture(scope="session")
def fitted_toy_pipeline(toy, toy_config):
    from research.pipeline import build_pipeline

    texts, labels = toy
    return build_pipeline(toy_config).fit(texts, labels)
