"""VLM and Whisper jobs run by Python `openvino_genai` (the reference), by the real GenAI C library
through ctypes (the C leg) and by the cffi shim, each in its own child process, with one job format
and one result format so tests compare results as they are.

VLM job: {"model", "properties", "config": GenerationConfig attributes, "images": {name: {"shape":
[H, W, 3] or [1, H, W, 3], "seed": n}}, "conversations": [{"chat": bool, "turns": [{"prompt",
"images": [names], "stop_after": k}]}]}; a turn may give "history" (a list of {"role", "content"}
messages: a ChatHistory, cffi only besides the reference) instead of "prompt". Images are uint8 pixels from numpy's default_rng(seed), the
same bytes in every process. A turn with stop_after k answers STOP from its k-th chunk on, after
sleeping "stop_delay" seconds when the turn gives it (the reference and cffi only).
Result: per conversation, per turn {"text", "chunks", "num_generated_tokens", "num_input_tokens"}.

Whisper job: {"model", "properties", "audios": {name: {"seconds", "seed"}}, "runs": [{"audio",
"config": {"return_timestamps", "language", "task"}}]}. Audio is 16 kHz mono float noise
(default_rng(seed).standard_normal * amplitude, default 0.1; the tiny model tells noise from silence,
not one noise from another). Result per run: {"text", "texts", "chunks":
[[start, end, text]], "words": [[start, end, word]] (reference only: the C API has no words)}.
Whisper config job: {"kind": "whisper_config", "names": [...], "set": {name: value}}: the pipeline's
config after `set` was applied and given back to the pipeline, read by name.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Mapping

from support import real_genai

REPO = Path(__file__).resolve().parent.parent.parent

# Shared by every child: deterministic inputs from the job.
_INPUTS = r"""
import time
import numpy as np

def make_images(job):
    return {name: np.random.default_rng(spec["seed"]).integers(0, 256, spec["shape"], dtype=np.uint8)
            for name, spec in job.get("images", {}).items()}

def make_audios(job):
    return {name: (np.random.default_rng(spec["seed"]).standard_normal(int(spec["seconds"] * 16000))
                   * spec.get("amplitude", 0.1))
            .astype(np.float32) for name, spec in job.get("audios", {}).items()}

def rounded(value):
    return round(float(value), 3)
"""

_REFERENCE = _INPUTS + r"""
import json, sys
import openvino as ov
import openvino_genai as og

job = json.load(sys.stdin)
out = []
if job["kind"] == "vlm":
    pipe = og.VLMPipeline(job["model"], "CPU", **job["properties"])
    config = og.GenerationConfig()
    for key, value in job["config"].items():
        setattr(config, key, value)
    images = {name: ov.Tensor(array) for name, array in make_images(job).items()}
    for conversation in job["conversations"]:
        if conversation["chat"]:
            pipe.start_chat()
        turns = []
        for turn in conversation["turns"]:
            chunks, stop_after = [], turn.get("stop_after", 0)
            def streamer(text):
                chunks.append(text)
                if stop_after and len(chunks) >= stop_after:
                    time.sleep(turn.get("stop_delay", 0))
                    return og.StreamingStatus.STOP
                return og.StreamingStatus.RUNNING
            inputs = og.ChatHistory(turn["history"]) if "history" in turn else turn["prompt"]
            result = pipe.generate(inputs, images=[images[n] for n in turn["images"]],
                                   generation_config=config, streamer=streamer)
            perf = result.perf_metrics
            turns.append({"text": str(result), "chunks": chunks,
                          "num_generated_tokens": perf.get_num_generated_tokens(),
                          "num_input_tokens": perf.get_num_input_tokens()})
        if conversation["chat"]:
            pipe.finish_chat()
        out.append(turns)
