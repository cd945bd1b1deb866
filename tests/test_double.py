"""The native test double of the GenAI C API (tests/double/), driven directly through ctypes.

Checks the behaviour table of tests/double/README.md: statuses, two-call getters, the fake
model (determinism, stops, UTF-8 split across tokens), streamer semantics and threads, chat,
perf metrics, VLM, Whisper, JSON and chat history, and that nothing leaks.
"""
from __future__ import annotations

import ctypes
import json
import signal
import subprocess
import sys
import threading
from ctypes import POINTER, byref, c_bool, c_char_p, c_float, c_int, c_int64, c_size_t, c_void_p
from pathlib import Path

import pytest

from support.double import build_double, live_objects

OK, OUT_OF_BOUNDS, NOT_FOUND, INVALID_C_PARAM, UNKNOW_EXCEPTION = 0, -6, -5, -14, -17
RUNNING, STOP, CANCEL = 0, 1, 2
EOS_TOKEN_ID = 2
COMMA_TOKEN_ID = 6  # "," in the double's vocabulary (README)

CALLBACK = ctypes.CFUNCTYPE(c_int, c_char_p, c_void_p)


class Streamer(ctypes.Structure):
    _fields_ = [("callback_func", CALLBACK), ("args", c_void_p)]


@pytest.fixture(scope="module")
def lib_path() -> Path:
    return build_double()


@pytest.fixture(scope="module")
def lib(lib_path):
    library = ctypes.CDLL(str(lib_path))
    library.genai_double_live_objects.restype = c_int64
    library.genai_double_incomplete_holds.restype = c_int64
    return library


@pytest.fixture(autouse=True)
def no_leaks(lib):
    before = lib.genai_double_live_objects()
    yield
    assert lib.genai_double_live_objects() == before, "the test leaked handles of the double"


@pytest.fixture
def model_dir(tmp_path) -> bytes:
    return str(tmp_path).encode()


# ---- small helpers over the raw C API ----

def create_pipeline(lib, model: bytes, *properties: bytes, kind: str = "llm") -> c_void_p:
    pipe = c_void_p()
    create = getattr(lib, f"ov_genai_{kind}_pipeline_create")
    status = create(c_char_p(model), c_char_p(b"CPU"), c_size_t(len(properties)), byref(pipe),
                    *[c_char_p(p) for p in properties])
    assert status == OK
    return pipe


def make_config(lib, max_new_tokens=None, *, ignore_eos=None, stop_strings=None, stop_token_ids=None,
                include_stop=None):
    config = c_void_p()
    assert lib.ov_genai_generation_config_create(byref(config)) == OK
    if max_new_tokens is not None:
        assert lib.ov_genai_generation_config_set_max_new_tokens(config, c_size_t(max_new_tokens)) == OK
    if ignore_eos is not None:
        assert lib.ov_genai_generation_config_set_ignore_eos(config, c_bool(ignore_eos)) == OK
    if stop_strings is not None:
        array = (c_char_p * len(stop_strings))(*[s.encode() for s in stop_strings])
        assert lib.ov_genai_generation_config_set_stop_strings(config, array, c_size_t(len(stop_strings))) == OK
    if stop_token_ids is not None:
        array = (c_int64 * len(stop_token_ids))(*stop_token_ids)
        assert lib.ov_genai_generation_config_set_stop_token_ids(config, array, c_size_t(len(stop_token_ids))) == OK
    if include_stop is not None:
        assert lib.ov_genai_generation_config_set_include_stop_str_in_output(config, c_bool(include_stop)) == OK
    return config


def read_string(function, handle, *leading) -> str:
    size = c_size_t(0)
    assert function(handle, *leading, None, byref(size)) == OK
    buffer = ctypes.create_string_buffer(size.value)
    assert function(handle, *leading, buffer, byref(size)) == OK
    assert size.value == len(buffer.value) + 1
    return buffer.value.decode("utf-8")


class Recorder:
    """A streamer callback that records chunks (as raw bytes) and threads, with a policy."""

    def __init__(self, action: int = RUNNING, after: int = 0):
        self.chunks: list[bytes] = []
        self.threads: list[int] = []
        self.action, self.after = action, after
        self.callback = CALLBACK(self._on_chunk)
        self.streamer = Streamer(self.callback, None)

    def _on_chunk(self, text, args):
        self.chunks.append(text)
        self.threads.append(threading.get_ident())
        return self.action if len(self.chunks) == self.after else RUNNING

    @property
    def text(self) -> str:
        return b"".join(self.chunks).decode("utf-8")


def generate(lib, pipe, prompt: str, config=None, recorder: Recorder | None = None) -> str:
    results = c_void_p()
    streamer = byref(recorder.streamer) if recorder else None
    status = lib.ov_genai_llm_pipeline_generate(pipe, prompt.encode(), config, streamer, byref(results))
    assert status == OK
    try:
        return read_string(lib.ov_genai_decoded_results_get_string, results)
    finally:
        lib.ov_genai_decoded_results_free(results)


@pytest.fixture
def pipe(lib, model_dir):
    handle = create_pipeline(lib, model_dir)
    yield handle
    lib.ov_genai_llm_pipeline_free(handle)


# ---- the build ----

def test_every_function_of_the_snapshot_is_exported(lib_path):
    from bindgen import snapshot

    api = snapshot.load(snapshot.embedded("genai"))
    assert api.version.startswith("2026.3")
    output = subprocess.run(["nm", "-D", "--defined-only", str(lib_path)], capture_output=True, text=True,
                            check=True).stdout
    exported = {line.split()[-1] for line in output.splitlines() if " T " in line}
    missing = sorted(f.name for f in api.functions if f.name not in exported)
    assert not missing, f"the double does not export: {missing}"
    assert len(api.functions) == 153
    assert {"genai_double_live_objects", "genai_double_incomplete_holds"} <= exported


