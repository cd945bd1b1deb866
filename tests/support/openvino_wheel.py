"""Where the `openvino` pip wheel keeps the real core C library and its headers.

The wheel ships `openvino/libs/libopenvino_c.so.<NNNN>` (versioned names only, no unversioned
symlink) and the C headers under `openvino/include/openvino/c/`. Tests that run real inference
through the generated bindings use this library; they skip, saying why, when the wheel is absent.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Optional

import pytest


def package_dir() -> Optional[Path]:
    spec = importlib.util.find_spec("openvino")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def libs_dir() -> Path:
    """The folder holding libopenvino_c (skips the test when the wheel is missing)."""
    root = package_dir()
    if root is None:
        pytest.skip("the openvino wheel is not installed (scripts/setup.sh installs it)")
    libs = root / "libs"
    if not libs.is_dir():
        pytest.skip(f"{libs} is missing: not the layout of the openvino pip wheel")
    return libs


def c_library() -> Path:
    """The core C library file itself, e.g. .../openvino/libs/libopenvino_c.so.2630."""
    libs = libs_dir()
    if sys.platform == "win32":
        names = sorted(libs.glob("openvino_c.dll"))
    elif sys.platform == "darwin":
        names = sorted(libs.glob("libopenvino_c*.dylib"), key=lambda p: len(p.name))
    else:
        names = sorted(libs.glob("libopenvino_c.so*"), key=lambda p: len(p.name))
    if not names:
        pytest.skip(f"no libopenvino_c in {libs}")
    return names[0]


def include_dir() -> Path:
    """The include root holding openvino/c/*.h."""
    root = package_dir()
    assert root is not None
    include = root / "include"
    if not (include / "openvino" / "c" / "openvino.h").is_file():
        pytest.skip(f"{include} has no openvino/c/openvino.h")
    return include
