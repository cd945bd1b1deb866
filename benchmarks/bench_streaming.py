"""Cost per streamed chunk, per language, when the GenAI test double streams ~10^6 chunks.

    .venv/bin/python benchmarks/bench_streaming.py [--chunks N] [--library PATH]

Runs tests/scenarios/bench_streaming.json once per language through the same drivers the
scenario tests use (tests/support/*_driver.py, bench mode of tests/scenarios/SPEC.md) and prints
nanoseconds per chunk and the ratio to C. One run each: figures, not a test. A language whose
driver cannot be found is listed as "not available"; one whose run fails, with the reason.
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from support import double  # noqa: E402

LANGUAGES = ("c", "csharp-mono", "csharp-coreclr", "csharp-pythonnet", "cffi-abi", "cffi-api")
MODULES = ("support.c_driver", "support.csharp_driver", "support.cffi_driver")
SCENARIO = REPO / "tests" / "scenarios" / "bench_streaming.json"
TOKENS_PER_CHUNK = 1.72  # the double releases ~0.58 chunks per token (multi-token words, 3-token delay)


def find_drivers() -> dict:
    drivers = {}
    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except Exception:  # a missing or broken module: its languages are "not available"
            continue
        drivers.update(getattr(module, "DRIVERS", {}))
    return drivers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=1_000_000, help="about how many chunks to stream")
    parser.add_argument("--library", type=Path, help="libopenvino_genai_c.so to use (default: build the double)")
    args = parser.parse_args()

    library = args.library or double.build_double()
    env = double.environment(library)
    scenario = json.loads(SCENARIO.read_text(encoding="utf-8"))
    scenario["bench"]["chunks"] = args.chunks
    scenario["config"]["max_new_tokens"] = int(args.chunks * TOKENS_PER_CHUNK)
    drivers = find_drivers()

    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        scenario_path = Path(scratch) / "bench_streaming.json"
        scenario_path.write_text(json.dumps(scenario), encoding="utf-8")
        for language in LANGUAGES:
            if language not in drivers:
                rows.append((language, None, "not available"))
                continue
            print(f"running {language} ...", file=sys.stderr, flush=True)
            try:
                figures = drivers[language](scenario_path, Path(scratch), dict(env))
                rows.append((language, figures, ""))
            except Exception as error:  # report and go on with the other languages
                rows.append((language, None, f"failed: {type(error).__name__}: {str(error).splitlines()[0][:80]}"))

    c_ns = None
    for language, figures, _ in rows:
        if language == "c" and figures and figures["chunks"]:
            c_ns = figures["seconds"] * 1e9 / figures["chunks"]
    print(f"Streaming through the GenAI test double ({library.name}), one run per language")
    print(f"{'language':<18} {'chunks':>9} {'seconds':>9} {'ns/chunk':>10} {'vs C':>7}")
    for language, figures, note in rows:
        if figures is None:
            print(f"{language:<18} {note}")
            continue
        ns = figures["seconds"] * 1e9 / figures["chunks"] if figures["chunks"] else float("nan")
        ratio = f"{ns / c_ns:6.1f}x" if c_ns else "    n/a"
        print(f"{language:<18} {figures['chunks']:>9} {figures['seconds']:>9.3f} {ns:>10.1f} {ratio:>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
