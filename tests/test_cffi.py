"""The generated cffi package (python/openvino_genai_cffi) against the native test double, in ABI
and API mode: layouts, the whole surface, errors, argument checks, callbacks on either thread,
the iterator form, ownership (no leak, no double free)."""
from __future__ import annotations

import array
import gc
import math
import sys
import threading
import time
import _thread
from pathlib import Path
from typing import Any, Iterator

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "python"))

import openvino_genai_cffi as g  # noqa: E402
from genai_interop_runtime.errors import InteropError  # noqa: E402
from openvino_genai_cffi import _cdef  # noqa: E402

from bindgen import snapshot  # noqa: E402
from support.double import build_double, live_objects  # noqa: E402

MODES = ("abi", "api")
DOUBLE_INCLUDE = REPO / "tests" / "double" / "include"
STREAM_THREAD = "openvino_genai_cffi-stream"


@pytest.fixture(scope="session")
def double_lib() -> Path:
    return build_double()


@pytest.fixture(scope="session")
def cffi_build(build_dir: Path) -> Path:
    return build_dir / "cffi"


@pytest.fixture(params=MODES)
def native(request: Any, double_lib: Path, cffi_build: Path) -> Iterator[g.Native]:
    """The double loaded in one mode and made current; the test must leave no native object alive."""
    loaded = g.load(double_lib, mode=request.param, include_dirs=[DOUBLE_INCLUDE], build_dir=cffi_build)
    gc.collect()
    before = live_objects(double_lib)
    yield loaded
    gc.collect()
    assert live_objects(double_lib) == before, "native objects leaked"


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    return tmp_path  # the double only needs the path to exist


def config(max_new_tokens: int = 30) -> g.GenerationConfig:
    cfg = g.GenerationConfig()
    cfg.max_new_tokens = max_new_tokens
    return cfg


def stream_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == STREAM_THREAD]


# -- declarations --

def test_struct_layouts_equal_the_model(native: g.Native) -> None:
    api = snapshot.load(snapshot.embedded("genai"))
    assert api.structs, "the model has structs to compare"
    for struct in api.structs:
        assert native.ffi.sizeof(struct.name) == struct.size, struct.name
        assert native.ffi.alignof(struct.name) == struct.align, struct.name
        for f in struct.fields:
            assert native.ffi.offsetof(struct.name, f.name) == f.offset, f"{struct.name}.{f.name}"
        size, align, offsets = _cdef.STRUCT_LAYOUTS[struct.name]
        assert (size, align) == (struct.size, struct.align)
        assert offsets == {f.name: f.offset for f in struct.fields}


def test_enums_equal_the_model(native: g.Native) -> None:
    api = snapshot.load(snapshot.embedded("genai"))
    from openvino_genai_cffi import _enums

    for e in api.enums:
        py = _enums.BY_C_NAME[e.name]
        assert sorted(int(v) for v in py) == sorted(mem.value for mem in e.members), e.name
        for mem in e.members:
            assert getattr(native.lib, mem.name) == mem.value, mem.name
    assert g.StreamingStatus.STOP == 1 and g.Status.UNKNOW_EXCEPTION == -17


def test_every_function_is_declared(native: g.Native) -> None:
    api = snapshot.load(snapshot.embedded("genai"))
    for f in api.functions:
        assert native.ffi.typeof(getattr(native.lib, f.name)).kind == "function", f.name


# -- lifecycle and ownership --

def test_context_manager_then_gc_frees_once(native: g.Native, model_dir: Path, double_lib: Path) -> None:
    base = live_objects(double_lib)
    with g.LLMPipeline(model_dir, "CPU") as pipe:
        assert live_objects(double_lib) == base + 1
        assert not pipe.closed
    assert pipe.closed and live_objects(double_lib) == base
    pipe.close()  # idempotent
    del pipe
    gc.collect()
    assert live_objects(double_lib) == base
    cfg = config()
    assert live_objects(double_lib) == base  # a value object: nothing native until a call takes it
    with g.LLMPipeline(model_dir, "CPU") as pipe:
        pipe.generate("Hello", cfg)
    gc.collect()  # the native config made for the call is freed with it
    assert live_objects(double_lib) == base


def test_use_after_close_is_a_clear_error(native: g.Native, model_dir: Path) -> None:
    pipe = g.LLMPipeline(model_dir, "CPU")
    pipe.close()
    with pytest.raises(ValueError, match="LLMPipeline is closed"):
        pipe.start_chat()
    assert "closed" in repr(pipe)


def test_close_during_a_call_waits_for_it(native: g.Native, model_dir: Path, double_lib: Path) -> None:
    base = live_objects(double_lib)
    pipe = g.LLMPipeline(model_dir, "CPU")
    seen: list[bool] = []

    def close_inside(chunk: str) -> None:
        pipe.close()  # deferred: the pipeline is inside generate
        seen.append(pipe.closed)

    results = pipe.generate("Hello", config(), streamer=close_inside)
    assert seen and seen[0] is False  # still usable while the call runs
    assert pipe.closed
    assert str(results)
    del results  # its perf_metrics hold the native metrics until collected
    gc.collect()
    assert live_objects(double_lib) == base


# -- errors --

def test_status_errors_carry_name_value_and_function(native: g.Native, tmp_path: Path) -> None:
    with pytest.raises(g.StatusError) as info:
        g.LLMPipeline(tmp_path / "missing", "CPU")
    err = info.value
    assert err.status == g.Status.UNKNOW_EXCEPTION == -17
    assert err.status_name == "UNKNOW_EXCEPTION"
    assert err.function == "ov_genai_llm_pipeline_create"
    assert "ov_genai_llm_pipeline_create returned UNKNOW_EXCEPTION (-17)" in str(err)
    assert isinstance(err, g.NativeStatusError) and isinstance(err, g.OpenVINOGenAIError)

    with pytest.raises(g.JsonContainerStatusError) as json_info:
        g.JsonContainer.from_json_string("{not json")
    assert json_info.value.status_name == "OV_GENAI_JSON_CONTAINER_INVALID_JSON"
    assert json_info.value.status == g.JsonContainerStatus.INVALID_JSON

    from openvino_genai_cffi._bindings import _ChatHistoryNative  # the value class's native object
    with _ChatHistoryNative() as history:
        with pytest.raises(g.ChatHistoryStatusError) as chat_info:
            history.pop_back()
    assert chat_info.value.status_name == "OV_GENAI_CHAT_HISTORY_EMPTY"
    assert not isinstance(chat_info.value, g.StatusError)


