"""The C samples (c_samples/): built with CMake and run against the test double, and against a
real install when OPENVINO_GENAI_DIR is set (the same sources, unchanged)."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import require_tool
from support import double
from support.c_driver import build_c_samples, run_scenario

SCENARIOS = Path(__file__).parent / "scenarios"


@pytest.fixture(scope="module")
def double_library() -> Path:
    return double.build_double()


@pytest.fixture(scope="module")
def samples(double_library) -> Path:
    require_tool("cmake")
    return build_c_samples(double_library)


@pytest.fixture(scope="module")
def env(double_library) -> dict[str, str]:
    return double.environment(double_library)


def run(samples: Path, env, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([str(samples / args[0]), *args[1:]], input=stdin.encode(), capture_output=True,
                          env=env, timeout=120)


def test_samples_build_with_warnings_as_errors(samples):
    for target in ("scenario_runner", "chat_sample", "greedy_causal_lm"):
        assert (samples / target).is_file()


def test_greedy_causal_lm_streams_a_deterministic_answer(samples, env, tmp_path):
    first = run(samples, env, "greedy_causal_lm", str(tmp_path), "Why is the sky blue? 世界")
    assert first.returncode == 0, first.stderr
    text = first.stdout.decode("utf-8")
    assert text.endswith("\n") and len(text.strip()) > 0
    again = run(samples, env, "greedy_causal_lm", str(tmp_path), "Why is the sky blue? 世界")
    assert again.stdout == first.stdout
    other = run(samples, env, "greedy_causal_lm", str(tmp_path), "Something else")
    assert other.stdout != first.stdout


def test_greedy_causal_lm_reports_a_missing_model(samples, env, tmp_path):
    result = run(samples, env, "greedy_causal_lm", str(tmp_path / "missing"), "hi")
    assert result.returncode == 1
    assert b"creating the pipeline failed with status -17" in result.stderr
    usage = run(samples, env, "greedy_causal_lm")
    assert usage.returncode == 1 and b"usage" in usage.stderr


def chat_answers(output: bytes) -> list[str]:
    """The answers chat_sample printed: each follows a "question:" prompt and ends at the separator."""
    text = output.decode("utf-8")
    assert text.startswith("question:\n")
    return [part.split("\n----------\n")[0] for part in text.split("question:\n")[1:-1]]


def test_chat_sample_keeps_the_conversation(samples, env, tmp_path):
    result = run(samples, env, "chat_sample", str(tmp_path), stdin="What is OpenVINO?\n\nTell me more.\n")
    assert result.returncode == 0, result.stderr
    first, second = chat_answers(result.stdout)  # the empty line was skipped
    assert first.strip() and second.strip()
    # The second answer depends on the first turn: a chat with only the second question differs.
    alone = run(samples, env, "chat_sample", str(tmp_path), stdin="Tell me more.\n")
    assert chat_answers(alone.stdout) != [second]


def test_scenario_runner_transcript(samples, env, tmp_path):
    transcript = run_scenario(SCENARIOS / "stop_after_3.json", tmp_path, env)
    assert transcript["scenario"] == "stop_after_3" and transcript["language"] == "c"
    turn = transcript["turns"][0]
    assert turn["statuses"][2] == "STOP" and len(turn["chunks"]) in (3, 4)
    assert turn["text"] == "".join(turn["chunks"]) and transcript["live_objects"] == 0
    assert set(turn["callback_threads"]) == {"caller"}


def test_scenario_runner_bench_mode(samples, env, tmp_path):
    scenario = json.loads((SCENARIOS / "bench_streaming.json").read_text(encoding="utf-8"))
    scenario["config"]["max_new_tokens"] = 5000
    path = tmp_path / "bench_small.json"
    path.write_text(json.dumps(scenario), encoding="utf-8")
    figures = run_scenario(path, tmp_path, env)
    assert set(figures) == {"scenario", "language", "chunks", "seconds"}
    assert 1000 < figures["chunks"] <= 5000 and figures["seconds"] > 0


def test_scenario_runner_rejects_bad_input(samples, env, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    result = run(samples, env, "scenario_runner", str(bad), str(tmp_path))
    assert result.returncode == 2 and b"not a JSON object" in result.stderr
    result = run(samples, env, "scenario_runner", str(tmp_path / "missing.json"), str(tmp_path))
    assert result.returncode == 2 and b"cannot open" in result.stderr


def test_samples_build_against_a_real_install(genai_dir):
    from support import real_genai

    install = real_genai.install_or_skip()
    if install.include_dir is None:
        pytest.skip(f"{install.root} has no include/openvino/genai/c headers")
    require_tool("cmake")
    build = build_c_samples(install.library, install.include_dir)
    result = subprocess.run([str(build / "greedy_causal_lm"), "/no/such/model", "hi"], capture_output=True,
                            env=install.environment(), timeout=120)
    assert result.returncode == 1 and b"status -17" in result.stderr
