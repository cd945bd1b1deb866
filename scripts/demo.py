"""The demo behind scripts/demo.sh (run that: it sets the machine up first).

1. regenerate the C# bindings from HEADERS_DIR (any layout `bindgen parse` accepts) or from the
   embedded snapshot, into build/demo/Generated;
2. build OpenVINO.Interop.dll (the runtime), OpenVINO.GenAI.dll and the ChatSample with mcs (C# 7.2, warnings are errors);
3. stream a multi-turn chat through ChatSample, on Mono and/or the .NET 8 runtime, against the real
   library when OPENVINO_GENAI_DIR is set (model: --model, else a tiny GGUF written here), else
   against the native test double.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from bindgen import cli  # noqa: E402
from support import dotnet  # noqa: E402

DEMO = REPO / "build" / "demo"
PROMPTS = ["What is OpenVINO?", "Say it with an emoji 🚀, s'il vous plaît.", "Thanks, that is all."]


def banner(text: str) -> None:
    print(f"\n=== {text}", flush=True)


def regenerate(headers: str | None) -> Path:
    out = DEMO / "Generated"
    for old in out.glob("*"):
        old.unlink()
    args = ["generate", "--lang", "csharp", "-o", str(out)] + ([headers] if headers else [])
    source = f"the headers in {headers}" if headers else "the embedded OpenVINO GenAI 2026.3.0.0 snapshot"
    banner(f"1. Generating the C# bindings from {source}")
    status = cli.main(args)
    if status != 0:
        raise SystemExit(f"bindgen generate failed (exit {status})")
    native = (out / "NativeMethods.g.cs").read_text(encoding="utf-8")
    print(f"   {len(list(out.glob('*.cs')))} C# files in {out.relative_to(REPO)}: "
          f"{native.count('[DllImport(')} DllImport declarations (one per C function, plus variadic overloads)")
    return out


def build(generated: Path) -> tuple[Path, Path]:
    banner("2. Building with mcs -langversion:7.2 -warnaserror -unsafe")
    start = time.perf_counter()
    library = dotnet.build_library(generated, DEMO / "bin")
    sample = dotnet.build_exe([REPO / "csharp/samples/ChatSample/ChatSample.cs", REPO / "csharp/samples/SampleOptions.cs"],
                              [library], library.parent / "ChatSample.exe")
    print(f"   {library.relative_to(REPO)} and {sample.relative_to(REPO)} ({time.perf_counter() - start:.1f} s, no warnings)")
    return library, sample


def target(model: str | None) -> tuple[str, Path, dict[str, str], list[str]]:
    """(what it is, model path, environment, extra ChatSample arguments)."""
    if os.environ.get("OPENVINO_GENAI_DIR"):
        from support import real_genai, tiny_model

        install = real_genai.find_install()
        if model:
            model_path = Path(model)
        else:
            model_path = tiny_model.make_tiny_gguf(DEMO / "tiny-llama.gguf")
        env = dotnet.native_env(install.library, install.environment())
        what = (f"the REAL OpenVINO GenAI C library {install.library} (OPENVINO_GENAI_DIR={install.root}"
                + (f", version {install.version()}" if install.version() else "") + ")"
                + (f"\n   model: {model_path}" if model else
                   f"\n   model: {model_path.relative_to(REPO)} (a tiny random llama GGUF written for this demo: "
                   "its answers are gibberish, but real tokens streamed by the real library)"))
        return what, model_path, env, ["--property", "INFERENCE_PRECISION_HINT=f32"]
    from support import double

    library = double.build_double()
    model_path = Path(model) if model else DEMO / "double-model"
    model_path.mkdir(parents=True, exist_ok=True)
    env = dotnet.native_env(library)
    what = (f"the native TEST DOUBLE {library.relative_to(REPO)} (a fake deterministic model; "
            "set OPENVINO_GENAI_DIR to an OpenVINO GenAI install to use the real library)")
    return what, model_path, env, ["--property", "ATTENTION_BACKEND=PA"]


def chat(sample: Path, runtime: str, model: Path, env: dict[str, str], extra: list[str], max_new_tokens: int) -> None:
    run = {"mono": [dotnet.mono(), str(sample)], "coreclr": [str(dotnet.dotnet()), str(sample)]}[runtime]
    if runtime == "coreclr":
        dotnet.write_runtimeconfig(sample)
    command = run + [str(model), "--max-new-tokens", str(max_new_tokens), *extra]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, env=env, text=True, encoding="utf-8")
    assert process.stdin is not None
    for prompt in PROMPTS:
        process.stdin.write(prompt + "\n")
    process.stdin.close()
    if process.wait(timeout=600) != 0:
        raise SystemExit(f"ChatSample failed on {runtime} (exit {process.returncode})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("headers", nargs="?", help="GenAI C header directory (default: the embedded snapshot)")
    parser.add_argument("--model", help="model path for the real library (default: a tiny GGUF written here)")
    parser.add_argument("--runtime", choices=["mono", "coreclr", "both"], default="both")
    parser.add_argument("--max-new-tokens", type=int, default=24)
    args = parser.parse_args(argv)
    DEMO.mkdir(parents=True, exist_ok=True)
    generated = regenerate(args.headers)
    _, sample = build(generated)
    what, model, env, extra = target(args.model)
    banner(f"3. Chatting through ChatSample with {what}")
    print("   questions (piped on stdin): " + " | ".join(PROMPTS), flush=True)
    for runtime in (["mono", "coreclr"] if args.runtime == "both" else [args.runtime]):
        banner(f"ChatSample on {'Mono ' + subprocess.run([dotnet.mono(), '--version'], capture_output=True, text=True).stdout.split()[4] if runtime == 'mono' else '.NET 8 (CoreCLR)'}")
        chat(sample, runtime, model, env, extra, args.max_new_tokens)
    banner("Done")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
