"""Failures the GenAI C library reports as UNKNOW_EXCEPTION (-17) without text are diagnosed before the
exception is raised (issue 11, point 3; genai_interop_runtime.diagnosis, [diagnosis] in genai.toml):
model path, device (listed by OpenVINO's core C library beside the GenAI one), tokenizers library,
a pipeline busy with another generation (a stream only while it is being read: a paused one gives way);
CACHE_ENCRYPTION_CALLBACKS is refused before the call.

Against the native test double (which fails the same way: tests/double/README.md) and, with
OPENVINO_GENAI_DIR, the real library and a tiny GGUF.
"""
from __future__ import annotations

import gc
import os
import re
import shutil
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "python"))

import openvino_genai_cffi as g  # noqa: E402
from genai_interop_runtime import diagnosis  # noqa: E402
from genai_interop_runtime.library import ModelKind  # noqa: E402

from support.double import build_double, live_objects  # noqa: E402
from support.stand_ins import GENAI_SONAME, build_library, other_genai  # noqa: E402

UNKNOWN = int(g.Status.UNKNOW_EXCEPTION)
LLM = g._native.LIBRARY.diagnosis.model_paths["ov_genai_llm_pipeline_create"][1]  # type: ignore[union-attr]
REAL_DIR = os.environ.get("OPENVINO_GENAI_DIR")


def wheel_openvino_c() -> Path:
    import openvino  # the wheel's core C library, as an install ships it beside GenAI

    found = sorted((Path(openvino.__file__).parent / "libs").glob("libopenvino_c.so*"))
    if not found:
        pytest.skip("the openvino wheel has no libopenvino_c")
    return found[0]


@pytest.fixture(scope="module")
def double_dir(tmp_path_factory: Any) -> Path:
    """The double laid out as an install: a copy of its library with OpenVINO's core C library beside it
    (loaded in child processes only: the copy has the double's soname)."""
    folder = tmp_path_factory.mktemp("double-install")
    shutil.copy2(build_double(), folder / "libopenvino_genai_c.so")
    core = wheel_openvino_c()
    (folder / core.name).symlink_to(core)
    return folder


@pytest.fixture
def native() -> Iterator[Any]:
    lib = build_double()
    loaded = g.load(lib)
    gc.collect()
    before = live_objects(lib)
    yield loaded
    gc.collect()
    assert live_objects(lib) == before, "native objects leaked"


@pytest.fixture
def model(tmp_path: Path) -> Path:
    path = tmp_path / "model.gguf"
    path.write_bytes(b"GGUF" + bytes(28))  # the double only needs the path to exist
    return path


def status_error(call: Any) -> g.StatusError:
    with pytest.raises(g.StatusError) as caught:
        call()
    assert caught.value.status == g.Status.UNKNOW_EXCEPTION and int(caught.value.status) == UNKNOWN
    return caught.value


# -- the runtime alone --

