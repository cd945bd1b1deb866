"""C# scenario drivers for pytest (tests/scenarios/SPEC.md).

- `csharp-mono` / `csharp-coreclr`: csharp/tests/ScenarioDriver (C#) built with mcs and run on Mono
  or on the .NET 8 runtime;
- `csharp-pythonnet`: a Python program in a child process that hosts CoreCLR through pythonnet and
  drives the same C# API directly: Python callbacks wrapped in `Func<string, StreamingStatus>`,
  Python exceptions crossing the native call and coming back.

Each takes (scenario file, model path, environment naming the library in GENAI_INTEROP_LIBRARY)
and returns the parsed transcript.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable, Mapping, Optional

from support import dotnet

REPO = Path(__file__).resolve().parents[2]
DRIVER_SOURCES = REPO / "csharp" / "tests" / "ScenarioDriver"
LIBRARY_ENV = "GENAI_INTEROP_LIBRARY"


class DriverError(RuntimeError):
    """The driver could not produce a transcript (build failure, crash, bad output)."""


def build_driver() -> Path:
    dll = dotnet.build_library()
    return dotnet.build_exe(sorted(DRIVER_SOURCES.glob("*.cs")), [dll], dll.parent / "ScenarioDriver.exe")


def _env(env: Mapping[str, str]) -> dict[str, str]:
    library = env.get(LIBRARY_ENV)
    if not library:
        raise DriverError(f"the environment must name the library under test in {LIBRARY_ENV}")
    return dotnet.native_env(Path(library), env)


def _parse(output: str, stderr: str, code: int, what: str) -> dict:
    if code != 0:
        raise DriverError(f"{what} failed ({code}):\n{stderr[-4000:]}")
    try:
        return json.loads(output)
    except json.JSONDecodeError as error:
        raise DriverError(f"{what} printed no JSON: {error}\n{output[:2000]}\n{stderr[-2000:]}")


def _runner(runtime: str) -> Callable[[Path, Path, dict], dict]:
    def run(scenario: Path, model: Path, env: dict) -> dict:
        exe = build_driver()
        completed = dotnet.RUNNERS[runtime](exe, [str(scenario), str(model)], _env(env), timeout=600)
        return _parse(completed.stdout, completed.stderr, completed.returncode, f"ScenarioDriver on {runtime} ({scenario.name})")
    return run


PYTHONNET_DRIVER = r"""
import ctypes, json, sys, threading, time
from System import Array, Func, GC, String, UInt64, Int64
from System.Collections.Generic import KeyValuePair, List
from OpenVINO.GenAI import GenAIException, GenerationConfig, LLMPipeline, NativeLibraryLoader, StreamingStatus
from OpenVINO.GenAI.Native import NativeMethods
from OpenVINO.Interop import InvalidValueException

CONFIG_KEYS = ["max_new_tokens", "ignore_eos", "min_new_tokens", "stop_strings", "include_stop_str_in_output",
               "stop_token_ids", "temperature", "do_sample", "rng_seed"]
NAMES = {StreamingStatus.Running: "RUNNING", StreamingStatus.Stop: "STOP", StreamingStatus.Cancel: "CANCEL"}


class UserError(Exception):
    pass


def apply(config, values):
    for key in CONFIG_KEYS:
        if key not in values:
            continue
        value = values[key]
        if key == "max_new_tokens": config.MaxNewTokens = int(value)
        elif key == "ignore_eos": config.IgnoreEos = value
        elif key == "min_new_tokens": config.MinNewTokens = int(value)
        elif key == "stop_strings": config.StopStrings = Array[String](value)
        elif key == "include_stop_str_in_output": config.IncludeStopStrInOutput = value
        elif key == "stop_token_ids": config.StopTokenIds = Array[Int64](value)
        elif key == "temperature": config.Temperature = float(value)
        elif key == "do_sample": config.DoSample = value
        elif key == "rng_seed": config.RngSeed = Int64(value)


def live_objects():
    try:
        address = NativeLibraryLoader.GetExport(NativeMethods.Library, "genai_double_live_objects")
    except Exception:
        return None
    count = ctypes.CFUNCTYPE(ctypes.c_int64)(address.ToInt64())
    # Results are plain values; the native metrics their PerfMetrics keep (for +) go when collected.
    for _ in range(20):
        if count() == 0:
            break
        GC.Collect()
        GC.WaitForPendingFinalizers()
    return count()


