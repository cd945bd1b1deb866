"""Build and load the native test double of the GenAI C API (tests/double/).

`build_double()` compiles tests/double/src/*.c with gcc into `build/double/<variant>/libopenvino_genai_c.so`
(the name DllImport("openvino_genai_c") and dlopen look for) and returns its path. It rebuilds only
when a source, a header or the flags changed, and is safe to call from many threads and processes
at once (a lock file plus an atomic rename).

`live_objects(lib_path)` reads the double's test-only counter of live handles.
"""
from __future__ import annotations

import ctypes
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOUBLE_DIR = REPO / "tests" / "double"
SOURCE_DIR = DOUBLE_DIR / "src"
GENERATED_INCLUDE = DOUBLE_DIR / "include"
BUILD_ROOT = REPO / "build" / "double"
LIBRARY_NAME = "libopenvino_genai_c.so"
CFLAGS = ["-std=gnu11", "-O2", "-g", "-Wall", "-Wextra", "-Werror", "-fPIC", "-shared", "-pthread"]
LIBS = ["-lm", "-ldl", "-Wl,-soname,libopenvino_genai_c.so"]

_lock = threading.Lock()


def openvino_core_include() -> Path | None:
    """The OpenVINO core C headers shipped in the `openvino` wheel (real GenAI headers include them)."""
    import importlib.util

    spec = importlib.util.find_spec("openvino")
    if spec is None or not spec.submodule_search_locations:
        return None
    include = Path(list(spec.submodule_search_locations)[0]) / "include"
    return include if (include / "openvino" / "c").is_dir() else None


def _include_dirs(include_dir: Path | None) -> list[Path]:
    if include_dir is None:
        return [GENERATED_INCLUDE]
    dirs = [Path(include_dir)]
    if not (Path(include_dir) / "openvino" / "c").is_dir():
        core = openvino_core_include()
        if core is not None:
            dirs.append(core)
    return dirs


def _fingerprint(include_dirs: list[Path]) -> str:
    digest = hashlib.sha256()
    digest.update(" ".join(CFLAGS + LIBS).encode())
    files = sorted(SOURCE_DIR.glob("*.[ch]"))
    for directory in include_dirs:
        files += sorted((directory / "openvino" / "genai" / "c").glob("*.h"))
        files += sorted(directory.glob("*.h"))
    for path in files:
        digest.update(str(path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def build_double(include_dir: Path | None = None) -> Path:
    """Compiles the double against `include_dir` (real GenAI headers) or our generated headers."""
    gcc = shutil.which("gcc")
    if gcc is None:
        raise RuntimeError("gcc is needed to build the GenAI test double (apt-get install gcc)")
    include_dirs = _include_dirs(include_dir)
    variant = "generated" if include_dir is None else "headers-" + hashlib.sha256(
        str(Path(include_dir).resolve()).encode()).hexdigest()[:12]
    out_dir = BUILD_ROOT / variant
    library = out_dir / LIBRARY_NAME
    stamp = out_dir / "fingerprint"
    fingerprint = _fingerprint(include_dirs)
    with _lock:
        out_dir.mkdir(parents=True, exist_ok=True)
        with open(out_dir / ".lock", "w") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                if library.exists() and stamp.exists() and stamp.read_text() == fingerprint:
                    return library
                partial = out_dir / f".{LIBRARY_NAME}.{os.getpid()}.{threading.get_ident()}"
                command = [gcc, *CFLAGS, *(f"-I{d}" for d in include_dirs),
                           *map(str, sorted(SOURCE_DIR.glob("*.c"))), *LIBS, "-o", str(partial)]
                result = subprocess.run(command, capture_output=True, text=True)
                if result.returncode != 0:
                    partial.unlink(missing_ok=True)
                    raise RuntimeError("building the GenAI test double failed:\n"
                                       + " ".join(command) + "\n" + result.stderr)
                os.replace(partial, library)  # atomic: a process that loaded the old file keeps it
                stamp.write_text(fingerprint)
                return library
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)


def environment(lib_path: Path | str, base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for a child process (a scenario driver) that must load this double:
    `GENAI_INTEROP_LIBRARY` names it and its folder comes first on LD_LIBRARY_PATH."""
    env = dict(os.environ if base is None else base)
    folder = str(Path(lib_path).parent)
    env["GENAI_INTEROP_LIBRARY"] = str(lib_path)
    env["LD_LIBRARY_PATH"] = os.pathsep.join([folder, *filter(None, [env.get("LD_LIBRARY_PATH")])])
    return env


def live_objects(lib_path: Path | str) -> int:
    """The double's count of live handles (every kind) in this process."""
    library = ctypes.CDLL(str(lib_path))
    counter = library.genai_double_live_objects
    counter.restype = ctypes.c_int64
    counter.argtypes = []
    return int(counter())


def live_kinds(lib_path: Path | str) -> dict[str, int]:
    """The double's live handles per kind ({"perf_metrics": 2}; kinds with none left out), to say what a leak is."""
    library = ctypes.CDLL(str(lib_path))
    function = library.genai_double_live_kinds
    function.restype = ctypes.c_size_t
    function.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
    buffer = ctypes.create_string_buffer(1024)
    function(buffer, len(buffer))
    return {kind: int(count) for kind, _, count in (pair.partition("=") for pair in buffer.value.decode().split())}


if __name__ == "__main__":  # python tests/support/double.py [INCLUDE_DIR]: build and print the path
    print(build_double(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
