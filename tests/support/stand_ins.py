"""Tiny shared libraries that stand in for others by name, to test what the runtimes conclude from the
libraries in a process (which copy of libopenvino_genai a C library is bound to, say) without the real
ones. `build_library` compiles one with gcc: a file name, a soname, libraries it needs (DT_NEEDED,
found beside it through RUNPATH $ORIGIN) and one exported function.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Sequence

# The real GenAI 2026.3 library's file name and soname (the official wheel ships the same).
GENAI_SONAME = "libopenvino_genai.so.2630"


def build_library(folder: Path, file_name: str, soname: str, needs: Sequence[Path] = (), symbol: str = "stand_in") -> Path:
    gcc = shutil.which("gcc")
    if gcc is None:
        raise RuntimeError("gcc is needed to build stand-in libraries (apt-get install gcc)")
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"{file_name}.c"
    source.write_text(f"int {symbol}(void) {{ return 1; }}\n")
    target = folder / file_name
    command = [gcc, "-shared", "-fPIC", "-o", str(target), str(source), f"-Wl,-soname,{soname}",
               "-Wl,--no-as-needed", "-Wl,-rpath,$ORIGIN"]
    # By file path: the dependency is recorded under its soname, as a link with -l would.
    command += [str(dependency) for dependency in needs]
    subprocess.run(command, check=True, capture_output=True, text=True)
    source.unlink()
    return target


def other_genai(folder: Path) -> Path:
    """A library named and sonamed as libopenvino_genai (nothing beside it), as another package would load."""
    return build_library(folder, GENAI_SONAME, GENAI_SONAME, symbol="other_genai")