def test_invalid_arguments_never_reach_the_library(native: g.Native, model_dir: Path) -> None:
    with pytest.raises(TypeError, match="models_path"):
        g.LLMPipeline(None, "CPU")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="device"):
        g.LLMPipeline(model_dir, 7)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="NUL"):
        g.LLMPipeline(model_dir, "CPU\0GPU")
    with pytest.raises(TypeError, match=r"expected str, bool, int or float, got list"):
        g.LLMPipeline(model_dir, "CPU", PERF_COUNT=[True])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="given twice"):
        g.LLMPipeline(model_dir, "CPU", {"ATTENTION_BACKEND": "SDPA"}, ATTENTION_BACKEND="PA")
    cfg = config()
    with pytest.raises(ValueError, match="out of range"):
        cfg.max_new_tokens = -1
    with pytest.raises(TypeError, match="int"):
        cfg.max_new_tokens = 2.5  # type: ignore[assignment]
    with pytest.raises(TypeError, match="bool"):
        cfg.ignore_eos = 1  # type: ignore[assignment]
    with pytest.raises(ValueError, match="StopCriteria"):
        cfg.stop_criteria = 7
    with pytest.raises(TypeError, match="StopCriteria"):
        cfg.stop_criteria = g.StreamingStatus.STOP
    with pytest.raises(TypeError, match=r"strings\[1\]"):
        cfg.stop_strings = ["ok", 3]  # type: ignore[list-item]
    with pytest.raises(TypeError, match="expected a set of str"):
        cfg.stop_strings = "abc"
    with g.LLMPipeline(model_dir, "CPU") as pipe:
        with pytest.raises(TypeError, match="inputs"):
            pipe.generate(None, cfg)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="GenerationConfig"):
            pipe.generate("Hello", g.WhisperGenerationConfig())  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="callable"):
            pipe.generate("Hello", cfg, streamer="not callable")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="no constructor"):
        g.PerfMetrics()


# -- properties, strings, arrays --

def test_generation_config_properties(native: g.Native, model_dir: Path) -> None:
    cfg = g.GenerationConfig()
    cfg.max_new_tokens = 7
    assert cfg.max_new_tokens == 7
    cfg.temperature = 0.5
    cfg.do_sample = False
    cfg.stop_criteria = g.StopCriteria.NEVER
    cfg.stop_strings = {"world", "café"}
    cfg.stop_token_ids = {5, 6}
    assert cfg.temperature == 0.5 and cfg.stop_strings == {"world", "café"}
    cfg.validate()
    with g.LLMPipeline(model_dir, "CPU") as pipe:
        own = pipe.get_generation_config()
        own.max_new_tokens = 3
        pipe.set_generation_config(own)
        again = pipe.get_generation_config()
        assert again.max_new_tokens == 3
        results = pipe.generate(["Hello"])  # NULL config: the pipeline's own
        assert results.perf_metrics.get_num_generated_tokens() <= 3


def test_strings_round_trip_as_utf8(native: g.Native) -> None:
    cfg = g.WhisperGenerationConfig()
    cfg.initial_prompt = "naïve 世界 🚀"
    assert cfg.initial_prompt == "naïve 世界 🚀"
    cfg.language = "<|zh|>"
    assert cfg.language == "<|zh|>"
    # Never set: the getter reports NOT_FOUND, which reads as None (as C# reads null); set to
    # None (NULL) unsets it again.
    assert cfg.hotwords is None
    cfg.language = None
    assert cfg.language is None
    cfg.suppress_tokens = [1, 2, 3]
    assert cfg.suppress_tokens == [1, 2, 3]
    cfg.begin_suppress_tokens = []
    assert cfg.begin_suppress_tokens == []
    cfg.return_timestamps = True
    assert cfg.return_timestamps is True
    text = '{"role": "user", "content": "naïve 世界 🚀"}'
    with g.JsonContainer.from_json_string(text) as container:
        assert "naïve 世界 🚀" in container.to_json_string()
        with container.copy() as twin:
            assert twin.to_json_string() == container.to_json_string()


def test_decoded_text_and_perf_metrics(native: g.Native, model_dir: Path) -> None:
    cfg = config()
    with g.LLMPipeline(model_dir, "CPU") as pipe:
        results = pipe.generate(["Hello café"], cfg)  # a list: the results object (a str prompt: the text)
        text = str(results)
        assert pipe.generate("Hello café", cfg) == text
        assert text and isinstance(text, str)
        assert results.texts == [text] and len(results.scores) == 1
        # A single text's score is not in the C API's text form; greedy without logprobs scores 0.0 (as upstream)
        assert results.scores == [0.0]
        metrics = results.perf_metrics
        assert metrics.get_num_generated_tokens() > 0 and metrics.get_num_input_tokens() > 0
        assert metrics.get_load_time() > 0
        ttft = metrics.get_ttft()
        assert isinstance(ttft, g.MeanStdPair) and ttft.mean > 0 and ttft.std >= 0
        mean, std = ttft
        assert (mean, std) == (ttft.mean, ttft.std)
        assert metrics.get_throughput().mean > 0
        with pytest.raises(AttributeError, match="setter"):
            results.texts = []  # type: ignore[misc]
        second = pipe.generate(["Hello again"], cfg).perf_metrics
        before = metrics.get_num_generated_tokens()
        total = metrics + second
        assert total.get_num_generated_tokens() == before + second.get_num_generated_tokens()
        assert metrics.get_num_generated_tokens() == before  # the left side keeps its values
        with pytest.raises(InteropError, match="left side"):
            metrics + second
        total += second
        assert total.get_num_generated_tokens() == before + 2 * second.get_num_generated_tokens()
        assert second.get_num_generated_tokens() > 0  # the right side is unchanged


# -- streaming --