def turn(pipe, config, prompt, policy):
    chunks, statuses, threads = [], [], []
    action, after = policy.get("action", "run"), policy.get("after", 0)
    caller = threading.get_ident()
    calls = [0]

    def on_chunk(chunk):
        calls[0] += 1
        chunks.append(str(chunk))
        threads.append("caller" if threading.get_ident() == caller else "worker")
        if calls[0] == after and action == "throw":
            statuses.append("THROW")
            raise UserError(policy.get("message", "user error"))
        answer = StreamingStatus.Running
        if calls[0] == after and action == "stop": answer = StreamingStatus.Stop
        if calls[0] == after and action == "cancel": answer = StreamingStatus.Cancel
        statuses.append(NAMES[answer])
        return answer

    result = {"prompt": prompt}
    text = status = error = generated = None
    try:
        results = pipe.Generate(prompt, config, Func[String, StreamingStatus](on_chunk))
        text, generated, status = results.ToString(), int(results.PerfMetrics.NumGeneratedTokens), "OK"
        del results
    except UserError as e:
        status, error = "USER_ERROR", str(e)
    except GenAIException as e:
        status = e.StatusName
    except InvalidValueException:
        status = "INVALID_CONFIG"  # refused before the call
    result.update(chunks=chunks, statuses=statuses, callback_threads=threads, text=text, status=status,
                  error=error, num_generated_tokens=generated)
    return result


def main(scenario_path, model):
    scenario = json.load(open(scenario_path, encoding="utf-8"))
    out = {"scenario": scenario["name"], "language": "csharp-pythonnet"}
    pipeline = scenario.get("pipeline") or {}
    properties = List[KeyValuePair[String, String]]()
    for key, value in (pipeline.get("properties") or {}).items():
        properties.Add(KeyValuePair[String, String](key, value))
    try:
        pipe = LLMPipeline(model + pipeline.get("model_path_suffix", ""), pipeline.get("device", "CPU"), properties)
    except GenAIException as e:
        out.update(create_status=e.StatusName, turns=[], live_objects=live_objects())
        return out
    out["create_status"] = "OK"
    turns = []
    with pipe:
        if scenario.get("pipeline_config"):
            current = pipe.GetGenerationConfig()
            apply(current, scenario["pipeline_config"])
            pipe.SetGenerationConfig(current)
        config = None
        if scenario.get("config") is not None:
            config = GenerationConfig()
            apply(config, scenario["config"])
        if scenario.get("bench"):
            calls = [0]
            def count(chunk):
                calls[0] += 1
                return StreamingStatus.Running
            start = time.perf_counter()
            pipe.Generate(scenario["turns"][0], config, Func[String, StreamingStatus](count))
            return {"scenario": scenario["name"], "language": "csharp-pythonnet", "chunks": calls[0],
                    "seconds": time.perf_counter() - start}
        policy = scenario.get("policy") or {"action": "run"}
        if scenario.get("chat"):
            pipe.StartChat()
        for i, prompt in enumerate(scenario["turns"]):
            applies = "turns" not in policy or i in policy["turns"]
            turns.append(turn(pipe, config, prompt, policy if applies else {"action": "run"}))
        if scenario.get("chat"):
            pipe.FinishChat()
    out.update(turns=turns, live_objects=live_objects())
    return out


sys.stdout.reconfigure(encoding="utf-8")
print(json.dumps(main(sys.argv[1], sys.argv[2]), ensure_ascii=False))
"""


def run_pythonnet(scenario: Path, model: Path, env: dict, runtime: str = "coreclr") -> dict:
    dll = dotnet.build_library()
    completed = dotnet.pythonnet_script(PYTHONNET_DRIVER, runtime, dll, _env(env), [str(scenario), str(model)],
                                        timeout=600)
    return _parse(completed.stdout, completed.stderr, completed.returncode, f"pythonnet driver ({scenario.name})")


DRIVERS: dict[str, Callable[[Path, Path, dict], dict]] = {
    "csharp-mono": _runner("mono"),
    "csharp-coreclr": _runner("coreclr"),
    "csharp-pythonnet": run_pythonnet,
}
