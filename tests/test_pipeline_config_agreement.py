"""A pipeline's own GenerationConfig reads back the same in C# (Mono, CoreCLR) and Python, field by field
(issue 11, point 1): for a model folder without generation_config.json and with every variant the Python tests
pin (tests/test_value_config.py: the rules measured against the official package), and again after
set_generation_config. Against the test double always; with OPENVINO_GENAI_DIR also against the real library
(tiny IR folders made from the tiny GGUF), where tests/test_pipeline_config_real.py compares Python's with the
official openvino_genai's, so C# equals the official package's through it.

A value that cannot be known is unknown in both languages; C#'s int holds less than upstream's size_t, so a
count above int.MaxValue is an OverflowException there (the only expected difference)."""
from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from support import dotnet, real_genai
from support.double import build_double
from support.tiny_model import make_tiny_gguf

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "python"))

import openvino_genai_cffi as g  # noqa: E402
from test_value_config import JSON_FILES, ODD_JSON, REFUSED_JSON  # noqa: E402

FIELDS = [f.name for f in g.GenerationConfig._spec.fields]
NOT_READABLE = {f.name for f in g.GenerationConfig._spec.fields if not f.readable}
UNSET = {f.name: f.unset for f in g.GenerationConfig._spec.fields if f.unset is not None}

# Each model path: its config as read, then after set_generation_config(max_new_tokens=4, temperature=0.5)
# (no stop tokens, no end-of-sequence token: the pipeline keeps its own).
_CSHARP = r"""
using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using OpenVINO.GenAI;
using OpenVINO.Interop;

static class ConfigDump
{
    static object Shown(object v)
    {
        if (v == null) return null;
        if (v is Enum) return v.ToString().ToUpperInvariant();
        if (v is float) return (double)(float)v;
        if (v is int) return (long)(int)v;
        if (v is bool || v is long || v is string) return v;
        var items = ((IEnumerable)v).Cast<object>().Select(Shown).ToList();
        return items.OrderBy(x => x is string ? (object)x : x, Comparer<object>.Default).ToList();
    }

    static Dictionary<string, object> Dump(GenerationConfig cfg, string[] fields)
    {
        var row = new Dictionary<string, object>();
        foreach (var field in fields)
        {
            string name = string.Concat(field.Split('_').Select(p => char.ToUpperInvariant(p[0]) + p.Substring(1)));
            try
            {
                row[field] = Shown(typeof(GenerationConfig).GetProperty(name).GetValue(cfg, null));
            }
            catch (TargetInvocationException e)
            {
                row[field] = e.InnerException is UnknownValueException ? "unknown" : "error: " + e.InnerException.GetType().Name;
            }
        }
        return row;
    }

    static GenerationConfig Next()
    {
        var next = new GenerationConfig();
        next.MaxNewTokens = 4;
        next.Temperature = 0.5f;
        return next;
    }

    static int Main(string[] args)
    {
        string[] fields = args[1].Split(',');
        for (int i = 2; i < args.Length; i++)
        {
            var rows = new List<object>();
            if (args[0] == "VLMPipeline")
            {
                using (var pipe = new VLMPipeline(args[i], "CPU"))
                {
                    rows.Add(Dump(pipe.GetGenerationConfig(), fields));
                    pipe.SetGenerationConfig(Next());
                    rows.Add(Dump(pipe.GetGenerationConfig(), fields));
                }
            }
            else
            {
                using (var pipe = new LLMPipeline(args[i], "CPU"))
                {
                    rows.Add(Dump(pipe.GetGenerationConfig(), fields));
                    pipe.SetGenerationConfig(Next());
                    rows.Add(Dump(pipe.GetGenerationConfig(), fields));
                }
            }
            Console.WriteLine(JsonText.Write(rows, "dump"));
        }
        return 0;
    }
}
"""

_PYTHON = r"""
import json, sys
import openvino_genai_cffi as g
job = json.load(sys.stdin)
g.load(job.get("root"))

def dump(cfg):
    row = {}
    for field in job["fields"]:
        try:
            value = getattr(cfg, field)
        except g.UnknownValueError:
            row[field] = "unknown"
            continue
        if isinstance(value, set):
            value = sorted(value)
        elif isinstance(value, g.StopCriteria):
            value = value.name
        row[field] = value
    return row

for path in job["models"]:
    with getattr(g, job["pipeline"])(path, "CPU") as pipe:
        rows = [dump(pipe.get_generation_config())]
        pipe.set_generation_config(g.GenerationConfig(max_new_tokens=4, temperature=0.5))
        rows.append(dump(pipe.get_generation_config()))
        print(json.dumps(rows))
"""


def _as_csharp(row: dict[str, Any]) -> dict[str, Any]:
    """A Python dump in C#'s shape: unset values are null, floats as their C float value."""
    out = {}
    for name, value in row.items():
        if name in UNSET and value == UNSET[name]:
            value = None
        elif isinstance(value, float):
            value = struct.unpack("f", struct.pack("f", value))[0]
        out[name] = value
    return out