@pytest.mark.parametrize("backend,where", [("SDPA", "caller"), ("PA", "worker")])
def test_callback_form_on_either_thread(native: g.Native, model_dir: Path, backend: str, where: str) -> None:
    main = threading.get_ident()
    chunks: list[str] = []
    threads: list[str] = []

    def on_chunk(chunk: str) -> None:
        chunks.append(chunk)
        threads.append("caller" if threading.get_ident() == main else "worker")

    cfg = config()
    with g.LLMPipeline(model_dir, "CPU", ATTENTION_BACKEND=backend) as pipe:
        results = pipe.generate("Hello world", cfg, streamer=on_chunk)
        assert "".join(chunks) == str(results)
    assert len(chunks) > 3
    # The library's final flush may come from the calling thread (the real one does that).
    assert set(threads[:-1]) == {where} and threads[-1] in ("caller", where)


@pytest.mark.parametrize("backend", ["SDPA", "PA"])
def test_iterator_form_matches_callback_form(native: g.Native, model_dir: Path, backend: str) -> None:
    cfg = config()
    with g.LLMPipeline(model_dir, "CPU", {"ATTENTION_BACKEND": backend}) as pipe:
        expected: list[str] = []
        pipe.generate("Hello world", cfg, streamer=expected.append)
        stream = pipe.stream("Hello world", cfg)
        chunks = list(stream)
        assert chunks == expected
        assert stream.results is not None
        assert str(stream.results) == "".join(chunks)
    assert not stream_threads()


@pytest.mark.parametrize("backend", ["SDPA", "PA"])
def test_breaking_out_stops_generation_and_joins(native: g.Native, model_dir: Path, backend: str) -> None:
    cfg = config(60)
    with g.LLMPipeline(model_dir, "CPU", ATTENTION_BACKEND=backend) as pipe:
        full = pipe.generate("Hello world", cfg)
        full_text = str(full)
        taken = []
        for chunk in pipe.stream("Hello world", cfg):
            taken.append(chunk)
            if len(taken) == 2:
                break
        assert not stream_threads(), "the worker thread was joined when the loop was left"
        with pipe.stream("Hello world", cfg) as stream:
            first = next(stream)
        assert stream.results is not None  # the stopped call's results are kept
        stopped_text = str(stream.results)
        assert first and len(stopped_text) < len(full_text)
        assert full_text.startswith(stopped_text)
        # The pipeline is usable afterwards.
        again = pipe.generate("Hello world", cfg)
        assert str(again) == full_text


def test_a_stream_starts_nothing_before_it_is_iterated(native: g.Native, model_dir: Path) -> None:
    # Issue 11: `s = pipe.stream(...)` used to start generating at once.
    cfg = config(20)
    with g.LLMPipeline(model_dir, "CPU") as pipe:
        seen: list[str] = []
        stream = pipe.stream("Hello world", cfg)
        assert not stream_threads(), "nothing runs before the first chunk is asked for"
        # The pipeline is free meanwhile.
        first = pipe.generate("Hello world", cfg, streamer=seen.append)
        expected = str(first)
        chunks = list(stream)
        assert "".join(chunks) == expected and chunks == seen
        never = pipe.stream("Hello world", cfg)
        never.close()  # never iterated: nothing ran, the borrowed pipeline is released
        assert list(never) == []
        del never
    assert not stream_threads()


@pytest.mark.parametrize("backend", ["SDPA", "PA"])
def test_break_without_close_leaves_the_pipeline_free(native: g.Native, model_dir: Path, backend: str) -> None:
    # Issue 11: leaving the loop with `break` while the stream is still referenced kept the pipeline busy,
    # and the next call failed with -17. The paused stream now gives way to the next call on its pipeline.
    cfg = config(60)
    with g.LLMPipeline(model_dir, "CPU", ATTENTION_BACKEND=backend) as pipe:
        full = pipe.generate("Hello world", cfg)
        full_text = str(full)
        stream = pipe.stream("Hello world", cfg)
        for _ in stream:
            break
        again = pipe.generate("Hello world", cfg)
        assert str(again) == full_text
        assert not stream_threads()
        with pytest.raises(RuntimeError, match="another call on the same pipeline"):
            next(stream)
        assert stream.results is not None and full_text.startswith(str(stream.results))
        # A stream paused on one thread gives way to a call from another thread too.
        stream = pipe.stream("Hello world", cfg)
        next(stream)
        out: list[str] = []
        worker = threading.Thread(target=lambda: out.append(str(pipe.generate("Hello world", cfg))))
        worker.start()
        worker.join(30)
        assert out == [full_text]


def test_streamer_objects(native: g.Native, model_dir: Path) -> None:
    class Collect(g.StreamerBase):
        def __init__(self, stop_after: int = 0) -> None:
            self.chunks: list[str] = []
            self.ended = 0
            self.stop_after = stop_after

        def write(self, chunk: str) -> Any:
            self.chunks.append(chunk)
            return g.StreamingStatus.STOP if len(self.chunks) == self.stop_after else g.StreamingStatus.RUNNING

        def end(self) -> None:
            self.ended += 1

    class Failing(g.StreamerBase):
        ended = False

        def write(self, chunk: str) -> None:
            raise LookupError("from write")

        def end(self) -> None:
            Failing.ended = True

    cfg = config(30)
    with g.LLMPipeline(model_dir, "CPU") as pipe:
        streamer = Collect()
        results = pipe.generate("Hello world", cfg, streamer=streamer)
        assert "".join(streamer.chunks) == str(results) and streamer.ended == 1
        stopping = Collect(stop_after=2)
        pipe.generate("Hello world", cfg, streamer=stopping)
        assert 2 <= len(stopping.chunks) <= 3 and stopping.ended == 1
        with pytest.raises(LookupError, match="from write"):
            pipe.generate("Hello world", cfg, streamer=Failing())
        assert not Failing.ended
        with pytest.raises(NotImplementedError, match="write"):
            pipe.generate("Hello world", cfg, streamer=g.StreamerBase())
        with pytest.raises(TypeError, match="a callable or a StreamerBase"):
            pipe.generate("Hello world", cfg, streamer=42)  # type: ignore[arg-type]


