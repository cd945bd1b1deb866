"""Code written for the official `openvino_genai` package, run with only the import changed to
`openvino_genai_cffi`: what such code relies on beyond the members themselves (tests/test_upstream_api.py
compares those). The exceptions it catches (`except RuntimeError` around a failing load or a refused config
value) and how the enums print. Against the test double always, and side by side with the official package
on the real library (OPENVINO_GENAI_DIR), each side in its own child process."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "python"))

import openvino_genai_cffi as g  # noqa: E402

from support import real_genai  # noqa: E402
from support.double import build_double  # noqa: E402
from support.tiny_model import make_tiny_gguf  # noqa: E402


@pytest.fixture
def double() -> Path:
    lib = build_double()
    g.load(lib)  # made current for each test: another test (or file) may have loaded another library
    return lib


# -- exceptions a user of the official package catches --

def test_a_native_failure_is_a_runtime_error_as_upstream(double: Path, tmp_path: Path) -> None:
    with pytest.raises(RuntimeError) as info:
        g.LLMPipeline(tmp_path / "missing", "CPU")
    assert isinstance(info.value, g.StatusError) and info.value.status == g.Status.UNKNOW_EXCEPTION


def test_a_refused_config_value_is_a_runtime_error_and_a_value_error(double: Path, tmp_path: Path) -> None:
    pipe = g.LLMPipeline(tmp_path, "CPU")
    for fields in ({"max_new_tokens": 0}, {"max_new_tokens": 4, "do_sample": True, "top_p": 5.0}):
        with pytest.raises(RuntimeError) as info:  # upstream: the library's check, a RuntimeError
            pipe.generate("Hello", **fields)
        assert isinstance(info.value, ValueError) and isinstance(info.value, g.InvalidValueError)
    with pytest.raises(RuntimeError, match="max_new_tokens"):  # no token limit at all (issue 11, point 4)
        pipe.generate("Hello")
    pipe.close()


# -- enums print as upstream's --

def test_enum_members_print_as_class_dot_member_and_stay_ints() -> None:
    stop = g.StreamingStatus.STOP
    assert str(stop) == f"{stop}" == "%s" % stop == "StreamingStatus.STOP"
    assert repr(stop) == "<StreamingStatus.STOP: 1>"
    assert stop == 1 and int(stop) == 1 and "%d" % stop == "1" and stop.name == "STOP"
    assert str(g.StopCriteria.NEVER) == "StopCriteria.NEVER"


def test_an_enum_property_value_still_goes_as_its_number(double: Path, tmp_path: Path) -> None:
    from genai_interop_runtime import convert
    from genai_interop_runtime.handles import Keep

    native = g.load(double)
    keep = Keep()
    args = convert.c_key_values(native, keep, {"K": g.StopCriteria.NEVER}, {})
    assert [native.ffi.string(a).decode() for a in args] == ["K", "2"]
    keep.release()


# -- side by side with the official package on the real library --

_SIDE = r"""
import json, sys
job = json.load(sys.stdin)
if job["ours"]:
    import openvino_genai_cffi as ov
else:
    import openvino_genai as ov
out = {}
def caught(label, f):
    try:
        f()
        out[label] = "no error"
    except RuntimeError:
        out[label] = "RuntimeError"
    except Exception as exc:
        out[label] = "not a RuntimeError: " + type(exc).__name__
