"""Shared pytest fixtures: repository paths, toolchains, skip reasons that say why."""
from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "build"
sys.path.insert(0, str(REPO / "tests"))  # tests/support as `support`
# The Python packages (python/) are installed by scripts/setup.sh (pip install -e .); on the path here
# too, so a venv set up before they were part of the install still runs the tests (test_packaging.py
# checks the install itself, in a subprocess without this).
sys.path.insert(1, str(REPO / "python"))


# The shim points this variable at the tokenizers library already in the process when it loads next to
# the official package (genai_interop_runtime.loader), and the setting stays for the process. Restored
# after every test so one test's in-process use doesn't decide what a later test's child process finds.
PROCESS_WIDE_VARIABLES = ("OPENVINO_TOKENIZERS_PATH_GENAI",)


@pytest.fixture(autouse=True)
def _restore_process_wide_variables() -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in PROCESS_WIDE_VARIABLES}
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def build_dir() -> Path:
    BUILD.mkdir(exist_ok=True)
    return BUILD


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (scripts/setup.sh installs it)")
    return path


@pytest.fixture(scope="session")
def genai_dir() -> Path:
    """A real OpenVINO GenAI install; tests using this skip, saying why, when it is absent."""
    value = os.environ.get("OPENVINO_GENAI_DIR")
    if not value:
        pytest.skip("needs the real OpenVINO GenAI C library: set OPENVINO_GENAI_DIR to an install")
    path = Path(value)
    if not path.is_dir():
        pytest.fail(f"OPENVINO_GENAI_DIR={value} is not a directory")
    return path


@pytest.fixture(scope="session")
def dotnet_toolchain() -> None:
    """mcs, Mono and the .NET 8 runtime; skips (saying what is missing) without them."""
    from support import dotnet

    require_tool("mcs")
    require_tool("mono")
    try:
        dotnet.dotnet()
    except dotnet.BuildError as error:
        pytest.skip(str(error))


@pytest.fixture(scope="session")
def library_dll(dotnet_toolchain: None) -> Path:
    """OpenVINO.GenAI.dll built with mcs from the committed sources."""
    from support import dotnet

    return dotnet.build_library()


def _tiny_model(request: pytest.FixtureRequest, name: str) -> Path:
    from support import tiny_speech_vision

    reporter = request.config.pluginmanager.get_plugin("terminalreporter")

    def report(line: str) -> None:  # shown even while pytest captures output
        if reporter is not None:
            reporter.write_line(line)
        else:
            print(line)

    start = time.monotonic()
    path = tiny_speech_vision.tiny_model_dir(name, report)
    report(f"{name}: ready in {time.monotonic() - start:.1f} s ({path})")
    return path


@pytest.fixture(scope="session")
def tiny_whisper(request: pytest.FixtureRequest) -> Path:
    """A tiny random Whisper in OpenVINO IR (tests/support/tiny_speech_vision.py), made on first
    use in its own environment and cached by content. Request an install-or-skip fixture first so
    that runs without the real library never pay for it."""
    return _tiny_model(request, "tiny_whisper")


@pytest.fixture(scope="session")
def tiny_qwen2_vl(request: pytest.FixtureRequest) -> Path:
    """A tiny random Qwen2-VL in OpenVINO IR, as `tiny_whisper`."""
    return _tiny_model(request, "tiny_qwen2_vl")
