# Two commands matter: `make run` and `make test`. Everything installs itself into .venv.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q
CONFIG ?= configs/default.yaml

.PHONY: run test test-fast bench bench-topics bench-agreement bench-memory notebooks install install-dev clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) install -e ".[dev]"
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make run: train + evaluate the default experiment on the embedded sample
run: $(VENV)/.installed
	$(VENV)/bin/research run $(CONFIG)

## make test: the whole suite (real-data tests and notebooks included)
test: $(VENV)/.installed-dev
	$(PY) -m pytest -q

## make test-fast: the edit-loop subset (< 1 min)
test-fast: $(VENV)/.installed-dev
	$(PY) -m pytest -q -m "not slow and not notebook" -x

## make bench: end-to-end benchmark against the naive pipeline -> results/bench/
bench: $(VENV)/.installed-dev
	$(PY) -m research.bench.pipeline

## make bench-topics: LDA engine benchmark -> results/bench/
bench-topics: $(VENV)/.installed-dev
	$(PY) -m research.bench.topics

## make bench-agreement: token agreement of the rjieba backend with jieba -> results/bench/
bench-agreement: $(VENV)/.installed-dev
	$(PY) -m research.bench.agreement

## make bench-memory: peak RSS of predict/segment on a 200 MB page and other hostile sizes -> results/bench/
bench-memory: $(VENV)/.installed-dev
	$(PY) -m research.bench.memory

## make notebooks: open Jupyter Lab on notebooks/
notebooks: $(VENV)/.installed-dev
	$(VENV)/bin/jupyter lab notebooks/

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
