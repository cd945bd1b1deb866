"""A pipeline's own GenerationConfig read back field by field, against the official `openvino_genai` on the
real GenAI C library (OPENVINO_GENAI_DIR): the tiny GGUF model and an IR folder made from it, with several
generation_config.json variants (absent, each field family, odd values: early_stopping "never", eos_token_id as
a list or a scalar, floats into integers, unknown keys). Skipped without an install; each side runs in its own
child process."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from support import real_genai
from support.tiny_model import make_tiny_gguf

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "python"))

from test_value_config import JSON_FILES, ODD_JSON  # noqa: E402

pytestmark = pytest.mark.real_genai

FAMILIES: dict[str, Any] = {
    "limits": {"max_new_tokens": 7, "max_length": 40, "min_new_tokens": 2, "ignore_eos": True},
    "beams": {"num_beams": 4, "num_beam_groups": 2, "diversity_penalty": 1.5, "length_penalty": 0.5,
              "num_return_sequences": 2, "no_repeat_ngram_size": 3, "early_stopping": True},
    "sampling": {"do_sample": True, "temperature": 0.7, "top_p": 0.9, "top_k": 50, "min_p": 0.05},
    "penalties": {"repetition_penalty": 1.1, "presence_penalty": 0.3, "frequency_penalty": 0.2},
    "assisted": {"num_assistant_tokens": 5, "max_ngram_size": 3, "assistant_confidence_threshold": 0.4},
    "output": {"echo": True, "logprobs": 2, "include_stop_str_in_output": True, "stop_strings": ["x", "yz"]},
}

_DUMP = r"""
import json, sys
job = json.load(sys.stdin)
if job["ours"]:
    import openvino_genai_cffi as og
    og.load(job["root"])
else:
    import openvino_genai as og

def dump(cfg):
    row = {}
    for field in job["fields"]:
        try:
            value = getattr(cfg, field)
        except Exception as exc:
            row[field] = "error: " + type(exc).__name__ + ": " + str(exc)
            continue
        if isinstance(value, set):
            value = sorted(value)
        elif type(value).__name__ == "StopCriteria":
            value = value.name
        row[field] = value
    return row

out = {}
for name, path in job["models"].items():
    pipe = getattr(og, job.get("pipeline", "LLMPipeline"))(path, "CPU")
    out[name] = dump(pipe.get_generation_config())
    # A config without stop tokens or end-of-sequence token: the pipeline keeps its own.
    pipe.set_generation_config(og.GenerationConfig(max_new_tokens=4, temperature=0.5))
    out[name + " after set"] = dump(pipe.get_generation_config())
print(json.dumps(out))
"""


def _run(job: dict[str, Any], env: dict[str, str]) -> Any:
    proc = subprocess.run([sys.executable, "-c", _DUMP], input=json.dumps(job), env=env, capture_output=True,
                          text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.splitlines()[-1])


def test_pipeline_config_reads_back_what_the_official_package_returns(tmp_path: Path) -> None:
    install = real_genai.install_or_skip()
    pytest.importorskip("openvino_genai", reason="the official openvino_genai package is the reference")
    real_genai.same_release_as_reference_or_skip(install, "config values are compared with Python openvino_genai's")
    import openvino_genai_cffi as g

    gguf = make_tiny_gguf(tmp_path / "model.gguf")
    ir = real_genai.export_ir(install, gguf, tmp_path / "ir")
    env = install.environment()
    env["PYTHONPATH"] = str(REPO / "python")
    variants: dict[str, Any] = {"absent": None, **FAMILIES, **JSON_FILES, **{k: v[0] for k, v in ODD_JSON.items()}}
    models = {"gguf": str(gguf)}
    for name, data in variants.items():
        folder = tmp_path / "v" / name
        shutil.copytree(ir, folder)
        if data is not None:
            (folder / "generation_config.json").write_text(json.dumps(data))
        models[name] = str(folder)
    fields = [f.name for f in g.GenerationConfig._spec.fields]
    official_env = dict(os.environ)
    official_env.pop("LD_LIBRARY_PATH", None)
    theirs = _run({"ours": False, "models": models, "fields": fields}, official_env)
    ours = _run({"ours": True, "models": models, "fields": fields, "root": str(install.root)}, env)
    # Where the pipeline's own config does not validate (assisted generation without a draft model), the
    # library cannot confirm the tokenizer's end-of-sequence token: unknown, with the reason, never a guess.
    rows = sorted(theirs)
    assert rows == sorted(ours) and len(rows) == 2 * len(models)
    unconfirmed = {(model, field) for model in rows for field in ("eos_token_id", "stop_token_ids")
                   if str(ours[model][field]).startswith("error: UnknownValueError") and "does not validate" in
                   str(ours[model][field])}
    assert {model for model, _ in unconfirmed} == {"assisted"}
    differences = [f"{model}.{field}: ours {ours[model][field]!r}, official {theirs[model][field]!r}"
                   for model in rows for field in fields
                   if ours[model][field] != theirs[model][field] and (model, field) not in unconfirmed]
    assert differences == []
    # The variants reached the pipelines: they differ from one another and from the defaults.
    assert len({json.dumps(row, sort_keys=True) for row in theirs.values()}) > len(FAMILIES) + 5


def test_vlm_pipeline_config_reads_back_what_the_official_package_returns(tmp_path: Path,
                                                                          tiny_qwen2_vl: Path) -> None:
    install = real_genai.install_or_skip()
    pytest.importorskip("openvino_genai", reason="the official openvino_genai package is the reference")
    real_genai.same_release_as_reference_or_skip(install, "config values are compared with Python openvino_genai's")
    import openvino_genai_cffi as g

    variants: dict[str, Any] = {"as exported": "keep", "absent": None, "sampling": FAMILIES["sampling"],
                                "beams": FAMILIES["beams"], **{k: ODD_JSON[k][0] for k in ("eos_list", "never",
                                                                                       "limit_float")}}
    models = {}
    for name, data in variants.items():
        folder = tmp_path / name
        shutil.copytree(tiny_qwen2_vl, folder)
        if data is None:
            (folder / "generation_config.json").unlink()
        elif data != "keep":
            (folder / "generation_config.json").write_text(json.dumps(data))
        models[name] = str(folder)
    fields = [f.name for f in g.GenerationConfig._spec.fields]
    env = install.environment()
    env["PYTHONPATH"] = str(REPO / "python")
    official_env = dict(os.environ)
    official_env.pop("LD_LIBRARY_PATH", None)
    job = {"models": models, "fields": fields, "pipeline": "VLMPipeline"}
    theirs = _run(dict(job, ours=False), official_env)
    ours = _run(dict(job, ours=True, root=str(install.root)), env)
    assert sorted(theirs) == sorted(ours) and len(theirs) == 2 * len(models)
    differences = [f"{model}.{field}: ours {ours[model][field]!r}, official {theirs[model][field]!r}"
                   for model in theirs for field in fields if ours[model][field] != theirs[model][field]]
    assert differences == []
