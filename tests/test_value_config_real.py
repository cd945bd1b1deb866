"""The value-class GenerationConfig against the real GenAI C library (OPENVINO_GENAI_DIR) and the tiny
GGUF model: the native config made at call time generates what the official `openvino_genai` generates
for the same settings (greedy, sampling with a seed, beam search with several sequences, penalties,
max_length, a pipeline's config with fields merged), and a generate without a token limit (a GGUF
model's own config has none) raises NoTokenLimitError instead of running without end (issue 11,
point 4). Skipped without an install; each side runs in its own child process."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from support import dotnet, real_genai
from support.tiny_model import make_tiny_gguf

REPO = Path(__file__).resolve().parent.parent
PROMPT = "The quick brown fox"
CONFIGS: list[dict[str, Any]] = [
    {"max_new_tokens": 20},
    {"max_new_tokens": 24, "repetition_penalty": 1.5, "presence_penalty": 0.5, "frequency_penalty": 0.3},
    {"max_new_tokens": 20, "do_sample": True, "rng_seed": 7, "top_k": 5, "top_p": 0.9, "temperature": 0.8},
    {"max_new_tokens": 16, "num_beams": 3, "num_return_sequences": 2, "length_penalty": 0.7},
    {"max_new_tokens": 12, "min_new_tokens": 8, "ignore_eos": True},
    {"max_length": 60},
]

_OFFICIAL = r"""
import json, sys
import openvino_genai as og
job = json.load(sys.stdin)
pipe = og.LLMPipeline(job["model"], "CPU", INFERENCE_PRECISION_HINT="f32")
out = []
for values in job["configs"]:
    config = og.GenerationConfig()
    config.update_generation_config(**values)
    out.append(str(pipe.generate(job["prompt"], config)))
base = pipe.get_generation_config()
base.update_generation_config(max_new_tokens=15, top_k=1)
out.append(str(pipe.generate(job["prompt"], base)))
json.dump(out, sys.stdout)
"""

_OURS = r"""
import json, sys
import openvino_genai_cffi as g
job = json.load(sys.stdin)
g.load(job["root"])
out = {"texts": [], "refused": []}
with g.LLMPipeline(job["model"], "CPU", INFERENCE_PRECISION_HINT="f32") as pipe:
    for values in job["configs"]:
        out["texts"].append(str(pipe.generate(job["prompt"], g.GenerationConfig(**values))))
    base = pipe.get_generation_config()
    base.update_generation_config(max_new_tokens=15, top_k=1)
    out["texts"].append(str(pipe.generate(job["prompt"], base)))
    for name, call in (("no config", lambda: pipe.generate(job["prompt"])),
                       ("defaults", lambda: pipe.generate(job["prompt"], g.GenerationConfig())),
                       ("pipeline config", lambda: pipe.generate(job["prompt"], pipe.get_generation_config())),
                       ("stream", lambda: list(pipe.stream(job["prompt"])))):
        try:
            call()
            out["refused"].append([name, None])
        except g.NoTokenLimitError as exc:
            out["refused"].append([name, str(exc)])
print(json.dumps(out))
"""

# The same in C#: each argument after the prompt is one config ("field=value;..." through
# GenerationConfig.Update, "pipeline:" first for the pipeline's own config); texts come back as base64 lines.
_CSHARP = r"""
using System;
using System.Collections.Generic;
using System.Text;
using OpenVINO.GenAI;
using OpenVINO.Interop;