def test_callback_exception_stops_and_is_reraised(native: g.Native, model_dir: Path) -> None:
    calls: list[str] = []

    def failing(chunk: str) -> None:
        calls.append(chunk)
        if len(calls) == 3:
            raise ValueError("user code failed")

    for backend in ("SDPA", "PA"):
        calls.clear()
        cfg = config(60)
        with g.LLMPipeline(model_dir, "CPU", ATTENTION_BACKEND=backend) as pipe:
            with pytest.raises(ValueError, match="user code failed") as info:
                pipe.generate("Hello world", cfg, streamer=failing)
            assert len(calls) == 3, "no user call after the error (the library's final flush is absorbed)"
            assert any(frame.name == "failing" for frame in __import__("traceback").extract_tb(info.value.__traceback__))
            ok = pipe.generate("Hello world", cfg)  # still usable


def test_keyboard_interrupt_in_callback_is_not_swallowed(native: g.Native, model_dir: Path) -> None:
    def interrupted(chunk: str) -> None:
        raise KeyboardInterrupt

    cfg = config()
    with g.LLMPipeline(model_dir, "CPU", ATTENTION_BACKEND="SDPA") as pipe:
        with pytest.raises(KeyboardInterrupt):
            pipe.generate("Hello world", cfg, streamer=interrupted)


def test_ctrl_c_while_iterating_stops_the_call(native: g.Native, model_dir: Path) -> None:
    cfg = config(60)
    with g.LLMPipeline(model_dir, "CPU") as pipe:
        with pytest.raises(KeyboardInterrupt):
            for _ in pipe.stream("Hello world", cfg):
                _thread.interrupt_main()  # what Ctrl-C does, delivered while the loop runs
                time.sleep(1)
        gc.collect()
        assert not stream_threads()
        pipe.generate("Hello", cfg)


def test_callback_return_values(native: g.Native, model_dir: Path) -> None:
    cfg = config(60)
    with g.LLMPipeline(model_dir, "CPU", ATTENTION_BACKEND="SDPA") as pipe:
        for stop in (True, g.StreamingStatus.STOP, g.StreamingStatus.CANCEL, 1):
            seen: list[str] = []

            def stop_at_2(chunk: str) -> Any:
                seen.append(chunk)
                return stop if len(seen) == 2 else None

            pipe.generate("Hello world", cfg, streamer=stop_at_2)
            assert 2 <= len(seen) <= 3  # plus at most the library's final flush
        with pytest.raises(TypeError, match="callback returned"):
            pipe.generate("Hello world", cfg, streamer=lambda chunk: "yes")


def test_concurrent_calls_reach_their_own_callbacks(native: g.Native, model_dir: Path) -> None:
    prompts = ["Hello world", "quick fox", "naïve streaming", "café 世界"]
    pipes = [g.LLMPipeline(model_dir, "CPU") for _ in prompts]
    expected = []
    cfg = config()
    for pipe, prompt in zip(pipes, prompts):
        r = pipe.generate(prompt, cfg)
        expected.append(str(r))
    got: dict[int, list[str]] = {i: [] for i in range(len(prompts))}

    def run(i: int) -> None:
        pipes[i].generate(prompts[i], cfg, streamer=got[i].append)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(prompts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert ["".join(got[i]) for i in range(len(prompts))] == expected
    for pipe in pipes:
        pipe.close()


# -- chat, history, JSON --

def test_chat_and_history(native: g.Native, model_dir: Path) -> None:
    cfg = config()
    with g.LLMPipeline(model_dir, "CPU") as pipe:
        pipe.start_chat()
        first = pipe.generate("Hello", cfg)
        second = pipe.generate("Tell me more", cfg)
        pipe.finish_chat()
        history = g.ChatHistory([{"role": "user", "content": "Hello"}])
        history.append({"role": "assistant", "content": str(first)})
        history.extend([{"role": "user", "content": "Tell me more"}])
        assert len(history) == 3 and history and history[0] == {"role": "user", "content": "Hello"}
        assert [m["role"] for m in history] == ["user", "assistant", "user"]
        assert history.get_messages() == history.messages and history.get_messages() is not history.messages
        with pytest.raises(TypeError, match="a message is a dict"):
            history.append("Hello")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="JSON-serialisable"):
            history.append({"role": "user", "content": object()})
        replay = pipe.generate(history, cfg)
        assert str(replay) == str(second)
        assert len(history) == 3, "the library does not append the answer to a history it is given"
        chunks = list(pipe.stream(history, cfg))
        assert "".join(chunks) == str(second)
        history.set_tools([{"type": "function"}])
        history.set_extra_context({"enable_thinking": False})
        assert history.get_tools() == [{"type": "function"}]
        assert str(pipe.generate(history, cfg)) == str(second)  # tools and context reach the native history
        assert history.pop() == {"role": "user", "content": "Tell me more"} and len(history) == 2
        history.clear()
        assert not history and len(history) == 0
        with pytest.raises(ValueError, match="the ChatHistory is empty"):
            pipe.generate(history, cfg)  # an empty history: the library refuses it (-17, as measured), so we do first
        with pytest.raises(TypeError, match="history: expected ChatHistory"):
            pipe._prepare_generate_with_history([{"role": "user", "content": "x"}], cfg)  # type: ignore[arg-type]



def test_an_empty_chat_history_is_refused_before_the_call(native: g.Native, model_dir: Path) -> None:
    # The official 2026.3 refuses it with a message ("Chat history must not be empty ...", VLM "No user message
    # found"); through the C API it was UNKNOWN_EXCEPTION with no detail. Now refused first, in both pipelines.
    message = r"^the ChatHistory is empty: append a user message first \(the library refuses an empty history\)$"
    with g.LLMPipeline(model_dir, "CPU") as pipe:
        with pytest.raises(ValueError, match=message):
            pipe.generate(g.ChatHistory(), max_new_tokens=4)
        with pytest.raises(ValueError, match=message):
            list(pipe.stream(g.ChatHistory(), max_new_tokens=4))
        assert str(pipe.generate(g.ChatHistory([{"role": "user", "content": "Hi"}]), max_new_tokens=4))
    with g.VLMPipeline(model_dir, "CPU") as vlm:
        with pytest.raises(ValueError, match=message):
            vlm.generate(g.ChatHistory(), max_new_tokens=4)