def test_model_paths_are_checked_against_the_kind(tmp_path: Path) -> None:
    kind = ModelKind("an LLM", (("openvino_model.xml", "openvino_model.bin"),), {".gguf": "GGUF"})
    # An empty path is said to be one (Path("") would be the current folder, which is not what was passed).
    assert diagnosis.check_model_path("", kind) == ["the model path is empty (name a model folder or a model file)"]
    missing = diagnosis.check_model_path(tmp_path / "no" / "such.gguf", kind)
    assert missing == [f"the model path {str(tmp_path / 'no' / 'such.gguf')!r} does not exist "
                       f"(the nearest existing folder is {str(tmp_path)!r})"]
    (tmp_path / "empty").mkdir()
    assert "found nothing (empty folder)" in diagnosis.check_model_path(tmp_path / "empty", kind)[0]
    half = tmp_path / "half"
    half.mkdir()
    (half / "openvino_model.xml").write_text("<net/>")
    (half / "config.json").write_text("{}")
    text = diagnosis.check_model_path(half, kind)[0]
    assert text == (f"the folder {str(half)!r} is not an LLM: openvino_model.bin missing (expected [openvino_model.xml, "
                    "openvino_model.bin], or the path of a .gguf file); found config.json, openvino_model.xml")
    (half / "openvino_model.bin").write_bytes(b"")
    assert diagnosis.check_model_path(half, kind) == []
    # An IR's .xml without its .bin (measured: the library fails, also for an optional tokenizer).
    paired = ModelKind("an LLM", (("openvino_model.xml", "openvino_model.bin"),), {".gguf": "GGUF"}, {".xml": ".bin"})
    assert diagnosis.check_model_path(half, paired) == []
    (half / "openvino_tokenizer.xml").write_text("<net/>")
    assert diagnosis.check_model_path(half, paired) == [
        f"in the model folder {str(half)!r}, openvino_tokenizer.xml is there without openvino_tokenizer.bin "
        "(the library reads them together)"]
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"PK\x03\x04")
    assert "is not a .gguf file (it does not start with 'GGUF')" in diagnosis.check_model_path(bad, kind)[0]
    other = tmp_path / "model.onnx"
    other.write_bytes(b"")
    assert "is a file; an LLM is loaded from a folder or a .gguf file" in diagnosis.check_model_path(other, kind)[0]
    bad.write_bytes(b"GGUF\x03\x00")
    assert diagnosis.check_model_path(bad, kind) == []


def test_device_strings() -> None:
    meta = ("AUTO", "HETERO", "MULTI", "BATCH")
    assert diagnosis.requested_devices("AUTO:GPU.1,NPU", meta) == ["GPU.1", "NPU"]
    assert diagnosis.requested_devices("AUTO", meta) == []
    assert diagnosis.requested_devices("NPU9", meta) == ["NPU9"]
    assert diagnosis.device_available("GPU", ["CPU", "GPU.0"])
    assert not diagnosis.device_available("GPU.1", ["CPU", "GPU.0"])
    assert not diagnosis.device_available("NPU9", ["CPU", "NPU"])


# -- against the double --

def test_missing_model(native: Any, tmp_path: Path) -> None:
    error = status_error(lambda: g.LLMPipeline(tmp_path / "missing.gguf", "CPU"))
    assert error.function == "ov_genai_llm_pipeline_create"
    assert f"found: the model path {str(tmp_path / 'missing.gguf')!r} does not exist" in str(error)


def test_ir_without_its_weights(native: Any, tmp_path: Path) -> None:
    for name in ("openvino_model.xml", "openvino_model.bin", "openvino_tokenizer.xml"):
        (tmp_path / name).write_text("x")
    error = status_error(lambda: g.LLMPipeline(tmp_path, "CPU"))
    assert str(error).endswith(f"found: in the model folder {str(tmp_path)!r}, openvino_tokenizer.xml is there without "
                               "openvino_tokenizer.bin (the library reads them together)")
    (tmp_path / "openvino_tokenizer.bin").write_text("x")
    g.LLMPipeline(tmp_path, "CPU").close()


def test_generate_needs_tokenizer_files_creation_did_not(native: Any, tmp_path: Path) -> None:
    for name in ("openvino_model.xml", "openvino_model.bin", "openvino_tokenizer.xml", "openvino_tokenizer.bin"):
        (tmp_path / name).write_text("x")
    with g.LLMPipeline(tmp_path, "CPU") as pipe:  # created fine, as the real library does
        error = status_error(lambda: pipe.generate("Hi", g.GenerationConfig(max_new_tokens=4)))
    assert str(error).endswith(f"found: this LLMPipeline was created from the folder {str(tmp_path)!r}, which has no "
                               "openvino_detokenizer.xml: ov_genai_llm_pipeline_generate needs it (creating the "
                               "pipeline did not)"), str(error)