elif job["kind"] == "whisper":
    pipe = og.WhisperPipeline(job["model"], "CPU", **job["properties"])
    audios = make_audios(job)
    for run in job["runs"]:
        config = pipe.get_generation_config()
        for key, value in run["config"].items():
            setattr(config, key, value)
        result = pipe.generate(audios[run["audio"]].tolist(), config)
        out.append({"text": str(result), "texts": list(result.texts),
                    "chunks": [[rounded(c.start_ts), rounded(c.end_ts), c.text] for c in (result.chunks or [])],
                    "words": [[rounded(w.start_ts), rounded(w.end_ts), w.word] for w in (result.words or [])],
                    "num_generated_tokens": result.perf_metrics.get_num_generated_tokens()})
elif job["kind"] == "whisper_config":
    pipe = og.WhisperPipeline(job["model"], "CPU", **job["properties"])
    config = pipe.get_generation_config()
    if job.get("set"):
        for key, value in job["set"].items():
            setattr(config, key, value)
        pipe.set_generation_config(config)
        config = pipe.get_generation_config()
    out = {name: (sorted(getattr(config, name)) if name.endswith("suppress_tokens") else getattr(config, name))
           for name in job["names"]}
json.dump(out, sys.stdout)
"""

# The real C library through ctypes (a child started with the install's environment).
_C_DRIVER = _INPUTS + r"""
import ctypes, json, sys

job = json.load(sys.stdin)
lib = ctypes.CDLL(job["library"])
core = ctypes.CDLL(job["core_library"])
P, S = ctypes.c_void_p, ctypes.c_size_t
CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)

class Streamer(ctypes.Structure):
    _fields_ = [("callback_func", CALLBACK), ("args", ctypes.c_void_p)]

class Shape(ctypes.Structure):
    _fields_ = [("rank", ctypes.c_int64), ("dims", ctypes.POINTER(ctypes.c_int64))]

def call(name, *args):
    function = getattr(lib, name)
    function.restype = ctypes.c_int
    status = function(*args)
    if status != 0:
        raise SystemExit(f"{name} returned status {status}")

def string(name, handle, *args):
    size = S(0)
    call(name, handle, *args, None, ctypes.byref(size))
    buffer = ctypes.create_string_buffer(size.value)
    call(name, handle, *args, buffer, ctypes.byref(size))
    return buffer.value.decode("utf-8")

def size_value(name, handle):
    value = S(0)
    call(name, handle, ctypes.byref(value))
    return value.value

def create(name, path):
    pipe = P()
    pairs = [v.encode() for kv in job["properties"].items() for v in kv]
    call(name, path.encode(), b"CPU", S(len(pairs)), ctypes.byref(pipe), *[ctypes.c_char_p(p) for p in pairs])
    return pipe

def tensor(array):
    dims = (ctypes.c_int64 * array.ndim)(*array.shape)
    shape = Shape(array.ndim, dims)
    out = P()
    core.ov_tensor_create_from_host_ptr.argtypes = [ctypes.c_int, Shape, P, ctypes.POINTER(P)]
    status = core.ov_tensor_create_from_host_ptr(16, shape, array.ctypes.data, ctypes.byref(out))  # 16: U8
    if status != 0:
        raise SystemExit(f"ov_tensor_create_from_host_ptr returned status {status}")
    return out

