"""What the real GenAI C library (OPENVINO_GENAI_DIR) does with odd images, audio and config values,
as written in tests/double/MEASURED.md ("Images and raw speech", "Config values"): these tests keep
those rows true. The library runs through ctypes in child processes; skipped without an install."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from support import real_genai
from support import real_speech_vision as rsv
from support.tiny_model import make_tiny_gguf

pytestmark = pytest.mark.real_genai

_PROBE = r"""
import ctypes, json, sys
import numpy as np

job = json.load(sys.stdin)
lib = ctypes.CDLL(job["library"])
core = ctypes.CDLL(job["core_library"])
P, S = ctypes.c_void_p, ctypes.c_size_t
F32 = [ctypes.c_char_p(b"INFERENCE_PRECISION_HINT"), ctypes.c_char_p(b"f32")]

class Shape(ctypes.Structure):
    _fields_ = [("rank", ctypes.c_int64), ("dims", ctypes.POINTER(ctypes.c_int64))]

core.ov_tensor_create_from_host_ptr.argtypes = [ctypes.c_int, Shape, P, ctypes.POINTER(P)]
ELEMENT = {"u8": (np.uint8, 16), "f32": (np.float32, 4), "u16": (np.uint16, 17)}
out = {}
keep = []
if job["kind"] == "images":
    pipe = P()
    assert lib.ov_genai_vlm_pipeline_create(job["model"].encode(), b"CPU", S(2), ctypes.byref(pipe), *F32) == 0
    config = P()
    lib.ov_genai_generation_config_create(ctypes.byref(config))
    lib.ov_genai_generation_config_set_max_new_tokens(config, S(job.get("max_new_tokens", 4)))
    for name, (element, shape, *seed) in job["images"].items():
        dtype, code = ELEMENT[element]
        if seed:  # random bytes, the first N*H*W*C of them from `seed`, the rest from another seed
            head = int(np.prod(shape))
            size = head * np.dtype(dtype).itemsize
            raw = np.random.default_rng(seed[0]).integers(0, 256, size, dtype=np.uint8)
            raw[head:] = np.random.default_rng(seed[0] + 1000).integers(0, 256, size - head, dtype=np.uint8)
            array = raw.view(dtype).reshape(shape)
        else:
            array = np.ones(shape, dtype=dtype)
        keep.append(array)
        dims = (ctypes.c_int64 * len(shape))(*shape)
        tensor = P()
        assert core.ov_tensor_create_from_host_ptr(code, Shape(len(shape), dims), array.ctypes.data, ctypes.byref(tensor)) == 0
        images = (P * 1)(tensor)
        results = P()
        out[name] = lib.ov_genai_vlm_pipeline_generate(pipe, b"Describe", images, S(1), config, None, ctypes.byref(results))
        if job.get("texts") and out[name] == 0:
            size = S()
            lib.ov_genai_vlm_decoded_results_get_string(results, None, ctypes.byref(size))
            text = ctypes.create_string_buffer(size.value)
            lib.ov_genai_vlm_decoded_results_get_string(results, text, ctypes.byref(size))
            out[name] = text.value.decode("utf-8", "replace")
