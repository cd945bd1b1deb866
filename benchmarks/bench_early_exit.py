"""What leaving a stream early costs in the cffi shim (ABI and API mode), against the GenAI test double.

    .venv/bin/python benchmarks/bench_early_exit.py [--exits N] [--library PATH]

Each exit starts `pipe.stream(...)` on a long generation, takes the first chunk and leaves the loop;
the figure is the time from `break` to the end of the `with` block (the library told to stop, its
last callback answered, the call returned), and the whole round trip per exit. Issue 13 (3): this was
about 100 ms per exit while the library's final callback waited on a 0.1 s poll; the test
(tests/test_robustness_cffi.py::test_leaving_a_stream_early_does_not_wait_for_a_poll) checks the cause
without a clock, this prints the time. One run per mode: figures, not a test.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "python"))

from support import double  # noqa: E402

MODES = ("abi", "api")


def measure(g: object, model: Path, exits: int) -> tuple[list[float], list[float]]:
    """Milliseconds from `break` to the call's return, and per whole exit (start to return)."""
    leaving, whole = [], []
    cfg = g.GenerationConfig()  # type: ignore[attr-defined]
    with g.LLMPipeline(model, "CPU") as pipe:  # type: ignore[attr-defined]
        cfg.max_new_tokens = 100000
        cfg.ignore_eos = True
        for _ in range(exits):
            started = left = time.perf_counter()
            with pipe.stream("Hello", cfg) as stream:
                for _chunk in stream:
                    left = time.perf_counter()
                    break
            ended = time.perf_counter()
            leaving.append((ended - left) * 1000)
            whole.append((ended - started) * 1000)
    return leaving, whole


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exits", type=int, default=200, help="early exits per mode")
    parser.add_argument("--library", type=Path, help="libopenvino_genai_c.so to use (default: build the double)")
    args = parser.parse_args()
    library = args.library or double.build_double()
    import openvino_genai_cffi as g

    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for mode in MODES:
            print(f"running cffi-{mode} ...", file=sys.stderr, flush=True)
            try:
                g.load(library, mode=mode, include_dirs=[REPO / "tests" / "double" / "include"],
                       build_dir=Path(scratch) / "cffi")
                rows.append((mode, *measure(g, Path(scratch), args.exits)))
            except Exception as error:  # report and go on with the other mode
                print(f"cffi-{mode:<5} failed: {type(error).__name__}: {str(error).splitlines()[0][:100]}")
    print(f"Leaving a stream after its first chunk, cffi shim on the test double ({library.name})")
    print(f"{'mode':<10} {'exits':>6} {'stop mean ms':>13} {'stop max ms':>12} {'exit mean ms':>13} {'exits/s':>8}")
    for mode, leaving, whole in rows:
        print(f"cffi-{mode:<5} {len(leaving):>6} {statistics.fmean(leaving):>13.2f} {max(leaving):>12.2f} "
              f"{statistics.fmean(whole):>13.2f} {len(whole) / (sum(whole) / 1000):>8.0f}")
    return 0 if len(rows) == len(MODES) else 1


if __name__ == "__main__":
    sys.exit(main())