out = []
if job["kind"] == "vlm":
    pipe = create("ov_genai_vlm_pipeline_create", job["model"])
    config = P()
    call("ov_genai_generation_config_create", ctypes.byref(config))
    for key, value in job["config"].items():
        call("ov_genai_generation_config_set_" + key, config, S(value))
    arrays = make_images(job)
    images = {name: tensor(array) for name, array in arrays.items()}
    for conversation in job["conversations"]:
        if conversation["chat"]:
            call("ov_genai_vlm_pipeline_start_chat", pipe)
        turns = []
        for turn in conversation["turns"]:
            chunks, stop_after = [], turn.get("stop_after", 0)
            def on_chunk(text, args):
                chunks.append(text.decode("utf-8"))
                return 1 if stop_after and len(chunks) >= stop_after else 0
            callback = CALLBACK(on_chunk)
            streamer = Streamer(callback, None)
            rgbs = (P * max(1, len(turn["images"])))(*[images[n] for n in turn["images"]])
            results = P()
            call("ov_genai_vlm_pipeline_generate", pipe, turn["prompt"].encode(), rgbs, S(len(turn["images"])),
                 config, ctypes.byref(streamer), ctypes.byref(results))
            metrics = P()
            call("ov_genai_vlm_decoded_results_get_perf_metrics", results, ctypes.byref(metrics))
            turns.append({"text": string("ov_genai_vlm_decoded_results_get_string", results), "chunks": chunks,
                          "num_generated_tokens": size_value("ov_genai_perf_metrics_get_num_generation_tokens", metrics),
                          "num_input_tokens": size_value("ov_genai_perf_metrics_get_num_input_tokens", metrics)})
            lib.ov_genai_vlm_decoded_results_perf_metrics_free(metrics)
            lib.ov_genai_vlm_decoded_results_free(results)
        if conversation["chat"]:
            call("ov_genai_vlm_pipeline_finish_chat", pipe)
        out.append(turns)
    for t in images.values():
        core.ov_tensor_free(t)
    lib.ov_genai_generation_config_free(config)
    lib.ov_genai_vlm_pipeline_free(pipe)
elif job["kind"] == "whisper":
    pipe = create("ov_genai_whisper_pipeline_create", job["model"])
    audios = make_audios(job)
    lib.ov_genai_whisper_decoded_result_chunk_get_start_ts.argtypes = [P, ctypes.POINTER(ctypes.c_float)]
    for run in job["runs"]:
        config = P()
        call("ov_genai_whisper_pipeline_get_generation_config", pipe, ctypes.byref(config))
        for key, value in run["config"].items():
            if isinstance(value, bool):
                call("ov_genai_whisper_generation_config_set_" + key, config, ctypes.c_bool(value))
            else:
                call("ov_genai_whisper_generation_config_set_" + key, config, ctypes.c_char_p(value.encode()))
        audio = audios[run["audio"]]
        results = P()
        call("ov_genai_whisper_pipeline_generate", pipe, audio.ctypes.data_as(ctypes.POINTER(ctypes.c_float)),
             S(audio.size), config, ctypes.byref(results))
        count = size_value("ov_genai_whisper_decoded_results_get_texts_count", results)
        texts = [string("ov_genai_whisper_decoded_results_get_text_at", results, S(i)) for i in range(count)]
        has_chunks = ctypes.c_bool(False)
        call("ov_genai_whisper_decoded_results_has_chunks", results, ctypes.byref(has_chunks))
        chunks = []
        for i in range(size_value("ov_genai_whisper_decoded_results_get_chunks_count", results) if has_chunks.value else 0):
            chunk = P()
            call("ov_genai_whisper_decoded_results_get_chunk_at", results, S(i), ctypes.byref(chunk))
            start, end = ctypes.c_float(), ctypes.c_float()
            call("ov_genai_whisper_decoded_result_chunk_get_start_ts", chunk, ctypes.byref(start))
            call("ov_genai_whisper_decoded_result_chunk_get_end_ts", chunk, ctypes.byref(end))
            chunks.append([rounded(start.value), rounded(end.value),
                           string("ov_genai_whisper_decoded_result_chunk_get_text", chunk)])
            lib.ov_genai_whisper_decoded_result_chunk_free(chunk)
        metrics = P()
        call("ov_genai_whisper_decoded_results_get_perf_metrics", results, ctypes.byref(metrics))
        out.append({"text": string("ov_genai_whisper_decoded_results_get_string", results), "texts": texts,
                    "chunks": chunks,
                    "num_generated_tokens": size_value("ov_genai_perf_metrics_get_num_generation_tokens", metrics)})
        lib.ov_genai_decoded_results_perf_metrics_free(metrics)
        lib.ov_genai_whisper_decoded_results_free(results)
        lib.ov_genai_whisper_generation_config_free(config)
    lib.ov_genai_whisper_pipeline_free(pipe)
