"""Shared pytest fixtures: repository paths, toolchains, skip reasons that say why."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "build"
sys.path.insert(0, str(REPO / "tests"))  # tests/support as `support`


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