def test_build_is_cached_and_thread_safe(lib_path):
    before = lib_path.stat().st_mtime_ns
    paths: list[Path] = []
    workers = [threading.Thread(target=lambda: paths.append(build_double())) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert paths == [lib_path] * 4
    assert lib_path.stat().st_mtime_ns == before, "an unchanged double was rebuilt"
    assert live_objects(lib_path) >= 0


def test_builds_against_the_upstream_2026_3_headers(tmp_path_factory):
    from support.upstream_headers import NEWEST_TAG, SKIP_REASON, UpstreamHeaders

    headers = UpstreamHeaders(tmp_path_factory.mktemp("upstream"))
    header_set = headers.get(NEWEST_TAG) if headers.available else None
    if header_set is None:
        pytest.skip(SKIP_REASON)
    include = next(p.parents[3] for p in header_set.rglob("openvino/genai/c/llm_pipeline.h"))
    path = build_double(include)
    output = subprocess.run(["nm", "-D", "--defined-only", str(path)], capture_output=True, text=True,
                            check=True).stdout
    exported = {line.split()[-1] for line in output.splitlines() if " T " in line}
    from support.upstream_headers import exported_function_names

    assert exported_function_names(header_set) <= exported


def test_builds_against_real_headers_when_given(genai_dir):
    include = next((p for p in (genai_dir / "runtime" / "include", genai_dir / "include")
                    if (p / "openvino" / "genai" / "c").is_dir()), None)
    if include is None:
        pytest.skip(f"{genai_dir} has no openvino/genai/c headers")
    path = build_double(include)
    assert path.name == "libopenvino_genai_c.so" and path.exists()


# ---- creation and argument statuses ----

def test_create_statuses(lib, model_dir):
    pipe = c_void_p()
    create = lib.ov_genai_llm_pipeline_create
    assert create(c_char_p(b"/no/such/model"), c_char_p(b"CPU"), c_size_t(0), byref(pipe)) == UNKNOW_EXCEPTION
    assert create(None, c_char_p(b"CPU"), c_size_t(0), byref(pipe)) == INVALID_C_PARAM
    assert create(c_char_p(model_dir), None, c_size_t(0), byref(pipe)) == INVALID_C_PARAM
    assert create(c_char_p(model_dir), c_char_p(b"CPU"), c_size_t(0), None) == INVALID_C_PARAM
    assert create(c_char_p(model_dir), c_char_p(b"CPU"), c_size_t(1), byref(pipe), c_char_p(b"K")) == INVALID_C_PARAM
    assert create(c_char_p(model_dir), c_char_p(b"TPU"), c_size_t(0), byref(pipe)) == UNKNOW_EXCEPTION
    assert create(c_char_p(model_dir), c_char_p(b"CPU"), c_size_t(2), byref(pipe),
                  c_char_p(b"ATTENTION_BACKEND"), c_char_p(b"FLASH")) == UNKNOW_EXCEPTION
    assert create(c_char_p(model_dir), c_char_p(b"CPU"), c_size_t(2), byref(pipe),
                  c_char_p(b"NO_SUCH_PROPERTY"), c_char_p(b"1")) == UNKNOW_EXCEPTION
    assert create(c_char_p(model_dir), c_char_p(b"CPU"), c_size_t(4), byref(pipe),
                  c_char_p(b"INFERENCE_PRECISION_HINT"), c_char_p(b"f32"),
                  c_char_p(b"ATTENTION_BACKEND"), c_char_p(b"SDPA")) == OK
    lib.ov_genai_llm_pipeline_free(pipe)
    for kind in ("vlm", "whisper"):
        function = getattr(lib, f"ov_genai_{kind}_pipeline_create")
        assert function(c_char_p(b"/no/such/model"), c_char_p(b"CPU"), c_size_t(0), byref(pipe)) == UNKNOW_EXCEPTION
        assert function(None, c_char_p(b"CPU"), c_size_t(0), byref(pipe)) == INVALID_C_PARAM


def test_null_arguments_give_invalid_c_param(lib, pipe):
    results, config, size = c_void_p(), c_void_p(), c_size_t()
    recorder = Recorder()
    assert lib.ov_genai_llm_pipeline_generate(None, b"hi", None, None, byref(results)) == INVALID_C_PARAM
    assert lib.ov_genai_llm_pipeline_generate(pipe, None, None, None, byref(results)) == INVALID_C_PARAM
    assert lib.ov_genai_llm_pipeline_generate(pipe, b"hi", None, None, None) == INVALID_C_PARAM
    assert lib.ov_genai_llm_pipeline_generate(pipe, b"hi", None, byref(Streamer()), None) == INVALID_C_PARAM
    assert lib.ov_genai_llm_pipeline_generate(pipe, b"hi", None, byref(recorder.streamer), None) == OK
    assert lib.ov_genai_llm_pipeline_start_chat(None) == INVALID_C_PARAM
    assert lib.ov_genai_llm_pipeline_get_generation_config(pipe, None) == INVALID_C_PARAM
    assert lib.ov_genai_generation_config_create(None) == INVALID_C_PARAM
    assert lib.ov_genai_generation_config_set_max_new_tokens(None, c_size_t(3)) == INVALID_C_PARAM
    assert lib.ov_genai_generation_config_get_max_new_tokens(None, byref(size)) == INVALID_C_PARAM
    assert lib.ov_genai_decoded_results_get_string(None, None, byref(size)) == INVALID_C_PARAM
    assert lib.ov_genai_perf_metrics_get_load_time(None, byref(c_float())) == INVALID_C_PARAM
    # A handle of another kind is refused, not misread.
    assert lib.ov_genai_generation_config_create(byref(config)) == OK
    assert lib.ov_genai_llm_pipeline_start_chat(config) == INVALID_C_PARAM
    assert lib.ov_genai_llm_pipeline_generate(pipe, b"hi", pipe, None, byref(results)) == INVALID_C_PARAM
    lib.ov_genai_generation_config_free(config)
    for free in ("llm_pipeline", "generation_config", "decoded_results", "json_container", "chat_history",
                 "vlm_pipeline", "whisper_pipeline", "whisper_generation_config"):
        getattr(lib, f"ov_genai_{free}_free")(None)  # must not crash


def test_two_call_string_getter(lib, pipe):
    results = c_void_p()
    assert lib.ov_genai_llm_pipeline_generate(pipe, b"size me", None, None, byref(results)) == OK
    try:
        size = c_size_t(0)
        assert lib.ov_genai_decoded_results_get_string(results, None, byref(size)) == OK
        needed = size.value
        short = ctypes.create_string_buffer(needed - 1)
        size = c_size_t(needed - 1)
        assert lib.ov_genai_decoded_results_get_string(results, short, byref(size)) == OUT_OF_BOUNDS
        assert size.value == needed - 1, "like the real library, a short buffer leaves *size unchanged"
        exact = ctypes.create_string_buffer(needed)
        size = c_size_t(needed)
        assert lib.ov_genai_decoded_results_get_string(results, exact, byref(size)) == OK
        assert size.value == needed and len(exact.value) == needed - 1
        exact.value.decode("utf-8")
    finally:
        lib.ov_genai_decoded_results_free(results)


def test_generation_config_accessors_and_validation(lib, pipe):
    config = make_config(lib)
    value = c_size_t()
    assert lib.ov_genai_generation_config_get_max_new_tokens(config, byref(value)) == OK
    assert value.value == 2**64 - 1  # unset, as upstream
    assert lib.ov_genai_generation_config_validate(config) == UNKNOW_EXCEPTION  # no eos, no limit
    assert lib.ov_genai_generation_config_set_max_new_tokens(config, c_size_t(7)) == OK
    assert lib.ov_genai_generation_config_get_max_new_tokens(config, byref(value)) == OK and value.value == 7
    assert lib.ov_genai_generation_config_validate(config) == OK
    setters = {
        "max_length": c_size_t(100), "ignore_eos": c_bool(False), "min_new_tokens": c_size_t(0),
        "echo": c_bool(False), "logprobs": c_size_t(0), "include_stop_str_in_output": c_bool(False),
        "num_beam_groups": c_size_t(1), "num_beams": c_size_t(1), "diversity_penalty": c_float(0),
        "length_penalty": c_float(1), "num_return_sequences": c_size_t(1), "no_repeat_ngram_size": c_size_t(3),
        "stop_criteria": c_int(1), "temperature": c_float(0.7), "top_p": c_float(0.9), "top_k": c_size_t(40),
        "min_p": c_float(0), "do_sample": c_bool(False), "repetition_penalty": c_float(1.1),
        "presence_penalty": c_float(0), "frequency_penalty": c_float(0), "rng_seed": c_size_t(42),
        "assistant_confidence_threshold": c_float(0), "num_assistant_tokens": c_size_t(0),
        "max_ngram_size": c_size_t(0), "eos_token_id": c_int64(EOS_TOKEN_ID),
    }
    for name, argument in setters.items():
        assert getattr(lib, f"ov_genai_generation_config_set_{name}")(config, argument) == OK, name
        assert getattr(lib, f"ov_genai_generation_config_set_{name}")(None, argument) == INVALID_C_PARAM, name
    # The C setter stores eos_token_id only (measured): validate wants it among the stop token ids.
    assert lib.ov_genai_generation_config_validate(config) == UNKNOW_EXCEPTION
    stop_ids = (c_int64 * 1)(EOS_TOKEN_ID)
    assert lib.ov_genai_generation_config_set_stop_token_ids(config, stop_ids, c_size_t(1)) == OK
    assert lib.ov_genai_generation_config_validate(config) == OK
    # Invalid configs: validate and generate both report the exception status.
    assert lib.ov_genai_generation_config_set_max_new_tokens(config, c_size_t(0)) == OK
    assert lib.ov_genai_generation_config_validate(config) == UNKNOW_EXCEPTION
    results = c_void_p()
    assert lib.ov_genai_llm_pipeline_generate(pipe, b"x", config, None, byref(results)) == UNKNOW_EXCEPTION
    assert lib.ov_genai_llm_pipeline_set_generation_config(pipe, config) == UNKNOW_EXCEPTION
    lib.ov_genai_generation_config_free(config)
    sampling = make_config(lib, 5)
    lib.ov_genai_generation_config_set_do_sample(sampling, c_bool(True))
    lib.ov_genai_generation_config_set_temperature(sampling, c_float(0.0))
    assert lib.ov_genai_generation_config_validate(sampling) == UNKNOW_EXCEPTION
    lib.ov_genai_generation_config_free(sampling)
    endless = make_config(lib, ignore_eos=True)
    assert lib.ov_genai_generation_config_validate(endless) == UNKNOW_EXCEPTION
    lib.ov_genai_generation_config_free(endless)
    # Measured: with sampling, 2^32 or more return sequences pass validate but fail generate at once.
    for count, status in ((3, OK), ((1 << 32) - 1, OK), (1 << 32, UNKNOW_EXCEPTION), ((1 << 64) - 1, UNKNOW_EXCEPTION)):
        many = make_config(lib, 2)
        lib.ov_genai_generation_config_set_do_sample(many, c_bool(True))
        lib.ov_genai_generation_config_set_num_return_sequences(many, c_size_t(count))
        assert lib.ov_genai_generation_config_validate(many) == OK
        if status != OK:
            assert lib.ov_genai_llm_pipeline_generate(pipe, b"x", many, None, byref(results)) == status, count
        lib.ov_genai_generation_config_free(many)


def test_pipeline_generation_config_round_trip(lib, pipe):
    config = c_void_p()
    assert lib.ov_genai_llm_pipeline_get_generation_config(pipe, byref(config)) == OK
    assert lib.ov_genai_generation_config_validate(config) == OK  # has the pipeline's EOS
    assert lib.ov_genai_generation_config_set_max_new_tokens(config, c_size_t(4)) == OK
    assert lib.ov_genai_llm_pipeline_set_generation_config(pipe, config) == OK
    lib.ov_genai_generation_config_free(config)
    assert lib.ov_genai_llm_pipeline_get_generation_config(pipe, byref(config)) == OK
    value = c_size_t()
    assert lib.ov_genai_generation_config_get_max_new_tokens(config, byref(value)) == OK and value.value == 4
    lib.ov_genai_generation_config_free(config)
    recorder = Recorder()
    generate(lib, pipe, "uses the pipeline config", None, recorder)
    results = c_void_p()
    assert lib.ov_genai_llm_pipeline_generate(pipe, b"uses the pipeline config", None, None, byref(results)) == OK
    metrics, count = c_void_p(), c_size_t()
    assert lib.ov_genai_decoded_results_get_perf_metrics(results, byref(metrics)) == OK
    assert lib.ov_genai_perf_metrics_get_num_generation_tokens(metrics, byref(count)) == OK
    assert count.value == 4
    lib.ov_genai_decoded_results_perf_metrics_free(metrics)
    lib.ov_genai_decoded_results_free(results)


def test_generation_config_from_json(lib, tmp_path):
    path = tmp_path / "generation_config.json"
    path.write_text(json.dumps({"max_new_tokens": 9, "eos_token_id": [2, 7], "stop_strings": ["dog"]}))
    config, value = c_void_p(), c_size_t()
    assert lib.ov_genai_generation_config_create_from_json(str(path).encode(), byref(config)) == OK
    assert lib.ov_genai_generation_config_get_max_new_tokens(config, byref(value)) == OK and value.value == 9
    assert lib.ov_genai_generation_config_validate(config) == OK
    lib.ov_genai_generation_config_free(config)
    assert lib.ov_genai_generation_config_create_from_json(b"/no/such.json", byref(config)) == UNKNOW_EXCEPTION
    path.write_text("{not json")
    assert lib.ov_genai_generation_config_create_from_json(str(path).encode(), byref(config)) == UNKNOW_EXCEPTION
    assert lib.ov_genai_generation_config_create_from_json(None, byref(config)) == INVALID_C_PARAM


# ---- the fake model ----

def test_generation_is_deterministic_and_depends_on_the_prompt(lib, pipe, model_dir):
    config = make_config(lib, 40)
    first = generate(lib, pipe, "Tell me a story", config)
    assert first and first == generate(lib, pipe, "Tell me a story", config)
    other = create_pipeline(lib, model_dir)
    assert generate(lib, other, "Tell me a story", config) == first  # not tied to one pipeline
    lib.ov_genai_llm_pipeline_free(other)
    answers = {generate(lib, pipe, f"prompt {i}", config) for i in range(8)}
    assert len(answers) == 8
    lib.ov_genai_generation_config_free(config)


def test_streamed_chunks_are_whole_utf8_and_add_up_to_the_text(lib, pipe):
    config = make_config(lib, 60)
    holds_before = lib.genai_double_incomplete_holds()
    seen = ""
    for i in range(30):
        recorder = Recorder()
        text = generate(lib, pipe, f"utf-8 please {i} é 世界 🚀", config, recorder)
        for chunk in recorder.chunks:
            assert chunk, "empty chunk"
            chunk.decode("utf-8")  # strict: raises on a broken sequence
        assert recorder.text == text
        seen += text
    for needed in ("é", "世界", "🚀", "ï"):
        assert needed in seen
    assert lib.genai_double_incomplete_holds() > holds_before, "no character was ever split across tokens"
    lib.ov_genai_generation_config_free(config)


def test_max_new_tokens_and_ignore_eos(lib, pipe):
    for limit in (1, 2, 5, 17):
        config = make_config(lib, limit, ignore_eos=True)
        results = c_void_p()
        assert lib.ov_genai_llm_pipeline_generate(pipe, b"count", config, None, byref(results)) == OK
        metrics, count = c_void_p(), c_size_t()
        assert lib.ov_genai_decoded_results_get_perf_metrics(results, byref(metrics)) == OK
        assert lib.ov_genai_perf_metrics_get_num_generation_tokens(metrics, byref(count)) == OK
        assert count.value == limit
        read_string(lib.ov_genai_decoded_results_get_string, results)  # valid UTF-8 even when cut mid-character
        lib.ov_genai_decoded_results_perf_metrics_free(metrics)
        lib.ov_genai_decoded_results_free(results)
        lib.ov_genai_generation_config_free(config)
    natural = make_config(lib, 1000)
    long_config = make_config(lib, 1000, ignore_eos=True)
    assert len(generate(lib, pipe, "count", long_config)) > len(generate(lib, pipe, "count", natural))
    lib.ov_genai_generation_config_free(natural)
    lib.ov_genai_generation_config_free(long_config)


def test_stop_strings(lib, pipe):
    plain = make_config(lib, 200, ignore_eos=True)
    full = generate(lib, pipe, "stop strings", plain)
    stop = " dog" if " dog" in full else " the"
    assert stop in full
    excluded = make_config(lib, 200, ignore_eos=True, stop_strings=[stop])
    recorder = Recorder()
    text = generate(lib, pipe, "stop strings", excluded, recorder)
    assert text == full[: full.index(stop)]
    assert recorder.text == text and stop not in recorder.text
    included = make_config(lib, 200, ignore_eos=True, stop_strings=[stop], include_stop=True)
    assert generate(lib, pipe, "stop strings", included) == full[: full.index(stop) + len(stop)]
    for config in (plain, excluded, included):
        lib.ov_genai_generation_config_free(config)


def test_an_empty_stop_string_matches_at_once(lib, pipe):
    # Measured (MEASURED.md "Stop conditions"): alone, the first token is kept (one chunk); beside a
    # non-empty stop string the matching window's tokens go too: no text, no chunk.
    plain = make_config(lib, 10)
    full = Recorder()
    generate(lib, pipe, "empty stop", plain, full)
    alone, beside, kept = (make_config(lib, 10, stop_strings=[""]), make_config(lib, 10, stop_strings=["", "zzz"]),
                           make_config(lib, 10, stop_strings=["", "zzz"], include_stop=True))
    recorder = Recorder()
    first_token = generate(lib, pipe, "empty stop", alone, recorder)
    assert first_token and full.text.startswith(first_token) and len(first_token) < len(full.text)
    assert recorder.chunks == [first_token.encode()]
    recorder = Recorder()
    assert generate(lib, pipe, "empty stop", beside, recorder) == "" and recorder.chunks == []
    assert generate(lib, pipe, "empty stop", kept) == first_token  # not measured: the stop string (empty) is kept
    for config in (plain, alone, beside, kept):
        lib.ov_genai_generation_config_free(config)


def test_stop_token_ids(lib, pipe):
    plain = make_config(lib, 300)
    prompt = next(p for p in (f"commas {i}" for i in range(50)) if "," in generate(lib, pipe, p, plain))
    full = generate(lib, pipe, prompt, plain)
    stopping = make_config(lib, 300, stop_token_ids=[COMMA_TOKEN_ID, EOS_TOKEN_ID])
    text = generate(lib, pipe, prompt, stopping)
    assert text == full[: full.index(",") + 1], "a stop token ends generation and stays in the output"
    ignoring = make_config(lib, 300, stop_token_ids=[COMMA_TOKEN_ID, EOS_TOKEN_ID], ignore_eos=True)
    assert len(generate(lib, pipe, prompt, ignoring)) > len(text)
    for config in (plain, stopping, ignoring):
        lib.ov_genai_generation_config_free(config)


# ---- the streamer ----

def test_stop_ends_with_one_final_flush(lib, pipe):
    config = make_config(lib, 40, ignore_eos=True)
    outcomes = set()
    for i in range(12):
        prompt = f"stop after three {i}"
        recorder = Recorder(STOP, after=3)
        text = generate(lib, pipe, prompt, config, recorder)
        assert recorder.text == text
        full = generate(lib, pipe, prompt, config)
        assert full.startswith(text) and len(full) > len(text)
        if recorder.chunks[2].endswith(b"\n"):
            # a newline flushes everything: nothing is left for the final flush, so no extra call
            assert len(recorder.chunks) == 3
            outcomes.add("nothing left")
        else:
            assert len(recorder.chunks) == 4, "STOP on the 3rd call, then the final flush"
            outcomes.add("flushed")
    assert "flushed" in outcomes
    lib.ov_genai_generation_config_free(config)


def test_cancel_drops_the_turn_and_stop_keeps_it(lib, pipe, model_dir):
    config = make_config(lib, 30)

    def chat(first_policy: Recorder | None) -> str:
        session = create_pipeline(lib, model_dir)
        assert lib.ov_genai_llm_pipeline_start_chat(session) == OK
        if first_policy is not None:
            generate(lib, session, "first question", config, first_policy)
        answer = generate(lib, session, "second question", config)
        assert lib.ov_genai_llm_pipeline_finish_chat(session) == OK
        lib.ov_genai_llm_pipeline_free(session)
        return answer

    fresh = chat(None)
    assert chat(Recorder(CANCEL, after=2)) == fresh, "CANCEL must drop the turn from the history"
    assert chat(Recorder(STOP, after=2)) != fresh, "STOP keeps the turn"
    assert chat(Recorder()) != fresh
    lib.ov_genai_generation_config_free(config)


def test_chat_first_turn_matches_plain_generate_and_finish_resets(lib, pipe):
    config = make_config(lib, 30)
    plain = generate(lib, pipe, "hello there", config)
    assert lib.ov_genai_llm_pipeline_start_chat(pipe) == OK
    assert generate(lib, pipe, "hello there", config) == plain
    second = generate(lib, pipe, "and again", config)
    assert lib.ov_genai_llm_pipeline_finish_chat(pipe) == OK
    assert generate(lib, pipe, "and again", config) != second
    lib.ov_genai_generation_config_free(config)


def test_callback_threads(lib, model_dir):
    """Default backend: a worker thread, except the final flush, which runs on the caller (measured
    upstream). SDPA: the calling thread. The thread never changes the output."""
    config = make_config(lib, 20)
    caller = threading.get_ident()
    default = create_pipeline(lib, model_dir)
    sdpa = create_pipeline(lib, model_dir, b"ATTENTION_BACKEND", b"SDPA")
    pa = create_pipeline(lib, model_dir, b"ATTENTION_BACKEND", b"PA")
    flushes_on_caller = 0
    for i in range(6):
        on_worker, on_caller, on_pa = Recorder(), Recorder(), Recorder()
        generate(lib, default, f"threads {i}", config, on_worker)
        generate(lib, sdpa, f"threads {i}", config, on_caller)
        generate(lib, pa, f"threads {i}", config, on_pa)
        assert len(on_worker.threads) > 2
        workers = set(on_worker.threads[:-1])
        assert len(workers) == 1 and caller not in workers
        flushes_on_caller += on_worker.threads[-1] == caller
        assert set(on_caller.threads) == {caller}
        assert caller not in on_pa.threads[:-1]
        assert on_worker.chunks == on_caller.chunks == on_pa.chunks, "the thread must not change the output"
    assert flushes_on_caller > 0
    for handle in (default, sdpa, pa):
        lib.ov_genai_llm_pipeline_free(handle)
    lib.ov_genai_generation_config_free(config)


def test_unknown_callback_status(lib, model_dir):
    """Measured upstream: a value other than 0..2 stops on the worker backend, runs on SDPA."""
    config = make_config(lib, 30, ignore_eos=True)
    for properties, stops in (((), True), ((b"ATTENTION_BACKEND", b"SDPA"), False)):
        pipe = create_pipeline(lib, model_dir, *properties)
        recorder = Recorder(7, after=2)
        generate(lib, pipe, "odd status", config, recorder)
        assert (len(recorder.chunks) <= 3) == stops
        lib.ov_genai_llm_pipeline_free(pipe)
    lib.ov_genai_generation_config_free(config)


BACKENDS = {"default": (), "SDPA": (b"ATTENTION_BACKEND", b"SDPA")}


def history_of(lib, messages: list[tuple[str, str]]) -> c_void_p:
    history = c_void_p()
    assert lib.ov_genai_chat_history_create(byref(history)) == 0
    for role, content in messages:
        message = json_container(lib, json.dumps({"role": role, "content": content}))
        assert lib.ov_genai_chat_history_push_back(history, message) == 0
        lib.ov_genai_json_container_free(message)
    return history


def answer_to_history(lib, pipe, messages: list[tuple[str, str]], config) -> str:
    history, results = history_of(lib, messages), c_void_p()
    try:
        assert lib.ov_genai_llm_pipeline_generate_with_history(pipe, history, config, None, byref(results)) == OK
        return read_string(lib.ov_genai_decoded_results_get_string, results)
    finally:
        lib.ov_genai_decoded_results_free(results)
        lib.ov_genai_chat_history_free(history)


def test_pipelines_of_their_own_generate_in_parallel(lib, model_dir):
    config = make_config(lib, 50)
    prompts = [f"concurrent {i}" for i in range(6)]
    serial_pipe = create_pipeline(lib, model_dir)
    expected = {p: generate(lib, serial_pipe, p, config) for p in prompts}
    pipes = [create_pipeline(lib, model_dir) for _ in prompts]
    got: dict[str, str] = {}
    errors: list[BaseException] = []

    def work(pipe, prompt: str):
        try:
            recorder = Recorder()
            text = generate(lib, pipe, prompt, config, recorder)
            assert recorder.text == text
            got[prompt] = text
        except BaseException as error:  # reported below
            errors.append(error)

    workers = [threading.Thread(target=work, args=(pipe, p)) for pipe, p in zip(pipes, prompts)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors and got == expected
    for handle in [serial_pipe, *pipes]:
        lib.ov_genai_llm_pipeline_free(handle)
    lib.ov_genai_generation_config_free(config)


def run_while_generating(lib, pipe, prompt: str, config, during) -> tuple[str, object]:
    """Generates `prompt` on `pipe` on another thread and calls `during()` from this thread while
    that generation is inside its first streamer callback; returns (answer, during's result)."""
    inside, finished = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def on_chunk(text, args):
        if not inside.is_set():
            inside.set()
            finished.wait(30)  # a hang guard: `during` must not wait for this generation
        return RUNNING

    callback = CALLBACK(on_chunk)

    def run():
        results = c_void_p()
        status = lib.ov_genai_llm_pipeline_generate(pipe, prompt.encode(), config, byref(Streamer(callback, None)),
                                                    byref(results))
        outcome["text"] = read_string(lib.ov_genai_decoded_results_get_string, results) if status == OK else status
        lib.ov_genai_decoded_results_free(results)

    thread = threading.Thread(target=run)
    thread.start()
    assert inside.wait(30)
    try:
        value = during()
    finally:
        finished.set()
        thread.join()
    return outcome["text"], value


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_second_generate_on_a_busy_pipeline_fails_at_once(lib, model_dir, backend):
    """Measured upstream: a generate on a pipeline whose generate runs on another thread gets -17
    at once (no waiting, no crash); the running one is not disturbed. Config and chat calls do
    not wait either."""
    config = make_config(lib, 30)
    pipe = create_pipeline(lib, model_dir, *BACKENDS[backend])
    alone = generate(lib, pipe, "first", config)

    def second_call():
        results = c_void_p()
        status = lib.ov_genai_llm_pipeline_generate(pipe, b"second", config, None, byref(results))
        got = c_void_p()
        assert lib.ov_genai_llm_pipeline_get_generation_config(pipe, byref(got)) == OK
        lib.ov_genai_generation_config_free(got)
        return status

    text, status = run_while_generating(lib, pipe, "first", config, second_call)
    assert status == UNKNOW_EXCEPTION and text == alone
    assert generate(lib, pipe, "first", config) == alone, "the pipeline works afterwards"
    lib.ov_genai_llm_pipeline_free(pipe)
    lib.ov_genai_generation_config_free(config)


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_refused_or_failed_chat_turn_leaves_its_prompt_only_on_the_default_backend(lib, model_dir, backend):
    """Measured upstream: a chat turn refused because the pipeline is busy, or failing on an
    invalid config, keeps its prompt in the history on the default backend; SDPA drops it."""
    config, invalid = make_config(lib, 30), make_config(lib, 0)
    pipe = create_pipeline(lib, model_dir, *BACKENDS[backend])
    keeps = backend == "default"
    for name in ("busy", "invalid config"):
        assert lib.ov_genai_llm_pipeline_start_chat(pipe) == OK
        if name == "busy":
            refused = lambda: lib.ov_genai_llm_pipeline_generate(pipe, b"refused", config, None,
                                                                 byref(c_void_p()))
            first, status = run_while_generating(lib, pipe, "first", config, refused)
        else:
            first = generate(lib, pipe, "first", config)
            status = lib.ov_genai_llm_pipeline_generate(pipe, b"refused", invalid, None, byref(c_void_p()))
        assert status == UNKNOW_EXCEPTION
        after = generate(lib, pipe, "after", config)
        if not keeps:
            messages = [("user", "first"), ("assistant", first)]
        elif name == "busy":  # the refused prompt joined while the first turn ran
            messages = [("user", "first"), ("user", "refused"), ("assistant", first)]
        else:
            messages = [("user", "first"), ("assistant", first), ("user", "refused")]
        assert after == answer_to_history(lib, pipe, messages + [("user", "after")], config), name
        assert lib.ov_genai_llm_pipeline_finish_chat(pipe) == OK
    lib.ov_genai_llm_pipeline_free(pipe)
    for handle in (config, invalid):
        lib.ov_genai_generation_config_free(handle)


def reenter(lib, pipe, config, at_call: int, action: int = RUNNING) -> tuple[str, list, list[bytes]]:
    """Generates "outer" and, from inside its streamer callback call number `at_call`, generates
    "inner" on the same pipeline; returns (outer answer, [inner status, inner answer, thread], chunks)."""
    inner: list = []
    chunks: list[bytes] = []

    def on_chunk(text, args):
        chunks.append(text)
        if len(chunks) == at_call and not inner:
            results = c_void_p()
            status = lib.ov_genai_llm_pipeline_generate(pipe, b"inner", config, None, byref(results))
            answer = read_string(lib.ov_genai_decoded_results_get_string, results) if status == OK else None
            lib.ov_genai_decoded_results_free(results)
            inner.extend([status, answer, threading.get_ident()])
        return action if len(chunks) >= 2 else RUNNING

    callback = CALLBACK(on_chunk)
    results = c_void_p()
    status = lib.ov_genai_llm_pipeline_generate(pipe, b"outer", config, byref(Streamer(callback, None)), byref(results))
    assert status == OK
    text = read_string(lib.ov_genai_decoded_results_get_string, results)
    lib.ov_genai_decoded_results_free(results)
    return text, inner, chunks


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_generate_from_inside_own_callback(lib, model_dir, backend):
    """Measured upstream: a callback running on the calling thread (every call with SDPA, the final
    flush on the default backend) may generate on its own pipeline: the inner call runs normally.
    From the default backend's worker thread it gets -17 at once. Never a deadlock."""
    config = make_config(lib, 30, ignore_eos=True)
    pipe = create_pipeline(lib, model_dir, *BACKENDS[backend])
    alone_outer, alone_inner = generate(lib, pipe, "outer", config), generate(lib, pipe, "inner", config)
    caller = threading.get_ident()
    text, inner, chunks = reenter(lib, pipe, config, at_call=1)
    assert text == alone_outer == b"".join(chunks).decode()
    if backend == "SDPA":
        assert inner == [OK, alone_inner, caller]
    else:
        assert inner[:2] == [UNKNOW_EXCEPTION, None] and inner[2] != caller
    # The final flush (the call after STOP) runs on the calling thread with either backend.
    text, inner, chunks = reenter(lib, pipe, config, at_call=3, action=STOP)
    assert len(chunks) == 3 and inner == [OK, alone_inner, caller]
    lib.ov_genai_llm_pipeline_free(pipe)
    lib.ov_genai_generation_config_free(config)


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_generate_from_inside_own_callback_in_chat(lib, model_dir, backend):
    """Measured upstream: the inner chat turn sees the outer prompt already in the history, and its
    turn is recorded before the outer answer."""
    config = make_config(lib, 30, ignore_eos=True)
    pipe = create_pipeline(lib, model_dir, *BACKENDS[backend])
    assert lib.ov_genai_llm_pipeline_start_chat(pipe) == OK
    outer, inner, _ = reenter(lib, pipe, config, at_call=3, action=STOP)
    assert inner[0] == OK
    assert inner[1] == answer_to_history(lib, pipe, [("user", "outer"), ("user", "inner")], config)
    after = generate(lib, pipe, "after", config)
    expected = [("user", "outer"), ("user", "inner"), ("assistant", inner[1]), ("assistant", outer), ("user", "after")]
    assert after == answer_to_history(lib, pipe, expected, config)
    assert lib.ov_genai_llm_pipeline_finish_chat(pipe) == OK
    lib.ov_genai_llm_pipeline_free(pipe)
    lib.ov_genai_generation_config_free(config)


# ---- perf metrics ----

def test_perf_metrics_are_plausible_and_add_up(lib, pipe):
    config = make_config(lib, 12, ignore_eos=True)
    handles = []
    for prompt in (b"one two three", b"four five"):
        results, metrics = c_void_p(), c_void_p()
        assert lib.ov_genai_llm_pipeline_generate(pipe, prompt, config, None, byref(results)) == OK
        assert lib.ov_genai_decoded_results_get_perf_metrics(results, byref(metrics)) == OK
        handles.append((results, metrics))
    metrics = handles[0][1]
    count, load = c_size_t(), c_float()
    assert lib.ov_genai_perf_metrics_get_num_generation_tokens(metrics, byref(count)) == OK and count.value == 12
    assert lib.ov_genai_perf_metrics_get_num_input_tokens(metrics, byref(count)) == OK and count.value > 0
    assert lib.ov_genai_perf_metrics_get_load_time(metrics, byref(load)) == OK and load.value > 0
    for name in ("ttft", "tpot", "ipot", "throughput", "inference_duration", "generate_duration",
                 "tokenization_duration", "detokenization_duration", "chat_template_duration"):
        mean, std = c_float(), c_float()
        assert getattr(lib, f"ov_genai_perf_metrics_get_{name}")(metrics, byref(mean), byref(std)) == OK
        assert mean.value > 0 and std.value >= 0, name
        assert getattr(lib, f"ov_genai_perf_metrics_get_{name}")(metrics, None, byref(std)) == INVALID_C_PARAM
    generate_mean, tpot_mean, std = c_float(), c_float(), c_float()
    lib.ov_genai_perf_metrics_get_generate_duration(metrics, byref(generate_mean), byref(std))
    lib.ov_genai_perf_metrics_get_tpot(metrics, byref(tpot_mean), byref(std))
    assert generate_mean.value > tpot_mean.value * 10
    assert lib.ov_genai_perf_metrics_add_in_place(metrics, handles[1][1]) == OK
    assert lib.ov_genai_perf_metrics_get_num_generation_tokens(metrics, byref(count)) == OK and count.value == 24
    ttft, ttft_std = c_float(), c_float()
    assert lib.ov_genai_perf_metrics_get_ttft(metrics, byref(ttft), byref(ttft_std)) == OK
    assert ttft_std.value > 0, "two prompts of different length pool into a spread"
    assert lib.ov_genai_perf_metrics_add_in_place(metrics, None) == INVALID_C_PARAM
    for results, metrics in handles:
        lib.ov_genai_decoded_results_perf_metrics_free(metrics)
        lib.ov_genai_decoded_results_free(results)
    lib.ov_genai_generation_config_free(config)


def test_created_results_are_empty(lib):
    results, vlm_results, size = c_void_p(), c_void_p(), c_size_t()
    assert lib.ov_genai_decoded_results_create(byref(results)) == OK
    assert read_string(lib.ov_genai_decoded_results_get_string, results) == ""
    metrics, mean, std = c_void_p(), c_float(), c_float()
    assert lib.ov_genai_decoded_results_get_perf_metrics(results, byref(metrics)) == OK
    assert lib.ov_genai_perf_metrics_get_ttft(metrics, byref(mean), byref(std)) == OK
    assert (mean.value, std.value) == (-1.0, -1.0), "no samples: -1 like upstream"
    lib.ov_genai_decoded_results_perf_metrics_free(metrics)
    assert lib.ov_genai_vlm_decoded_results_create(byref(vlm_results)) == OK
    assert read_string(lib.ov_genai_vlm_decoded_results_get_string, vlm_results) == ""
    metrics = c_void_p()
    assert lib.ov_genai_vlm_decoded_results_get_perf_metrics(vlm_results, byref(metrics)) == OK
    lib.ov_genai_vlm_decoded_results_perf_metrics_free(metrics)
    lib.ov_genai_decoded_results_free(results)
    lib.ov_genai_vlm_decoded_results_free(vlm_results)
    assert lib.ov_genai_decoded_results_create(None) == INVALID_C_PARAM


# ---- chat history and JSON ----

def json_container(lib, text: str) -> c_void_p:
    container = c_void_p()
    assert lib.ov_genai_json_container_create_from_json_string(byref(container), text.encode()) == 0
    return container


def to_json(lib, container) -> str:
    return read_string(lib.ov_genai_json_container_to_json_string, container)


@pytest.mark.parametrize("document", [
    '{"role":"user","content":"héllo 世界 🚀"}', "[1,2.5,-3,true,false,null]", '"text"', "42", "-0.125",
    '{"a":{"b":[{"c":"\\"quoted\\"\\n"}]},"z":1,"m":2}', "[]", "{}", "1e+20",
])
def test_json_round_trip(lib, document):
    container = json_container(lib, document)
    assert json.loads(to_json(lib, container)) == json.loads(document)
    assert to_json(lib, container) == json.dumps(json.loads(document), ensure_ascii=False, separators=(",", ":")) \
        or "e" in document  # Python and nlohmann spell exponents differently
    copy = c_void_p()
    assert lib.ov_genai_json_container_copy(container, byref(copy)) == 0
    assert to_json(lib, copy) == to_json(lib, container)
    lib.ov_genai_json_container_free(copy)
    lib.ov_genai_json_container_free(container)


@pytest.mark.parametrize("bad", ["", "{", "[1,]", '{"a" 1}', "tru", '"\x01"', "01", '{"a":1} x', '"\\ud800"',
                                 "\xff"])
def test_invalid_json(lib, bad):
    container = c_void_p()
    encoded = bad.encode("utf-8") if bad != "\xff" else b"\"\xff\""
    assert lib.ov_genai_json_container_create_from_json_string(byref(container), encoded) == -2  # INVALID_JSON


def test_json_container_statuses(lib):
    container, size = c_void_p(), c_size_t(0)
    assert lib.ov_genai_json_container_create(None) == -1
    assert lib.ov_genai_json_container_create_from_json_string(byref(container), None) == -1
    for create, expected in (("create", "{}"), ("create_object", "{}"), ("create_array", "[]")):
        assert getattr(lib, f"ov_genai_json_container_{create}")(byref(container)) == 0
        assert to_json(lib, container) == expected
        short = ctypes.create_string_buffer(1)
        size = c_size_t(1)
        assert lib.ov_genai_json_container_to_json_string(container, short, byref(size)) == -3
        assert size.value == 1
        lib.ov_genai_json_container_free(container)
    assert lib.ov_genai_json_container_to_json_string(None, None, byref(size)) == -1
    assert lib.ov_genai_json_container_copy(None, byref(container)) == -1


def test_chat_history(lib):
    history, size, empty = c_void_p(), c_size_t(), c_int()
    assert lib.ov_genai_chat_history_create(byref(history)) == 0
    assert lib.ov_genai_chat_history_empty(history, byref(empty)) == 0 and empty.value == 1
    messages = c_void_p()
    assert lib.ov_genai_chat_history_get_messages(history, byref(messages)) == 0
    assert to_json(lib, messages) == "[]"
    first = c_void_p()
    assert lib.ov_genai_chat_history_pop_back(history) == -3
    assert lib.ov_genai_chat_history_get_first(history, byref(first)) == -3
    assert lib.ov_genai_chat_history_get_last(history, byref(first)) == -3
    user = json_container(lib, '{"role":"user","content":"hi"}')
    array = json_container(lib, "[1]")
    assert lib.ov_genai_chat_history_push_back(history, user) == 0
    assert lib.ov_genai_chat_history_push_back(history, array) == -4
    assert lib.ov_genai_chat_history_size(history, byref(size)) == 0 and size.value == 1
    assert to_json(lib, messages) == '[{"role":"user","content":"hi"}]', "get_messages is a shared view"
    assert lib.ov_genai_chat_history_get_message(history, c_size_t(0), byref(first)) == 0
    assert to_json(lib, first) == '{"role":"user","content":"hi"}'
    out_of_range = c_void_p()
    assert lib.ov_genai_chat_history_get_message(history, c_size_t(1), byref(out_of_range)) == -2
    last = c_void_p()
    assert lib.ov_genai_chat_history_get_last(history, byref(last)) == 0
    assert lib.ov_genai_chat_history_pop_back(history) == 0
    size_probe = c_size_t()
    assert lib.ov_genai_json_container_to_json_string(first, None, byref(size_probe)) == -4, \
        "a view of a popped message is gone"
    tools, context = json_container(lib, '[{"name":"f"}]'), json_container(lib, '{"k":"v"}')
    assert lib.ov_genai_chat_history_set_tools(history, tools) == 0
    assert lib.ov_genai_chat_history_set_tools(history, context) == -4
    assert lib.ov_genai_chat_history_set_extra_context(history, context) == 0
    assert lib.ov_genai_chat_history_set_extra_context(history, tools) == -4
    got_tools, got_context = c_void_p(), c_void_p()
    assert lib.ov_genai_chat_history_get_tools(history, byref(got_tools)) == 0
    assert lib.ov_genai_chat_history_get_extra_context(history, byref(got_context)) == 0
    assert to_json(lib, got_tools) == '[{"name":"f"}]' and to_json(lib, got_context) == '{"k":"v"}'
    assert lib.ov_genai_chat_history_clear(history) == 0
    assert to_json(lib, got_tools) == "[]"
    from_array, not_array = c_void_p(), c_void_p()
    two = json_container(lib, '[{"role":"system","content":"s"},{"role":"user","content":"u"}]')
    assert lib.ov_genai_chat_history_create_from_json_container(byref(from_array), two) == 0
    assert lib.ov_genai_chat_history_size(from_array, byref(size)) == 0 and size.value == 2
    assert lib.ov_genai_chat_history_create_from_json_container(byref(not_array), user) == -4
    assert lib.ov_genai_chat_history_create(None) == -1
    assert lib.ov_genai_chat_history_size(None, byref(size)) == -1
    for container in (messages, first, last, user, array, tools, context, got_tools, got_context, two):
        lib.ov_genai_json_container_free(container)
    lib.ov_genai_chat_history_free(from_array)
    lib.ov_genai_chat_history_free(history)


def test_generate_with_history(lib, pipe):
    config = make_config(lib, 30)
    history = c_void_p()
    assert lib.ov_genai_chat_history_create(byref(history)) == 0
    message = json_container(lib, '{"role":"user","content":"hello there"}')
    assert lib.ov_genai_chat_history_push_back(history, message) == 0
    recorder = Recorder()
    results = c_void_p()
    assert lib.ov_genai_llm_pipeline_generate_with_history(pipe, history, config, byref(recorder.streamer),
                                                           byref(results)) == OK
    text = read_string(lib.ov_genai_decoded_results_get_string, results)
    assert text == recorder.text == generate(lib, pipe, "hello there", config)
    size = c_size_t()
    assert lib.ov_genai_chat_history_size(history, byref(size)) == 0 and size.value == 1, "history not modified"
    assert lib.ov_genai_llm_pipeline_generate_with_history(pipe, None, config, None, byref(results)) == INVALID_C_PARAM
    empty = c_void_p()
    assert lib.ov_genai_chat_history_create(byref(empty)) == 0
    assert lib.ov_genai_llm_pipeline_generate_with_history(pipe, empty, config, None, byref(results)) == UNKNOW_EXCEPTION
    lib.ov_genai_chat_history_free(empty)
    lib.ov_genai_decoded_results_free(results)
    lib.ov_genai_json_container_free(message)
    lib.ov_genai_chat_history_free(history)
    lib.ov_genai_generation_config_free(config)


# ---- VLM ----

class CoreShape(ctypes.Structure):
    _fields_ = [("rank", c_int64), ("dims", POINTER(c_int64))]


U8, F32 = 16, 4  # ov_element_type_e


class CoreTensors:
    """Real OpenVINO tensors made through the openvino wheel's libopenvino_c, loaded into this process
    (the double reads image tensors through the libopenvino_c the process has loaded, as the real
    library reads them through the one it links)."""

    def __init__(self) -> None:
        from support import openvino_wheel

        self.lib = ctypes.CDLL(str(openvino_wheel.c_library()))
        self.lib.ov_tensor_create_from_host_ptr.argtypes = [c_int, CoreShape, c_void_p, POINTER(c_void_p)]
        self.lib.ov_tensor_free.argtypes = [c_void_p]
        self.made: list[c_void_p] = []
        self.buffers: list[ctypes.Array] = []

    def tensor(self, shape: tuple[int, ...], data: bytes | None = None, element: int = U8) -> c_void_p:
        size = 1
        for d in shape:
            size *= d
        size *= 4 if element == F32 else 1
        data = bytes((i * 37 + 11) % 256 for i in range(size)) if data is None else data
        assert len(data) == size
        buffer = ctypes.create_string_buffer(data, max(1, size))
        tensor = c_void_p()
        dims = (c_int64 * len(shape))(*shape)
        assert self.lib.ov_tensor_create_from_host_ptr(element, CoreShape(len(shape), dims), buffer, byref(tensor)) == OK
        self.made.append(tensor)
        self.buffers.append(buffer)
        return tensor

    def array(self, *tensors: c_void_p) -> ctypes.Array:
        return (c_void_p * len(tensors))(*tensors)

    def free(self) -> None:
        for tensor in self.made:
            self.lib.ov_tensor_free(tensor)
        self.made.clear()


@pytest.fixture
def core():
    tensors = CoreTensors()
    yield tensors
    tensors.free()


def test_vlm(lib, model_dir, core):
    pipe = create_pipeline(lib, model_dir, kind="vlm")
    config = make_config(lib, 30)
    images = core.array(core.tensor((4, 6, 3)), core.tensor((1, 4, 6, 3), bytes(72)))

    def vlm_text(prompt: bytes, images, count: int, recorder: Recorder | None = None) -> str:
        results = c_void_p()
        streamer = byref(recorder.streamer) if recorder else None
        status = lib.ov_genai_vlm_pipeline_generate(pipe, prompt, images, c_size_t(count), config, streamer,
                                                    byref(results))
        assert status == OK
        text = read_string(lib.ov_genai_vlm_decoded_results_get_string, results)
        lib.ov_genai_vlm_decoded_results_free(results)
        return text

    recorder = Recorder()
    none = vlm_text(b"describe", None, 0, recorder)
    assert none == recorder.text and none == vlm_text(b"describe", None, 0)
    assert vlm_text(b"describe", images, 2) != none
    assert vlm_text(b"describe", images, 1) not in (none, vlm_text(b"describe", images, 2))
    results = c_void_p()
    assert lib.ov_genai_vlm_pipeline_generate(pipe, b"x", None, c_size_t(1), config, None,
                                              byref(results)) == INVALID_C_PARAM
    assert lib.ov_genai_vlm_pipeline_generate(pipe, b"x", (c_void_p * 1)(None), c_size_t(1), config, None,
                                              byref(results)) == INVALID_C_PARAM
    assert lib.ov_genai_vlm_pipeline_start_chat(pipe) == OK
    assert lib.ov_genai_vlm_pipeline_finish_chat(pipe) == OK
    got = c_void_p()
    assert lib.ov_genai_vlm_pipeline_get_generation_config(pipe, byref(got)) == OK
    assert lib.ov_genai_vlm_pipeline_set_generation_config(pipe, got) == OK
    history = c_void_p()
    lib.ov_genai_chat_history_create(byref(history))
    message = json_container(lib, '{"role":"user","content":"describe"}')
    lib.ov_genai_chat_history_push_back(history, message)
    assert lib.ov_genai_vlm_pipeline_generate_with_history(pipe, history, None, c_size_t(0), config, None,
                                                           byref(results)) == OK
    assert read_string(lib.ov_genai_vlm_decoded_results_get_string, results) == none
    lib.ov_genai_vlm_decoded_results_free(results)
    lib.ov_genai_json_container_free(message)
    lib.ov_genai_chat_history_free(history)
    lib.ov_genai_generation_config_free(got)
    lib.ov_genai_generation_config_free(config)
    lib.ov_genai_vlm_pipeline_free(pipe)


def vlm_status(lib, pipe, config, images: ctypes.Array, count: int) -> tuple[int, str | None]:
    results = c_void_p()
    status = lib.ov_genai_vlm_pipeline_generate(pipe, b"describe", images, c_size_t(count), config, None, byref(results))
    if status != OK:
        return status, None
    text = read_string(lib.ov_genai_vlm_decoded_results_get_string, results)
    lib.ov_genai_vlm_decoded_results_free(results)
    return status, text


def test_vlm_answers_depend_on_the_pixels(lib, model_dir, core):
    # The double hashes what the real library reads: the first N*H*W*C bytes, as u8, whatever the
    # element type (measured: an f32 tensor answers as the u8 tensor of its first bytes).
    pipe = create_pipeline(lib, model_dir, kind="vlm")
    config = make_config(lib, 30)
    pixels = bytes((i * 7) % 256 for i in range(8 * 8 * 3))
    other = bytes(reversed(pixels))
    texts = {name: vlm_status(lib, pipe, config, core.array(tensor), 1)[1] for name, tensor in {
        "pixels": core.tensor((8, 8, 3), pixels), "pixels NHWC": core.tensor((1, 8, 8, 3), pixels),
        "other": core.tensor((8, 8, 3), other), "f32, same first bytes": core.tensor((8, 8, 3), pixels * 4, F32),
        "f32, other first bytes": core.tensor((8, 8, 3), other + pixels * 3, F32)}.items()}
    assert texts["pixels"] == texts["pixels NHWC"] == texts["f32, same first bytes"]
    assert texts["other"] == texts["f32, other first bytes"] != texts["pixels"]
    # Two images in one [2,H,W,C] tensor are two images, as two tensors.
    batch = core.tensor((2, 8, 8, 3), pixels + other)
    pair = core.array(core.tensor((8, 8, 3), pixels), core.tensor((8, 8, 3), other))
    assert vlm_status(lib, pipe, config, core.array(batch), 1)[1] == vlm_status(lib, pipe, config, pair, 2)[1]
    # A batch of no images is no image.
    empty_batch = vlm_status(lib, pipe, config, core.array(core.tensor((0, 8, 8, 3), b"")), 1)
    assert empty_batch == vlm_status(lib, pipe, config, None, 0)
    lib.ov_genai_generation_config_free(config)
    lib.ov_genai_vlm_pipeline_free(pipe)


def test_vlm_refuses_image_shapes_as_the_real_library(lib, model_dir, core):
    # MEASURED.md "Images and raw speech": rank 3 or 4, 1, 3 or 4 channels; anything else -17.
    pipe = create_pipeline(lib, model_dir, kind="vlm")
    config = make_config(lib, 5)
    accepted = [(56, 84, 3), (1, 56, 84, 3), (2, 5, 6, 3), (0, 56, 84, 3), (0, 0, 84, 3), (56, 84, 1), (56, 84, 4),
                (1, 1, 3), (56, 84, 3, 1)]
    refused = [(56, 84, 2), (56, 84, 5), (56, 84, 0), (3, 56, 84), (56, 84), (0, 84), (1, 1, 56, 84, 3)]
    for shape in accepted:
        assert vlm_status(lib, pipe, config, core.array(core.tensor(shape)), 1)[0] == OK, shape
    for shape in refused:
        assert vlm_status(lib, pipe, config, core.array(core.tensor(shape)), 1)[0] == UNKNOW_EXCEPTION, shape
    # One bad image among good ones refuses the call.
    good = core.tensor((4, 4, 3))
    assert vlm_status(lib, pipe, config, core.array(good, core.tensor((4, 4, 2))), 2)[0] == UNKNOW_EXCEPTION
    lib.ov_genai_generation_config_free(config)
    lib.ov_genai_vlm_pipeline_free(pipe)


_VLM_CHILD = r"""
import ctypes, sys
from ctypes import POINTER, byref, c_int, c_int64, c_size_t, c_void_p
double = ctypes.CDLL(sys.argv[1])
pipe = c_void_p()
assert double.ov_genai_vlm_pipeline_create(sys.argv[2].encode(), b"CPU", c_size_t(0), byref(pipe)) == 0
if sys.argv[3] == "fake":
    storage = ctypes.create_string_buffer(64)
    tensor = c_void_p(ctypes.addressof(storage))
else:
    class Shape(ctypes.Structure):
        _fields_ = [("rank", c_int64), ("dims", POINTER(c_int64))]
    core = ctypes.CDLL(sys.argv[3])
    core.ov_tensor_create.argtypes = [c_int, Shape, POINTER(c_void_p)]
    shape = [int(d) for d in sys.argv[4].split(",")]
    tensor = c_void_p()
    assert core.ov_tensor_create(16, Shape(len(shape), (c_int64 * len(shape))(*shape)), byref(tensor)) == 0
results = c_void_p()
print("status", double.ov_genai_vlm_pipeline_generate(pipe, b"x", (c_void_p * 1)(tensor), c_size_t(1), None, None, byref(results)))
"""


@pytest.mark.parametrize("shape", ["0,84,3", "56,0,3", "1,56,0,3", "2,0,0,3"])
def test_vlm_an_image_of_height_or_width_0_dies_with_sigfpe(lib_path, tmp_path, shape):
    # As the real library (measured: an integer division by zero): bindings must refuse such images first.
    from support import openvino_wheel

    completed = subprocess.run([sys.executable, "-c", _VLM_CHILD, str(lib_path), str(tmp_path),
                                str(openvino_wheel.c_library()), shape], capture_output=True, text=True, timeout=120)
    assert completed.returncode == -signal.SIGFPE, completed.stdout + completed.stderr
    assert "has height or width 0; the real library dies here with SIGFPE" in completed.stderr


def test_vlm_image_pointers_must_be_openvino_tensors(lib_path, tmp_path):
    # Without libopenvino_c in the process a pointer cannot be an OpenVINO tensor: the real library
    # would read it as one (a crash at best); the double aborts saying why.
    completed = subprocess.run([sys.executable, "-c", _VLM_CHILD, str(lib_path), str(tmp_path), "fake"],
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == -signal.SIGABRT, completed.stdout + completed.stderr
    assert "no libopenvino_c is loaded in this process" in completed.stderr


# ---- Whisper ----

def test_whisper(lib, model_dir):
    pipe = create_pipeline(lib, model_dir, kind="whisper")
    seconds = 3
    audio = (c_float * (16000 * seconds))(*[((i * 7919) % 200 - 100) / 100.0 for i in range(16000 * seconds)])

    def transcribe(config=None):
        results = c_void_p()
        assert lib.ov_genai_whisper_pipeline_generate(pipe, audio, c_size_t(len(audio)), config, byref(results)) == OK
        return results

    results = transcribe()
    text = read_string(lib.ov_genai_whisper_decoded_results_get_string, results)
    count, has_chunks, score = c_size_t(), c_bool(), c_float()
    assert lib.ov_genai_whisper_decoded_results_get_texts_count(results, byref(count)) == OK and count.value == 1
    assert read_string(lib.ov_genai_whisper_decoded_results_get_text_at, results, c_size_t(0)) == text
    assert lib.ov_genai_whisper_decoded_results_get_text_at(results, c_size_t(1), None, byref(count)) == OUT_OF_BOUNDS
    assert lib.ov_genai_whisper_decoded_results_get_score_at(results, c_size_t(0), byref(score)) == OK
    assert score.value < 0
    assert lib.ov_genai_whisper_decoded_results_has_chunks(results, byref(has_chunks)) == OK and not has_chunks.value
    chunk = c_void_p()
    assert lib.ov_genai_whisper_decoded_results_get_chunk_at(results, c_size_t(0), byref(chunk)) == NOT_FOUND
    metrics = c_void_p()
    assert lib.ov_genai_whisper_decoded_results_get_perf_metrics(results, byref(metrics)) == OK
    lib.ov_genai_decoded_results_perf_metrics_free(metrics)
    assert len(text.split()) == seconds * 2
    again = transcribe()
    assert read_string(lib.ov_genai_whisper_decoded_results_get_string, again) == text
    lib.ov_genai_whisper_decoded_results_free(again)
    lib.ov_genai_whisper_decoded_results_free(results)

    config = c_void_p()
    assert lib.ov_genai_whisper_pipeline_get_generation_config(pipe, byref(config)) == OK
    assert lib.ov_genai_whisper_generation_config_set_return_timestamps(config, c_bool(True)) == OK
    results = transcribe(config)
    assert read_string(lib.ov_genai_whisper_decoded_results_get_string, results) == text
    assert lib.ov_genai_whisper_decoded_results_get_chunks_count(results, byref(count)) == OK and count.value > 1
    pieces, previous_end = [], 0.0
    for index in range(count.value):
        assert lib.ov_genai_whisper_decoded_results_get_chunk_at(results, c_size_t(index), byref(chunk)) == OK
        start, end = c_float(), c_float()
        assert lib.ov_genai_whisper_decoded_result_chunk_get_start_ts(chunk, byref(start)) == OK
        assert lib.ov_genai_whisper_decoded_result_chunk_get_end_ts(chunk, byref(end)) == OK
        assert previous_end == pytest.approx(start.value) and end.value > start.value
        previous_end = end.value
        pieces.append(read_string(lib.ov_genai_whisper_decoded_result_chunk_get_text, chunk))
        lib.ov_genai_whisper_decoded_result_chunk_free(chunk)
    assert "".join(pieces) == text and previous_end <= seconds
    assert lib.ov_genai_whisper_decoded_results_get_chunk_at(results, count, byref(chunk)) == OUT_OF_BOUNDS
    lib.ov_genai_whisper_decoded_results_free(results)

    assert lib.ov_genai_whisper_generation_config_set_task(config, b"translate") == OK
    results = transcribe(config)
    translated = read_string(lib.ov_genai_whisper_decoded_results_get_string, results)
    assert translated.isascii() and translated != text
    lib.ov_genai_whisper_decoded_results_free(results)
    assert lib.ov_genai_whisper_generation_config_set_task(config, b"summarize") == OK
    assert lib.ov_genai_whisper_generation_config_validate(config) == UNKNOW_EXCEPTION
    results = c_void_p()
    assert lib.ov_genai_whisper_pipeline_generate(pipe, audio, c_size_t(len(audio)), config,
                                                  byref(results)) == UNKNOW_EXCEPTION
    assert lib.ov_genai_whisper_pipeline_set_generation_config(pipe, config) == UNKNOW_EXCEPTION
    assert lib.ov_genai_whisper_generation_config_set_task(config, None) == OK
    assert lib.ov_genai_whisper_pipeline_set_generation_config(pipe, config) == OK
    assert lib.ov_genai_whisper_pipeline_generate(pipe, None, c_size_t(0), None, byref(results)) == INVALID_C_PARAM
    # As measured on the real library: 200 samples or fewer, or a sample whose square overflows a float
    # (NaN, infinite, |x| > ~1.8e19), fail (-17).
    assert lib.ov_genai_whisper_pipeline_generate(pipe, audio, c_size_t(0), None, byref(results)) == UNKNOW_EXCEPTION
    assert lib.ov_genai_whisper_pipeline_generate(pipe, audio, c_size_t(200), None, byref(results)) == UNKNOW_EXCEPTION
    assert lib.ov_genai_whisper_pipeline_generate(pipe, audio, c_size_t(201), None, byref(results)) == OK
    lib.ov_genai_whisper_decoded_results_free(results)
    loud = (c_float * 16000)(*([0.0] * 100 + [1e19] + [0.0] * 15899))
    assert lib.ov_genai_whisper_pipeline_generate(pipe, loud, c_size_t(16000), None, byref(results)) == OK
    lib.ov_genai_whisper_decoded_results_free(results)
    for bad in (float("nan"), float("inf"), float("-inf"), 2e19, -2e19):
        spoiled = (c_float * 16000)(*([0.0] * 100 + [bad] + [0.0] * 15899))
        assert lib.ov_genai_whisper_pipeline_generate(pipe, spoiled, c_size_t(16000), None, byref(results)) == UNKNOW_EXCEPTION
    lib.ov_genai_whisper_generation_config_free(config)
    lib.ov_genai_whisper_pipeline_free(pipe)


def test_whisper_generation_config(lib, tmp_path):
    config = c_void_p()
    assert lib.ov_genai_whisper_generation_config_create(byref(config)) == OK
    token = c_int64()
    for name, default in (("decoder_start_token_id", 50258), ("pad_token_id", 50257), ("translate_token_id", 50358),
                          ("transcribe_token_id", 50359), ("prev_sot_token_id", 50361),
                          ("no_timestamps_token_id", 50363)):
        assert getattr(lib, f"ov_genai_whisper_generation_config_get_{name}")(config, byref(token)) == OK
        assert token.value == default
        assert getattr(lib, f"ov_genai_whisper_generation_config_set_{name}")(config, c_int64(7)) == OK
        assert getattr(lib, f"ov_genai_whisper_generation_config_get_{name}")(config, byref(token)) == OK
        assert token.value == 7
    index, flag = c_size_t(), c_bool()
    assert lib.ov_genai_whisper_generation_config_set_max_initial_timestamp_index(config, c_size_t(9)) == OK
    assert lib.ov_genai_whisper_generation_config_get_max_initial_timestamp_index(config, byref(index)) == OK
    assert index.value == 9
    assert lib.ov_genai_whisper_generation_config_get_is_multilingual(config, byref(flag)) == OK and flag.value
    assert lib.ov_genai_whisper_generation_config_set_is_multilingual(config, c_bool(True)) == OK
    assert lib.ov_genai_whisper_generation_config_get_return_timestamps(config, byref(flag)) == OK
    assert not flag.value
    size = c_size_t()
    for name in ("language", "task", "initial_prompt", "hotwords"):
        getter = getattr(lib, f"ov_genai_whisper_generation_config_get_{name}")
        assert getter(config, None, byref(size)) == NOT_FOUND, name
        value = {"language": "<|fr|>", "task": "transcribe"}.get(name, "café 世界")
        assert getattr(lib, f"ov_genai_whisper_generation_config_set_{name}")(config, value.encode()) == OK
        assert read_string(getter, config) == value
        short = ctypes.create_string_buffer(2)
        size = c_size_t(2)
        assert getter(config, short, byref(size)) == OUT_OF_BOUNDS and size.value == 2
    assert lib.ov_genai_whisper_generation_config_validate(config) == OK
    assert lib.ov_genai_whisper_generation_config_set_language(config, b"klingon") == OK
    assert lib.ov_genai_whisper_generation_config_validate(config) == UNKNOW_EXCEPTION
    for name in ("begin_suppress_tokens", "suppress_tokens"):
        tokens = (c_int64 * 3)(220, 50257, 1)
        assert getattr(lib, f"ov_genai_whisper_generation_config_set_{name}")(config, tokens, c_size_t(3)) == OK
        assert getattr(lib, f"ov_genai_whisper_generation_config_get_{name}_count")(config, byref(size)) == OK
        assert size.value == 3
        out = (c_int64 * 3)()
        assert getattr(lib, f"ov_genai_whisper_generation_config_get_{name}")(config, out, c_size_t(2)) == OUT_OF_BOUNDS
        assert getattr(lib, f"ov_genai_whisper_generation_config_get_{name}")(config, out, c_size_t(3)) == OK
        assert list(out) == [220, 50257, 1]
        assert getattr(lib, f"ov_genai_whisper_generation_config_get_{name}")(config, None, c_size_t(3)) == INVALID_C_PARAM
    base = c_void_p()
    assert lib.ov_genai_whisper_generation_config_get_generation_config(config, byref(base)) == OK
    lib.ov_genai_generation_config_free(base)
    lib.ov_genai_whisper_generation_config_free(config)
    path = tmp_path / "generation_config.json"
    path.write_text('{"max_new_tokens": 100, "eos_token_id": 50257}')
    assert lib.ov_genai_whisper_generation_config_create_from_json(str(path).encode(), byref(config)) == OK
    lib.ov_genai_whisper_generation_config_free(config)
    assert lib.ov_genai_whisper_generation_config_create_from_json(b"/no/such", byref(config)) == UNKNOW_EXCEPTION
    chunk = c_void_p()
    assert lib.ov_genai_whisper_decoded_result_chunk_create(byref(chunk)) == OK
    assert read_string(lib.ov_genai_whisper_decoded_result_chunk_get_text, chunk) == ""
    lib.ov_genai_whisper_decoded_result_chunk_free(chunk)
    results = c_void_p()
    assert lib.ov_genai_whisper_decoded_results_create(byref(results)) == OK
    assert lib.ov_genai_whisper_decoded_results_get_texts_count(results, byref(size)) == OK and size.value == 0
    lib.ov_genai_whisper_decoded_results_free(results)


def test_live_objects_counts_every_kind(lib, lib_path, model_dir):
    start = live_objects(lib_path)
    pipe = create_pipeline(lib, model_dir)
    config, history, container = c_void_p(), c_void_p(), c_void_p()
    lib.ov_genai_generation_config_create(byref(config))
    lib.ov_genai_chat_history_create(byref(history))
    lib.ov_genai_json_container_create(byref(container))
    assert live_objects(lib_path) == start + 4
    for free, handle in ((lib.ov_genai_llm_pipeline_free, pipe), (lib.ov_genai_generation_config_free, config),
                         (lib.ov_genai_chat_history_free, history), (lib.ov_genai_json_container_free, container)):
        free(handle)
    assert live_objects(lib_path) == start


EXIT_DURING_GENERATE = r"""
import ctypes, sys, threading
from ctypes import byref, c_char_p, c_int, c_size_t, c_void_p
lib = ctypes.CDLL(sys.argv[1])
CALLBACK = ctypes.CFUNCTYPE(c_int, c_char_p, c_void_p)
class Streamer(ctypes.Structure):
    _fields_ = [("callback_func", CALLBACK), ("args", c_void_p)]
pipe, config, results = c_void_p(), c_void_p(), c_void_p()
assert lib.ov_genai_llm_pipeline_create(c_char_p(sys.argv[2].encode()), c_char_p(b"CPU"), c_size_t(0), byref(pipe)) == 0
assert lib.ov_genai_generation_config_create(byref(config)) == 0
assert lib.ov_genai_generation_config_set_max_new_tokens(config, c_size_t(30)) == 0
streaming, finish = threading.Event(), sys.argv[3] == "finish"
def on_chunk(chunk, user_data):
    streaming.set()
    if not finish:
        threading.Event().wait()  # still inside generate when the process exits
    return 0
callback = CALLBACK(on_chunk)
streamer = Streamer(callback, None)
worker = threading.Thread(target=lambda: lib.ov_genai_llm_pipeline_generate(pipe, c_char_p(b"Hello"), config, byref(streamer), byref(results)), daemon=True)
worker.start()
streaming.wait(30)
worker.join(30 if finish else 0)
sys.exit(3)
"""


@pytest.mark.parametrize("finish", [True, False], ids=["returned", "running"])
def test_exit_during_generate_aborts(lib_path, model_dir, finish):
    """Measured upstream: exiting the process while a thread is inside generate crashes by chance;
    the double always aborts, with a message, so bindings that don't stop and wait fail every time."""
    proc = subprocess.run([sys.executable, "-c", EXIT_DURING_GENERATE, str(lib_path), model_dir.decode(),
                           "finish" if finish else "hang"], capture_output=True, text=True, timeout=120)
    if finish:
        assert proc.returncode == 3, proc.stderr
        assert "genai double" not in proc.stderr
    else:
        assert proc.returncode == -signal.SIGABRT, proc.stderr
        assert "genai double: the process is exiting while 1 generate call(s) run" in proc.stderr