def test_unknown_device_lists_the_available_ones(double_dir: Path, model: Path) -> None:
    out = run_child(f"""
        import openvino_genai_cffi as g
        g.load({str(double_dir / "libopenvino_genai_c.so")!r})
        for device in ("NPU9", "AUTO:NPU9,CPU", "CPU"):
            try:
                g.LLMPipeline({str(model)!r}, device).close()
                print(device, "OK")
            except g.StatusError as exc:
                print(device, exc.status_name, exc)
    """, {}).stdout
    assert ("NPU9 UNKNOW_EXCEPTION ov_genai_llm_pipeline_create returned UNKNOW_EXCEPTION (-17): the library "
            "reports no detail; found: device 'NPU9' is not available here (available: CPU") in out, out
    assert "found: device 'AUTO:NPU9,CPU' names 'NPU9', not available here (available: CPU" in out
    assert "CPU OK" in out


def test_tokenizers_library_named_but_missing(native: Any, model: Path, tmp_path: Path,
                                              monkeypatch: Any) -> None:
    monkeypatch.setenv("OPENVINO_TOKENIZERS_PATH_GENAI", str(tmp_path / "libopenvino_tokenizers.so"))
    error = status_error(lambda: g.LLMPipeline(model, "CPU"))
    assert (f"the openvino_tokenizers library is looked for at {str(tmp_path / 'libopenvino_tokenizers.so')!r} "
            f"($OPENVINO_TOKENIZERS_PATH_GENAI), which is not a file") in str(error)


def test_nothing_found_says_so(native: Any, model: Path) -> None:
    error = status_error(lambda: g.LLMPipeline(model, "CPU", NOT_A_PROPERTY="1"))
    assert str(error) == "ov_genai_llm_pipeline_create returned UNKNOW_EXCEPTION (-17): the library reports no further detail"


# -- which libopenvino_genai is asked about --
# The tokenizers library is looked for beside the libopenvino_genai the failing C library is bound to. Another
# copy in the process (the official package's, loaded by an earlier import) is not that one; the double needs
# none at all. Before: the copy found in the process's mappings was taken, whichever it was, and the double's
# failures (and the order of a test run) said the tokenizers library was missing beside the official package's.


def test_the_copy_the_library_is_bound_to_counts(tmp_path: Path) -> None:
    wheel = other_genai(tmp_path / "wheel")
    own = build_library(tmp_path / "install", GENAI_SONAME, GENAI_SONAME, symbol="own_genai")
    user = build_library(tmp_path / "install", "libuser_c.so", "libuser_c.so", needs=[own])
    plain = build_library(tmp_path / "plain", "libplain_c.so", "libplain_c.so")
    probe = f"""
        import ctypes
        from genai_interop_runtime import linkage
        for path in sys.argv[1:]:
            ctypes.CDLL(path)
        print("user", linkage.dependency({str(user)!r}, "openvino_genai"))
        print("plain", linkage.dependency({str(plain)!r}, "openvino_genai"))
        try:
            linkage.dependency({str(tmp_path / "libnot_loaded_c.so")!r}, "openvino_genai")
        except linkage.UnknownLinkage as exc:
            print("unknown", exc)
    """
    alone = run_child("import sys\n" + textwrap.dedent(probe), {}, str(user), str(plain)).stdout.splitlines()
    assert alone == [f"user {own}", "plain None", f"unknown {tmp_path / 'libnot_loaded_c.so'} is not loaded"]
    # Another copy with the same soname loaded first: the dynamic loader bound the library to it.
    after = run_child("import sys\n" + textwrap.dedent(probe), {}, str(wheel), str(user), str(plain)).stdout.splitlines()
    assert after[:2] == [f"user {wheel}", "plain None"]


