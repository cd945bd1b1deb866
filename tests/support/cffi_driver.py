"""Scenario driver for the cffi shim (python/openvino_genai_cffi), ABI and API mode (tests/scenarios/SPEC.md).

`DRIVERS["cffi-abi"]` / `DRIVERS["cffi-api"]`: (scenario file, model path, environment) -> transcript.
Each run is a child process (`python cffi_driver.py MODE SCENARIO MODEL`) started with the given
environment, so the library named by GENAI_INTEROP_LIBRARY (the double or the real one) is the only
one in that process and its environment (LD_LIBRARY_PATH, tokenizers path) applies from the start.
"""
from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Mapping, Optional

REPO = Path(__file__).resolve().parents[2]
DOUBLE_INCLUDE = REPO / "tests" / "double" / "include"
DOUBLE_BUILD = REPO / "build" / "double"
API_BUILD_DIR = REPO / "build" / "cffi"
LIBRARY_ENV = "GENAI_INTEROP_LIBRARY"
# Keys of `config`, in the order SPEC.md sets them.
CONFIG_ORDER = ("max_new_tokens", "ignore_eos", "min_new_tokens", "stop_strings", "include_stop_str_in_output",
                "stop_token_ids", "temperature", "do_sample", "rng_seed")
TIMEOUT = 300


class DriverError(RuntimeError):
    """The driver itself could not run (not a scenario outcome)."""


def run_driver(mode: str, scenario: Path, model: Path, env: Mapping[str, str]) -> dict[str, Any]:
    child_env = dict(env)
    child_env["PYTHONPATH"] = os.pathsep.join([str(REPO / "python"), str(REPO)] +
                                              ([child_env["PYTHONPATH"]] if child_env.get("PYTHONPATH") else []))
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), mode, str(scenario), str(model)],
                          env=child_env, capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT)
    if proc.returncode != 0:
        raise DriverError(f"cffi-{mode} driver failed ({proc.returncode}) on {scenario.name}:\n{proc.stderr[-4000:]}")
    try:
        transcript: dict[str, Any] = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise DriverError(f"cffi-{mode} driver printed no JSON for {scenario.name}: {proc.stdout[-2000:]!r}") from exc
    return transcript


def _driver(mode: str) -> Callable[[Path, Path, dict], dict]:
    def drive(scenario: Path, model: Path, env: dict) -> dict:
        return run_driver(mode, Path(scenario), Path(model), env)

    drive.__name__ = f"cffi_{mode}_driver"
    return drive


DRIVERS: dict[str, Callable[[Path, Path, dict], dict]] = {"cffi-abi": _driver("abi"), "cffi-api": _driver("api")}


# -- the child process --

def _load(mode: str) -> tuple[Any, Path]:
    import openvino_genai_cffi as g

    library = os.environ.get(LIBRARY_ENV)
    if not library:
        raise DriverError(f"{LIBRARY_ENV} is not set")
    path = Path(library)
    include_dirs = None
    if DOUBLE_BUILD in path.resolve().parents:
        include_dirs = [DOUBLE_INCLUDE]  # the double is built from our generated headers
    g.load(path, mode=mode, include_dirs=include_dirs, build_dir=API_BUILD_DIR)
    return g, path


def _live_objects(path: Path) -> Optional[int]:
    import ctypes

    library = ctypes.CDLL(str(path))
    counter = getattr(library, "genai_double_live_objects", None)
    if counter is None:
        return None
    counter.restype = ctypes.c_int64
    return int(counter())


def _set_config(g: Any, cfg: Any, values: Mapping[str, Any]) -> None:
    for key in CONFIG_ORDER:
        if key not in values:
            continue
        setattr(cfg, key, values[key])  # array values (stop_strings, ...) are properties too


def _status_name(exc: Any) -> str:
    return exc.status_name or str(int(exc.status))