def test_chat_history_keeps_its_native_object_while_it_only_grows(native: g.Native) -> None:
    # A VLM pipeline keeps the images of earlier turns on the native history it is given, so a history
    # must hand the same native object to every call while messages are only appended (upstream's VLM chat
    # sample differed from the official package at turn 2 when it was rebuilt per call).
    native_cls = g._bindings._ChatHistoryNative
    history = g.ChatHistory([{"role": "user", "content": "Hello"}])
    first = history._to_native(native_cls)
    assert first.size == 1
    history.append({"role": "assistant", "content": "Hi"})
    history.append({"role": "user", "content": "More"})
    assert history._to_native(native_cls) is first and first.size == 3
    assert history._to_native(native_cls) is first and first.size == 3  # nothing new: nothing pushed
    history.pop()
    rebuilt = history._to_native(native_cls)
    assert rebuilt is not first and rebuilt.size == 2
    history.messages[0]["content"] = "Changed"  # an edit in place is seen too
    edited = history._to_native(native_cls)
    assert edited is not rebuilt and edited.size == 2
    history.set_tools([{"type": "function"}])
    assert history._to_native(native_cls) is not edited

def test_chat_history_native_is_released_with_its_pipeline(native: g.Native, double_lib: Path, model_dir: Path) -> None:
    # The native history a ChatHistory keeps between calls is closed at once when it is replaced and at the
    # latest when the pipeline that used it is closed (the same as C#), so nothing the user still holds keeps a
    # native object alive past its pipeline; the next call (on another pipeline) makes a new one.
    history = g.ChatHistory([{"role": "user", "content": "Hello"}])
    with_nothing = live_objects(double_lib)
    pipe = g.LLMPipeline(model_dir, "CPU")
    pipe.generate(history, max_new_tokens=4)
    first = history._native
    assert first is not None and not first.closed
    history.pop()
    history.append({"role": "user", "content": "Again"})
    pipe.generate(history, max_new_tokens=4)
    assert first.closed and not history._native.closed, "replaced: closed at once"
    kept = history._native
    pipe.close()
    assert kept.closed, "closed with its pipeline"
    gc.collect()
    assert live_objects(double_lib) == with_nothing, "the history itself is still referenced"
    with g.LLMPipeline(model_dir, "CPU") as other:
        other.generate(history, max_new_tokens=4)
        assert history._native is not kept and not history._native.closed
    assert history._native.closed
    dropped = g.ChatHistory([{"role": "user", "content": "Dropped"}])
    with g.LLMPipeline(model_dir, "CPU") as third:
        third.generate(dropped, max_new_tokens=4)
        with_dropped = live_objects(double_lib)
        del dropped
        gc.collect()
        assert live_objects(double_lib) == with_dropped - 1, "a dropped history's native object goes with it"


def test_a_list_of_prompts_is_a_batch(native: g.Native, model_dir: Path) -> None:
    # Upstream's generate(list[str]): one generation per prompt, in order, texts/scores/metrics together.
    cfg = g.GenerationConfig(max_new_tokens=8, num_beams=3, num_return_sequences=2)
    with g.LLMPipeline(model_dir, "CPU") as pipe:
        each = [pipe.generate(p, cfg) for p in ("Hello", "The fox")]
        both = pipe.generate(["Hello", "The fox"], cfg)
        assert both.texts == each[0].texts + each[1].texts and both.scores == each[0].scores + each[1].scores
        assert str(both) == "\n".join(f"{s:f}: {t}" for s, t in zip(both.scores, both.texts))
        assert both.perf_metrics.get_num_generated_tokens() == sum(e.perf_metrics.get_num_generated_tokens() for e in each)
        assert pipe.generate(["Hello"], cfg) == each[0]
        with pytest.raises(ValueError, match="a streamer takes one prompt"):
            pipe.generate(["Hello", "The fox"], cfg, streamer=print)


def test_chat_session_appends_the_answer(native: g.Native, model_dir: Path) -> None:
    # The chat helper keeps the history and appends the assistant's answer itself: the same conversation
    # as the pipeline's own chat mode.
    cfg = config()
    with g.LLMPipeline(model_dir, "CPU") as pipe:
        pipe.start_chat()
        expected = [str(pipe.generate(q, cfg)) for q in ("Hello", "Tell me more")]
        pipe.finish_chat()
        assert g.ChatSession(pipe, "You are terse.").history.messages == [{"role": "system", "content": "You are terse."}]
        session = g.ChatSession(pipe)
        streamed: list[str] = []
        answers = [str(session.ask("Hello", cfg)), str(session.ask("Tell me more", cfg, streamer=streamed.append))]
        assert "".join(streamed) == answers[1]
        assert [m["role"] for m in session.history] == ["user", "assistant", "user", "assistant"]
        assert [m["content"] for m in session.history][1::2] == answers
        assert answers == expected

        def failing(chunk: str) -> None:
            raise LookupError("stop")

        with pytest.raises(LookupError):
            session.ask("Again", cfg, streamer=failing)
        assert len(session.history) == 4, "a failed turn leaves the history as it was"
        assert str(session.ask("Again", max_new_tokens=3))  # keyword config fields pass through


# -- VLM (foreign ov_tensor_t handles) and Whisper --

class ForeignTensor:
    """An OpenVINO tensor made by another cffi binding (its own FFI over the openvino wheel's
    libopenvino_c), exposing `c_pointer` as such bindings do. The double reads image tensors through
    the libopenvino_c the process has loaded, as the real library reads them through its own."""

    _ffi: Any = None
    _lib: Any = None

    def __init__(self, seed: int, shape: tuple[int, int, int] = (4, 6, 3)) -> None:
        import cffi

        from support import openvino_wheel

        if ForeignTensor._ffi is None:
            ffi = cffi.FFI()
            ffi.cdef("typedef struct ov_tensor ov_tensor_t;"
                     "typedef struct { int64_t rank; int64_t* dims; } ov_shape_t;"
                     "int ov_tensor_create_from_host_ptr(int type, const ov_shape_t shape, void* host_ptr, ov_tensor_t** tensor);"
                     "void ov_tensor_free(ov_tensor_t* tensor);")
            ForeignTensor._ffi, ForeignTensor._lib = ffi, ffi.dlopen(str(openvino_wheel.c_library()))
        self.ffi, lib = ForeignTensor._ffi, ForeignTensor._lib
        self.pixels = self.ffi.new("uint8_t[]", bytes((i * 31 + seed * 101) % 256 for i in range(shape[0] * shape[1] * shape[2])))
        self.dims = self.ffi.new("int64_t[]", list(shape))
        out = self.ffi.new("ov_tensor_t **")
        assert lib.ov_tensor_create_from_host_ptr(16, {"rank": 3, "dims": self.dims}, self.pixels, out) == 0  # u8
        self.storage = self.ffi.gc(out[0], lib.ov_tensor_free)

    @property
    def c_pointer(self) -> Any:
        return self.storage


