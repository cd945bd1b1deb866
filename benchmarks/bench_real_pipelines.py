"""Tokens per second through each binding on the real GenAI C library, per pipeline kind.

    OPENVINO_GENAI_DIR=/path/to/install .venv/bin/python benchmarks/bench_real_pipelines.py [--rounds N] [--tokens N]

For LLM (the tiny GGUF of tests/support/tiny_model.py), VLM (tiny Qwen2-VL, one image) and Whisper (tiny
Whisper, 3 s of audio; the C API has no Whisper streamer, so it transcribes) it starts one process per
leg -- C (benchmarks/legs/bench_leg.c), C# on Mono and on CoreCLR (benchmarks/legs/BenchLeg.cs), cffi
and the official Python package (benchmarks/legs/bench_leg.py) -- each loading the pipeline once, then
runs the same generation in all of them in interleaved rounds (the order rotates every round), and
prints the median generated tokens per second of each leg and its ratio to C. LLM and VLM stream
every chunk to a callback. Figures, not a test: the machine's other load moves them by a few percent.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

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
    native = real_speech_vision.core_library(install)
    core = core_dotnet.build_library(native, dotnet.BUILD_ROOT / "core-real")
    genai = dotnet.build_library()
    folder = dotnet.BUILD_ROOT / "bench-real"
    folder.mkdir(parents=True, exist_ok=True)
    refs = []
    for dll in (core, genai, core.with_name(f"{dotnet.RUNTIME_ASSEMBLY}.dll")):
        for item in (dll, dll.with_name(dll.name + ".config")):
            if item.exists():
                (folder / item.name).write_bytes(item.read_bytes())
        refs.append(folder / dll.name)
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


def measure(commands: dict[str, tuple[list[str], dict[str, str]]], args: list[str], rounds: int) -> dict[str, list[float]]:
    """tokens/s of each run, per leg; one warm-up run each first (not counted)."""
    processes = {leg: subprocess.Popen([*command, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
                 for leg, (command, env) in commands.items()}
    rates: dict[str, list[float]] = {leg: [] for leg in processes}
    try:
        order = list(processes)
        for round_ in range(rounds + 1):
            for leg in order[round_ % len(order):] + order[:round_ % len(order)]:
                process = processes[leg]
                assert process.stdin is not None and process.stdout is not None
                process.stdin.write("run\n")
                process.stdin.flush()
                line = process.stdout.readline()
                if not line:
                    raise RuntimeError(f"the {leg} leg stopped (exit status {process.wait()})")
                tokens, seconds = line.split()
                if round_ > 0:
                    rates[leg].append(int(tokens) / float(seconds))
    finally:
        for process in processes.values():
            if process.stdin:
                process.stdin.close()
        for process in processes.values():
            process.wait(timeout=120)
    return rates


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8, help="measured runs per leg and kind (after one warm-up)")
    parser.add_argument("--tokens", type=int, default=128, help="max_new_tokens for LLM and VLM")
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
        print(f"median generated tokens/s over {args.rounds} interleaved runs (after one warm-up), ratio to C")
        for kind, leg_args in kinds.items():
            rates = measure(commands, leg_args, args.rounds)
            base = statistics.median(rates["c"])
            print(f"\n{kind}\n| binding | tokens/s | vs C |\n| --- | ---: | ---: |")
            for leg in LEGS:
                median = statistics.median(rates[leg])
                print(f"| {leg} | {median:.0f} | {median / base:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
