"""The cffi shim and the official `openvino_genai` package in one process, against the real GenAI C
library (OPENVINO_GENAI_DIR): whichever is imported first, both create pipelines and give the same
greedy text. Skipped without an install.

Before: with `openvino_genai` imported first, every shim pipeline creation failed with UNKNOWN_EXCEPTION
(-17). The C library binds by soname to the libopenvino_genai already in the process (the wheel's copy),
which looks for the tokenizers library beside its own file, where the wheel has none; the official package
points OPENVINO_TOKENIZERS_PATH_GENAI at it only during its own calls. The runtime now points the variable
at the tokenizers library beside the loaded C library (genai.toml [companions]).

The child gets only what a user sets (OPENVINO_GENAI_DIR; no LD_LIBRARY_PATH, no tokenizers variable)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from support import real_genai
from support.tiny_model import make_tiny_gguf

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.real_genai

_CHILD = r"""
import json, os, sys
order, model = sys.argv[1:3]
def official():
    import openvino_genai
    pipe = openvino_genai.LLMPipeline(model, "CPU", INFERENCE_PRECISION_HINT="f32")
    return str(pipe.generate("Hello", max_new_tokens=12))
def shim():
    import openvino_genai_cffi as g
    pipe = g.LLMPipeline(model, "CPU", INFERENCE_PRECISION_HINT="f32")
    cfg = pipe.get_generation_config()
    cfg.max_new_tokens = 12
    return str(pipe.generate("Hello", cfg))
out = {}
for name in order.split(","):
    out[name] = official() if name == "official" else shim()
out["variable"] = os.environ.get("OPENVINO_TOKENIZERS_PATH_GENAI")
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def install() -> real_genai.GenAIInstall:
    install = real_genai.install_or_skip()
    real_genai.same_release_as_reference_or_skip(install, 'the shim and Python openvino_genai share a process, which needs one GenAI release')
    return install


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_gguf(tmp_path_factory.mktemp("tiny") / "model.gguf")


@pytest.mark.parametrize("order", ["official,shim", "shim,official"])
def test_shim_and_official_package_in_one_process(install: real_genai.GenAIInstall, model: Path, order: str) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("LD_LIBRARY_PATH", "OPENVINO_TOKENIZERS_PATH_GENAI", "PYTHONPATH")}
    env["OPENVINO_GENAI_DIR"] = str(install.root)
    proc = subprocess.run([sys.executable, "-c", _CHILD, order, str(model)], env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.splitlines()[-1])
    assert out["shim"], "the shim generated no text"
    assert out["shim"] == out["official"]


def test_shim_after_the_official_package_freed_its_pipeline(install: real_genai.GenAIInstall, model: Path) -> None:
    # The official package's last pipeline gone (its tokenizers library unloaded with it), then a shim
    # pipeline made and freed: with the tokenizers library beside the C library (a second copy) this
    # crashed with SIGSEGV in the free.
    code = ("import gc, sys, openvino_genai\n"
            "p = openvino_genai.LLMPipeline(sys.argv[1], 'CPU'); del p; gc.collect()\n"
            "import openvino_genai_cffi as g\n"
            "q = g.LLMPipeline(sys.argv[1], 'CPU'); q.close(); print('freed')\n")
    env = {k: v for k, v in os.environ.items()
           if k not in ("LD_LIBRARY_PATH", "OPENVINO_TOKENIZERS_PATH_GENAI", "PYTHONPATH")}
    env["OPENVINO_GENAI_DIR"] = str(install.root)
    proc = subprocess.run([sys.executable, "-c", code, str(model)], env=env, capture_output=True, text=True,
                          timeout=300)
    assert (proc.returncode, proc.stdout) == (0, "freed\n"), proc.stderr[-3000:]
