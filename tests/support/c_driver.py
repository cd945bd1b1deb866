"""The C scenario driver for pytest: builds c_samples/ with CMake and runs `scenario_runner`.

`DRIVERS["c"](scenario, model, env)` runs one scenario (tests/scenarios/SPEC.md) against the
library named by `env["GENAI_INTEROP_LIBRARY"]` and returns the parsed transcript. The samples are
built once per library (the test double or a real install) into `build/c_samples/<variant>/`.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Callable, Mapping

REPO = Path(__file__).resolve().parents[2]
SOURCE_DIR = REPO / "c_samples"
BUILD_ROOT = REPO / "build" / "c_samples"
DOUBLE_INCLUDE = REPO / "tests" / "double" / "include"
LIBRARY_ENV = "GENAI_INTEROP_LIBRARY"
TARGETS = ("scenario_runner", "chat_sample", "greedy_causal_lm")

_lock = threading.Lock()
_built: dict[str, Path] = {}  # builds already brought up to date by this process


class DriverError(RuntimeError):
    """The driver could not produce a transcript (build failure, crash, bad output)."""


def include_dirs_for(library: Path, env: Mapping[str, str]) -> tuple[Path, list[Path]]:
    """Headers to build against: a real install's own include folder, else our rendered set."""
    install_root = env.get("OPENVINO_GENAI_DIR")
    if install_root and REPO / "build" / "double" not in library.resolve().parents:
        from support import real_genai

        install = real_genai.find_install(install_root)
        if install.include_dir is not None:
            return install.include_dir, []
    return DOUBLE_INCLUDE, []


def build_c_samples(library: Path, include_dir: Path = DOUBLE_INCLUDE,
                    extra_include_dirs: tuple[Path, ...] | list[Path] = ()) -> Path:
    """Configures and builds c_samples/ against `library`; returns the build folder (cached)."""
    cmake = shutil.which("cmake")
    if cmake is None:
        raise DriverError("cmake is needed to build the C samples (apt-get install cmake)")
    key = "\n".join([str(Path(library).resolve()), str(include_dir), *map(str, extra_include_dirs)])
    build_dir = BUILD_ROOT / hashlib.sha256(key.encode()).hexdigest()[:12]
    with _lock:
        if key in _built:
            return _built[key]
        build_dir.mkdir(parents=True, exist_ok=True)
        with open(build_dir / ".lock", "w") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                configure = [cmake, "-S", str(SOURCE_DIR), "-B", str(build_dir), "-DCMAKE_BUILD_TYPE=Release",
                             f"-DGENAI_LIBRARY={library}", f"-DGENAI_INCLUDE_DIR={include_dir}",
                             "-DGENAI_EXTRA_INCLUDE_DIRS=" + ";".join(map(str, extra_include_dirs))]
                for command in (configure, [cmake, "--build", str(build_dir), "--parallel", "2"]):
                    result = subprocess.run(command, capture_output=True, text=True)
                    if result.returncode != 0:
                        raise DriverError("building the C samples failed:\n" + " ".join(command) + "\n"
                                          + result.stdout[-4000:] + result.stderr[-4000:])
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)
        _built[key] = build_dir
    return build_dir


def run_scenario(scenario: Path, model: Path, env: Mapping[str, str]) -> dict:
    library = env.get(LIBRARY_ENV)
    if not library:
        raise DriverError(f"the environment must name the library under test in {LIBRARY_ENV}")
    include_dir, extra = include_dirs_for(Path(library), env)
    runner = build_c_samples(Path(library), include_dir, extra) / "scenario_runner"
    completed = subprocess.run([str(runner), str(scenario), str(model)], capture_output=True, env=dict(env),
                               timeout=600)
    stdout = completed.stdout.decode("utf-8", errors="strict")
    if completed.returncode != 0:
        raise DriverError(f"scenario_runner failed ({completed.returncode}) on {scenario.name}:\n"
                          + completed.stderr.decode(errors="replace"))
    try:
        return json.loads(stdout)
    except json.JSONDecodeError as error:
        raise DriverError(f"scenario_runner printed no JSON for {scenario.name}: {error}\n{stdout[:2000]}")


DRIVERS: dict[str, Callable[[Path, Path, dict], dict]] = {"c": run_scenario}