json.dump(out, sys.stdout)
"""

# The cffi shim (python/openvino_genai_cffi, plus python/openvino_cffi for the image tensors).
_CFFI = _INPUTS + r"""
import json, sys
import openvino_cffi as ovc
import openvino_genai_cffi as g

job = json.load(sys.stdin)
g.load(job["root"], mode=job["mode"], build_dir=job["build"])
ovc.load(job["core_library"], mode="abi")
out = []
if job["kind"] == "vlm":
    arrays = make_images(job)
    if job["image_source"] == "numpy":   # wraps the array's memory
        images = {name: ovc.Tensor.from_numpy(array) for name, array in arrays.items()}
    else:                                # a tensor the library allocates, filled by copy
        images = {}
        for name, array in arrays.items():
            images[name] = ovc.Tensor(ovc.ElementType.U8, list(array.shape))
            images[name].copy_from(array)
    config = g.GenerationConfig()
    with g.VLMPipeline(job["model"], "CPU", job["properties"]) as pipe:
        for key, value in job["config"].items():
            setattr(config, key, value)
        for conversation in job["conversations"]:
            if conversation["chat"]:
                pipe.start_chat()
            turns = []
            for turn in conversation["turns"]:
                chunks, stop_after = [], turn.get("stop_after", 0)
                def on_chunk(text):
                    chunks.append(text)
                    if stop_after and len(chunks) >= stop_after:
                        time.sleep(turn.get("stop_delay", 0))
                        return g.StreamingStatus.STOP
                    return g.StreamingStatus.RUNNING
                rgbs = [images[n] for n in turn["images"]]
                if "history" in turn:
                    history = g.ChatHistory(turn["history"])
                    if job["streaming"] == "iterator" and not stop_after:
                        stream = pipe.stream(history, rgbs, config)
                        chunks.extend(stream)
                        results = stream.results
                    else:
                        results = pipe.generate(history, rgbs, config, streamer=on_chunk)
                elif job["streaming"] == "iterator" and not stop_after:
                    stream = pipe.stream(turn["prompt"], rgbs, config)
                    chunks.extend(stream)
                    results = stream.results
                else:
                    results = pipe.generate(turn["prompt"], rgbs, config, streamer=on_chunk)
                perf = results.perf_metrics
                turns.append({"text": str(results), "chunks": chunks,
                              "num_generated_tokens": perf.get_num_generated_tokens(),
                              "num_input_tokens": perf.get_num_input_tokens()})
            if conversation["chat"]:
                pipe.finish_chat()
            out.append(turns)
    for t in images.values():
        t.close()
elif job["kind"] == "whisper":
    audios = make_audios(job)
    with g.WhisperPipeline(job["model"], "CPU", job["properties"]) as pipe:
        for run in job["runs"]:
            config = pipe.get_generation_config()
            for key, value in run["config"].items():
                setattr(config, key, value)
            audio = audios[run["audio"]]
            speech = audio if job["speech_source"] == "numpy" else audio.tolist()
            results = pipe.generate(speech, config)
            chunks = [[rounded(c.start_ts), rounded(c.end_ts), c.text] for c in results.chunks or []]
            out.append({"text": str(results), "texts": results.texts,
                        "chunks": chunks, "num_generated_tokens": results.perf_metrics.get_num_generated_tokens()})
