"""Smoke test against the real OpenVINO GenAI C library (OPENVINO_GENAI_DIR) with a tiny GGUF model.

The C library is driven through ctypes in a child process (environment from the install), and
its greedy text is compared with what Python openvino_genai produces on the same model and
config. Without OPENVINO_GENAI_DIR every test here skips, saying why.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from support import real_genai
from support.tiny_model import make_tiny_gguf

pytestmark = pytest.mark.real_genai

SDPA = {**real_genai.F32_PROPERTIES, "ATTENTION_BACKEND": "SDPA"}
BACKENDS = {"default": real_genai.F32_PROPERTIES, "sdpa": SDPA}
PROMPTS = ["Hello world", "Café 世界 🚀", "x"]
CONFIG = {"max_new_tokens": 24}


@pytest.fixture(scope="module")
def install() -> real_genai.GenAIInstall:
    return real_genai.install_or_skip()


@pytest.fixture(scope="module")
def any_install() -> real_genai.GenAIInstall:
    """Also an install too old for the bindings' pipelines: for the checks of the library itself."""
    return real_genai.install_or_skip(pipelines=False)


@pytest.fixture(scope="module")
def tiny_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_gguf(tmp_path_factory.mktemp("tiny") / "tiny.gguf")


def run_child(install: real_genai.GenAIInstall, script: str, job: object) -> Any:
    completed = subprocess.run(
        [sys.executable, "-c", script], input=json.dumps(job), capture_output=True, text=True,
        env=install.environment(), timeout=600,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def own_snapshot(install: real_genai.GenAIInstall) -> Path:
    """The embedded genai snapshot of the install's release (told by its versioned file names): the one of
    that version, else the newest older one (a release without a snapshot of its own has at least the
    functions of the one before); a pytest skip when the version can't be told or no snapshot is that old."""
    from bindgen import snapshot

    version = install.version()
    if version is None:
        pytest.skip(f"cannot tell the version of {install.library} from a versioned file name")
    older = [p for p in snapshot.list_embedded("genai")
             if snapshot.version_key(p.stem.split("-", 1)[1])[:3] <= snapshot.version_key(version)[:3]]
    if not older:
        pytest.skip(f"no embedded genai snapshot as old as {version}")
    return older[-1]


def test_exports_every_function_of_its_snapshot(any_install: real_genai.GenAIInstall) -> None:
    install = any_install
    # Of its own release: the newest snapshot has functions an older library does not export.
    from bindgen import snapshot

    names = [f.name for f in snapshot.load(own_snapshot(install)).functions]
    script = (
        "import ctypes, json, sys\n"
        "job = json.load(sys.stdin)\n"
        "lib = ctypes.CDLL(job['library'])\n"
        "json.dump([n for n in job['names'] if not hasattr(lib, n)], sys.stdout)\n"
    )
    missing = run_child(install, script, {"library": str(install.library), "names": names})
    assert missing == [], f"{install.library} does not export {missing}"


def test_headers_parse_to_the_embedded_snapshot(any_install: real_genai.GenAIInstall) -> None:
    install = any_install
    from bindgen import library, snapshot
    from bindgen.parser import parse, resolve_header_set

    if install.include_dir is None:
        pytest.skip(f"{install.root} has no include/openvino/genai/c headers")
    version = install.version()
    if version is None:
        pytest.skip(f"cannot tell the version of {install.library} from a versioned file name")
    known = [p for p in snapshot.list_embedded("genai") if p.stem.split("-", 1)[1].startswith(version + ".")]
    if not known:
        pytest.skip(f"no embedded genai snapshot for version {version}")
    expected = snapshot.load(known[-1])
    genai = library.load("genai")
    parsed = parse(resolve_header_set([install.include_dir], genai), genai, expected.version)
    assert snapshot.dumps(parsed) == snapshot.dumps(expected)


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_greedy_stream_equals_python_openvino_genai(
    install: real_genai.GenAIInstall, tiny_gguf: Path, backend: str
) -> None:
    conversations = [[prompt] for prompt in PROMPTS]
    c_runs = real_genai.c_conversations(install, tiny_gguf, conversations, CONFIG, BACKENDS[backend])
    python_runs = real_genai.reference_conversations(tiny_gguf, conversations, CONFIG, BACKENDS[backend])
    for prompt, [c_turn], [python_turn] in zip(PROMPTS, c_runs, python_runs):
        assert c_turn.text == python_turn.text, prompt
        assert c_turn.text == real_genai.reference_text(tiny_gguf, prompt, CONFIG, BACKENDS[backend])
        assert c_turn.chunks == python_turn.chunks, prompt
        assert "".join(c_turn.chunks) == c_turn.text, prompt
        assert all(c_turn.chunks), f"{prompt}: an empty chunk in {c_turn.chunks}"
        assert c_turn.text, prompt


def test_chat_turns_equal_python_openvino_genai(install: real_genai.GenAIInstall, tiny_gguf: Path) -> None:
    turns = ["Hello there", "Tell me more", "Merci, 世界"]
    [c_chat] = real_genai.c_conversations(install, tiny_gguf, [turns], CONFIG, SDPA, chat=True)
    assert [turn.text for turn in c_chat] == real_genai.reference_chat(tiny_gguf, turns, CONFIG, SDPA)
    # A chat remembers: the same question alone gets another answer than as the second turn.
    [[alone]] = real_genai.c_conversations(install, tiny_gguf, [[turns[1]]], CONFIG, SDPA, chat=True)
    assert alone.text != c_chat[1].text


def test_callback_threads_default_backend_vs_sdpa(install: real_genai.GenAIInstall, tiny_gguf: Path) -> None:
    """MEASURED.md: the default backend calls back on a worker thread, except the final flush;
    SDPA calls back on the thread that called generate."""
    [[default]] = real_genai.c_conversations(install, tiny_gguf, [["Hello world"]], CONFIG)
    [[sdpa]] = real_genai.c_conversations(install, tiny_gguf, [["Hello world"]], CONFIG, SDPA)
    assert default.on_main_thread == [False] * (len(default.chunks) - 1) + [True]
    assert sdpa.on_main_thread == [True] * len(sdpa.chunks)


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_stop_gets_one_more_call_and_keeps_the_turn_cancel_drops_it(
    install: real_genai.GenAIInstall, tiny_gguf: Path, backend: str
) -> None:
    """MEASURED.md: after STOP or CANCEL the callback is called exactly once more (the final
    flush); in chat, STOP keeps the turn in the history and CANCEL drops it."""
    properties = BACKENDS[backend]
    stop, cancel = ({"prompt": "Hello there", "stop_after": 3, "status": s} for s in (1, 2))
    runs = real_genai.c_conversations(
        install, tiny_gguf, [[stop, "Tell me more"], [cancel, "Tell me more"], ["Tell me more"]], CONFIG,
        properties, chat=True,
    )
    [[stopped, after_stop], [cancelled, after_cancel], [fresh]] = runs
    full = real_genai.c_conversations(install, tiny_gguf, [["Hello there"]], CONFIG, properties)[0][0]
    for ended in (stopped, cancelled):
        assert len(ended.chunks) == 4
        assert ended.chunks[:3] == full.chunks[:3]
        assert "".join(ended.chunks) != full.text
        assert ended.text.startswith("".join(ended.chunks))
    assert after_cancel.text == fresh.text
    assert after_stop.text != fresh.text


def test_status_codes(install: real_genai.GenAIInstall, tiny_gguf: Path) -> None:
    """MEASURED.md: a missing model path gives -17 (UNKNOW_EXCEPTION), a NULL one -14
    (INVALID_C_PARAM); a short string buffer gives -6 (OUT_OF_BOUNDS) and leaves the size."""
    script = r"""
import ctypes, json, sys
job = json.load(sys.stdin)
lib = ctypes.CDLL(job["library"])
P = ctypes.c_void_p
out = {}
pipe = P()
out["create_missing"] = lib.ov_genai_llm_pipeline_create(b"/nonexistent/model.gguf", b"CPU", ctypes.c_size_t(0), ctypes.byref(pipe))
out["create_null_path"] = lib.ov_genai_llm_pipeline_create(None, b"CPU", ctypes.c_size_t(0), ctypes.byref(pipe))
out["create"] = lib.ov_genai_llm_pipeline_create(job["model"].encode(), b"CPU", ctypes.c_size_t(2), ctypes.byref(pipe), b"INFERENCE_PRECISION_HINT", b"f32")
config = P()
lib.ov_genai_generation_config_create(ctypes.byref(config))
lib.ov_genai_generation_config_set_max_new_tokens(config, ctypes.c_size_t(6))
results = P()
out["generate_no_streamer_no_results"] = lib.ov_genai_llm_pipeline_generate(pipe, b"Hi", config, None, None)
out["generate"] = lib.ov_genai_llm_pipeline_generate(pipe, b"Hi", config, None, ctypes.byref(results))
size = ctypes.c_size_t(0)
out["size_query"] = lib.ov_genai_decoded_results_get_string(results, None, ctypes.byref(size))
out["size"] = size.value
short = ctypes.create_string_buffer(2)
short_size = ctypes.c_size_t(2)
out["short_buffer"] = lib.ov_genai_decoded_results_get_string(results, short, ctypes.byref(short_size))
out["short_buffer_size_after"] = short_size.value
lib.ov_genai_decoded_results_free(results)
lib.ov_genai_generation_config_free(config)
lib.ov_genai_llm_pipeline_free(pipe)
json.dump(out, sys.stdout)
"""
    out = run_child(install, script, {"library": str(install.library), "model": str(tiny_gguf)})
    assert out["create_missing"] == -17
    assert out["create_null_path"] == -14
    assert out["create"] == 0
    assert out["generate_no_streamer_no_results"] == -14
    assert out["generate"] == 0 and out["size_query"] == 0 and out["size"] > 2
    assert out["short_buffer"] == -6 and out["short_buffer_size_after"] == 2


_OVERLAP_SCRIPT = r"""
import ctypes, json, sys, threading, time
job = json.load(sys.stdin)
lib = ctypes.CDLL(job["library"])
P = ctypes.c_void_p
CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)
class Streamer(ctypes.Structure):
    _fields_ = [("callback_func", CALLBACK), ("args", ctypes.c_void_p)]
lib.ov_genai_llm_pipeline_generate.argtypes = [P, ctypes.c_char_p, P, ctypes.POINTER(Streamer), ctypes.POINTER(P)]
lib.ov_genai_decoded_results_get_string.argtypes = [P, ctypes.c_char_p, ctypes.POINTER(ctypes.c_size_t)]
lib.ov_genai_decoded_results_free.argtypes = [P]
lib.ov_genai_llm_pipeline_free.argtypes = [P]
pairs = [v.encode() for kv in job["properties"].items() for v in kv]
pipe = P()
assert lib.ov_genai_llm_pipeline_create(job["model"].encode(), b"CPU", ctypes.c_size_t(len(pairs)), ctypes.byref(pipe), *pairs) == 0
config = P()
lib.ov_genai_generation_config_create(ctypes.byref(config))
lib.ov_genai_generation_config_set_max_new_tokens(config, ctypes.c_size_t(job["tokens"]))
lib.ov_genai_generation_config_set_ignore_eos(config, ctypes.c_bool(True))

def generate(prompt, on_chunk=None):
    callback = CALLBACK(lambda text, args: on_chunk() if on_chunk else 0)
    streamer = ctypes.byref(Streamer(callback, None)) if on_chunk else None
    results = P()
    status = lib.ov_genai_llm_pipeline_generate(pipe, prompt.encode(), config, streamer, ctypes.byref(results))
    if status != 0:
        return status, None
    size = ctypes.c_size_t(0)
    lib.ov_genai_decoded_results_get_string(results, None, ctypes.byref(size))
    buffer = ctypes.create_string_buffer(size.value)
    lib.ov_genai_decoded_results_get_string(results, buffer, ctypes.byref(size))
    lib.ov_genai_decoded_results_free(results)
    return status, buffer.value.decode()

out = {"alone_inner": generate("inner")[1]}
main = threading.get_ident()
calls, inner = [], {}
def reenter():
    calls.append(threading.get_ident() == main)
    if len(calls) == job["reenter_at"] and not inner:
        inner["status"], inner["text"] = generate("inner")
        inner["on_calling_thread"] = calls[-1]
        # retry_busy: -17 again while the outer's step runs, then the answer once it has finished.
        refused = 0
        while job.get("retry_busy") and inner["status"] == -17 and refused < 200:
            refused += 1
            time.sleep(0.05)
            inner["status"], inner["text"] = generate("inner")
        if job.get("retry_busy"):
            inner["refused"] = refused
    return 1 if len(calls) >= 2 else 0  # STOP at call 2: call 3 is the final flush
out["outer_status"] = generate("outer", reenter)[0]
out["inner"] = inner
lib.ov_genai_generation_config_free(config)
lib.ov_genai_llm_pipeline_free(pipe)
json.dump(out, sys.stdout)
"""


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_generate_from_inside_own_callback(install: real_genai.GenAIInstall, tiny_gguf: Path, backend: str) -> None:
    """tests/double/MEASURED.md: a generate on a pipeline from inside its own streamer callback runs
    normally from the final flush (on the calling thread with both backends). From the default
    backend's worker thread, while the generation still runs, it gets -17 at once. With SDPA the
    callback runs on the calling thread while the library infers the outer's next token (start_async,
    the callback, then wait): a generate from it gets -17 ("Infer Request is busy") until that step
    has finished, then runs normally. Which one a call gets depends on timing: alone it mostly
    ran; under load (a test suite beside it) -17 came in most runs, so the test retries while -17
    and asserts that the call then runs. The double always runs it (one of the two answers)."""
    job = {"library": str(install.library), "model": str(tiny_gguf), "properties": BACKENDS[backend], "tokens": 200}
    flush = run_child(install, _OVERLAP_SCRIPT, {**job, "reenter_at": 3})
    assert flush["outer_status"] == 0
    assert flush["inner"] == {"status": 0, "text": flush["alone_inner"], "on_calling_thread": True}
    first = run_child(install, _OVERLAP_SCRIPT, {**job, "reenter_at": 1, "retry_busy": backend == "sdpa"})
    assert first["outer_status"] == 0
    if backend == "sdpa":
        refused = first["inner"].pop("refused")
        assert first["inner"] == {"status": 0, "text": first["alone_inner"], "on_calling_thread": True}, refused
    else:  # 200 tokens: the worker's first call comes long before the generation ends
        assert first["inner"] == {"status": -17, "text": None, "on_calling_thread": False}
