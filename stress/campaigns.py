"""The stress campaigns: run the workers, read their figures, decide what failed.

A campaign runs for a bounded time in a child process per runtime (C# on Mono and CoreCLR:
stress/csharp/StressWorker.cs; the cffi shim in ABI and API mode: stress/cffi_worker.py), against
the native test double (tests/double) or, when OPENVINO_GENAI_DIR names an install, the real
library with a tiny GGUF model written at start (tests/support/tiny_model.py). The header fuzzer
runs the generator in forked children (stress/fuzz.py).

Every failure is a *check*: (runtime, campaign, what) with a count. A check is failed when its count
is not zero: crashes (a signal, or an exit without the worker's final line), hangs (the worker's
time limit, or a step that did not end within its bound), wrong transcripts (a text that differs
between repeats or between runtimes, or streamed chunks that differ from the result), unexpected
exceptions, unclear errors for bad input, live objects left (the double's counter), memory growth
in the second half of the lifecycle run, slow stops and releases. Checks that a known defect of
issue 13 fails carry its number (KNOWN_DEFECTS), so a report says which failures are known.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from support import dotnet, double  # noqa: E402

CAMPAIGNS = ("soak", "lifecycle", "concurrency", "badinput", "exit", "fuzz")
RUNTIMES = ("mono", "coreclr", "cffi-abi", "cffi-api")
WORKER_SOURCE = Path(__file__).with_name("csharp") / "StressWorker.cs"
CFFI_WORKER = Path(__file__).with_name("cffi_worker.py")
CRASH_REPORTS = REPO / "build" / "stress-crash-reports"  # what a crashed worker left (git ignores build/)
GRACE = 90.0  # beyond its campaign time, how long a worker may take before it counts as a hang
EXIT_TRIAL_TIMEOUT = 30.0
# Exit modes per runtime, tried in turn (the workers document them): a generation with a streamer, without one
# (plain: the exit can only wait for it), plain once it surely runs (plain-inside), and (C#) a first generation
# that starts during the exit, as the robustness tests do (tests/test_robustness_*.py).
_CS_EXITS = ("exit-return", "exit-environment", "exit-in-callback", "exit-plain-return", "exit-plain-environment",
             "exit-plain-inside-return", "exit-plain-inside-environment", "exit-starts-during-exit-return",
             "exit-starts-during-exit-environment")
# Python waits for non-daemon threads before any exit hook runs, so a plain generation loop runs on a daemon
# thread there (as in tests/test_robustness_cffi.py); on a non-daemon one the program would rightly never end.
_PY_EXITS = ("exit-return", "exit-sys", "exit-daemon", "exit-plain-daemon", "exit-plain-inside-daemon")
EXIT_MODES = {"mono": _CS_EXITS, "coreclr": _CS_EXITS, "cffi-abi": _PY_EXITS, "cffi-api": _PY_EXITS}

# Bounds (figures, not timing goals of the project: a step far beyond them is a failure to look at).
RSS_GROWTH_KB = 24 * 1024  # second half of the lifecycle run, or 25 % of its RSS at half time
EARLY_EXIT_MEAN_MS = 50.0  # leaving a stream after a few chunks
SLOW_RELEASE_MS = 2000.0  # a dropped enumerator's generation still running after a collection

# (runtime prefix, campaign, check) -> defect number in issue 13.
KNOWN_DEFECTS = {
    ("", "exit", "crashes"): 1,
    ("", "exit", "hangs"): 1,
    ("cffi", "concurrency", "close_hangs"): 2,
    ("cffi", "concurrency", "leaked_objects"): 2,  # what the stuck stream holds (each close hang leaves one)
    ("cffi", "concurrency", "slow_early_exit"): 3,
}


def known_defect(runtime: str, campaign: str, check: str) -> Optional[int]:
    for (prefix, camp, name), number in KNOWN_DEFECTS.items():
        if runtime.startswith(prefix) and camp == campaign and name == check:
            return number
    return None


@dataclass
class Result:
    runtime: str
    campaign: str
    seconds: float = 0.0
    figures: dict[str, float] = field(default_factory=dict)
    checks: dict[str, int] = field(default_factory=dict)  # check -> failures (0 = passed)
    transcripts: dict[str, str] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)

    def fail(self, check: str, count: float = 1) -> None:
        self.checks[check] = self.checks.get(check, 0) + int(count)

    def ok(self, check: str) -> None:
        self.checks.setdefault(check, 0)

    def as_json(self) -> dict[str, Any]:
        return {"runtime": self.runtime, "campaign": self.campaign, "seconds": round(self.seconds, 2),
                "figures": self.figures, "checks": self.checks, "events": self.events,
                "known_defects": {c: known_defect(self.runtime, self.campaign, c) for c in self.checks
                                  if known_defect(self.runtime, self.campaign, c)}}


@dataclass
class Target:
    """What the workers run against: the test double or a real install, and a model path."""
    library: Path
    env: dict[str, str]
    model: Path
    real: bool


def prepare_target(scratch: Path) -> Target:
    if os.environ.get("OPENVINO_GENAI_DIR"):
        from support import real_genai, tiny_model

        install = real_genai.find_install()
        env = dotnet.native_env(install.library, install.environment())
        env["GENAI_STRESS_REAL"] = "1"
        model = tiny_model.make_tiny_gguf(scratch / "tiny.gguf")
        return Target(install.library, env, model, True)
    library = double.build_double()
    model = scratch / "model"  # the double takes any existing path
    model.mkdir(exist_ok=True)
    return Target(library, dotnet.native_env(library), model, False)


def build_csharp() -> Path:
    dll = dotnet.build_library()
    return dotnet.build_exe([WORKER_SOURCE], [dll], dll.parent / "StressWorker.exe")


def _command(runtime: str, exe: Optional[Path], args: list[str]) -> list[str]:
    if runtime == "mono":
        return [dotnet.mono(), "--debug", str(exe), *args]
    if runtime == "coreclr":
        assert exe is not None
        dotnet.write_runtimeconfig(exe)
        return [str(dotnet.dotnet()), str(exe), *args]
    return [sys.executable, str(CFFI_WORKER), runtime.split("-")[1], *args]


def _run(command: list[str], env: dict[str, str], timeout: float) -> tuple[Optional[int], str, str, float]:
    """Runs a worker in a fresh folder: what a crashing runtime leaves there (Mono writes
    mono_crash.* files, and may then exit with status 0) is reported in its stderr."""
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="genai-stress-worker-") as cwd:
        proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                encoding="utf-8", errors="replace", start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
            code: Optional[int] = proc.returncode
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            out, err = proc.communicate()
            code = None
        left = sorted(p.name for p in Path(cwd).iterdir())
        if left:
            # Kept for a look (Mono's mono_crash.*.json holds every thread's native and managed stack).
            kept = CRASH_REPORTS / f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{proc.pid}"
            kept.mkdir(parents=True, exist_ok=True)
            for name in left:
                try:
                    shutil.copy2(Path(cwd) / name, kept / name)
                except OSError:
                    pass  # a folder or a vanished file: the name is still reported
            err += f"\n[the worker left {', '.join(left)}: a runtime crash report, kept in {kept}]"
            if code == 0:
                code = -1  # a crash, whatever status the runtime chose
        return code, out, err, time.monotonic() - start


def run_worker(runtime: str, campaign: str, seconds: float, target: Target, exe: Optional[Path], seed: int,
               skip: tuple[str, ...] = ()) -> Result:
    result = Result(runtime, campaign)
    env = dict(target.env)
    env["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1"
    env["GENAI_STRESS_SKIP"] = ",".join(skip)
    code, out, err, result.seconds = _run(_command(runtime, exe, [campaign, str(seconds), str(target.model), str(seed)]),
                                          env, seconds + GRACE)
    done = False
    step = ""
    for line in out.splitlines():
        kind, _, rest = line.partition(" ")
        if kind == "FIGURE":
            name, _, value = rest.rpartition(" ")
            result.figures[name] = float(value)
        elif kind == "TRANSCRIPT":
            key, _, digest = rest.rpartition(" ")
            result.transcripts[key] = digest
        elif kind == "EVENT":
            result.events.append(rest)
        elif kind == "STEP":
            step = rest
        elif kind == "DONE":
            done = True
    if code is None:
        result.fail("hangs")
        result.events.append(f"worker still running after {seconds + GRACE:.0f} s: killed"
                             + (f" (in step {step})" if step else ""))
    elif code < 0 or not done:
        result.fail("crashes")
        during = f" during step {step}" if step else ""
        result.events.append(f"worker exit {code} without its final line{during}: {err.strip()[-1500:]}")
    else:
        result.ok("crashes")
        result.ok("hangs")
    _judge(result)
    return result


def _judge(result: Result) -> None:
    f = result.figures
    result.fail("hangs", f.get("stuck", 0))
    result.fail("close_hangs", f.get("close_hangs", 0))
    result.fail("wrong_transcripts", f.get("wrong_transcripts", 0))
    result.fail("exceptions", f.get("exceptions", 0))
    if "live_objects_end" in f and f.get("live_objects_start", -1) >= 0:
        leaked = max(0.0, f["live_objects_end"] - f["live_objects_start"])
        result.fail("leaked_objects", leaked)
        if leaked:  # which kinds (the workers' live_end_<kind> figures), so a report says what leaked
            kinds = ", ".join(f"{k[len('live_end_'):]}={v:.0f}" for k, v in sorted(f.items()) if k.startswith("live_end_"))
            result.events.append(f"live objects left at the end: {kinds or 'kinds unknown'}")
    if result.campaign == "badinput":
        result.fail("unclear_errors", f.get("unclear_errors", 0))
        if not f.get("bad_inputs"):
            result.fail("no_work")
    if result.campaign == "soak" and not f.get("generations"):
        result.fail("no_work")
    if result.campaign == "lifecycle":
        if "rss_end_kb" in f and "rss_warm_kb" in f:
            growth = f["rss_end_kb"] - f["rss_warm_kb"]
            f["rss_growth_kb"] = growth
            result.fail("rss_growth", growth > max(RSS_GROWTH_KB, 0.25 * f["rss_warm_kb"]))
        if not f.get("cycles"):
            result.fail("no_work")
    if result.campaign == "concurrency":
        if f.get("early_exits"):
            f["early_exit_mean_ms"] = f["early_exit_total_ms"] / f["early_exits"]
            result.fail("slow_early_exit", f["early_exit_mean_ms"] > EARLY_EXIT_MEAN_MS)
        result.fail("slow_release", f.get("dropped_enumerator_slow_release", 0))


def run_exit(runtime: str, seconds: float, target: Target, exe: Optional[Path],
             trial_timeout: float = EXIT_TRIAL_TIMEOUT) -> Result:
    """Trials of leaving the process while another thread generates, until the time is used."""
    result = Result(runtime, "exit")
    result.ok("crashes")
    result.ok("hangs")
    start = time.monotonic()
    modes = EXIT_MODES[runtime]
    trial = 0
    while trial < len(modes) or time.monotonic() - start < seconds:  # every mode at least once
        how = modes[trial % len(modes)]
        trial += 1
        code, out, err, took = _run(_command(runtime, exe, [how, "0", str(target.model), str(trial)]), target.env,
                                    trial_timeout)
        result.figures["trials"] = result.figures.get("trials", 0) + 1
        key = f"trials_{how[len('exit-'):]}"
        result.figures[key] = result.figures.get(key, 0) + 1
        result.figures["exit_max_s"] = max(result.figures.get("exit_max_s", 0), took)
        if code is None:
            result.fail("hangs")
            result.events.append(f"{how}: still running after {trial_timeout:.0f} s")
        elif code < 0:
            result.fail("crashes")
            result.events.append(f"{how}: killed by signal {-code}: {err.strip()[-300:]}")
        elif "GENERATING" not in out or code != 0:
            result.fail("bad_exits")
            result.events.append(f"{how}: exit {code}: {out.strip()[-300:]} {err.strip()[-300:]}")
    result.seconds = time.monotonic() - start
    return result


def run_fuzz(seconds: float, seed: int) -> Result:
    from . import fuzz

    figures = fuzz.run(seconds, seed)
    result = Result("bindgen", "fuzz", figures.seconds)
    for name in ("mutants", "parsed", "parse_refused", "generated", "generate_refused"):
        result.figures[name] = getattr(figures, name)
    result.fail("tracebacks", figures.tracebacks)
    result.fail("hangs", figures.hangs)
    result.fail("crashes", figures.other_exits)
    result.events.extend(figures.examples)
    if not figures.mutants:
        result.fail("no_work")
    return result


def compare_transcripts(results: list[Result]) -> None:
    """The same prompt and settings give the same text in every runtime (the double, or one real model)."""
    by_campaign: dict[str, list[Result]] = {}
    for r in results:
        if r.transcripts:
            by_campaign.setdefault(r.campaign, []).append(r)
    for campaign, group in by_campaign.items():
        reference: dict[str, tuple[str, str]] = {}
        for r in group:
            for key, digest in r.transcripts.items():
                reference.setdefault(key, (r.runtime, digest))
        for r in group:
            differing = [k for k, d in r.transcripts.items() if reference[k][1] != d]
            r.fail("transcripts_differ_between_runtimes", len(differing))
            for key in differing[:3]:
                r.events.append(f"text for {key!r} differs from {reference[key][0]}'s")


def run_all(campaigns: list[str], runtimes: list[str], seconds: dict[str, float], seed: int = 1,
            skip: Callable[[str, str], tuple[str, ...]] = lambda runtime, campaign: (),
            exit_trial_timeout: float = EXIT_TRIAL_TIMEOUT, progress: Callable[[str], None] = lambda s: None) -> tuple[list[Result], Target]:
    scratch = Path(tempfile.mkdtemp(prefix="genai-stress-"))
    target = prepare_target(scratch)
    exe = build_csharp() if any(r in ("mono", "coreclr") for r in runtimes) else None
    results: list[Result] = []
    for campaign in campaigns:
        if campaign == "fuzz":
            progress(f"fuzz: {seconds[campaign]:.0f} s")
            results.append(run_fuzz(seconds[campaign], seed))
            continue
        for runtime in runtimes:
            progress(f"{campaign} on {runtime}: {seconds[campaign]:.0f} s")
            if campaign == "exit":
                results.append(run_exit(runtime, seconds[campaign], target, exe, exit_trial_timeout))
            else:
                results.append(run_worker(runtime, campaign, seconds[campaign], target, exe, seed,
                                          skip(runtime, campaign)))
    compare_transcripts(results)
    return results, target