elif job["kind"] == "whisper_config":
    # Every value, arrays included, is a property.
    def read(config, name):
        value = getattr(config, name)
        return sorted(value) if name.endswith("suppress_tokens") else value
    def write(config, name, value):
        setattr(config, name, value)
    with g.WhisperPipeline(job["model"], "CPU", job["properties"]) as pipe:
        if job.get("set"):
            config = pipe.get_generation_config()
            for key, value in job["set"].items():
                write(config, key, value)
            pipe.set_generation_config(config)
        config = pipe.get_generation_config()
        out = {name: read(config, name) for name in job["names"]}
json.dump(out, sys.stdout)
"""


def _run(script: str, job: Mapping[str, Any], env: Mapping[str, str], what: str) -> Any:
    completed = subprocess.run([sys.executable, "-c", script], input=json.dumps(job), capture_output=True,
                               text=True, encoding="utf-8", env=dict(env), timeout=600)
    if completed.returncode != 0:
        raise RuntimeError(f"{what} failed ({completed.returncode}):\n{completed.stderr[-6000:]}")
    return json.loads(completed.stdout)


def reference(job: Mapping[str, Any]) -> Any:
    """What Python openvino_genai (pybind, from the project's venv) gives for `job`."""
    env = dict(os.environ)
    env.pop("LD_LIBRARY_PATH", None)  # the wheel finds its own libraries
    return _run(_REFERENCE, job, env, "Python openvino_genai reference")


def core_library(install: real_genai.GenAIInstall) -> Path:
    """libopenvino_c for image tensors: the install's own when it has one (so the process holds one
    OpenVINO), else the openvino wheel's."""
    from support import openvino_wheel

    for directory in install.library_dirs:
        found = sorted(p for p in directory.glob("libopenvino_c.so*") if p.is_file())
        if found:
            return found[0]
    return openvino_wheel.c_library()


def csharp_references(install: real_genai.GenAIInstall, folder_name: str) -> tuple[Path, list[Path], Path]:
    """A folder (dotnet.BUILD_ROOT/`folder_name`) holding OpenVINO.Core.dll (its dllmap naming `core_library`),
    OpenVINO.GenAI.dll and the runtime both reference, each with its .config: the folder, those assemblies (the
    references for dotnet.build_exe of a program put into that folder) and the libopenvino_c they use."""
    from support import core_dotnet, dotnet

    native = core_library(install)
    core = core_dotnet.build_library(native, dotnet.BUILD_ROOT / "core-real")
    genai = dotnet.build_library()
    folder = dotnet.BUILD_ROOT / folder_name
    folder.mkdir(parents=True, exist_ok=True)
    refs = []
    for dll in (core, genai, core.with_name(f"{dotnet.RUNTIME_ASSEMBLY}.dll")):
        for item in (dll, dll.with_name(dll.name + ".config")):
            if item.exists():
                (folder / item.name).write_bytes(item.read_bytes())
        refs.append(folder / dll.name)
    return folder, refs, native


def c_library(install: real_genai.GenAIInstall, job: Mapping[str, Any]) -> Any:
    """What the real GenAI C library (through ctypes) gives for `job`."""
    full = {**job, "library": str(install.library), "core_library": str(core_library(install))}
    return _run(_C_DRIVER, full, install.environment(), "the GenAI C library driver")


def cffi(install: real_genai.GenAIInstall, job: Mapping[str, Any], mode: str, build_dir: Path,
         image_source: str = "tensor", speech_source: str = "list", streaming: str = "callback") -> Any:
    """What the cffi shim (ABI or API `mode`) gives for `job`; images from openvino_cffi tensors filled by
    copy ("tensor") or wrapping numpy arrays ("numpy"); speech as a list or a float32 numpy array;
    streaming through a callback or the iterator form."""
    env = install.environment()
    env["PYTHONPATH"] = str(REPO / "python")
    full = {**job, "root": str(install.root), "mode": mode, "build": str(build_dir),
            "core_library": str(core_library(install)), "image_source": image_source,
            "speech_source": speech_source, "streaming": streaming}
    return _run(_CFFI, full, env, f"the cffi shim ({mode})")
