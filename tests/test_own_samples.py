"""Our own copies of the scenarios of upstream's covered Python samples (python/samples/greedy_causal_lm.py,
chat_sample.py, beam_search_causal_lm.py, prompt_lookup_decoding_lm.py: our code, written against the shim
as upstream's are against openvino_genai), issue 11 point 1. They run always, unlike
tests/test_upstream_samples.py, which needs the upstream mirror:

- against the native test double: each prints what its scenario should (a chat of two turns, the first
  answer equal to the greedy answer to the same prompt, prompt lookup equal to greedy);
- against the real library (OPENVINO_GENAI_DIR): each prints exactly what the same script prints with its
  import switched to the official `openvino_genai` (INFERENCE_PRECISION_HINT=f32 on both, through the
  scripts' --property), byte for byte.
"""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from support import dotnet, real_genai
from support.double import build_double
from support.tiny_model import make_tiny_gguf

REPO = Path(__file__).resolve().parent.parent
OWN = REPO / "python" / "samples"
CSHARP_SAMPLES = REPO / "csharp" / "samples"
# The C# port of each scenario (csharp/samples/<name>/<name>.cs, with the shared SampleOptions.cs).
CSHARP_PORTS = {
    "greedy_causal_lm": "GreedyCausalLM",
    "chat_sample": "ChatHistorySample",
    "beam_search_causal_lm": "BeamSearchCausalLM",
    "prompt_lookup_decoding_lm": "PromptLookupDecodingLM",
}
SHIM_IMPORT = "import openvino_genai_cffi as openvino_genai\n"
OFFICIAL_IMPORT = "import openvino_genai\n"
F32 = ("--property", "INFERENCE_PRECISION_HINT=f32")
PROMPT = "Hello world"
QUESTIONS = f"{PROMPT}\nWhat is OpenVINO?\n"


@dataclass(frozen=True)
class Scenario:
    name: str
    args: tuple[str, ...]
    stdin: str = ""
    known_gap: str = ""   # strict xfail until the shim can run it
    double_gap: str = ""  # the same, for the double only (when it differs)


SCENARIOS = (
    Scenario("greedy_causal_lm", (PROMPT,)),
    Scenario("chat_sample", (), QUESTIONS),
    Scenario("beam_search_causal_lm", ("Hello", "The fox")),
    Scenario("prompt_lookup_decoding_lm", (PROMPT,)),
)


def _params(real: bool) -> list[object]:
    params: list[object] = []
    for s in SCENARIOS:
        gap = s.known_gap or ("" if real else s.double_gap)
        params.append(pytest.param(s, id=s.name, marks=[pytest.mark.xfail(strict=True, reason=gap)] if gap else []))
    return params


def run_script(script: Path, args: list[str], stdin: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(script), *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=600)


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "PYTHONPATH")}


def test_the_scripts_import_only_the_shim() -> None:
    """Each script imports the GenAI package in exactly one line, the one the real-library test switches."""
    for scenario in SCENARIOS:
        text = (OWN / f"{scenario.name}.py").read_text(encoding="utf-8")
        assert text.count(SHIM_IMPORT) == 1 and text.count("openvino_genai_cffi") == 1, scenario.name


# -- against the double --

@pytest.fixture(scope="module")
def double_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return dotnet.native_env(build_double(), _clean_env())


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("model")  # the double takes any existing path


def _double_run(name: str, args: tuple[str, ...], stdin: str, env: dict[str, str], model: Path) -> str:
    completed = run_script(OWN / f"{name}.py", [str(model), *args], stdin, env)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert completed.stdout.strip(), completed.stderr[-3000:]
    return completed.stdout


@pytest.mark.parametrize("scenario", _params(real=False))
def test_own_sample_on_the_double(scenario: Scenario, double_env: dict[str, str], model_dir: Path) -> None:
    out = _double_run(scenario.name, scenario.args, scenario.stdin, double_env, model_dir)
    if scenario.name == "chat_sample":
        turns = out.split("\n----------\n")
        assert out.startswith("question:\n") and len(turns) == 3 and turns[-1] == "question:\n", out
        answers = [turn.split("question:\n", 1)[1] for turn in turns[:-1]]
        assert answers[0] and answers[1] and answers[0] != answers[1], answers
        # A one-message history is rendered as a plain prompt is: the first answer is the greedy one.
        greedy = _double_run("greedy_causal_lm", (PROMPT,), "", double_env, model_dir)
        assert greedy == answers[0] + "\n"
    elif scenario.name == "prompt_lookup_decoding_lm":
        # Prompt lookup only proposes tokens that greedy decoding then accepts or rejects: the same text.
        assert out == _double_run("greedy_causal_lm", (PROMPT,), "", double_env, model_dir)
    else:
        assert out.endswith("\n") and not out.startswith("<"), out


