"""A model file is code-free data: tampered files, untrusted types and foreign files are refused with a clear
message; a file from another version loads with a warning."""
from __future__ import annotations

import copy
import json
import shutil
import warnings
import zipfile
from pathlib import Path

import pytest

from test_model_api import TEXTS, toy_run

pytestmark = pytest.mark.slow  # every test loads the toy model (skops import + model load: seconds)

TOUCHED: list[str] = []  # set by Payload.__setstate__ if skops ever constructed it


class Payload:
    """An object of a class nobody trusted; constructing it would record the fact."""

    def __init__(self):
        self.x = 1

    def __setstate__(self, state):  # pragma: no cover - must never run
        TOUCHED.append("constructed")
        self.__dict__.update(state)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    return toy_run(tmp_path_factory)


@pytest.fixture()
def run_copy(run_dir, tmp_path) -> Path:
    dest = tmp_path / "run"
    shutil.copytree(run_dir, dest)
    return dest


def _rewrite_schema(src: Path, dest: Path, edit) -> None:
    """Copy the skops zip at ``src`` to ``dest`` with ``edit(schema)`` applied to its schema.json."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "schema.json":
                schema = json.loads(data)
                edit(schema)
                data = json.dumps(schema).encode()
            zout.writestr(item, data)


def test_modified_bytes_are_refused_by_checksum(run_copy):
    from research import load_model
    from research.errors import ModelFileError

    model_file = run_copy / "model.skops"
    data = bytearray(model_file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model_file.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="checksum does not match .*refusing"):
        load_model(run_copy)


def test_schema_asking_for_builtins_eval_is_refused(run_copy, tmp_path):
    """A file edited to reference builtins.eval, shipped without the sidecar, is refused before loading."""
    from research import load_model
    from research.errors import ModelFileError

    def add_eval(schema):
        schema["content"]["payload"] = {"__class__": "eval", "__module__": "builtins", "__loader__": "TypeNode",
                                        "__id__": 1}
        schema["key_types"]["content"].append(copy.deepcopy(schema["key_types"]["content"][0]))

    evil = tmp_path / "evil.skops"
    _rewrite_schema(run_copy / "model.skops", evil, add_eval)
    assert not evil.with_name("evil.skops.sha256").exists()
    with pytest.raises(ModelFileError, match=r"refusing to load, the file asks for untrusted types: builtins\.eval"):
        load_model(evil)


def test_swapped_estimator_class_is_refused(run_copy, tmp_path):
    """Renaming a node's class (here the tokenizer -> os.system) is caught by the same trusted-type check."""
    from research import load_model
    from research.errors import ModelFileError

    def swap(schema):
        text = json.dumps(schema).replace('"__class__": "JiebaTokenizer", "__module__": "research.tokenize"',
                                          '"__class__": "system", "__module__": "os"')
        schema.clear()
        schema.update(json.loads(text))

    evil = tmp_path / "swapped.skops"
    _rewrite_schema(run_copy / "model.skops", evil, swap)
    with pytest.raises(ModelFileError, match=r"untrusted types: os\.system"):
        load_model(evil)


def test_object_of_untrusted_class_is_refused_and_never_built(run_copy, tmp_path):
    import skops.io as sio

    from research import load_model
    from research.errors import ModelFileError
    from research.persistence import load_pipeline

    pipeline, meta = load_pipeline(run_copy / "model.skops")
    evil = tmp_path / "payload.skops"
    sio.dump({"pipeline": pipeline, "meta": meta, "extra": Payload()}, evil)
    with pytest.raises(ModelFileError, match=r"untrusted types: .*Payload"):
        load_model(evil)
    assert TOUCHED == []


def test_foreign_files_are_refused(tmp_path):
    import skops.io as sio

    from research import load_model
    from research.errors import ModelFileError

    junk = tmp_path / "junk.skops"
    junk.write_bytes(b"this is not a zip file")
    with pytest.raises(ModelFileError, match="not a readable skops model file"):
        load_model(junk)
    other = tmp_path / "other.skops"
    sio.dump([1, 2, 3], other)
    with pytest.raises(ModelFileError, match="not a model file written by research"):
        load_model(other)


def test_version_mismatch_warns_but_loads(run_copy, tmp_path):
    from research import __version__, load_model
    from research.persistence import load_pipeline, save_pipeline

    pipeline, meta = load_pipeline(run_copy / "model.skops")
    old = save_pipeline(pipeline, tmp_path / "old.skops", {**meta, "research_version": "0.0.1"})
    with pytest.warns(UserWarning, match=rf"saved by research 0\.0\.1; this is {__version__}"):
        m = load_model(old)
    assert m.predict(TEXTS[:1])  # still usable
    # a run folder whose env.json names another scikit-learn warns too
    env = json.loads((run_copy / "env.json").read_text(encoding="utf-8"))
    env["packages"]["scikit-learn"] = "0.1.0"
    (run_copy / "env.json").write_text(json.dumps(env), encoding="utf-8")
    with pytest.warns(UserWarning, match=r"trained with scikit-learn 0\.1\.0"):
        load_model(run_copy)
    # the same version loads silently
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_model(old, check_version=False)


def test_cli_reports_a_tampered_model_in_one_line(run_copy, capsys):
    from research.cli import main

    model_file = run_copy / "model.skops"
    model_file.write_bytes(model_file.read_bytes() + b"\0")
    rc = main(["predict", str(run_copy), str(run_copy / "MODEL_CARD.md")])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2
    assert err[-1].startswith("research: error: ") and "checksum does not match" in err[-1]
