"""The C# binding against the real OpenVINO GenAI C library (OPENVINO_GENAI_DIR) and a tiny GGUF.

Done-when of the C# issue: ChatSample streams on Mono and on CoreCLR, and the greedy text equals
what Python `openvino_genai` returns for the same prompt and config. Skipped, saying why, without
OPENVINO_GENAI_DIR.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from support import dotnet, real_genai

pytestmark = pytest.mark.real_genai

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "csharp" / "samples"
RUNTIMES = ["mono", "coreclr"]
F32 = ["--property", "INFERENCE_PRECISION_HINT=f32"]
MAX_NEW_TOKENS = 24


@pytest.fixture(scope="module")
def install() -> real_genai.GenAIInstall:
    return real_genai.install_or_skip()


@pytest.fixture(scope="module")
def model(install, tmp_path_factory) -> Path:
    from support import tiny_model

    return tiny_model.make_tiny_gguf(tmp_path_factory.mktemp("tiny") / "tiny.gguf")


@pytest.fixture(scope="module")
def env(install) -> dict[str, str]:
    return dotnet.native_env(install.library, install.environment())


@pytest.fixture(scope="module")
def samples(install) -> dict[str, Path]:
    library = dotnet.build_library()
    return {name: dotnet.build_exe([SAMPLES / name / f"{name}.cs", SAMPLES / "SampleOptions.cs"], [library],
                                   library.parent / f"{name}.exe")
            for name in ("ChatSample", "GreedySample")}


@pytest.fixture(scope="module")
def reference(model) -> dict[str, object]:
    prompt = "Hello, who are you?"
    config = {"max_new_tokens": MAX_NEW_TOKENS}
    return {
        "prompt": prompt,
        "text": real_genai.reference_text(model, prompt, config),
        "chat": real_genai.reference_chat(model, ["What is OpenVINO?", "Tell me more."], config),
    }


@pytest.mark.parametrize("runtime", RUNTIMES)
@pytest.mark.parametrize("stream", [False, True])
def test_greedy_text_equals_python_openvino_genai(runtime, stream, samples, model, env, reference):
    args = [str(model), reference["prompt"], "--max-new-tokens", str(MAX_NEW_TOKENS), *F32] + (["--stream"] if stream else [])
    completed = dotnet.RUNNERS[runtime](samples["GreedySample"], args, env)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == reference["text"] + "\n"
    assert reference["text"], "the tiny model generates text"


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_chat_sample_streams_the_same_chat_as_python(runtime, samples, model, env, reference):
    completed = dotnet.RUNNERS[runtime](samples["ChatSample"], [str(model), "--max-new-tokens", str(MAX_NEW_TOKENS), *F32],
                                        env, input="What is OpenVINO?\nTell me more.\n")
    assert completed.returncode == 0, completed.stderr
    blocks = completed.stdout.split("----------")[:-1]
    answers = [block.split("question:\n", 1)[1].split("\n", 1)[1].rstrip("\n") for block in blocks]
    assert answers == reference["chat"]


def test_coreclr_needs_only_OPENVINO_GENAI_DIR(samples, model, install, reference):
    """No LD_LIBRARY_PATH: the loader finds the library and preloads its dependencies from the install."""
    env = {k: v for k, v in install.environment().items() if k != "LD_LIBRARY_PATH"}
    env["OPENVINO_GENAI_DIR"] = str(install.root)
    completed = dotnet.run_coreclr(samples["GreedySample"], [str(model), reference["prompt"], "--max-new-tokens",
                                                             str(MAX_NEW_TOKENS), *F32], env)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == reference["text"] + "\n"


def only_OPENVINO_GENAI_DIR(install) -> dict[str, str]:
    env = {k: v for k, v in install.environment().items() if k != "LD_LIBRARY_PATH"}
    env["OPENVINO_GENAI_DIR"] = str(install.root)
    return env


def test_mono_chat_sample_needs_only_OPENVINO_GENAI_DIR(samples, model, install, reference):
    """Mono binds DllImport names itself; the loader maps the name to the library under OPENVINO_GENAI_DIR
    (versioned file name, dependencies loaded first) before the binding's first native call is compiled."""
    completed = dotnet.run_mono(samples["ChatSample"], [str(model), "--max-new-tokens", str(MAX_NEW_TOKENS), *F32],
                                only_OPENVINO_GENAI_DIR(install), input="What is OpenVINO?\nTell me more.\n")
    assert completed.returncode == 0, completed.stderr
    blocks = completed.stdout.split("----------")[:-1]
    answers = [block.split("question:\n", 1)[1].split("\n", 1)[1].rstrip("\n") for block in blocks]
    assert answers == reference["chat"]


def test_mono_finds_openvinos_error_text_from_OPENVINO_GENAI_DIR(samples, model, install):
    """libopenvino_c (DllImport "openvino_c"), which the GenAI library needs, is mapped on Mono as well."""
    completed = dotnet.run_mono(samples["GreedySample"], [str(model) + ".missing", "Hi"], only_OPENVINO_GENAI_DIR(install))
    assert completed.returncode == 1
    assert "OpenVINO describes it as" in completed.stderr, completed.stderr


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_status_errors_carry_openvinos_text(runtime, samples, model, env):
    completed = dotnet.RUNNERS[runtime](samples["GreedySample"], [str(model) + ".missing", "Hi"], env)
    assert completed.returncode == 1
    assert "ov_genai_llm_pipeline_create failed with status UNKNOW_EXCEPTION (-17)" in completed.stderr
    # ov_get_error_info from libopenvino_c, which sits beside the GenAI library.
    assert "OpenVINO describes it as" in completed.stderr, completed.stderr