static class ConfigCheck
{
    static int Main(string[] args)
    {
        var properties = new Dictionary<string, string> { { "INFERENCE_PRECISION_HINT", "f32" } };
        using (var pipe = new LLMPipeline(args[0], "CPU", properties))
        {
            for (int i = 2; i < args.Length; i++)
            {
                bool own = args[i].StartsWith("pipeline:", StringComparison.Ordinal);
                GenerationConfig config = own ? pipe.GetGenerationConfig() : new GenerationConfig();
                foreach (var pair in (own ? args[i].Substring(9) : args[i]).Split(';'))
                {
                    var kv = pair.Split('=');
                    config.Update(kv[0], kv[1]);
                }
                var results = pipe.Generate(args[1], config);
                Console.WriteLine(Convert.ToBase64String(Encoding.UTF8.GetBytes(results.ToString())));
            }
            try
            {
                pipe.Generate(args[1]);
                Console.WriteLine("not refused");
            }
            catch (NoTokenLimitException e)
            {
                Console.WriteLine("refused: " + e.Message);
            }
        }
        return 0;
    }
}
"""

pytestmark = pytest.mark.real_genai


@pytest.fixture(scope="module")
def install() -> real_genai.GenAIInstall:
    return real_genai.install_or_skip()


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_gguf(tmp_path_factory.mktemp("tiny") / "model.gguf")


def _run(script: str, job: dict[str, Any], env: dict[str, str]) -> Any:
    proc = subprocess.run([sys.executable, "-c", script], input=json.dumps(job), env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.splitlines()[-1])


def test_call_time_config_generates_what_the_official_package_generates(install: real_genai.GenAIInstall,
                                                                         model: Path) -> None:
    pytest.importorskip("openvino_genai", reason="the official openvino_genai package is the reference")
    real_genai.same_release_as_reference_or_skip(install, "sampled texts are compared with Python openvino_genai's")
    job = {"model": str(model), "prompt": PROMPT, "configs": CONFIGS, "root": str(install.root)}
    official_env = dict(os.environ)
    official_env.pop("LD_LIBRARY_PATH", None)
    official = _run(_OFFICIAL, job, official_env)
    env = install.environment()
    env["PYTHONPATH"] = str(REPO / "python")
    ours = _run(_OURS, job, env)
    assert len(official) == len(CONFIGS) + 1
    for values, theirs, mine in zip(CONFIGS + [{"pipeline config": True}], official, ours["texts"]):
        assert theirs, f"the reference generated nothing for {values}"
        assert mine == theirs, values
    # Different settings give different texts: the fields reached the library.
    assert len(set(official)) >= 4
    # Point 4: a GGUF model's own config has no token limit.
    for name, message in ours["refused"]:
        assert message is not None, f"{name}: generate without a token limit was not refused"
        assert "max_new_tokens" in message and "max_length" in message, name


def _csharp_arg(values: dict[str, Any]) -> str:
    return ";".join(f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in values.items())


@pytest.mark.parametrize("runtime", ["mono", "coreclr"])
def test_csharp_call_time_config_generates_what_the_official_package_generates(
        install: real_genai.GenAIInstall, model: Path, tmp_path: Path, runtime: str) -> None:
    pytest.importorskip("openvino_genai", reason="the official openvino_genai package is the reference")
    import base64

    job = {"model": str(model), "prompt": PROMPT, "configs": CONFIGS}
    official_env = dict(os.environ)
    official_env.pop("LD_LIBRARY_PATH", None)
    official = _run(_OFFICIAL, job, official_env)
    source = tmp_path / "ConfigCheck.cs"
    source.write_text(_CSHARP)
    library = dotnet.build_library()
    exe = dotnet.build_exe([source], [library], library.parent / "ConfigCheck.exe")  # beside the assemblies
    args = [str(model), PROMPT] + [_csharp_arg(c) for c in CONFIGS] + ["pipeline:max_new_tokens=15;top_k=1"]
    completed = dotnet.RUNNERS[runtime](exe, args, dotnet.native_env(install.library, install.environment()))
    assert completed.returncode == 0, completed.stderr[-3000:]
    lines = completed.stdout.splitlines()
    texts = [base64.b64decode(line).decode("utf-8") for line in lines[:-1]]
    assert texts == official
    assert lines[-1].startswith("refused: GenerationConfig sets no token limit: MaxNewTokens and MaxLength"), lines[-1]