def test_vlm_with_foreign_tensors(native: g.Native, model_dir: Path) -> None:
    cfg = config()
    with g.VLMPipeline(model_dir, "CPU") as pipe:
        without = pipe.generate("Describe", [], cfg)
        images = [ForeignTensor(1), ForeignTensor(2)]
        with_images = pipe.generate("Describe", images, cfg)
        raw = native.ffi.cast("ov_tensor_t *", int(images[0].ffi.cast("uintptr_t", images[0].storage)))
        with_raw = pipe.generate("Describe", [raw, images[1].c_pointer], cfg)  # a cdata pointer works too
        assert str(with_images) != str(without)
        assert str(with_raw) == str(with_images)
        # The answer depends on the pixels: the tensors' bytes reached the library.
        other = pipe.generate("Describe", [ForeignTensor(1), ForeignTensor(3)], cfg)
        assert str(other) != str(with_images)
        chunks = list(pipe.stream("Describe", images, cfg))
        assert "".join(chunks) == str(with_images)
        with pytest.raises(TypeError, match=r"images\[1\]"):
            pipe.generate("Describe", [images[0], None], cfg)  # type: ignore[list-item]
        with pytest.raises(ValueError, match="NULL"):
            pipe.generate("Describe", [native.ffi.NULL], cfg)


