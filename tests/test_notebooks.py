"""The notebooks in notebooks/: stored without outputs, and each one runs top to bottom on the embedded sample.

Execution uses nbclient with the ``python3`` kernel, checked to be this interpreter (the venv), in the notebooks
folder, with ``RESEARCH_RESULTS`` pointing at a temporary folder shared by the notebooks of one session (so the
token cache and the run trained by 03 serve 04). ../shared is used when present; the notebooks skip their
seed-page parts without it.
"""
from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
EXPECTED = {"01_corpus_tour", "02_topics", "03_experiments", "04_tag_new_pages", "05_local_agendas"}
CELL_TIMEOUT = 600  # seconds per cell; each notebook takes well under a minute on an idle machine
KERNEL_CHECK = "import sys; print(sys.prefix)"


def test_expected_notebooks_exist():
    assert EXPECTED <= {p.stem for p in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    dirty = [i for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not dirty, f"{path.name}: cells {dirty} have outputs; run python scripts/strip_notebooks.py"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_layout(path):
    """A markdown cell saying what the notebook shows, then the parameters cell with the FULL flag."""
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert nb.cells[1].cell_type == "code" and nb.cells[1].source.startswith("FULL = False")


def test_strip_script(tmp_path):
    dirty = nbformat.read(NOTEBOOKS[0], as_version=4)
    cell = next(c for c in dirty.cells if c.cell_type == "code")
    cell.execution_count = 3
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="hello\n")]
    cell.metadata["execution"] = {"iopub.status.busy": "2026-11-23T00:00:00Z"}
    target = tmp_path / "dirty.ipynb"
    nbformat.write(dirty, target)
    script = _load_strip_script()
    assert script.main(["--check", str(target)]) == 1
    assert script.main([str(target)]) == 0
    assert script.main(["--check", str(target)]) == 0
    cleaned = nbformat.read(target, as_version=4)
    assert [c.source for c in cleaned.cells] == [c.source for c in dirty.cells]
    assert all(not c.get("outputs") and c.get("execution_count") is None and "execution" not in c.metadata
               for c in cleaned.cells if c.cell_type == "code")


def _load_strip_script():
    spec = importlib.util.spec_from_file_location("strip_notebooks", ROOT / "scripts" / "strip_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def results_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("notebook_results")
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.slow
@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, results_dir, monkeypatch):
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.setenv("RESEARCH_RESULTS", str(results_dir))  # the kernel inherits this environment
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(KERNEL_CHECK))
    client = nbclient.NotebookClient(nb, kernel_name="python3", timeout=CELL_TIMEOUT,
                                     resources={"metadata": {"path": str(NOTEBOOK_DIR)}})
    client.execute()  # raises CellExecutionError, with the failing cell and traceback, on any error

    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    kernel_prefix = "".join(o.get("text", "") for o in nb.cells[-1].outputs).strip()
    assert kernel_prefix == sys.prefix, f"the python3 kernel runs {kernel_prefix}, not this venv ({sys.prefix})"
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert images, f"{path.name} produced no figure"
    assert not list(results_dir.glob("**/.partial-*")), "a run was left unfinished"