def test_another_libopenvino_genai_in_the_process_is_not_the_double_s(tmp_path: Path, model: Path) -> None:
    other = other_genai(tmp_path / "other-package")
    result = run_child(f"""
        import ctypes, os
        ctypes.CDLL({str(other)!r})  # another package's copy, loaded before the shim
        import openvino_genai_cffi as g
        g.load({str(build_double())!r})
        print("variable", repr(os.environ.pop("OPENVINO_TOKENIZERS_PATH_GENAI", None)))
        try:
            g.LLMPipeline({str(model)!r}, "CPU", NOT_A_PROPERTY="1").close()
        except g.StatusError as exc:
            print("create", exc)
    """, {"OPENVINO_TOKENIZERS_PATH_GENAI": ""})
    assert result.stdout.splitlines() == [
        "variable ''",  # the shim pointed it nowhere: the double has no libopenvino_genai to point for
        "create ov_genai_llm_pipeline_create returned UNKNOW_EXCEPTION (-17): the library reports no further detail",
    ], result.stdout + result.stderr


def test_cache_encryption_callbacks_are_refused_before_the_call(native: Any, model: Path) -> None:
    for call in (lambda: g.LLMPipeline(model, "CPU", CACHE_ENCRYPTION_CALLBACKS="0x1234"),
                 lambda: g.VLMPipeline(model, "CPU", {"CACHE_ENCRYPTION_CALLBACKS": "x"}),
                 lambda: g.WhisperPipeline(model, "CPU", CACHE_ENCRYPTION_CALLBACKS=1)):
        with pytest.raises(ValueError, match="the property 'CACHE_ENCRYPTION_CALLBACKS' is not supported: its value "
                                             "is a struct of two C function pointers"):
            call()


@pytest.mark.parametrize("key, why", [
    ("scheduler_config", "upstream takes a SchedulerConfig object"),
    ("draft_model", "upstream takes the object openvino_genai.draft_model(path, device) returns"),
    ("adapters", "upstream takes an AdapterConfig object (LoRA adapters)"),
    ("generation_config", "upstream takes a GenerationConfig object here"),
])
def test_properties_that_take_objects_upstream_are_refused(native: Any, model: Path, key: str, why: str) -> None:
    # Measured: passed as the strings the C API carries, each made the real library's create fail with -17.
    with pytest.raises(ValueError, match=f"the property '{key}' is not supported: {re.escape(why)}"):
        g.LLMPipeline(model, "CPU", {key: "x"})


def busy_pipeline(model: Path) -> Any:
    pipe = g.LLMPipeline(model, "CPU")
    cfg = pipe.get_generation_config()
    cfg.max_new_tokens = 10
    return pipe, cfg


def test_busy_pipeline_names_the_generation_holding_it(native: Any, model: Path) -> None:
    pipe, cfg = busy_pipeline(model)
    started, release = threading.Event(), threading.Event()

    def slow(chunk: str) -> None:
        started.set()
        release.wait(10)

    worker = threading.Thread(target=lambda: pipe.generate("Hello", cfg, slow), name="holder")  # holder-call
    worker.start()
    try:
        assert started.wait(10)
        error = status_error(lambda: pipe.generate("Hi", cfg))
    finally:
        release.set()
        worker.join()
    worker_line = next(number for number, text in enumerate(Path(__file__).read_text().splitlines(), 1)
                       if text.endswith("  # holder" + "-call"))
    line = f"{__file__}:{worker_line}"
    assert (f"found: this LLMPipeline is busy with another generation: LLMPipeline.generate() called at {line} "
            f"on thread 'holder' (one LLMPipeline runs one generation at a time)") in str(error), str(error)
    assert "busy" not in str(status_error(lambda: g.LLMPipeline(model, "NPU9")))
    pipe.generate("Hi", cfg)  # free again
    pipe.close()


# -- against the real library --

real = pytest.mark.skipif(not REAL_DIR, reason="needs the real OpenVINO GenAI C library: set OPENVINO_GENAI_DIR")


