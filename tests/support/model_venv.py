"""A separate virtual environment with torch, transformers and optimum-intel, made on demand.

Only the tests that need a tiny Whisper or VLM model (tests/support/tiny_speech_vision.py) use
it: those models are made from Python objects and exported to OpenVINO IR by optimum-intel,
which the project's own .venv does not carry (about 1.6 GB, mostly torch).

Everything is pinned exactly (see ../shared/NOTES.md, "Tiny random Whisper and VLM models"):
- `torch==2.13.0+cpu`, the CPU build; an unpinned torch would pull a CUDA build of several GB;
- optimum-intel pulls torchvision, a CUDA build that fails to import beside the CPU torch
  ("operator torchvision::nms does not exist"); neither the export nor GenAI needs it, so it is
  uninstalled again.

The environment lives in a folder named after a hash of these pins (`venv-<hash>` under
`cache_root()`), so a changed pin makes a new one and an unchanged one costs nothing. A file
`.complete` is written last: a half-made environment (an interrupted install) is removed and
made again. A lock file keeps two processes from making the same one at once.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

# torch first, alone: the rest must not choose another build of it.
TORCH = "torch==2.13.0+cpu"
# PyPI has no `+cpu` builds: pip finds this one in a find-links folder (PIP_FIND_LINKS, as on this
# machine) or in an index named by $GENAI_INTEROP_TORCH_INDEX (https://download.pytorch.org/whl/cpu).
TORCH_INDEX_ENV_VAR = "GENAI_INTEROP_TORCH_INDEX"
REQUIREMENTS = (
    "openvino==2026.3.0",
    "openvino-genai==2026.3.0.0",
    "openvino-tokenizers==2026.3.0.0",
    "optimum-intel==2.2.0",
    "optimum==2.3.0",
    "transformers==5.0.0",
    "nncf==3.4.0",
    "tokenizers==0.22.2",
    "sentencepiece==0.2.1",
    "pillow==12.1.0",
    "numpy==2.4.6",
)
# Installed as dependencies of the above but broken beside the CPU torch (see the docstring).
REMOVE = ("torchvision",)

CACHE_ENV_VAR = "GENAI_INTEROP_CACHE"


class ModelVenvError(RuntimeError):
    """The environment could not be made; the message holds pip's output."""


def cache_root() -> Path:
    """$GENAI_INTEROP_CACHE, else $XDG_CACHE_HOME/genai-interop, else ~/.cache/genai-interop:
    outside any worktree, so every checkout (and a CI cache step) shares it."""
    value = os.environ.get(CACHE_ENV_VAR)
    if value:
        return Path(value).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "genai-interop"


def pins_hash() -> str:
    text = "\n".join([sys.version.split()[0], TORCH, *REQUIREMENTS, "remove:", *REMOVE])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def venv_dir() -> Path:
    return cache_root() / f"venv-{pins_hash()}"


def python_path(venv: Path) -> Path:
    return venv / "bin" / "python"


def _run(command: list[str], log: list[str]) -> None:
    completed = subprocess.run(command, capture_output=True, text=True)
    log.append("$ " + " ".join(command) + "\n" + completed.stdout + completed.stderr)
    if completed.returncode != 0:
        raise ModelVenvError(f"{' '.join(command)} failed ({completed.returncode}):\n" + "\n".join(log)[-6000:])


def ensure(report: Callable[[str], None] = print) -> Path:
    """The Python of the model environment, made first when missing; `report` gets one line
    saying whether it was made (and how long it took) or found."""
    venv = venv_dir()
    python = python_path(venv)
    if (venv / ".complete").exists():
        return python
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / f"{venv.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (venv / ".complete").exists():
            return python
        if venv.exists():
            shutil.rmtree(venv)  # left half-made by an interrupted run
        start = time.monotonic()
        log: list[str] = []
        # The project's Python, so the environment matches the version the hash names.
        _run([sys.executable, "-m", "venv", str(venv)], log)
        pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        index = os.environ.get(TORCH_INDEX_ENV_VAR)
        _run([*pip, *(["--extra-index-url", index] if index else []), TORCH], log)
        _run([*pip, TORCH, *REQUIREMENTS], log)
        _run([str(python), "-m", "pip", "uninstall", "-q", "-y", *REMOVE], log)
        (venv / ".complete").write_text("\n".join([TORCH, *REQUIREMENTS]) + "\n")
        report(f"model venv: made {venv} in {time.monotonic() - start:.0f} s")
    return python
