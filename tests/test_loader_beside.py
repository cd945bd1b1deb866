"""Loader.load_beside (python/genai_interop_runtime/loader.py): a binding whose call needs another library's
objects (the GenAI VLM pipeline's images are OpenVINO tensors, made from numpy arrays by openvino_cffi) loads
that library from beside its own when the user named only its own install (OPENVINO_GENAI_DIR), as upstream's
VLM sample needs; it never overrides a library already loaded or a directory variable the user set. Run in
child processes (a loaded library stays loaded), with the OpenVINO C library of the openvino wheel."""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = r"""
import os, sys
from openvino_cffi import _native
loader = _native._LOADER
first = loader.load_beside(sys.argv[1])
second = loader.load_beside(sys.argv[1])
print(first is not None and os.path.dirname(first.path) == sys.argv[1], second is None,
      loader._current is first if first is not None else loader._current is None)
"""


@pytest.fixture(scope="module")
def openvino_libs() -> Path:
    spec = importlib.util.find_spec("openvino")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("the openvino wheel is not installed (scripts/setup.sh installs it)")
    folder = Path(list(spec.submodule_search_locations)[0]) / "libs"
    if not list(folder.glob("libopenvino_c.so*")):
        pytest.skip(f"no libopenvino_c in {folder}")
    return folder


def run(folder: Path, **env: str) -> str:
    base = {k: v for k, v in os.environ.items() if k not in ("OPENVINO_DIR", "PYTHONPATH")}
    completed = subprocess.run([sys.executable, "-c", SCRIPT, str(folder)], capture_output=True, text=True,
                               env={**base, **env}, timeout=120)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.strip()


def test_loads_from_the_folder_once(openvino_libs: Path) -> None:
    assert run(openvino_libs) == "True True True"


def test_a_directory_variable_wins(openvino_libs: Path, tmp_path: Path) -> None:
    # OPENVINO_DIR set (even to a folder without the library): load_beside leaves the search to it.
    assert run(openvino_libs, OPENVINO_DIR=str(tmp_path)) == "False True True"


def test_a_folder_without_the_library_does_nothing(tmp_path: Path) -> None:
    assert run(tmp_path) == "False True True"