caught("missing model", lambda: ov.LLMPipeline(job["missing"], "CPU"))
caught("unknown device", lambda: ov.LLMPipeline(job["model"], "NPU9"))
pipe = ov.LLMPipeline(job["model"], "CPU", INFERENCE_PRECISION_HINT="f32")
caught("max_new_tokens 0", lambda: pipe.generate("Hello", max_new_tokens=0))
caught("top_p 5", lambda: pipe.generate("Hello", max_new_tokens=4, do_sample=True, top_p=5.0))
caught("temperature -1", lambda: pipe.generate("Hello", max_new_tokens=4, do_sample=True, temperature=-1.0))
caught("fine", lambda: pipe.generate("Hello", max_new_tokens=2))
caught("stop tokens without eos", lambda: pipe.generate("Hello", max_new_tokens=2, stop_token_ids={7}))
update = pipe.get_generation_config()
update.update_generation_config(stop_token_ids={7})
out["updated stop tokens"] = sorted(update.stop_token_ids)
out["str"] = [str(ov.StreamingStatus.STOP), f"{ov.StreamingStatus.CANCEL}", str(ov.StopCriteria.NEVER)]
print(json.dumps(out))
"""


def _side(job: dict[str, Any], env: dict[str, str]) -> Any:
    proc = subprocess.run([sys.executable, "-c", _SIDE], input=json.dumps(job), env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.splitlines()[-1])


@pytest.mark.real_genai
def test_what_official_code_catches_and_prints_is_the_same_on_the_real_library(tmp_path: Path) -> None:
    install = real_genai.install_or_skip()
    pytest.importorskip("openvino_genai", reason="the official openvino_genai package is the reference")
    real_genai.same_release_as_reference_or_skip(install, "behaviours are compared with Python openvino_genai's")
    job = {"model": str(make_tiny_gguf(tmp_path / "model.gguf")), "missing": str(tmp_path / "missing.gguf")}
    official_env = dict(os.environ)
    official_env.pop("LD_LIBRARY_PATH", None)
    theirs = _side({**job, "ours": False}, official_env)
    ours = _side({**job, "ours": True}, install.environment())
    assert theirs["missing model"] == "RuntimeError" and theirs["fine"] == "no error"
    assert theirs["stop tokens without eos"] == "no error" and len(theirs["updated stop tokens"]) == 2
    assert ours == theirs


# -- copying and pickling configs (upstream can do neither: "cannot pickle ... GenerationConfig") --

def test_a_config_copies_and_pickles_and_a_pipelines_says_why_not(double: Path, tmp_path: Path) -> None:
    import copy
    import pickle

    cfg = g.GenerationConfig(max_new_tokens=4, stop_strings={"x"})
    for other in (copy.copy(cfg), copy.deepcopy(cfg), pickle.loads(pickle.dumps(cfg))):
        assert other.max_new_tokens == 4 and other.stop_strings == {"x"} and other is not cfg
    pipe = g.LLMPipeline(tmp_path, "CPU")
    own = pipe.get_generation_config()
    assert copy.deepcopy(own).max_new_tokens == own.max_new_tokens
    with pytest.raises(TypeError, match=r"read from a pipeline \(get_generation_config\) cannot be pickled"):
        pickle.dumps(own)
    pipe.close()


def test_a_collection_read_from_a_config_is_a_copy_as_upstreams(double: Path, tmp_path: Path) -> None:
    # Upstream's getters return a new set each time: adding to it changes nothing. Here the default set of an
    # unassigned field was shared: `GenerationConfig().stop_strings.add("x")` changed every later config.
    for make in (g.GenerationConfig, lambda: g.GenerationConfig(max_new_tokens=3),
                 lambda: g.GenerationConfig(stop_strings={"a"}, stop_token_ids={1})):
        cfg = make()
        before = (cfg.stop_strings, cfg.stop_token_ids)
        cfg.stop_strings.add("x")
        cfg.stop_token_ids.add(99)
        assert (cfg.stop_strings, cfg.stop_token_ids) == before
        assert g.GenerationConfig().stop_strings == set() and g.GenerationConfig().stop_token_ids == set()
    whisper = g.WhisperGenerationConfig()
    suppress = list(whisper.suppress_tokens)
    whisper.suppress_tokens.append(12345)
    assert whisper.suppress_tokens == suppress == g.WhisperGenerationConfig().suppress_tokens
    json_file = tmp_path / "generation_config.json"
    json_file.write_text('{"max_new_tokens": 5, "stop_strings": ["q"]}')
    from_json = g.GenerationConfig(str(json_file))
    from_json.stop_strings.add("x")
    assert from_json.stop_strings == {"q"} == g.GenerationConfig(str(json_file)).stop_strings
