"""benchmark_genai in Python (python/samples/benchmark_genai.py) and C# (csharp/samples/BenchmarkGenAI) on the
real GenAI C library (OPENVINO_GENAI_DIR) and the tiny GGUF: the options and the output lines of upstream's
benchmark_genai_c (timings differ from run to run, so their shape and sense are checked), on Mono and
CoreCLR too; bad options exit 1 with a message. Skipped, saying why, without OPENVINO_GENAI_DIR."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from support import dotnet, real_genai
from support.tiny_model import make_tiny_gguf

pytestmark = pytest.mark.real_genai

REPO = Path(__file__).resolve().parent.parent
PYTHON_SAMPLE = REPO / "python" / "samples" / "benchmark_genai.py"
CSHARP_SAMPLE = REPO / "csharp" / "samples" / "BenchmarkGenAI" / "BenchmarkGenAI.cs"
RUNTIMES = ["python", "mono", "coreclr"]
NUMBER = r"(\d+\.\d\d)"


@pytest.fixture(scope="module")
def install() -> real_genai.GenAIInstall:
    return real_genai.install_or_skip()


@pytest.fixture(scope="module")
def model(install: real_genai.GenAIInstall, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_gguf(tmp_path_factory.mktemp("tiny") / "tiny.gguf")


@pytest.fixture(scope="module")
def csharp_sample(install: real_genai.GenAIInstall, dotnet_toolchain: None) -> Path:
    library = dotnet.build_library()
    return dotnet.build_exe([CSHARP_SAMPLE], [library], library.parent / "BenchmarkGenAI.exe")


def run(runtime: str, install: real_genai.GenAIInstall, sample: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    if runtime == "python":
        env = install.environment()
        env["PYTHONPATH"] = str(REPO / "python")
        return subprocess.run([sys.executable, str(PYTHON_SAMPLE), *args], capture_output=True, text=True, env=env,
                              timeout=600)
    return dotnet.RUNNERS[runtime](sample, args, dotnet.native_env(install.library, install.environment()))


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_prints_what_benchmark_genai_c_prints(runtime: str, install: real_genai.GenAIInstall, csharp_sample: Path,
                                              model: Path) -> None:
    completed = run(runtime, install, csharp_sample, ["-m", str(model), "-p", "Hello world", "--nw", "1", "-n", "3",
                                                      "--mt", "16"])
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert lines[:6] == [f"Model: {model}", "Prompt: Hello world", "Num Warmup: 1", "Num Iter: 3",
                         "Max New Tokens: 16", "Device: CPU"]
    patterns = [rf"{NUMBER} ms", rf"Generate time: {NUMBER} ± {NUMBER} ms", rf"Tokenization time: {NUMBER} ± {NUMBER} ms",
                rf"Detokenization time: {NUMBER} ± {NUMBER} ms", rf"TTFT: {NUMBER} ± {NUMBER} ms",
                rf"TPOT: {NUMBER} ± {NUMBER} ms/token", rf"Throughput: {NUMBER} ± {NUMBER} tokens/s"]
    assert len(lines) == 6 + len(patterns), completed.stdout
    values = []
    for line, pattern in zip(lines[6:], patterns):
        match = re.fullmatch(pattern, line)
        assert match, (line, pattern)
        values.append([float(v) for v in match.groups()])
    load, generate, _, _, ttft, tpot, throughput = values
    assert load[0] > 0 and generate[0] > 0 and throughput[0] > 0
    assert ttft[0] <= generate[0] and tpot[0] < generate[0]


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_options(runtime: str, install: real_genai.GenAIInstall, csharp_sample: Path, model: Path) -> None:
    help_ = run(runtime, install, csharp_sample, ["--help"])
    assert help_.returncode == 0 and help_.stdout.startswith("Usage: benchmark_genai [OPTIONS]\n"), help_.stderr
    assert "--max_new_tokens" in help_.stdout
    for args, message in ((["-x"], "Error: Unknown option -x"), (["-m"], "Error: --model requires an argument"),
                          (["-m", str(model), "-n", "two"], "whole number"), ([], "Error: --model is required"),
                          (["-m", str(model) + ".missing"], "Error: ")):
        completed = run(runtime, install, csharp_sample, args)
        assert completed.returncode == 1, (args, completed.stdout, completed.stderr)
        assert message in completed.stderr, (args, completed.stderr)
        assert "Traceback" not in completed.stderr and "Unhandled" not in completed.stderr
