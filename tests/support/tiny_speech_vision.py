"""Tiny random Whisper and Qwen2-VL models in OpenVINO IR, made at test time and cached by content.

`tiny_model_dir("tiny_whisper")` / `tiny_model_dir("tiny_qwen2_vl")` return a folder that
`WhisperPipeline` / `VLMPipeline` load. The recipes are the scripts in `model_recipes/`; they run
in the separate environment of `model_venv` (torch, transformers, optimum-intel), never in the
project's own venv. Offline: nothing is downloaded but the pinned packages of that environment.

Cache: `<cache_root()>/models/<recipe>-<hash>`, where the hash covers the recipe's text and the
model environment's pins: an unchanged recipe costs nothing on the next run (in any worktree, and
in CI when it keeps the cache folder), a changed one is made again. A model is made in a scratch
folder and renamed into place when complete, under a lock, so an interrupted or concurrent run
never leaves or uses a half-made one. How long making took is reported (`report`).

Sizes and times measured here (2 cores): Whisper 2.8 MB in ~25 s, Qwen2-VL 1.2 MB in ~25 s, plus
~2 min once for the environment.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Callable

from support import model_venv

RECIPES = Path(__file__).resolve().parent / "model_recipes"
MODELS = ("tiny_whisper", "tiny_qwen2_vl")


class ModelError(RuntimeError):
    """A recipe failed; the message holds its output."""


def recipe_hash(name: str) -> str:
    text = (RECIPES / f"{name}.py").read_bytes()
    return hashlib.sha256(text + model_venv.pins_hash().encode()).hexdigest()[:16]


def model_dir(name: str) -> Path:
    return model_venv.cache_root() / "models" / f"{name}-{recipe_hash(name)}"


def tiny_model_dir(name: str, report: Callable[[str], None] = print) -> Path:
    """The folder of model `name` (one of MODELS), made first when it is not cached."""
    if name not in MODELS:
        raise ValueError(f"unknown tiny model {name!r}; known: {', '.join(MODELS)}")
    final = model_dir(name)
    if final.is_dir():
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    with open(final.parent / f"{final.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if final.is_dir():
            return final
        python = model_venv.ensure(report)
        scratch = final.parent / f"{final.name}.partial"
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir()
        start = time.monotonic()
        env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TQDM_DISABLE="1",
                   HF_HUB_DISABLE_PROGRESS_BARS="1", TRANSFORMERS_VERBOSITY="error", PYTHONWARNINGS="ignore")
        env.pop("LD_LIBRARY_PATH", None)  # the model environment's wheels find their own libraries
        env.pop("PYTHONPATH", None)
        completed = subprocess.run([str(python), str(RECIPES / f"{name}.py"), str(scratch / "model")],
                                   capture_output=True, text=True, env=env, timeout=900)
        if completed.returncode != 0:
            raise ModelError(f"{name} recipe failed ({completed.returncode}):\n"
                             f"{completed.stdout[-3000:]}\n{completed.stderr[-6000:]}")
        os.rename(scratch / "model", final)
        shutil.rmtree(scratch, ignore_errors=True)
        size = sum(p.stat().st_size for p in final.rglob("*") if p.is_file())
        report(f"{name}: made {final} ({size / 1e6:.1f} MB) in {time.monotonic() - start:.0f} s")
    return final
