"""Tokens per second through each binding on the real GenAI C library, per pipeline kind.

    OPENVINO_GENAI_DIR=/path/to/install .venv/bin/python benchmarks/bench_real_pipelines.py [--rounds N] [--tokens N] [--pin CPU]

For LLM (the tiny GGUF of tests/support/tiny_model.py), VLM (tiny Qwen2-VL, one image) and Whisper (tiny
Whisper, 3 s of audio; the C API has no Whisper streamer, so it transcribes) it starts one process per
leg -- C (benchmarks/legs/bench_leg.c), C# on Mono and on CoreCLR (benchmarks/legs/BenchLeg.cs), cffi
and the official Python package (benchmarks/legs/bench_leg.py) -- each loading the pipeline once, then
runs the same generation in all of them in interleaved rounds (the order rotates every round). LLM and
VLM stream every chunk to a callback. Per leg it prints the median generated tokens per second and their
range, the median of each round's ratio to that round's C run with a distribution-free 95% confidence
interval of that median, and a verdict on the goal "within 1% of C": within 1% when the whole interval
is at or above 0.99, slower when it is all below, cannot tell otherwise. Per kind it prints how busy the
machine was meanwhile (/proc/stat: cores busy on average, the benchmark's own share and everything else's)
and the load average, since other work on the machine moves the figures. The same again for the CPU time
each leg's process (all its threads) used per generated token, which other load moves less: a binding's
own work per token shows there even when tokens/s cannot tell. With --pin every leg runs on one CPU: the
library's streaming thread, which calls the callback, then takes turns with its inference instead of running
beside it, so what a binding costs per token adds to the time. Figures, not a test.
"""
from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Optional

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from support import core_dotnet, dotnet, real_genai, real_speech_vision, tiny_speech_vision  # noqa: E402
from support.tiny_model import make_tiny_gguf  # noqa: E402

LEGS = ("c", "csharp-mono", "csharp-coreclr", "cffi", "python-openvino_genai")
LEGS_DIR = REPO / "benchmarks" / "legs"
IMAGE_SHAPE = (112, 112)


def build_c_leg(install: real_genai.GenAIInstall, out: Path) -> Path:
    if install.include_dir is None:
        raise RuntimeError(f"{install.root} has no include/ folder to compile the C leg against")
    core = real_speech_vision.core_library(install)
    command = [shutil.which("gcc") or "gcc", "-O2", "-Wall", "-o", str(out), str(LEGS_DIR / "bench_leg.c"),
               f"-I{install.include_dir}", str(install.library), str(core)]
    command += [f"-Wl,-rpath-link,{d}" for d in install.library_dirs]
    subprocess.run(command, check=True)
    return out


def build_csharp_leg(install: real_genai.GenAIInstall) -> tuple[Path, Path]:
    folder, refs, native = real_speech_vision.csharp_references(install, "bench-real")
    return dotnet.build_exe([LEGS_DIR / "BenchLeg.cs"], refs, folder / "BenchLeg.exe"), native


def leg_commands(install: real_genai.GenAIInstall, c_leg: Path, csharp: tuple[Path, Path]) -> dict[str, tuple[list[str], dict[str, str]]]:
    env = install.environment()
    cffi_env = dict(env, PYTHONPATH=str(REPO / "python"))
    exe, native = csharp
    cs_env = core_dotnet.environment(native, base=dotnet.native_env(install.library, env))
    mono_env = dict(cs_env)
    coreclr_env = dict(cs_env, DOTNET_CLI_TELEMETRY_OPTOUT="1", DOTNET_NOLOGO="1")
    dotnet.write_runtimeconfig(exe)
    pybind_env = {k: v for k, v in os.environ.items() if k != "LD_LIBRARY_PATH"}
    leg_py = str(LEGS_DIR / "bench_leg.py")
    return {
        "c": ([str(c_leg)], env),
        "csharp-mono": ([dotnet.mono(), str(exe)], mono_env),
        "csharp-coreclr": ([str(dotnet.dotnet()), str(exe)], coreclr_env),
        "cffi": ([sys.executable, leg_py, "cffi"], cffi_env),
        "python-openvino_genai": ([sys.executable, leg_py, "pybind"], pybind_env),
    }


