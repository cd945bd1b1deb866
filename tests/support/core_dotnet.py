"""Building OpenVINO.Core (the C# binding of OpenVINO's core C API) and running programs against
the real libopenvino_c of the openvino wheel, on Mono and on CoreCLR.

Reuses tests/support/dotnet.py (mcs flags, cached builds, runners). What differs for the core
library is finding `libopenvino_c`: the wheel ships only versioned file names
(`libopenvino_c.so.2630`), so
- on CoreCLR the generated resolver finds it through OPENVINO_DIR (it globs versioned names);
- on Mono, which resolves DllImport names itself, the build writes a dllmap
  (`OpenVINO.Core.dll.config`) whose target is the library's absolute path.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Mapping, Optional
from xml.sax.saxutils import quoteattr

from . import dotnet

LIBRARY_DIR = dotnet.CSHARP / "OpenVINO.Core"
GENERATED_DIR = LIBRARY_DIR / "Generated"
TESTS_DIR = dotnet.CSHARP / "tests" / "CoreTests"
ASSEMBLY = "OpenVINO.Core"
NATIVE_NAME = "openvino_c"


def build_library(native_library: Path, out_dir: Optional[Path] = None) -> Path:
    """OpenVINO.Core.dll (generated + hand-written sources; OpenVINO.Interop.dll beside it) and a dllmap naming `native_library`."""
    out = Path(out_dir) if out_dir else dotnet.BUILD_ROOT / "core"
    sources = sorted(GENERATED_DIR.glob("*.cs")) + sorted(LIBRARY_DIR.glob("*.cs"))
    dll = dotnet.build_binding(ASSEMBLY, sources, out)
    config = out / f"{ASSEMBLY}.dll.config"
    text = ("<!-- Written by tests/support/core_dotnet.py: Mono maps the DllImport name to the wheel's library. -->\n"
            f"<configuration>\n  <dllmap dll={quoteattr(NATIVE_NAME)} target={quoteattr(str(Path(native_library).resolve()))} />\n"
            "</configuration>\n")
    if not config.exists() or config.read_text() != text:
        config.write_text(text)
    return dll


def build_tests(library: Path) -> Path:
    return dotnet.build_exe([TESTS_DIR / "CoreTests.cs"], [library], library.parent / "CoreTests.exe")


def build_vlm_program(core_library: Path, genai_library: Path) -> Path:
    """VlmWithCoreTensors.exe beside copies of both assemblies (their dllmaps, and the runtime both use), in one folder."""
    folder = core_library.parent.parent / "core-vlm"
    folder.mkdir(parents=True, exist_ok=True)
    refs = []
    runtime = core_library.with_name(f"{dotnet.RUNTIME_ASSEMBLY}.dll")
    for dll in (core_library, genai_library, runtime):
        for item in (dll, dll.with_name(dll.name + ".config")):
            if item.exists():
                target = folder / item.name
                if not target.exists() or target.read_bytes() != item.read_bytes():
                    shutil.copyfile(item, target)
        refs.append(folder / dll.name)
    return dotnet.build_exe([TESTS_DIR / "VlmWithCoreTensors.cs"], refs, folder / "VlmWithCoreTensors.exe")


def environment(native_library: Path, base: Optional[Mapping[str, str]] = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    folder = str(Path(native_library).resolve().parent)
    env["OPENVINO_DIR"] = folder  # the CoreCLR resolver's search
    env["LD_LIBRARY_PATH"] = os.pathsep.join([folder] + ([env["LD_LIBRARY_PATH"]] if env.get("LD_LIBRARY_PATH") else []))
    return env


def copy_without_config(dll: Path, folder: Path) -> Path:
    """The assembly and the runtime alone in `folder` (no dllmap): to see what a missing library looks like."""
    folder.mkdir(parents=True, exist_ok=True)
    runtime = dll.with_name(f"{dotnet.RUNTIME_ASSEMBLY}.dll")
    shutil.copyfile(runtime, folder / runtime.name)
    target = folder / dll.name
    shutil.copyfile(dll, target)
    return target
