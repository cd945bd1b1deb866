"""Stress campaigns for the bindings and the generator, with bounded time and printed figures.

    .venv/bin/python -m stress [--seconds S] [--short] [--campaign C ...] [--runtime R ...] [--json FILE]

Campaigns (each for S seconds per runtime; --short: a few seconds each):
  soak         streaming generations, GC forced inside every callback, callbacks on worker threads
  lifecycle    create/generate/free cycles (half left to finalizers): RSS, managed memory, live objects
  concurrency  parallel pipelines, cancellation at random moments, dispose/close from another thread,
               dropped enumerators, leaving a stream early
  badinput     bad arguments in every language: each must end in its one clear exception
  exit         leaving the process while another thread generates (trials until the time is used)
  fuzz         mutated headers fed to `bindgen parse` and `generate`
Runtimes: mono, coreclr (C#), cffi-abi, cffi-api. Against the test double, or the real library when
OPENVINO_GENAI_DIR is set. Exit status 1 when any check failed (crash, hang, wrong transcript, leak,
memory growth, slow stop...), each failure listed with its count; checks that a known defect of
issue 13 fails are marked with its number.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import campaigns as c

SHOWN = {
    "soak": ("generations", "chunks", "worker_thread_callbacks"),
    "lifecycle": ("cycles", "rss_warm_kb", "rss_end_kb", "rss_growth_kb", "live_objects_end"),
    "concurrency": ("parallel_generations", "cancels", "disposes_from_other_thread", "closes_from_other_thread",
                    "dropped_enumerators", "dropped_enumerator_release_max_ms", "early_exits", "early_exit_mean_ms"),
    "badinput": ("bad_inputs",),
    "exit": ("trials", "exit_max_s"),
    "fuzz": ("mutants", "parsed", "parse_refused", "generated", "generate_refused"),
}


def _figure(value: float) -> str:
    return f"{value:.0f}" if value == int(value) or abs(value) >= 100 else f"{value:.2f}"


def report(results: list[c.Result], real: bool) -> int:
    print(f"\nstress figures ({'real library' if real else 'test double'})")
    print(f"{'campaign':<12} {'runtime':<9} {'secs':>5}  figures")
    failures = []
    for r in results:
        shown = [f"{k}={_figure(r.figures[k])}" for k in SHOWN[r.campaign] if k in r.figures]
        print(f"{r.campaign:<12} {r.runtime:<9} {r.seconds:5.0f}  {' '.join(shown)}")
        for check, count in sorted(r.checks.items()):
            if count:
                failures.append((r, check, count))
    print("\nchecks: " + ", ".join(f"{name}={sum(r.checks.get(name, 0) for r in results)}"
                                   for name in ("crashes", "hangs", "wrong_transcripts", "leaked_objects", "rss_growth",
                                                "tracebacks")))
    if not failures:
        print("result: 0 failures")
        return 0
    print(f"result: {len(failures)} failed checks")
    for r in results:
        failed = [(check, count) for rr, check, count in failures if rr is r]
        if not failed:
            continue
        parts = []
        for check, count in failed:
            defect = c.known_defect(r.runtime, r.campaign, check)
            parts.append(f"{check}={count}" + (f" (known: issue 13 defect {defect})" if defect else ""))
        print(f"  FAIL {r.runtime}/{r.campaign}: {', '.join(parts)}")
        for line in r.events[:4]:
            print(f"       {line[:300]}")
    return 1


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m stress", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0, help="time per campaign and runtime (default 60)")
    parser.add_argument("--short", action="store_true", help="a few seconds per campaign (the test suite's run)")
    parser.add_argument("--campaign", action="append", choices=c.CAMPAIGNS, help="campaigns to run (default: all)")
    parser.add_argument("--runtime", action="append", choices=c.RUNTIMES, help="runtimes (default: all)")
    parser.add_argument("--skip", action="append", default=[], metavar="RUNTIME:STEP",
                        help="leave out one concurrency step on a runtime (e.g. mono:dropped-stream)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write every figure and check to this file")
    args = parser.parse_args(argv)
    campaigns = args.campaign or list(c.CAMPAIGNS)
    runtimes = args.runtime or list(c.RUNTIMES)
    seconds = {name: args.seconds for name in c.CAMPAIGNS}
    exit_timeout = c.EXIT_TRIAL_TIMEOUT
    if args.short:
        seconds = {name: 1.5 for name in c.CAMPAIGNS}
        seconds.update(lifecycle=3.0, fuzz=6.0, exit=0.0)  # exit: one trial of each mode
        exit_timeout = 8.0
    skips: dict[str, list[str]] = {}
    for item in args.skip:
        runtime, _, step = item.partition(":")
        skips.setdefault(runtime, []).append(step)
    results, target = c.run_all(campaigns, runtimes, seconds, args.seed,
                                skip=lambda runtime, campaign: tuple(skips.get(runtime, [])),
                                exit_trial_timeout=exit_timeout,
                                progress=lambda s: print(s, file=sys.stderr, flush=True))
    if args.json:
        args.json.write_text(json.dumps({"real": target.real, "results": [r.as_json() for r in results]}, indent=1,
                                        ensure_ascii=False) + "\n", encoding="utf-8")
    return report(results, target.real)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
