"""Stub native libraries for version-detection tests: a GenAI C library exporting exactly the
function names of one committed snapshot (no-op bodies: only their presence matters), linked to
a stub OpenVINO core library that answers the version query, as a real install is laid out."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Optional

from bindgen import library as libmod
from bindgen import snapshot

GENAI = libmod.load("genai")
NATIVE = f"lib{GENAI.native_library}.so"

_CORE_STUB = r"""
typedef struct { const char* buildNumber; const char* description; } ov_version_t;
static const char* reported = "@BUILD@";
int ov_get_openvino_version(ov_version_t* v) { v->buildNumber = reported; v->description = "stub"; return 0; }
void ov_version_free(ov_version_t* v) { v->buildNumber = 0; v->description = 0; }
"""


def symbols(tag: str) -> set[str]:
    """Function names declared by the committed genai snapshot of `tag`."""
    return {f.name for f in snapshot.load(snapshot.embedded("genai", tag)).functions}


# Stub name -> (exported functions, OpenVINO build number, or None for no core library).
STUBS: dict[str, tuple[set[str], Optional[str]]] = {
    "2025.1": (symbols("2025.1.0.0"), "2025.1.0-17911-stub"),
    "2025.2": (symbols("2025.2.0.0"), "2025.2.0-18996-stub"),
    "2025.2-noquery": (symbols("2025.2.0.0"), None),
    "2025.4": (symbols("2025.4.0.0"), "2025.4.0-20398-stub"),
    "2026.0": (symbols("2026.0.0.0"), "2026.0.0-20965-stub"),
    "2026.3": (symbols("2026.3.0.0"), "2026.3.0-21552-stub"),
    "too-old": (symbols("2025.1.0.0") - {"ov_genai_llm_pipeline_start_chat"}, "2024.6.0-17404-stub"),
}


# What each exported function does: nothing (only its presence matters), or report OK without
# writing its outputs (a library that returns OK and leaves an out-pointer NULL).
BODIES = {"none": "void {name}(void) {{}}\n", "ok": "int {name}(void) {{ return 0; }}\n"}


def build_stub(gcc: str, out: Path, names: set[str], core_build: Optional[str], *, body: str = "none",
               runpath: bool = True, linked: bool = True, core_name: Optional[str] = None,
               overrides: Optional[dict[str, str]] = None) -> Path:
    """Build one stub in `out` (replacing what is there); returns the GenAI library path.

    `runpath=False` lays it out as the real libraries are: no RUNPATH, so the dynamic loader finds the
    core library beside it only when something loads that by full path first. `linked=False` leaves
    the core library beside it but not as a dependency (a 2025.1 library linked with --as-needed)."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    source = out / "genai_stub.c"
    custom = overrides or {}
    source.write_text("".join(custom.get(n) or BODIES[body].format(name=n) for n in sorted(names)))
    args = [gcc, "-shared", "-fPIC", "-o", str(out / NATIVE), str(source)]
    if core_build is not None:
        # A name of its own per stub: the loader shares a dependency by name within one process.
        core = core_name or f"openvino_c_{out.name.replace('.', '_').replace('-', '_')}"
        core_src = out / "core_stub.c"
        core_src.write_text(_CORE_STUB.replace("@BUILD@", core_build))
        # With a soname, as real libraries have: the dynamic loader matches a dependency loaded by full path
        # to the DT_NEEDED entry of the GenAI library through it.
        subprocess.run([gcc, "-shared", "-fPIC", f"-Wl,-soname,lib{core}.so", "-o", str(out / f"lib{core}.so"),
                        str(core_src)], check=True)
        if linked:
            args += ["-L", str(out), "-Wl,--no-as-needed", f"-l{core}"]
            if runpath:
                args += ["-Wl,-rpath,$ORIGIN"]
    subprocess.run(args, check=True)
    return out / NATIVE


def build_all(gcc: str, root: Path) -> dict[str, Path]:
    return {name: build_stub(gcc, root / name, names, build) for name, (names, build) in STUBS.items()}