elif job["kind"] == "speech":
    pipe = P()
    assert lib.ov_genai_whisper_pipeline_create(job["model"].encode(), b"CPU", S(2), ctypes.byref(pipe), *F32) == 0
    for name, (count, poison) in job["speech"].items():
        audio = (np.random.default_rng(1).standard_normal(max(count, 1)) * 0.1).astype(np.float32)
        if poison is not None:
            audio[count // 2] = float(poison)
        keep.append(audio)
        results = P()
        out[name] = lib.ov_genai_whisper_pipeline_generate(pipe, audio.ctypes.data_as(ctypes.POINTER(ctypes.c_float)),
                                                           S(count), None, ctypes.byref(results))
elif job["kind"] == "eos":
    pipe = P()
    assert lib.ov_genai_llm_pipeline_create(job["model"].encode(), b"CPU", S(2), ctypes.byref(pipe), *F32) == 0
    lib.ov_genai_generation_config_set_eos_token_id.argtypes = [P, ctypes.c_int64]
    for name, (eos, stop_ids, sample) in job["configs"].items():
        config = P()
        lib.ov_genai_generation_config_create(ctypes.byref(config))
        lib.ov_genai_generation_config_set_max_new_tokens(config, S(4))
        lib.ov_genai_generation_config_set_eos_token_id(config, eos)
        if stop_ids:
            lib.ov_genai_generation_config_set_stop_token_ids(config, (ctypes.c_int64 * len(stop_ids))(*stop_ids), S(len(stop_ids)))
        lib.ov_genai_generation_config_set_do_sample(config, ctypes.c_bool(sample))
        results = P()
        out[name] = [lib.ov_genai_generation_config_validate(config),
                     lib.ov_genai_llm_pipeline_generate(pipe, b"Hello", config, None, ctypes.byref(results))]
json.dump(out, sys.stdout)
"""


@pytest.fixture(scope="module")
def install() -> real_genai.GenAIInstall:
    install = real_genai.install_or_skip()
    real_genai.same_release_as_reference_or_skip(install, 'these are measurements of the release the test double follows (tests/double/MEASURED.md), checked against the Python openvino_genai release here')
    return install


def probe(install: real_genai.GenAIInstall, job: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    full = {**job, "library": str(install.library), "core_library": str(rsv.core_library(install))}
    return subprocess.run([sys.executable, "-c", _PROBE], input=json.dumps(full), capture_output=True, text=True,
                          env=install.environment(), timeout=600)


def statuses(install: real_genai.GenAIInstall, job: dict[str, Any]) -> Any:
    completed = probe(install, job)
    assert completed.returncode == 0, completed.stderr[-4000:]
    return json.loads(completed.stdout)


def test_image_tensors_the_vlm_pipeline_takes(install: real_genai.GenAIInstall, tiny_qwen2_vl: Path) -> None:
    images = {"u8 HWC": ("u8", [56, 84, 3]), "u8 NHWC": ("u8", [1, 56, 84, 3]), "u8 two in one": ("u8", [2, 56, 84, 3]),
              "u8 no image in NHWC": ("u8", [0, 56, 84, 3]), "u8 1 channel": ("u8", [56, 84, 1]),
              "u8 4 channels": ("u8", [56, 84, 4]), "f32 HWC": ("f32", [56, 84, 3]), "u16 HWC": ("u16", [56, 84, 3]),
              "u8 1x1 pixel": ("u8", [1, 1, 3]), "u8 no image of height 0 in NHWC": ("u8", [0, 0, 84, 3]),
              "u8 [56,84,3,1] (N=56, 1 channel)": ("u8", [56, 84, 3, 1]),
              "u8 2 channels": ("u8", [56, 84, 2]), "u8 5 channels": ("u8", [56, 84, 5]), "u8 CHW": ("u8", [3, 56, 84]),
              "u8 HW": ("u8", [56, 84]), "u8 5-D": ("u8", [1, 1, 56, 84, 3]), "u8 0 channels": ("u8", [56, 84, 0]),
              "u8 HW of height 0": ("u8", [0, 84])}
    got = statuses(install, {"kind": "images", "model": str(tiny_qwen2_vl), "images": images})
    accepted = [name for name, status in got.items() if status == 0]
    assert accepted == list(images)[:11], got
    assert {got[name] for name in list(images)[11:]} == {-17}, got


def test_the_pixels_are_read_as_u8_whatever_the_element_type(install: real_genai.GenAIInstall,
                                                             tiny_qwen2_vl: Path) -> None:
    # The library wraps each tensor's data as u8 of the tensor's shape: an f32 tensor answers as the u8
    # tensor of its first N*H*W*C bytes (the bytes after those are not read), and other pixels answer
    # otherwise (the test double hashes the same bytes).
    images = {"u8": ("u8", [56, 84, 3], 3), "f32": ("f32", [56, 84, 3], 3), "u16": ("u16", [56, 84, 3], 3),
              "other pixels": ("u8", [56, 84, 3], 4)}
    got = statuses(install, {"kind": "images", "model": str(tiny_qwen2_vl), "images": images, "texts": True,
                             "max_new_tokens": 12})
    assert got["u8"] == got["f32"] == got["u16"] != got["other pixels"], got


@pytest.mark.parametrize("shape", [[0, 84, 3], [56, 0, 3], [0, 0, 3], [1, 56, 0, 3], [2, 0, 84, 3], [0, 84, 2]])
def test_an_image_of_zero_height_or_width_crashes_the_process(install: real_genai.GenAIInstall, tiny_qwen2_vl: Path,
                                                              shape: list[int]) -> None:
    # Measured: SIGFPE (an integer division by zero in the library), before the channels are checked.
    # A binding must refuse it first.
    completed = probe(install, {"kind": "images", "model": str(tiny_qwen2_vl), "images": {"empty": ("u8", shape)}})
    assert completed.returncode == -signal.SIGFPE, (completed.returncode, completed.stderr[-2000:])


_CFFI_EMPTY_IMAGES = r"""
import json, sys
import numpy as np
import openvino_cffi as ovc
import openvino_genai_cffi as g
job = json.load(sys.stdin)
g.load(job["library"], mode="abi")
ovc.load(job["core_library"], mode="abi")
out = {}
cfg = g.GenerationConfig(max_new_tokens=4)
with g.VLMPipeline(job["model"], "CPU", {"INFERENCE_PRECISION_HINT": "f32"}) as pipe:
    good = ovc.Tensor.from_numpy(np.ones((56, 84, 3), np.uint8))
    for shape in job["shapes"]:
        try:
            pipe.generate("Describe", [good, ovc.Tensor.from_numpy(np.zeros(shape, np.uint8))], cfg)
            out[str(shape)] = "accepted"
        except ValueError as error:
            out[str(shape)] = str(error)
    out["after"] = str(pipe.generate("Describe", [good], cfg))
json.dump(out, sys.stdout)
"""


def test_the_bindings_refuse_an_empty_image_before_the_call(install: real_genai.GenAIInstall,
                                                            tiny_qwen2_vl: Path) -> None:
    # What would kill the process above is refused by the cffi binding (it asks the tensor's shape of the
    # install's libopenvino_c), and the pipeline goes on working.
    shapes = [[0, 84, 3], [56, 0, 3], [1, 56, 0, 3], [0, 0, 84, 3]]
    job = {"library": str(install.library), "core_library": str(rsv.core_library(install)), "model": str(tiny_qwen2_vl),
           "shapes": shapes}
    completed = subprocess.run([sys.executable, "-c", _CFFI_EMPTY_IMAGES], input=json.dumps(job), capture_output=True,
                               text=True, env=install.environment(), timeout=600)
    assert completed.returncode == 0, completed.stderr[-4000:]
    got = json.loads(completed.stdout)
    for shape in shapes[:3]:
        assert got[str(shape)] == (f"images[1]: an image of shape {shape} has no pixels (height or width 0); "
                                   "the library would crash on it"), got
    assert got[str(shapes[3])] == "accepted" and got["after"], got


def test_raw_speech_the_whisper_pipeline_takes(install: real_genai.GenAIInstall, tiny_whisper: Path) -> None:
    speech = {"201 samples": (201, None), "1 s": (16000, None), "a sample of 1e19": (16000, 1e19),
              "none": (0, None), "1 sample": (1, None), "200 samples": (200, None), "a sample of 2e19": (16000, 2e19),
              "a sample of -1e30": (16000, -1e30),
              "a NaN": (16000, "nan"), "an infinity": (16000, "inf"), "a minus infinity": (16000, "-inf")}
    got = statuses(install, {"kind": "speech", "model": str(tiny_whisper), "speech": speech})
    assert [name for name, status in got.items() if status == 0] == list(speech)[:3], got
    assert {got[name] for name in list(speech)[3:]} == {-17}, got


def test_the_c_eos_token_id_setter_does_not_add_a_stop_token(install: real_genai.GenAIInstall,
                                                            tmp_path: Path) -> None:
    model = make_tiny_gguf(tmp_path / "tiny.gguf")
    configs = {"eos only": (2, [], False), "eos and its stop id": (2, [2], False),
               "int64 max eos, sampling": ((1 << 63) - 1, [], True),
               "int64 max eos in stop ids, sampling": ((1 << 63) - 1, [(1 << 63) - 1], True)}
    got = statuses(install, {"kind": "eos", "model": str(model), "configs": configs})
    assert got == {"eos only": [-17, -17], "eos and its stop id": [0, 0],
                   "int64 max eos, sampling": [-17, -17], "int64 max eos in stop ids, sampling": [0, 0]}


def test_an_empty_stop_string(install: real_genai.GenAIInstall, tmp_path: Path) -> None:
    # Upstream matches stop strings in a window of as many tokens as the longest one encodes to, and an
    # empty string matches at once: alone (window 0) one token is kept; beside "zzz" the window's
    # tokens are removed and nothing is left.
    model = make_tiny_gguf(tmp_path / "tiny.gguf")
    conversations = [["Hello"]]
    alone = real_genai.c_conversations(install, model, conversations, {"max_new_tokens": 10, "stop_strings": [""]})
    beside = real_genai.c_conversations(install, model, conversations, {"max_new_tokens": 10, "stop_strings": ["", "zzz"]})
    full = real_genai.c_conversations(install, model, conversations, {"max_new_tokens": 10})
    first = full[0][0].chunks[0]
    assert alone[0][0].text == first and alone[0][0].chunks == [first]
    assert beside[0][0].text == "" and beside[0][0].chunks == []


_CFFI_SHORT_SPEECH = r"""
import json, sys
import openvino_genai_cffi as g
job = json.load(sys.stdin)
g.load(job["library"], mode="abi")
out = {}
with g.WhisperPipeline(job["model"], "CPU", {"INFERENCE_PRECISION_HINT": "f32"}) as pipe:
    for size in job["sizes"]:
        try:
            out[str(size)] = len(pipe.generate([0.0] * size).texts)
        except ValueError as error:
            out[str(size)] = str(error)
    out["after"] = len(pipe.generate([0.1] * 16000).texts)
json.dump(out, sys.stdout)
"""


def test_the_bindings_refuse_short_raw_speech_before_the_call(install: real_genai.GenAIInstall,
                                                             tiny_whisper: Path) -> None:
    # What the library fails on with UNKNOWN_EXCEPTION and no message (above) is refused by the cffi binding,
    # saying why, and the pipeline goes on working.
    sizes = [0, 1, 200, 201]
    job = {"library": str(install.library), "model": str(tiny_whisper), "sizes": sizes}
    completed = subprocess.run([sys.executable, "-c", _CFFI_SHORT_SPEECH], input=json.dumps(job), capture_output=True,
                               text=True, env=install.environment(), timeout=600)
    assert completed.returncode == 0, completed.stderr[-4000:]
    got = json.loads(completed.stdout)
    for size in sizes[:3]:
        assert got[str(size)] == (f"raw_speech_input: {size} samples given; the library needs more than 200 samples "
                                  "(12.5 ms at 16 kHz)"), got
    assert got["201"] == 1 and got["after"] == 1, got