def scenario_transcript(mode: str, scenario_path: Path, model: Path) -> dict[str, Any]:
    g, library = _load(mode)
    scenario = json.loads(scenario_path.read_text(encoding="utf-8"))
    pipeline = scenario.get("pipeline", {})
    model_path = str(model) + pipeline.get("model_path_suffix", "")
    transcript: dict[str, Any] = {"scenario": scenario["name"], "language": f"cffi-{mode}", "create_status": "OK",
                                  "turns": []}
    bench = scenario.get("bench")
    try:
        pipe = g.LLMPipeline(model_path, pipeline.get("device", "CPU"), dict(pipeline.get("properties", {})))
    except g.StatusError as exc:
        transcript["create_status"] = _status_name(exc)
        pipe = None
    if pipe is not None:
        with pipe:
            if "pipeline_config" in scenario:
                own = pipe.get_generation_config()
                _set_config(g, own, scenario["pipeline_config"])
                pipe.set_generation_config(own)
            cfg = None
            if scenario.get("config") is not None:
                cfg = g.GenerationConfig()
                _set_config(g, cfg, scenario["config"])
            if bench is not None:
                return _bench(pipe, cfg, scenario, mode)
            if scenario.get("chat"):
                pipe.start_chat()
            for index, prompt in enumerate(scenario["turns"]):
                transcript["turns"].append(_turn(g, pipe, cfg, prompt, index, scenario.get("policy", {})))
            if scenario.get("chat"):
                pipe.finish_chat()
    gc.collect()
    transcript["live_objects"] = _live_objects(library)
    return transcript


def _turn(g: Any, pipe: Any, cfg: Any, prompt: str, index: int, policy: Mapping[str, Any]) -> dict[str, Any]:
    applies = "turns" not in policy or index in policy["turns"]
    action = policy.get("action", "run") if applies else "run"
    after = int(policy.get("after", 0))
    caller = threading.get_ident()
    chunks: list[str] = []
    statuses: list[str] = []
    threads: list[str] = []

    def on_chunk(chunk: str) -> Any:
        chunks.append(chunk)
        threads.append("caller" if threading.get_ident() == caller else "worker")
        if len(chunks) == after and action in ("stop", "cancel", "throw"):
            if action == "throw":
                statuses.append("THROW")
                raise RuntimeError(policy.get("message", "user error"))
            statuses.append(action.upper())
            return g.StreamingStatus.STOP if action == "stop" else g.StreamingStatus.CANCEL
        statuses.append("RUNNING")
        return g.StreamingStatus.RUNNING

    turn: dict[str, Any] = {"prompt": prompt, "chunks": chunks, "statuses": statuses, "callback_threads": threads,
                            "text": None, "status": "OK", "error": None, "num_generated_tokens": None}
    try:
        results = pipe.generate([prompt], cfg, streamer=on_chunk)
    except g.StatusError as exc:
        turn["status"] = _status_name(exc)
    except g.InvalidValueError:
        turn["status"] = "INVALID_CONFIG"
    except RuntimeError as exc:
        turn["status"], turn["error"] = "USER_ERROR", str(exc)
    else:
        turn["text"] = str(results)
        turn["num_generated_tokens"] = results.perf_metrics.get_num_generated_tokens()
    return turn


def _bench(pipe: Any, cfg: Any, scenario: Mapping[str, Any], mode: str) -> dict[str, Any]:
    calls = 0

    def count(chunk: str) -> None:
        nonlocal calls
        calls += 1

    start = time.perf_counter()
    results = pipe.generate([scenario["turns"][0]], cfg, streamer=count)
    seconds = time.perf_counter() - start
    del results
    return {"scenario": scenario["name"], "language": f"cffi-{mode}", "chunks": calls, "seconds": seconds}


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] not in ("abi", "api"):
        print("usage: cffi_driver.py abi|api SCENARIO.json MODEL_PATH", file=sys.stderr)
        return 2
    sys.path[:0] = [str(REPO / "python"), str(REPO)]
    transcript = scenario_transcript(argv[0], Path(argv[1]), Path(argv[2]))
    sys.stdout.write(json.dumps(transcript, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