def _variants(folder: Path, base: Path | None) -> list[str]:
    """One model folder per variant (a copy of `base`, or empty for the double)."""
    data: dict[str, Any] = {"absent": None, **JSON_FILES, **{k: v[0] for k, v in ODD_JSON.items()},
                            # as text: a number the library converts undefinedly makes the file's fields unknown
                            "beyond_size": REFUSED_JSON["beyond_size"][0]}
    paths = []
    for name, content in data.items():
        target = folder / name
        if base is not None:
            shutil.copytree(base, target)
        else:
            target.mkdir(parents=True)
        if content is not None:
            text = content if isinstance(content, str) else json.dumps(content)
            (target / "generation_config.json").write_text(text)
        paths.append(str(target))
    return paths


def _python(models: list[str], env: dict[str, str], root: str | None,
            pipeline: str = "LLMPipeline") -> list[list[dict[str, Any]]]:
    env = dict(env, PYTHONPATH=str(REPO / "python"))
    proc = subprocess.run([sys.executable, "-c", _PYTHON], input=json.dumps({"models": models, "fields": FIELDS,
                                                                              "root": root, "pipeline": pipeline}),
                          env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return [json.loads(line) for line in proc.stdout.splitlines()]


def _csharp(models: list[str], env: dict[str, str], runtime: str, tmp_path: Path,
            pipeline: str = "LLMPipeline") -> list[list[dict[str, Any]]]:
    source = tmp_path / "ConfigDump.cs"
    source.write_text(_CSHARP)
    library = dotnet.build_library()
    exe = dotnet.build_exe([source], [library], library.parent / "ConfigDump.exe")
    completed = dotnet.RUNNERS[runtime](exe, [pipeline, ",".join(FIELDS)] + models, env, timeout=900)
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-3000:]
    return [json.loads(line) for line in completed.stdout.splitlines()]


def _compare(models: list[str], ours_py: list[list[dict[str, Any]]], ours_cs: list[list[dict[str, Any]]]) -> list[str]:
    differences = []
    assert len(ours_py) == len(ours_cs) == len(models)
    for model, py_rows, cs_rows in zip(models, ours_py, ours_cs):
        for step, (py_row, cs_row) in enumerate(zip(py_rows, cs_rows)):
            expected = _as_csharp(py_row)
            for name in FIELDS:
                a, b = expected[name], cs_row[name]
                if b == "error: OverflowException" and isinstance(a, int) and a > 2 ** 31 - 1:
                    continue  # C#'s int holds less than size_t
                if a != b:
                    differences.append(f"{Path(model).name}[{step}].{name}: python {a!r}, C# {b!r}")
    return differences


@pytest.mark.parametrize("runtime", ["mono", "coreclr"])
def test_both_languages_read_a_pipeline_config_alike_on_the_double(tmp_path: Path, runtime: str) -> None:
    library = build_double()
    env = dotnet.native_env(library)
    models = _variants(tmp_path / "models", None)
    py = _python(models, env, str(library.parent))
    cs = _csharp(models, env, runtime, tmp_path)
    assert _compare(models, py, cs) == []
    # Every field reads back on the double (its "tokenizer" gives eos 2 where the file gives none), but those of a
    # file holding a number the library converts undefinedly.
    for model, rows in zip(models, py):
        unknown = {name for row in rows for name, value in row.items() if value == "unknown"}
        assert unknown == (set() if Path(model).name != "beyond_size" else NOT_READABLE), model


@pytest.mark.real_genai
@pytest.mark.parametrize("runtime", ["mono", "coreclr"])
def test_both_languages_read_a_pipeline_config_alike_on_the_real_library(tmp_path: Path, runtime: str) -> None:
    install = real_genai.install_or_skip()
    gguf = make_tiny_gguf(tmp_path / "model.gguf")
    ir = real_genai.export_ir(install, gguf, tmp_path / "ir")
    env = install.environment()
    env["PYTHONPATH"] = str(REPO / "python")
    models = [str(gguf)] + _variants(tmp_path / "models", ir)
    py = _python(models, env, str(install.root))
    cs = _csharp(models, dotnet.native_env(install.library, env), runtime, tmp_path)
    assert _compare(models, py, cs) == []
    assert os.path.basename(models[0]) == "model.gguf"


@pytest.mark.real_genai
@pytest.mark.parametrize("runtime", ["mono", "coreclr"])
def test_both_languages_read_a_vlm_pipeline_config_alike_on_the_real_library(tmp_path: Path, runtime: str,
                                                                             tiny_qwen2_vl: Path) -> None:
    install = real_genai.install_or_skip()
    models = []
    for name, data in (("as exported", "keep"), ("absent", None), ("eos list", ODD_JSON["eos_list"][0])):
        folder = tmp_path / "models" / name
        shutil.copytree(tiny_qwen2_vl, folder)
        if data is None:
            (folder / "generation_config.json").unlink()
        elif data != "keep":
            (folder / "generation_config.json").write_text(json.dumps(data))
        models.append(str(folder))
    env = install.environment()
    py = _python(models, env, str(install.root), "VLMPipeline")
    cs = _csharp(models, dotnet.native_env(install.library, env), runtime, tmp_path, "VLMPipeline")
    assert _compare(models, py, cs) == []
    assert all(value != "unknown" for rows in py for row in rows for value in row.values())