# -- against the real library, compared with the official package --

@pytest.fixture(scope="module")
def install() -> real_genai.GenAIInstall:
    return real_genai.install_or_skip()


@pytest.fixture(scope="module")
def tiny_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_gguf(tmp_path_factory.mktemp("tiny") / "tiny.gguf")


def official_copy(name: str, folder: Path) -> Path:
    """The script with its one import switched to the official package (our own text, so the copy may be
    made anywhere)."""
    text = (OWN / f"{name}.py").read_text(encoding="utf-8")
    script = folder / f"{name}.py"
    script.write_text(text.replace(SHIM_IMPORT, OFFICIAL_IMPORT), encoding="utf-8")
    return script


@pytest.mark.real_genai
@pytest.mark.parametrize("scenario", _params(real=True))
def test_own_sample_prints_what_the_official_package_prints(scenario: Scenario, install: real_genai.GenAIInstall,
                                                           tiny_gguf: Path, tmp_path: Path) -> None:
    args = [str(tiny_gguf), *scenario.args, *F32]
    official = run_script(official_copy(scenario.name, tmp_path), args, scenario.stdin, _clean_env())
    assert official.returncode == 0, official.stderr[-3000:]
    assert official.stdout.strip()
    env = _clean_env()
    env[real_genai.ENV_VAR] = str(install.root)
    shim = run_script(OWN / f"{scenario.name}.py", args, scenario.stdin, env)
    assert shim.returncode == 0, shim.stderr[-3000:]
    assert shim.stdout == official.stdout, shim.stderr[-2000:]


def test_the_scripts_are_clean_under_mypy_strict(tmp_path: Path) -> None:
    """The shim's type hints accept upstream-style use: the scripts type-check under mypy --strict."""
    from test_cffi_typing import run_mypy

    result = run_mypy(tmp_path, *(str(OWN / f"{s.name}.py") for s in SCENARIOS))
    assert result.returncode == 0, result.stdout + result.stderr


# -- the C# ports: the same output as the Python copies, byte for byte --

@pytest.fixture(scope="module")
def csharp_ports(dotnet_toolchain: None) -> dict[str, Path]:
    library = dotnet.build_library()
    return {name: dotnet.build_exe([CSHARP_SAMPLES / port / f"{port}.cs", CSHARP_SAMPLES / "SampleOptions.cs"], [library],
                                   library.parent / f"{port}.exe")
            for name, port in CSHARP_PORTS.items()}


def _port_params() -> list[object]:
    params: list[object] = []
    for s in SCENARIOS:
        for runtime in ("mono", "coreclr"):
            gap = s.known_gap or s.double_gap
            marks = [pytest.mark.xfail(strict=True, reason="the Python copy it is compared with: " + gap)] if gap else []
            params.append(pytest.param(s, runtime, id=f"{s.name}-{runtime}", marks=marks))
    return params


@pytest.mark.parametrize("scenario,runtime", _port_params())
def test_csharp_port_on_the_double_prints_what_the_python_copy_prints(
        scenario: Scenario, runtime: str, csharp_ports: dict[str, Path], double_env: dict[str, str], model_dir: Path) -> None:
    python = _double_run(scenario.name, scenario.args, scenario.stdin, double_env, model_dir)
    port = dotnet.RUNNERS[runtime](csharp_ports[scenario.name], [str(model_dir), *scenario.args], double_env,
                                   input=scenario.stdin)
    assert port.returncode == 0, port.stderr[-3000:]
    assert port.stdout == python


@pytest.mark.real_genai
@pytest.mark.parametrize("runtime", ["mono", "coreclr"])
@pytest.mark.parametrize("scenario", [pytest.param(s, id=s.name) for s in SCENARIOS])
def test_csharp_port_prints_what_the_official_package_prints(
        scenario: Scenario, runtime: str, install: real_genai.GenAIInstall, csharp_ports: dict[str, Path],
        tiny_gguf: Path, tmp_path: Path) -> None:
    args = [str(tiny_gguf), *scenario.args, *F32]
    official = run_script(official_copy(scenario.name, tmp_path), args, scenario.stdin, _clean_env())
    assert official.returncode == 0, official.stderr[-3000:]
    env = dotnet.native_env(install.library, install.environment(_clean_env()))
    port = dotnet.RUNNERS[runtime](csharp_ports[scenario.name], args, env, input=scenario.stdin)
    assert port.returncode == 0, port.stderr[-3000:]
    assert port.stdout == official.stdout
