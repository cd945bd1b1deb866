"""One campaign of the stress tool in one process, for the cffi shim (python/openvino_genai_cffi).

    python stress/cffi_worker.py MODE CAMPAIGN SECONDS MODEL SEED      (MODE: abi | api)

The same campaigns and output as stress/csharp/StressWorker.cs: "FIGURE name value",
"TRANSCRIPT key sha256", "EVENT what" lines, then "DONE"; `exit-*` campaigns leave the process
while another thread generates. The library is the one named by GENAI_INTEROP_LIBRARY (the test
double or a real one); the harness (stress/campaigns.py) decides what counts as a failure.
"""
from __future__ import annotations

import gc
import hashlib
import os
import random
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Optional

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "python"), str(REPO / "tests")]

from genai_interop_runtime.shutdown import ExitingError  # noqa: E402
from support import cffi_driver, double  # noqa: E402

PROMPTS = ("Hello", "Tell me a story", "café naïve", "世界", "The quick brown fox", "🚀 launch", "a", "Why?")
REAL = os.environ.get("GENAI_STRESS_REAL") == "1"

g: Any = None
model = ""
rng = random.Random(0)
deadline = 0.0
figures: dict[str, float] = {}
expected: dict[str, str] = {}
lock = threading.Lock()
events = 0


def running() -> bool:
    return time.monotonic() < deadline


def count(name: str, by: float = 1) -> None:
    with lock:
        figures[name] = figures.get(name, 0) + by


def maximum(name: str, value: float) -> None:
    with lock:
        if name not in figures or value > figures[name]:
            figures[name] = value


seen_events: set[str] = set()


def event(what: str) -> None:
    """Print a problem once (the first 20 different ones)."""
    global events
    with lock:
        if what in seen_events:
            return
        seen_events.add(what)
        events += 1
        if events <= 20:
            print("EVENT " + what.replace("\n", " | "), flush=True)


def unexpected(where: str, exc: BaseException) -> None:
    count("exceptions")
    event(f"{where}: {type(exc).__name__}: {exc}")


def quote(text: str) -> str:
    return repr(text if len(text) <= 80 else text[:80] + "...")


def check_text(key: str, text: str) -> None:
    with lock:
        if key not in expected:
            expected[key] = text
            return
        if expected[key] != text:
            figures["wrong_transcripts"] = figures.get("wrong_transcripts", 0) + 1
    if expected[key] != text:
        event(f"wrong transcript for {key}: {quote(text)} != {quote(expected[key])}")


def rss_kb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return float(line.split()[1])
    return -1


def properties(backend: Optional[str]) -> dict[str, str]:
    props = {}
    if backend:
        props["ATTENTION_BACKEND"] = backend
    if REAL:
        props["INFERENCE_PRECISION_HINT"] = "f32"
    return props


def pipeline(backend: Optional[str] = None) -> Any:
    return g.LLMPipeline(model, "CPU", properties(backend))


def config(max_new_tokens: int, **values: Any) -> Any:
    cfg = g.GenerationConfig()
    cfg.max_new_tokens = max_new_tokens
    for key, value in values.items():
        setattr(cfg, key, value)
    return cfg


def long_config() -> Any:
    return config(2000 if REAL else 200000, ignore_eos=True)


def ms_until_idle(pipe: Any, limit_ms: float) -> float:
    """A generate refused because the previous one still runs (-17) is retried: how long it stayed busy."""
    start = time.perf_counter()
    cfg = config(2)
    while True:
        try:
            pipe.generate("Hello", cfg)
            return (time.perf_counter() - start) * 1000
        except g.StatusError as exc:
            if int(exc.status) != -17 or (time.perf_counter() - start) * 1000 > limit_ms:
                raise
            time.sleep(0.001)


# -- soak --