def run_child(code: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    full = dict(os.environ, **env)
    full["PYTHONPATH"] = os.pathsep.join([str(REPO / "python"), str(REPO / "tests")])
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True, text=True,
                          env=full, timeout=300)


REAL_PROBE = """
    import sys, threading
    from pathlib import Path
    import openvino_genai_cffi as g
    from support.tiny_model import make_tiny_gguf
    model = Path({model!r})
    make_tiny_gguf(model, 1)
    def show(label, call):
        try:
            call()
            print(label, "OK")
        except Exception as exc:
            print(label, type(exc).__name__, getattr(exc, "status_name", ""), exc)
"""


def real_probe(tmp_path: Path, body: str, env: dict[str, str], prelude: str = "") -> str:
    code = (f"import sys\n{prelude}\n" + textwrap.dedent(REAL_PROBE).format(model=str(tmp_path / "tiny.gguf"))
            + textwrap.dedent(body))
    result = run_child(code, env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@real
def test_real_library_failures_are_diagnosed(tmp_path: Path) -> None:
    out = real_probe(tmp_path, """
        show("missing", lambda: g.LLMPipeline(model.with_name("missing.gguf"), "CPU"))
        show("npu9", lambda: g.LLMPipeline(model, "NPU9"))
        show("whisper", lambda: g.WhisperPipeline(model, "CPU"))
        show("property", lambda: g.LLMPipeline(model, "CPU", CACHE_ENCRYPTION_CALLBACKS="x"))
        ir = model.parent / "ir"
        ir.mkdir()
        import shutil
        shutil.copy(model, ir / "tiny.gguf")
        g.LLMPipeline(ir / "tiny.gguf", "CPU", enable_save_ov_model=True).close()  # writes the IR beside it
        (ir / "tiny.gguf").unlink()
        for name in ("openvino_detokenizer.xml", "openvino_detokenizer.bin"):
            (ir / name).rename(model.parent / name)
        with g.LLMPipeline(ir, "CPU") as no_detokenizer:
            show("at-call", lambda: no_detokenizer.generate("Hi", g.GenerationConfig(max_new_tokens=4)))
        for name in ("openvino_detokenizer.xml", "openvino_detokenizer.bin"):
            (model.parent / name).rename(ir / name)
        (ir / "openvino_tokenizer.bin").unlink()
        show("unpaired", lambda: g.LLMPipeline(ir, "CPU"))
        pipe = g.LLMPipeline(model, "CPU")
        cfg = pipe.get_generation_config()
        cfg.max_new_tokens = 20
        started, release = threading.Event(), threading.Event()
        def slow(chunk):
            started.set()
            release.wait(30)
        holder = threading.Thread(target=lambda: pipe.generate("Hello", cfg, slow), name="holder")
        holder.start()
        started.wait(30)
        show("busy", lambda: pipe.generate("Hi", cfg))
        release.set()
        holder.join()
        show("free", lambda: pipe.generate("Hi", cfg))
    """, {"OPENVINO_GENAI_DIR": str(REAL_DIR)})
    labels = ("missing", "npu9", "whisper", "property", "at-call", "unpaired", "busy", "free")
    lines = dict(line.split(" ", 1) for line in out.splitlines() if line.split(" ", 1)[0] in labels)
    assert sorted(lines) == sorted(labels), out
    assert lines["missing"].startswith("StatusError UNKNOW_EXCEPTION ov_genai_llm_pipeline_create returned "
                                       "UNKNOW_EXCEPTION (-17): the library reports no detail; found: the model path ")
    assert "missing.gguf' does not exist" in lines["missing"]
    assert "found: device 'NPU9' is not available here (available: CPU" in lines["npu9"]
    assert "is a file; a Whisper model is loaded from a folder" in lines["whisper"]
    assert lines["at-call"].endswith("/ir', which has no openvino_detokenizer.xml: ov_genai_llm_pipeline_generate needs "
                                     "it (creating the pipeline did not)"), lines["at-call"]
    assert lines["unpaired"].endswith("/ir', openvino_tokenizer.xml is there without openvino_tokenizer.bin (the library "
                                      "reads them together)"), lines["unpaired"]
    assert lines["property"].startswith("ValueError  properties: the property 'CACHE_ENCRYPTION_CALLBACKS' is not supported")
    assert "this LLMPipeline is busy with another generation: LLMPipeline.generate() called at " in lines["busy"]
    assert "on thread 'holder'" in lines["busy"]
    assert lines["free"] == "OK"


@real
def test_real_library_without_the_tokenizers_library(tmp_path: Path) -> None:
    lib = Path(str(REAL_DIR)) / "lib"
    if not (lib / "libopenvino_tokenizers.so").exists():
        pytest.skip(f"{lib} has no libopenvino_tokenizers.so beside the GenAI library to leave out")
    copy = tmp_path / "install" / "lib"
    copy.mkdir(parents=True)
    for item in lib.iterdir():
        if item.name != "libopenvino_tokenizers.so":
            if item.is_symlink():
                (copy / item.name).symlink_to(os.readlink(item))
            else:
                shutil.copy2(item, copy / item.name)
    # Without the openvino_tokenizers wheel either (the runtime would point the library at its copy).
    out = real_probe(tmp_path, """
        show("notok", lambda: g.LLMPipeline(model, "CPU"))
    """, {"OPENVINO_GENAI_DIR": str(copy.parent)}, prelude="sys.modules['openvino_tokenizers'] = None")
    assert (f"found: the openvino_tokenizers library is not where the library looks for it: "
            f"{str(copy / 'libopenvino_tokenizers.so')!r} does not exist") in out, out
    out = real_probe(tmp_path, """
        show("named", lambda: g.LLMPipeline(model, "CPU"))
    """, {"OPENVINO_GENAI_DIR": str(REAL_DIR), "OPENVINO_TOKENIZERS_PATH_GENAI": str(tmp_path / "none.so")})
    assert (f"found: the openvino_tokenizers library is looked for at {str(tmp_path / 'none.so')!r} "
            f"($OPENVINO_TOKENIZERS_PATH_GENAI), which is not a file") in out, out


@real
def test_real_whisper_and_vlm_generate_need_the_detokenizer(tmp_path: Path) -> None:
    from support.tiny_speech_vision import tiny_model_dir

    folders = {}
    for name in ("tiny_whisper", "tiny_qwen2_vl"):
        source = tiny_model_dir(name)
        folder = folders[name] = tmp_path / name
        folder.mkdir()
        for item in source.iterdir():
            if not item.name.startswith("openvino_detokenizer."):
                (folder / item.name).symlink_to(item)
    out = real_probe(tmp_path, f"""
        with g.WhisperPipeline({str(folders["tiny_whisper"])!r}, "CPU") as whisper:  # created without it
            show("whisper", lambda: whisper.generate([0.0] * 16000))
        with g.VLMPipeline({str(folders["tiny_qwen2_vl"])!r}, "CPU") as vlm:
            show("vlm", lambda: vlm.generate("Hi", generation_config=g.GenerationConfig(max_new_tokens=3)))
    """, {"OPENVINO_GENAI_DIR": str(REAL_DIR)})
    for label, function in (("whisper", "ov_genai_whisper_pipeline_generate"), ("vlm", "ov_genai_vlm_pipeline_generate")):
        assert (f"{label} StatusError UNKNOW_EXCEPTION {function} returned UNKNOW_EXCEPTION (-17): the library reports no "
                f"detail; found: this ") in out, out
        assert (f"{str(folders['tiny_whisper' if label == 'whisper' else 'tiny_qwen2_vl'])!r}, which has no "
                f"openvino_detokenizer.xml: {function} needs it (creating the pipeline did not)") in out, out