def test_chat_session_with_a_vlm_pipeline(native: g.Native, model_dir: Path) -> None:
    # Issue 11: the chat helper on a VLMPipeline, as upstream's visual_language_chat: the first turn sends the
    # images with the history, later turns only text; each answer is appended. Same calls as doing it by hand.
    np = pytest.importorskip("numpy")
    import openvino_cffi
    from support import openvino_wheel
    openvino_cffi.load(openvino_wheel.c_library())
    image = np.arange(4 * 6 * 3, dtype=np.uint8).reshape(4, 6, 3)
    with g.VLMPipeline(model_dir, "CPU") as pipe:
        by_hand = g.ChatHistory([{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Describe"}])
        expected = [str(pipe.generate(by_hand, images=[image], max_new_tokens=8))]
        by_hand.extend([{"role": "assistant", "content": expected[0]}, {"role": "user", "content": "More"}])
        expected.append(str(pipe.generate(by_hand, max_new_tokens=8)))
        session = g.ChatSession(pipe, "Be brief.")
        streamed: list[str] = []
        first = session.ask("Describe", images=[image], max_new_tokens=8)
        second = session.ask("More", streamer=streamed.append, generation_config=g.GenerationConfig(max_new_tokens=8))
        assert isinstance(first, g.VLMDecodedResults) and [str(first), str(second)] == expected
        assert "".join(streamed) == expected[1]
        assert [m["role"] for m in session.history] == ["system", "user", "assistant", "user", "assistant"]
        assert str(g.ChatSession(pipe, "Be brief.").ask("Describe", max_new_tokens=8)) != expected[0]  # images were sent
    with g.LLMPipeline(model_dir, "CPU") as text:
        session = g.ChatSession(text)
        with pytest.raises(TypeError, match=r"ChatSession.ask: LLMPipeline.generate takes no images"):
            session.ask("Describe", images=[image], max_new_tokens=8)
        assert len(session.history) == 0


def test_vlm_images_as_numpy_arrays(native: g.Native, model_dir: Path) -> None:
    # Issue 11: images= as upstream takes them: numpy uint8 HWC arrays (or objects whose `data` is one, as
    # upstream's openvino.Tensor), one alone or a list, made into openvino_cffi tensors by the runtime.
    np = pytest.importorskip("numpy")
    import openvino_cffi
    from support import openvino_wheel
    openvino_cffi.load(openvino_wheel.c_library())
    first = np.arange(4 * 6 * 3, dtype=np.uint8).reshape(4, 6, 3)
    second = (first * 3).astype(np.uint8)

    class UpstreamLike:  # what upstream's samples pass: openvino.Tensor(np.array(image)), read through .data
        def __init__(self, array: Any) -> None:
            self.data = array

    cfg = config()
    with g.VLMPipeline(model_dir, "CPU") as pipe:
        want = str(pipe.generate("Describe", [openvino_cffi.Tensor.from_numpy(first), openvino_cffi.Tensor.from_numpy(second)],
                                 cfg))
        assert str(pipe.generate("Describe", [first, UpstreamLike(second)], cfg)) == want
        one = str(pipe.generate("Describe", images=[first], generation_config=cfg))
        alone = str(pipe.generate("Describe", images=first, generation_config=cfg))
        assert alone == one != want
        # upstream's `image=` keyword: one image; with `images=` too, the list is used (as measured upstream)
        assert str(pipe.generate("Describe", image=first, generation_config=cfg)) == one
        assert str(pipe.generate("Describe", image=second, images=[first], generation_config=cfg)) == one
        assert str(pipe.generate(g.ChatHistory([{"role": "user", "content": "Describe"}]), image=first,
                                 max_new_tokens=8)) == str(pipe.generate("Describe", [first], max_new_tokens=8))
        assert "".join(pipe.stream("Describe", image=first, generation_config=cfg)) == one
        # upstream's keywords for the first input ([conventions.calls] keyword): `prompt=` a str, `history=` a
        # ChatHistory (measured, 2026.3: `history=` with a str, or no input at all, is a TypeError)
        chat = g.ChatHistory([{"role": "user", "content": "Describe"}])
        by_history = str(pipe.generate(chat, [first], max_new_tokens=8))
        assert str(pipe.generate(history=chat, images=[first], max_new_tokens=8)) == by_history
        assert "".join(pipe.stream(history=chat, image=first, max_new_tokens=8)) == by_history
        assert str(pipe.generate(prompt="Describe", images=[first], generation_config=cfg)) == one
        with pytest.raises(TypeError, match=r"VLMPipeline.generate\(\): `history` takes a ChatHistory, got str"):
            pipe.generate(history="Describe", max_new_tokens=8)
        with pytest.raises(TypeError, match=r"VLMPipeline.generate\(\) takes one input, got `prompt` and `history`"):
            pipe.generate("Describe", history=chat, max_new_tokens=8)
        with pytest.raises(TypeError, match=r"VLMPipeline.stream\(\) needs its input: `prompt` or `history` \(ChatHistory\)"):
            pipe.stream(max_new_tokens=8)
        assert str(pipe.generate("Describe", generation_config=cfg)) == str(pipe.generate("Describe", [], cfg))
        for bad in (np.zeros((0, 6, 3), np.uint8), np.zeros((4, 0, 3), np.uint8)):
            with pytest.raises(ValueError, match=r"images\[0\]: an image of shape \[\d, \d, 3\] has no pixels"):
                pipe.generate("Describe", [bad], cfg)


def test_calling_a_pipeline_is_generate(native: g.Native, model_dir: Path) -> None:
    # upstream's `pipe(prompt, ...)` ([python] aliases)
    with g.LLMPipeline(model_dir, "CPU") as pipe:
        assert pipe("Hello", max_new_tokens=4) == pipe.generate("Hello", max_new_tokens=4)
        assert isinstance(pipe(["Hello"], config()), g.DecodedResults)


def test_upstream_parameters_the_c_api_cannot_carry_run_when_empty(native: g.Native, model_dir: Path) -> None:
    # [conventions.calls] upstream_only: an upstream call leaving them empty runs; a value says why it cannot
    with g.LLMPipeline(model_dir, "CPU") as pipe:
        pipe.start_chat("")
        pipe.finish_chat()
        pipe.start_chat(system_message=None)
        pipe.finish_chat()
        with pytest.raises(NotImplementedError, match=r"^LLMPipeline.start_chat: system_message is not supported: "
                                                      r"the C API's start_chat takes no system message"):
            pipe.start_chat("You are terse.")
    with g.VLMPipeline(model_dir, "CPU") as vlm:
        assert str(vlm.generate("Describe", [], config(), videos=[])) == str(vlm.generate("Describe", [], config()))
        with pytest.raises(NotImplementedError, match="^VLMPipeline.generate: videos is not supported"):
            vlm.generate("Describe", videos=[object()], max_new_tokens=4)
        with pytest.raises(NotImplementedError, match="^VLMPipeline.stream: videos is not supported"):
            vlm.stream("Describe", videos=[object()], max_new_tokens=4)
    with g.WhisperPipeline(model_dir, "CPU") as whisper:
        whisper.generate([0.0] * 1600, None, None)
        with pytest.raises(NotImplementedError, match="^WhisperPipeline.generate: streamer is not supported"):
            whisper.generate([0.0] * 1600, streamer=print)


def test_whisper(native: g.Native, model_dir: Path) -> None:
    samples = [((i * 37) % 200 - 100) / 100 for i in range(16000)]
    with g.WhisperPipeline(model_dir, "CPU") as pipe:
        cfg = pipe.get_generation_config()
        cfg.return_timestamps = True
        from_list = pipe.generate(samples, cfg)
        from_buffer = pipe.generate(array.array("f", samples), cfg)
        assert str(from_list) == str(from_buffer) != ""
        assert from_list.texts == [str(from_list)]
        assert len(from_list.scores) == 1 and from_list.scores[0] < 0
        assert from_list.chunks is not None and len(from_list.chunks) >= 1
        chunk = from_list.chunks[0]
        assert chunk.end_ts > chunk.start_ts >= 0
        assert chunk.text
        assert from_list.perf_metrics.get_num_generated_tokens() >= 0
        with pytest.raises(TypeError, match=r"raw_speech_input\[0\]"):
            pipe.generate(["x"], cfg)  # type: ignore[list-item]
        cfg.return_timestamps = False
        assert pipe.generate(samples, cfg).chunks is None


@pytest.mark.parametrize("size", [0, 1, 200])
def test_short_raw_speech_is_refused_before_the_call(native: g.Native, model_dir: Path, size: int) -> None:
    # The library fails on 200 samples or fewer with UNKNOWN_EXCEPTION and no message (measured on 2026.3,
    # tests/double/MEASURED.md; the double does the same): the binding refuses it first and says why.
    with g.WhisperPipeline(model_dir, "CPU") as pipe:
        with pytest.raises(ValueError) as info:
            pipe.generate([0.0] * size)
        assert str(info.value) == (f"raw_speech_input: {size} samples given; the library needs more than 200 samples "
                                   "(12.5 ms at 16 kHz)")
        with pytest.raises(ValueError, match="needs more than 200"):
            pipe.generate(array.array("f", [0.0] * size))  # a buffer passed without copying is counted too
        assert len(pipe.generate([0.0] * 201).texts) == 1
        assert str(pipe.generate([0.1] * 16000))


# -- discovery and modes --

def test_library_not_found_names_what_was_tried(native: g.Native, tmp_path: Path, monkeypatch: Any) -> None:
    with pytest.raises(g.LibraryNotFoundError) as info:
        g.load(tmp_path / "missing.so")
    assert "missing.so (given path: does not exist)" in str(info.value)
    assert info.value.tried
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("OPENVINO_GENAI_DIR", str(tmp_path / "empty"))
    with pytest.raises(g.LibraryNotFoundError) as env_info:
        g.load()
    message = str(env_info.value)
    assert "runtime/lib/intel64/libopenvino_genai_c.so ($OPENVINO_GENAI_DIR: not found)" in message
    assert "/lib/libopenvino_genai_c.so" in message


def test_system_loader_is_the_last_resort(tmp_path: Path) -> None:
    """With no path and no OPENVINO_GENAI_DIR, the system loader is asked; its failure says so."""
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if k not in ("OPENVINO_GENAI_DIR", "LD_LIBRARY_PATH")}
    code = ("import openvino_genai_cffi as g\n"
            "try:\n    g.load()\nexcept g.LibraryNotFoundError as e:\n    print('NOTFOUND', e)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         env=dict(env, PYTHONPATH=str(REPO / "python")), timeout=60)
    assert out.returncode == 0, out.stderr
    assert "NOTFOUND" in out.stdout and "system loader" in out.stdout


def test_install_layouts_are_found(native: g.Native, double_lib: Path, tmp_path: Path, monkeypatch: Any) -> None:
    archive = tmp_path / "archive" / "runtime" / "lib" / "intel64"
    plain = tmp_path / "plain" / "lib"
    for folder in (archive, plain):
        folder.mkdir(parents=True)
        (folder / double_lib.name).symlink_to(double_lib)
    from openvino_genai_cffi import _native

    assert _native.find_library(tmp_path / "plain") == plain / double_lib.name
    monkeypatch.setenv("OPENVINO_GENAI_DIR", str(tmp_path / "archive"))
    assert _native.find_library() == archive / double_lib.name
    assert _native.find_library(tmp_path / "plain") == plain / double_lib.name  # a given path wins


def test_mode_switch_from_environment(monkeypatch: Any) -> None:
    from openvino_genai_cffi import _native

    monkeypatch.setenv("OPENVINO_GENAI_CFFI_MODE", "api")
    assert _native.default_mode() == "api"
    monkeypatch.setenv("OPENVINO_GENAI_CFFI_MODE", "jit")
    with pytest.raises(ValueError, match="OPENVINO_GENAI_CFFI_MODE"):
        _native.default_mode()
    with pytest.raises(ValueError, match="mode="):
        g.load(mode="jit")


def test_api_mode_without_headers_is_a_clear_error(double_lib: Path, tmp_path: Path) -> None:
    with pytest.raises(g.NativeBuildError, match="chat_history.h is not in"):
        g.load(double_lib, mode="api", include_dirs=[tmp_path], build_dir=tmp_path)


def test_api_mode_checks_the_declarations_against_the_headers(double_lib: Path, tmp_path: Path) -> None:
    """Headers that disagree with the model (here an enum value) are refused, not bound wrongly."""
    import shutil

    headers = tmp_path / "include"
    shutil.copytree(DOUBLE_INCLUDE, headers)
    combined = headers / "genai_api.h"
    text = combined.read_text()
    assert "OV_GENAI_STREAMING_STATUS_STOP = 1," in text
    combined.write_text(text.replace("OV_GENAI_STREAMING_STATUS_STOP = 1,", "OV_GENAI_STREAMING_STATUS_STOP = 4,"))
    with pytest.raises(g.NativeBuildError, match="OV_GENAI_STREAMING_STATUS_STOP"):
        g.load(double_lib, mode="api", include_dirs=[headers], build_dir=tmp_path / "build")


def test_api_mode_compiles_against_the_upstream_headers(tmp_path: Path, cffi_build: Path, model_dir: Path) -> None:
    """The cdef rendered from the model, checked by the C compiler and cffi against the real 2026.3
    headers (with the double built against those same headers to link to)."""
    from support.upstream_headers import SKIP_REASON, UpstreamHeaders

    header_set = UpstreamHeaders(tmp_path / "upstream").get("2026.3.0.0")
    if header_set is None:
        pytest.skip(SKIP_REASON)
    include = next(p.parents[3] for p in header_set.rglob("openvino/genai/c/llm_pipeline.h"))
    library = build_double(include)
    native = g.load(library, mode="api", include_dirs=[include], build_dir=cffi_build)
    assert any("openvino/include" in d or d == str(include.resolve()) for d in native.include_dirs)
    api = snapshot.load(snapshot.embedded("genai"))
    for struct in api.structs:
        assert native.ffi.sizeof(struct.name) == struct.size
    cfg = config()
    with g.LLMPipeline(model_dir, "CPU") as pipe:
        chunks: list[str] = []
        results = pipe.generate("Hello", cfg, streamer=chunks.append)
        assert "".join(chunks) == str(results)


def test_objects_of_both_modes_work_together(double_lib: Path, cffi_build: Path, model_dir: Path) -> None:
    abi = g.load(double_lib, mode="abi")
    messages = g.JsonContainer.from_json_string('[{"role": "user", "content": "Hello"}]')
    api = g.load(double_lib, mode="api", include_dirs=[DOUBLE_INCLUDE], build_dir=cffi_build)
    assert messages._native is abi
    history = g.ChatHistory(__import__("json").loads(messages.to_json_string()))  # an ABI-mode object read in API mode
    with g.LLMPipeline(model_dir, "CPU") as pipe:
        assert pipe._native is api
        results = pipe.generate(history, config())
        assert str(results)
    messages.close()


def test_several_sequences_give_texts_and_scores(native: g.Native, model_dir: Path) -> None:
    # The C API gives LLM/VLM results only as a string; several sequences come as "<score>: <text>" lines
    # (upstream's operator<<, which the double reproduces), read back into texts and scores.
    with g.LLMPipeline(model_dir, "CPU") as pipe:
        one = pipe.generate(["Hello"], g.GenerationConfig(max_new_tokens=8))
        three = pipe.generate("Hello", g.GenerationConfig(max_new_tokens=8, num_beams=3, num_return_sequences=3))
        assert isinstance(three, g.DecodedResults)  # several sequences: the results object, as upstream
    assert three.texts == [one.texts[0], one.texts[0] + " #1", one.texts[0] + " #2"]
    assert three.scores == [-0.5, -1.0, -1.5]
    assert str(three) == "\n".join(f"{s:f}: {t}" for s, t in zip(three.scores, three.texts))
    assert str(one) == one.texts[0] and one.scores == [0.0]  # greedy, no logprobs: upstream's 0.0


def test_a_lone_score_is_known_where_the_calls_config_decides_it(native: g.Native, model_dir: Path) -> None:
    # [conventions.calls] lone_score: the text form holds no score for one text; greedy decoding without
    # logprobs scores 0.0 (upstream's sampler), so a batch prints "0.000000: " lines as upstream's does.
    with g.LLMPipeline(model_dir, "CPU") as pipe:
        two = pipe.generate(["Hello", "Bye"], max_new_tokens=8)
        assert two.scores == [0.0, 0.0]
        assert str(two) == "\n".join(f"0.000000: {t}" for t in two.texts)
        # where the config says otherwise, or the binding cannot know it, the score stays NaN
        for fields in ({"do_sample": True}, {"logprobs": 2}):
            other = pipe.generate(["Hello"], max_new_tokens=8, **fields)
            assert len(other.scores) == 1 and math.isnan(other.scores[0]), fields
