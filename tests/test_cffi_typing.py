"""The generated cffi package type-checks under `mypy --strict`, and its hints catch misuse."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE_DIR = REPO / "python"

# cffi ships no type information: its modules are Any to mypy; everything else is strict.
MYPY_CONFIG = """
[mypy]
strict = True
python_version = 3.11
cache_dir = {cache}
[mypy-cffi.*]
ignore_missing_imports = True
[mypy-_cffi_backend]
ignore_missing_imports = True
"""

GOOD_USAGE = '''
from pathlib import Path
from typing import List, Optional, Union
import openvino_genai_cffi as g

def chat(model: Path) -> List[str]:
    texts: List[str] = []
    cfg = g.GenerationConfig()
    with g.LLMPipeline(model, "CPU", {"ATTENTION_BACKEND": "SDPA"}, NUM_STREAMS=1) as pipe:
        cfg.max_new_tokens = 20
        cfg.stop_strings = {"\\n"}
        cfg.stop_criteria = g.StopCriteria.NEVER
        pipe.start_chat()
        results = pipe.generate(["Hello"], cfg, streamer=lambda chunk: print(chunk, end=""))
        texts.append(str(results))
        # A str prompt gives the text itself for one sequence (as openvino_genai), else the results.
        plain: Union[str, g.DecodedResults] = pipe.generate("Hello", cfg)
        history: g.DecodedResults = pipe.generate(g.ChatHistory([{"role": "user", "content": "Hi"}]), cfg)
        first: List[str] = results.texts
        scores: List[float] = results.scores
        metrics: g.PerfMetrics = results.perf_metrics
        mean: float = metrics.get_ttft().mean
        tokens: int = metrics.get_num_generated_tokens()
        total: g.PerfMetrics = metrics + metrics
        stream: g.Stream[g.DecodedResults] = pipe.stream("More", cfg)
        for chunk in stream:
            texts.append(chunk)
        final: Optional[g.DecodedResults] = stream.results
        pipe.finish_chat()
    try:
        g.JsonContainer.from_json_string("{}")
    except g.JsonContainerStatusError as exc:
        name: Optional[str] = exc.status_name
    return texts
'''

BAD_USAGE = '''
import openvino_genai_cffi as g
pipe = g.LLMPipeline("model", "CPU")
pipe.generate(42, g.GenerationConfig())
cfg = g.GenerationConfig()
cfg.max_new_tokens = "many"
text: int = pipe.generate(["x"]).texts
'''


def run_mypy(tmp_path: Path, *targets: str) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("mypy")
    config = tmp_path / "mypy.ini"
    config.write_text(MYPY_CONFIG.format(cache=tmp_path / "cache"))
    return subprocess.run([sys.executable, "-m", "mypy", "--config-file", str(config), *targets],
                          cwd=PACKAGE_DIR, capture_output=True, text=True, timeout=600)


def test_package_is_clean_under_mypy_strict(tmp_path: Path) -> None:
    good = tmp_path / "good_usage.py"
    good.write_text(GOOD_USAGE)
    result = run_mypy(tmp_path, "genai_interop_runtime", "openvino_genai_cffi", "openvino_cffi", str(good))
    assert result.returncode == 0, result.stdout + result.stderr


def test_hints_catch_misuse(tmp_path: Path) -> None:
    bad = tmp_path / "bad_usage.py"
    bad.write_text(BAD_USAGE)
    result = run_mypy(tmp_path, str(bad))
    assert result.returncode == 1
    assert 'No overload variant of "generate" of "LLMPipeline" matches argument types "int", "GenerationConfig"' \
        in result.stdout
    assert 'Incompatible types in assignment (expression has type "list[str]", variable has type "int")' in result.stdout
    assert result.stdout.count("error:") == 3, result.stdout


# What a user of the official openvino_genai writes, with only the import changed, type-checked from the
# user's own folder with nothing but the venv's mypy (no config, no MYPYPATH): the packages installed by
# scripts/setup.sh must be visible to mypy there, and a StreamerBase subclass is a streamer to the hints too.
USER_SCRIPT = '''
from typing import List, Optional
import openvino_genai_cffi as ov


class Printer(ov.StreamerBase):
    def write(self, token: str) -> ov.StreamingStatus:
        print(token, end="")
        return ov.StreamingStatus.RUNNING

    def end(self) -> None:
        print()


def on_text(text: str) -> Optional[bool]:
    return None


pipe = ov.LLMPipeline("model", "CPU", INFERENCE_PRECISION_HINT="f32")
cfg = pipe.get_generation_config()
cfg.max_new_tokens = 10
cfg.stop_strings = {"x"}
pipe.generate("Hi", cfg, Printer())
pipe.generate("Hi", cfg, streamer=on_text)
pipe.generate("Hi", streamer=lambda t: ov.StreamingStatus.STOP, max_new_tokens=3)
results = pipe.generate(["a", "b"], cfg)
texts: List[str] = results.texts
ttft: float = results.perf_metrics.get_ttft().mean
try:
    pipe.generate("x")
except RuntimeError as exc:
    print(exc)
reveal_type(ov.StreamingStatus.STOP)
'''


def test_a_user_script_outside_the_checkout_type_checks_against_the_installed_shim(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    script = tmp_path / "app.py"
    script.write_text(USER_SCRIPT)
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"),
                             "app.py"], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert "import-not-found" not in result.stdout, ("mypy run from a user's folder does not see the installed "
                                                     "shim (run scripts/setup.sh): " + result.stdout)
    assert "openvino_genai_cffi._enums.StreamingStatus" in result.stdout, result.stdout  # real types, not Any
    assert result.returncode == 0, result.stdout + result.stderr