def soak() -> None:
    cfg = config(48)
    with pipeline() as pa, pipeline("SDPA") as sdpa:
        i = 0
        while running() or i == 0:  # at least one generation, however short the run
            prompt = PROMPTS[i % len(PROMPTS)]
            use_pa = (i // len(PROMPTS)) % 2 == 0
            pipe = pa if use_pa else sdpa
            key = ("pa:" if use_pa else "sdpa:") + prompt
            form = i % 2
            i += 1
            caller = threading.get_ident()
            chunks: list[str] = []
            try:
                if form == 0:
                    def on_chunk(chunk: str) -> Any:
                        chunks.append(chunk)
                        count("chunks")
                        if threading.get_ident() != caller:
                            count("worker_thread_callbacks")
                        gc.collect()
                        return g.StreamingStatus.RUNNING

                    results = pipe.generate(prompt, cfg, streamer=on_chunk)
                    text = str(results)
                    if text != "".join(chunks):
                        count("wrong_transcripts")
                        event(f"streamed chunks differ from the result: {quote(''.join(chunks))} vs {quote(text)}")
                else:
                    with pipe.stream(prompt, cfg) as stream:
                        for chunk in stream:
                            chunks.append(chunk)
                            count("chunks")
                            gc.collect()
                check_text(key, "".join(chunks))
                count("generations")
            except Exception as exc:
                unexpected("soak " + key, exc)


# -- lifecycle --

def lifecycle() -> None:
    start = time.monotonic()
    span = deadline - start
    cycle = 0
    samples = 0
    while running() or cycle == 0:
        if time.monotonic() >= start + span * samples / 10:
            gc.collect()
            figures[f"rss_kb_{samples * 10:03d}"] = rss_kb()
            figures[f"managed_kb_{samples * 10:03d}"] = len(gc.get_objects()) / 1024  # thousands of objects
            if samples == 5:
                figures["rss_warm_kb"] = figures["rss_kb_050"]
                figures["live_objects_warm"] = live()
            samples += 1
        prompt = PROMPTS[cycle % len(PROMPTS)]
        try:
            if cycle % 2 == 0:
                cfg = config(16)
                with pipeline() as pipe:
                    results = pipe.generate([prompt], cfg, streamer=lambda c: None)
                    check_text("lifecycle:" + prompt, str(results))
                    if results.perf_metrics.get_num_generated_tokens() == 0:
                        raise RuntimeError("no tokens")
                    del results
            else:  # nothing closed: dropped references release them
                pipe = pipeline()
                results = pipe.generate([prompt], config(16), streamer=lambda c: None)
                check_text("lifecycle:" + prompt, str(results))
                if results.perf_metrics.get_num_generated_tokens() == 0:
                    raise RuntimeError("no tokens")
                del pipe, results
            count("cycles")
        except Exception as exc:
            unexpected("lifecycle", exc)
        cycle += 1
    gc.collect()
    figures.setdefault("rss_warm_kb", rss_kb())
    figures["rss_end_kb"] = rss_kb()
    figures["managed_end_kb"] = len(gc.get_objects()) / 1024


# -- concurrency --

def concurrency() -> None:
    rounds: list[Callable[[], None]] = [parallel, random_stop, close_from_another_thread, dispose_from_another_thread,
                                        dropped_stream, early_exit]
    skip = set(filter(None, os.environ.get("GENAI_STRESS_SKIP", "").split(",")))
    rounds = [r for r in rounds if r.__name__.replace("_", "-") not in skip]
    if not rounds:
        return
    i = 0
    while running() or i < len(rounds):  # every step at least once
        step = rounds[i % len(rounds)]
        print("STEP " + step.__name__.replace("_", "-"), flush=True)  # the last one names what a crash interrupted
        try:
            step()
        except Exception as exc:
            unexpected("concurrency " + step.__name__, exc)
        i += 1


def parallel() -> None:
    def work(seed: int) -> None:
        try:
            cfg = config(32)
            with pipeline(None if seed % 2 == 0 else "SDPA") as pipe:
                for k in range(3):
                    prompt = PROMPTS[(seed + k) % len(PROMPTS)]
                    results = pipe.generate(prompt, cfg, streamer=lambda c: None)
                    check_text(("pa:" if seed % 2 == 0 else "sdpa:") + prompt + ":32", str(results))
                    count("parallel_generations")
        except Exception as exc:
            unexpected("parallel", exc)

    threads = [threading.Thread(target=work, args=(t,), daemon=True) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
        if t.is_alive():
            count("stuck")
            event("a parallel generation did not end within 60 s")


def random_stop() -> None:
    # The callback stops (STOP or CANCEL) at a random chunk; the pipeline must be free again at once.
    cfg = long_config()
    with pipeline(rng.choice([None, "SDPA"])) as pipe:
        for _ in range(4):
            wanted = rng.randint(1, 6)
            answer = rng.choice([g.StreamingStatus.STOP, g.StreamingStatus.CANCEL])
            seen = [0]

            def on_chunk(chunk: str) -> Any:
                seen[0] += 1
                return answer if seen[0] >= wanted else g.StreamingStatus.RUNNING

            start = time.perf_counter()
            pipe.generate("Hello", cfg, streamer=on_chunk)
            count("cancels")
            maximum("cancel_max_ms", (time.perf_counter() - start) * 1000)
            maximum("busy_after_cancel_max_ms", ms_until_idle(pipe, 10000))


def close_from_another_thread() -> None:
    # Issue 13 defect 2: close() from another thread while the consumer waits in next().
    cfg = long_config()
    with pipeline(rng.choice([None, "SDPA"])) as pipe:
        stream = pipe.stream("Hello", cfg)
        got_first = threading.Event()

        def consume() -> None:
            try:
                for _ in stream:
                    got_first.set()
            except Exception as exc:
                unexpected("consumer of a stream closed from another thread", exc)

        consumer = threading.Thread(target=consume, daemon=True)
        consumer.start()
        got_first.wait(30)
        time.sleep(rng.random() * 0.005)
        start = time.perf_counter()
        stream.close()
        consumer.join(10)
        if consumer.is_alive():
            count("close_hangs")
            event("stream.close() from another thread: the consumer is still inside next() after 10 s")
            return
        count("closes_from_other_thread")
        maximum("close_from_other_thread_max_ms", (time.perf_counter() - start) * 1000)


def dispose_from_another_thread() -> None:
    pipe = pipeline(rng.choice([None, "SDPA"]))
    cfg = long_config()
    first = threading.Event()
    outcome: list[str] = []

    def generate() -> None:
        try:
            pipe.generate("Hello", cfg, streamer=lambda c: first.set())
            outcome.append("returned")
        except ValueError:
            outcome.append("closed")
        except Exception as exc:
            outcome.append(type(exc).__name__)

    generating = threading.Thread(target=generate, daemon=True)
    generating.start()
    if not first.wait(30):
        count("stuck")
        event("no first chunk within 30 s")
    time.sleep(rng.random() * 0.005)
    start = time.perf_counter()
    closer = threading.Thread(target=pipe.close, daemon=True)
    closer.start()
    closer.join(30)
    generating.join(30)
    maximum("dispose_from_other_thread_max_ms", (time.perf_counter() - start) * 1000)
    if closer.is_alive() or generating.is_alive():
        count("stuck")
        event(f"close() from another thread: closer ended {not closer.is_alive()}, "
              f"generating thread ended {not generating.is_alive()}")
        return
    if outcome and outcome[0] not in ("returned", "closed"):
        unexpected("close from another thread", RuntimeError(outcome[0]))
    count("disposes_from_other_thread")


def _abandon(pipe: Any, cfg: Any) -> None:
    stream = pipe.stream("Hello", cfg)
    next(stream)


def dropped_stream() -> None:
    cfg = long_config()
    with pipeline() as pipe:
        _abandon(pipe, cfg)
        gc.collect()
        try:
            ms = ms_until_idle(pipe, 60000)
        except g.StatusError:
            count("stuck")
            event("a dropped stream kept its pipeline busy for 60 s")
            return
        count("dropped_enumerators")
        maximum("dropped_enumerator_release_max_ms", ms)
        if ms > 2000:
            count("dropped_enumerator_slow_release")


def early_exit() -> None:
    # Issue 13 defect 3: leaving a stream early should take milliseconds, not a 0.1 s poll.
    cfg = long_config()
    with pipeline(rng.choice([None, "SDPA"])) as pipe:
        for _ in range(5):
            wanted = rng.randint(1, 3)
            with pipe.stream("Hello", cfg) as stream:
                for got, _chunk in enumerate(stream, 1):
                    if got == wanted:
                        break
                leaving = time.perf_counter()
            ms = (time.perf_counter() - leaving) * 1000
            count("early_exits")
            count("early_exit_total_ms", ms)
            maximum("early_exit_max_ms", ms)


# -- exit while another thread generates --

def exit_during_generation(mode: str) -> int:
    """exit-return | exit-sys | exit-daemon: a generation with a streamer runs on another thread (a daemon one
    for exit-daemon) when the main thread returns or calls sys.exit. exit-plain-daemon: generations without a
    streamer on a daemon thread, one after the other (the exit can only wait for the running one), on the default
    or the SDPA backend (by the seed); exit-plain-inside-daemon: the same, and the exit begins only once a probe
    generate was refused (the worker's call surely runs). (Python waits for a non-daemon thread before any exit
    hook runs: a plain loop there would keep the process alive, as it should.)"""
    how = mode.rsplit("-", 1)[1]
    form = "plain-inside" if mode.startswith("exit-plain-inside-") else "plain" if mode.startswith("exit-plain-") \
        else "streamer"
    pipe = pipeline(None if form == "streamer" or rng.randint(0, 1) == 0 else "SDPA")
    cfg = long_config()
    first = threading.Event()

    def work() -> None:
        while True:
            try:
                if form == "streamer":
                    pipe.generate(["Hello"], cfg, streamer=lambda c: first.set())
                    return
                first.set()
                pipe.generate(["Hello"], cfg)
            except g.StatusError:
                if form != "plain-inside":
                    raise
                # the main thread's probe held the pipeline just then: generate again
            except ExitingError:
                return  # refused: the process is exiting

    thread = threading.Thread(target=work, daemon=how == "daemon")
    thread.start()
    if not first.wait(60):
        print("EVENT no first chunk", flush=True)
        return 3
    if form == "plain-inside" and not wait_until_busy(pipe):
        print("EVENT the worker's plain generation never held the pipeline", flush=True)
        return 3
    print("GENERATING", flush=True)
    if how == "sys":
        sys.exit(0)
    return 0


def wait_until_busy(pipe: Any) -> bool:
    """True once a generate on the pipeline was refused at once because another one runs."""
    probe = config(1)
    until = time.monotonic() + 60
    while time.monotonic() < until:
        try:
            pipe.generate(["Hello"], probe, streamer=lambda c: None)
        except g.StatusError:
            return True
        time.sleep(0.001)
    return False


# -- bad input --

BAD_INPUT_EXPECTED = {
    "missing model path": {"StatusError"},
    "unknown device": {"StatusError"},
    "None model path": {"TypeError"},
    "unknown property": {"StatusError"},
    "None prompt": {"TypeError"},
    "prompt not a string": {"TypeError"},
    "closed pipeline": {"ValueError"},
    "zero max_new_tokens": {"InvalidValueError"},
    "top_p 5 with sampling": {"InvalidValueError"},
    "negative max_new_tokens": {"ValueError", "OverflowError"},
    "temperature not a number": {"TypeError"},
    "callback raises": {"KeyError"},
    "undefined streaming status": {"TypeError", "ValueError"},
    "lone surrogate in prompt": {"ok", "ValueError", "UnicodeEncodeError"},
    "NUL in prompt": {"ok", "ValueError"},
    "invalid JSON": {"JsonContainerStatusError"},
    "pop from empty history": {"IndexError"},
    "message index out of range": {"IndexError"},
    "a megabyte prompt": {"ok"},
}


def bad_input() -> None:
    with pipeline() as pipe:
        closed = pipeline()
        closed.close()

        def gen(prompt: Any, max_new_tokens: int = 4, streamer: Any = None, **values: Any) -> None:
            cfg = config(max_new_tokens, **values)
            pipe.generate(prompt, cfg, streamer=streamer)

        def raising(chunk: str) -> Any:
            raise KeyError("boom")

        def history_pop() -> None:
            g.ChatHistory().pop()  # a plain list of messages: Python's own error

        def history_get() -> None:
            g.ChatHistory([{"role": "user", "content": "x"}])[5]

        def negative() -> None:
            cfg = g.GenerationConfig()
            cfg.max_new_tokens = -1

        def hot() -> None:
            cfg = g.GenerationConfig()
            cfg.temperature = "hot"

        cases: dict[str, Callable[[], Any]] = {
            "missing model path": lambda: g.LLMPipeline(model + "/no/such/model", "CPU").close(),
            "unknown device": lambda: g.LLMPipeline(model, "NOPE").close(),
            "None model path": lambda: g.LLMPipeline(None, "CPU").close(),
            "unknown property": lambda: g.LLMPipeline(model, "CPU", {"NO_SUCH_KEY": "1"}).close(),
            "None prompt": lambda: gen(None),
            "prompt not a string": lambda: gen(42),
            "closed pipeline": lambda: closed.generate("Hello"),
            "zero max_new_tokens": lambda: gen("Hello", 0),
            "top_p 5 with sampling": lambda: gen("Hello", 4, do_sample=True, top_p=5.0),
            "negative max_new_tokens": negative,
            "temperature not a number": hot,
            "callback raises": lambda: gen("Hello", 8, raising),
            "undefined streaming status": lambda: gen("Hello", 8, lambda c: 7),
            "lone surrogate in prompt": lambda: gen("a\ud800b"),
            "NUL in prompt": lambda: gen("a\0b"),
            "invalid JSON": lambda: g.JsonContainer.from_json_string('{"a": ').close(),
            "pop from empty history": history_pop,
            "message index out of range": history_get,
            "a megabyte prompt": lambda: gen("x" * (1 << 20)),
        }
        if REAL:
            del cases["a megabyte prompt"]
        passes = 0
        while running() or passes == 0:  # every case at least once
            for name, case in cases.items():
                try:
                    case()
                    outcome = "ok"
                except Exception as exc:
                    outcome = type(exc).__name__
                count("bad_inputs")
                if outcome not in BAD_INPUT_EXPECTED[name]:
                    count("unclear_errors")
                    event(f"bad input {name!r}: {outcome}, expected {' or '.join(sorted(BAD_INPUT_EXPECTED[name]))}")
                if not running() and passes > 0:
                    break
            passes += 1


def live() -> float:
    value = cffi_driver._live_objects(Path(os.environ[cffi_driver.LIBRARY_ENV]))
    return -1 if value is None else value


CAMPAIGNS = {"soak": soak, "lifecycle": lifecycle, "concurrency": concurrency, "badinput": bad_input}


def main(argv: list[str]) -> int:
    global g, model, rng, deadline
    mode, campaign, seconds, model, seed = argv
    g, _ = cffi_driver._load(mode)
    rng = random.Random(int(seed))
    deadline = time.monotonic() + float(seconds)
    if campaign.startswith("exit-"):
        return exit_during_generation(campaign)
    figures["live_objects_start"] = live()
    start = time.perf_counter()
    CAMPAIGNS[campaign]()
    gc.collect()
    figures["live_objects_end"] = live()
    if figures["live_objects_end"] >= 0:
        for kind, number in double.live_kinds(os.environ[cffi_driver.LIBRARY_ENV]).items():
            figures[f"live_end_{kind}"] = number
    figures["seconds"] = time.perf_counter() - start
    for key in sorted(expected):
        print(f"TRANSCRIPT {key} {hashlib.sha256(expected[key].encode()).hexdigest()}")
    for key in sorted(figures):
        print(f"FIGURE {key} {figures[key]!r}")
    print("DONE", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