class Load:
    """How busy the machine was while a stretch of measuring ran: CPU time of the whole machine
    (/proc/stat) and of the benchmark's own processes (this one and its legs, /proc/PID/stat), in cores."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.loadavg_start = _loadavg()
        self.start = (time.monotonic(), _machine_busy(), self._own())

    def _own(self) -> float:
        return sum(_process_cpu(pid) for pid in [os.getpid(), *self.pids])

    def stop(self) -> dict[str, float]:
        wall = time.monotonic() - self.start[0]
        busy = _machine_busy() - self.start[1]
        own = self._own() - self.start[2]
        return {"seconds": wall, "busy": busy / wall, "own": own / wall, "others": max(0.0, (busy - own) / wall),
                "loadavg_start": self.loadavg_start, "loadavg_end": _loadavg()}


def _loadavg() -> float:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except OSError:
        return float("nan")


def _machine_busy() -> float:
    """CPU seconds all cores spent not idle since boot (nan where /proc/stat is missing)."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except OSError:
        return float("nan")
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _process_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def measure(commands: dict[str, tuple[list[str], dict[str, str]]], args: list[str], rounds: int,
            pin: Optional[set[int]] = None) -> tuple[dict[str, list[float]], dict[str, list[float]], dict[str, float]]:
    """tokens/s and CPU microseconds per token (all the leg's threads) of each run, per leg (index i of every
    list is round i), and the machine's load while the measured rounds ran; one warm-up run each first (not
    counted). `pin`: the CPUs every leg's process (and so every thread it starts) may run on."""
    preexec = None if pin is None else (lambda: os.sched_setaffinity(0, pin))
    processes = {leg: subprocess.Popen([*command, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
                                       preexec_fn=preexec)
                 for leg, (command, env) in commands.items()}
    rates: dict[str, list[float]] = {leg: [] for leg in processes}
    cpu: dict[str, list[float]] = {leg: [] for leg in processes}
    load = None
    try:
        order = list(processes)
        for round_ in range(rounds + 1):
            if round_ == 1:
                load = Load([process.pid for process in processes.values()])
            for leg in order[round_ % len(order):] + order[:round_ % len(order)]:
                process = processes[leg]
                assert process.stdin is not None and process.stdout is not None
                process.stdin.write("run\n")
                process.stdin.flush()
                line = process.stdout.readline()
                if not line:
                    raise RuntimeError(f"the {leg} leg stopped (exit status {process.wait()})")
                tokens, seconds, cpu_seconds = line.split()
                if round_ > 0:
                    rates[leg].append(int(tokens) / float(seconds))
                    cpu[leg].append(float(cpu_seconds) * 1e6 / max(1, int(tokens)))
        assert load is not None
        figures = load.stop()
    finally:
        for process in processes.values():
            if process.stdin:
                process.stdin.close()
        for process in processes.values():
            process.wait(timeout=120)
    return rates, cpu, figures


def median_interval(values: list[float], confidence: float = 0.95) -> tuple[float, float]:
    """A distribution-free confidence interval of the median: the k-th smallest and k-th largest values,
    k the largest rank with P(Binomial(n, 1/2) < k) <= (1 - confidence) / 2 (the whole range when n is small)."""
    ordered = sorted(values)
    n = len(ordered)
    k, below = 0, 0.0
    while k < n // 2:
        below_next = below + math.comb(n, k) / 2 ** n
        if below_next > (1 - confidence) / 2:
            break
        below, k = below_next, k + 1
    k = max(k, 1)
    return ordered[k - 1], ordered[n - k]


GOAL = 0.99  # within 1% of C


def verdict(low: float, high: float) -> str:
    if low >= GOAL:
        return "within 1%"
    if high < GOAL:
        return "slower"
    return "cannot tell"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="measured runs per leg and kind (after one warm-up)")
    parser.add_argument("--tokens", type=int, default=512, help="max_new_tokens for LLM and VLM")
    parser.add_argument("--pin", metavar="CPU", type=int, default=None,
                        help="run every leg on this one CPU: the library's inference and its streaming thread (the callback)"
                             " then take turns, so a binding's per-token cost adds to the time instead of hiding on another core")
    args = parser.parse_args()
    try:
        install = real_genai.find_install()
    except real_genai.InstallNotFound as error:
        print(error, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        c_leg = build_c_leg(install, folder / "bench_leg")
        commands = leg_commands(install, c_leg, build_csharp_leg(install))
        image = folder / "image.u8"
        np.random.default_rng(1).integers(0, 256, (1, *IMAGE_SHAPE, 3), dtype=np.uint8).tofile(image)
        audio = folder / "audio.f32"
        (np.random.default_rng(1).standard_normal(16000 * 3) * 0.1).astype(np.float32).tofile(audio)
        kinds = {
            "LLM": ["llm", str(make_tiny_gguf(folder / "tiny.gguf")), str(args.tokens)],
            "VLM": ["vlm", str(tiny_speech_vision.tiny_model_dir("tiny_qwen2_vl")), str(args.tokens), str(image),
                    str(IMAGE_SHAPE[0]), str(IMAGE_SHAPE[1])],
            "Whisper": ["whisper", str(tiny_speech_vision.tiny_model_dir("tiny_whisper")), str(args.tokens), str(audio)],
        }
        print(f"{args.rounds} interleaved rounds (order rotating, one warm-up run first), {args.tokens} new tokens per run"
              f" (LLM, VLM); {os.cpu_count()} cores" + ("" if args.pin is None else f"; every leg pinned to CPU {args.pin}"))
        print("tokens/s: median and range of the runs; vs C: median of each round's ratio to that round's C run,"
              " with its 95% confidence interval, and the verdict on 'within 1% of C' (tokens/s at least 0.99 of C's);"
              " CPU: the leg process's CPU time (all threads) per generated token, its ratio to C's the same way"
              " (at most 1.01 of C's for 'within 1%'; less moved by other load than tokens/s)")
        for kind, leg_args in kinds.items():
            rates, cpu, load = measure(commands, leg_args, args.rounds, None if args.pin is None else {args.pin})
            print(f"\n{kind}\n| binding | tokens/s | min-max | vs C | 95% CI | verdict | CPU us/token | vs C | 95% CI | verdict |\n"
                  "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |")
            for leg in LEGS:
                ratios = [rate / c for rate, c in zip(rates[leg], rates["c"])]
                low, high = median_interval(ratios)
                costs = [used / c for used, c in zip(cpu[leg], cpu["c"])]
                cost_low, cost_high = median_interval(costs)
                judged = "(reference)" if leg == "c" else verdict(low, high)
                cost_judged = "(reference)" if leg == "c" else verdict(1 / cost_high, 1 / cost_low)
                print(f"| {leg} | {statistics.median(rates[leg]):.0f} | {min(rates[leg]):.0f}-{max(rates[leg]):.0f} | "
                      f"{statistics.median(ratios):.3f} | {low:.3f}-{high:.3f} | {judged} | "
                      f"{statistics.median(cpu[leg]):.0f} | {statistics.median(costs):.3f} | {cost_low:.3f}-{cost_high:.3f} | "
                      f"{cost_judged} |")
            print(f"load: {load['seconds']:.0f} s measured; machine busy {load['busy']:.2f} cores on average, this benchmark"
                  f" {load['own']:.2f}, everything else {load['others']:.2f}; load average {load['loadavg_start']:.2f}"
                  f" at the start, {load['loadavg_end']:.2f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
