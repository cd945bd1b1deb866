"""Results and metrics through the cffi shim equal the official `openvino_genai` package's, against the real
GenAI C library (OPENVINO_GENAI_DIR) and tiny models: texts, scores, str(results) and the token counts of the
perf metrics, for an LLM (the tiny GGUF; greedy, and beam search returning several sequences), a VLM
(tiny_qwen2_vl) and Whisper (tiny_whisper, with and without timestamps). One script runs in both: the
official package in this interpreter, the shim in a child with the install's environment.

What the C API cannot give is said and checked here: LLM/VLM texts and scores come back from the library's
string form (several sequences as `<score>: <text>` lines, 6 decimals), so a lone sequence's score reads NaN
and several sequences' scores carry 6 decimals."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from support import real_genai
from support.tiny_model import make_tiny_gguf

REPO = Path(__file__).resolve().parent.parent
F32 = {"INFERENCE_PRECISION_HINT": "f32"}

pytestmark = pytest.mark.real_genai

_SCRIPT = r"""
import json, sys
job = json.load(sys.stdin)
if job["module"] == "shim":
    import openvino_genai_cffi as og
    og.load(job["root"])
else:
    import openvino_genai as og
import numpy as np


def results(r, chunks=False):
    out = {"str": str(r), "texts": list(r.texts), "scores": [float(s) for s in r.scores],
           "num_generated_tokens": r.perf_metrics.get_num_generated_tokens(),
           "num_input_tokens": r.perf_metrics.get_num_input_tokens(),
           "ttft_positive": r.perf_metrics.get_ttft().mean > 0}
    if chunks:
        out["chunks"] = None if r.chunks is None else [[round(c.start_ts, 3), round(c.end_ts, 3), c.text] for c in r.chunks]
    return out


out = {}
if job.get("llm"):
    pipe = og.LLMPipeline(job["llm"], "CPU", **job["properties"])
    for name, fields in job["llm_configs"].items():
        # generate(str) returns a plain str when one sequence is asked for; a list of one prompt gives
        # DecodedResults (with its metrics) in every case.
        out["llm:" + name] = [results(pipe.generate([p], og.GenerationConfig(**fields))) for p in job["prompts"]]
        out["llm-str:" + name] = [type(pipe.generate(p, og.GenerationConfig(**fields))).__name__ for p in job["prompts"]]
    # A greedy batch: its string form prints each text's score (upstream's "0.000000: " lines).
    out["llm-batch"] = results(pipe.generate(job["prompts"], og.GenerationConfig(max_new_tokens=8)))
    # What generate returns, by input and by where num_return_sequences comes from.
    beams = {"num_beams": 2, "num_return_sequences": 2}
    cases = {
        "str": lambda: pipe.generate("Hi", max_new_tokens=4),
        "str, beams, one": lambda: pipe.generate("Hi", max_new_tokens=4, num_beams=2, num_return_sequences=1),
        "str, beams, two": lambda: pipe.generate("Hi", max_new_tokens=4, **beams),
        "str, sampling, two": lambda: pipe.generate("Hi", max_new_tokens=4, do_sample=True, num_return_sequences=2),
        "str, config, two": lambda: pipe.generate("Hi", og.GenerationConfig(max_new_tokens=4, **beams)),
        "str, config two, keyword one": lambda: pipe.generate("Hi", og.GenerationConfig(max_new_tokens=4, **beams),
                                                              num_return_sequences=1),
        "list of one": lambda: pipe.generate(["Hi"], max_new_tokens=4),
        "history": lambda: pipe.generate(og.ChatHistory([{"role": "user", "content": "Hi"}]), max_new_tokens=4),
    }
    out["llm-types"] = {label: type(case()).__name__ for label, case in cases.items()}
    config = pipe.get_generation_config()
    config.max_new_tokens = 4
    config.num_beams = 2
    config.num_return_sequences = 2
    pipe.set_generation_config(config)
    out["llm-types"]["str, pipeline's config two"] = type(pipe.generate("Hi")).__name__
    out["llm-types"]["str, pipeline's config two, keyword one"] = type(pipe.generate("Hi", num_return_sequences=1)).__name__
    del pipe
if job.get("vlm"):
    pipe = og.VLMPipeline(job["vlm"], "CPU", **job["properties"])
    pixels = np.random.default_rng(7).integers(0, 256, (1, 56, 56, 3), dtype=np.uint8)
    cfg = og.GenerationConfig(max_new_tokens=12)
    if job["module"] == "shim":
        import openvino_cffi as ovc
        ovc.load(job["core_library"])
        image = ovc.Tensor.from_numpy(pixels)
        with_image = pipe.generate("Describe", [image], cfg)
        without = pipe.generate("Describe", [], cfg)
        other = ovc.Tensor.from_numpy(pixels[:, ::-1].copy())
    else:
        import openvino as ov
        image = ov.Tensor(pixels)
        with_image = pipe.generate("Describe", images=[image], generation_config=cfg)
        without = pipe.generate("Describe", generation_config=cfg)
        other = ov.Tensor(pixels[:, ::-1].copy())
    out["vlm"] = [results(with_image), results(without)]
    # upstream's `image=` keyword, alone and beside `images=` (the list is used), keywords or a config
    history = og.ChatHistory([{"role": "user", "content": "Describe"}])
    out["vlm-image"] = [str(r) for r in (
        pipe.generate("Describe", image=image, generation_config=cfg),
        pipe.generate("Describe", image=image, max_new_tokens=12),
        pipe.generate("Describe", image=other, images=[image], generation_config=cfg),
        pipe.generate("Describe", image=image, images=[other], max_new_tokens=12),
        pipe.generate("Describe", images=[other], generation_config=cfg),
        pipe.generate(history, image=image, max_new_tokens=12))]
    # upstream's keywords for the first input: `history=` a ChatHistory, `prompt=` a str; the others TypeErrors
    out["vlm-keywords"] = [str(r) for r in (
        pipe.generate(history=history, images=[image], max_new_tokens=12),
        pipe.generate(history=history, generation_config=cfg),
        pipe.generate(prompt="Describe", images=[image], generation_config=cfg))]
    for bad in ({"history": "Describe"}, {}):
        try:
            pipe.generate(max_new_tokens=12, **bad)
            out["vlm-keywords"].append("accepted")
        except TypeError:
            out["vlm-keywords"].append("TypeError")
    # A chat about an image as upstream's visual_language_chat has it (the image with the first turn only, each
    # answer appended): by hand on the official package, through ChatSession on the shim.
    turns = ["Describe", "What colour?", "And the shape?"]
    if job["module"] == "shim":
        session = og.ChatSession(pipe, "Be brief.")
        out["vlm-chat"] = [str(session.ask(q, images=[image] if i == 0 else None, generation_config=cfg))
                           for i, q in enumerate(turns)]
        out["vlm-chat-history"] = session.history.get_messages()
    else:
        chat = og.ChatHistory([{"role": "system", "content": "Be brief."}])
        out["vlm-chat"] = []
        for i, q in enumerate(turns):
            chat.append({"role": "user", "content": q})
            answer = pipe.generate(chat, images=[image] if i == 0 else [], generation_config=cfg)
            chat.append({"role": "assistant", "content": answer.texts[0]})
            out["vlm-chat"].append(answer.texts[0])
        out["vlm-chat-history"] = chat.get_messages()
        # the image stays with the conversation: the later turns differ from the same chat never given it
        plain = og.ChatHistory([{"role": "system", "content": "Be brief."}])
        out["vlm-chat-no-image"] = []
        for q in turns:
            plain.append({"role": "user", "content": q})
            answer = pipe.generate(plain, generation_config=cfg)
            plain.append({"role": "assistant", "content": answer.texts[0]})
            out["vlm-chat-no-image"].append(answer.texts[0])
    del pipe
if job.get("whisper"):
    pipe = og.WhisperPipeline(job["whisper"], "CPU", **job["properties"])
    audio = (np.random.default_rng(3).standard_normal(16000 * 2) * 0.1).astype(np.float32)
    speech = audio if job["module"] == "shim" else audio.tolist()
    runs = []
    for timestamps in (False, True):
        cfg = pipe.get_generation_config()
        cfg.return_timestamps = timestamps
        runs.append(results(pipe.generate(speech, cfg), chunks=True))
    out["whisper"] = runs
print(json.dumps(out))
"""

LLM_CONFIGS = {
    "greedy": {"max_new_tokens": 16},
    # Beam search returning several sequences: the string form lists them with their scores.
    "beams": {"max_new_tokens": 12, "num_beams": 3, "num_return_sequences": 3},
}
PROMPTS = ["Hello", "The quick brown fox"]


@pytest.fixture(scope="module")
def install() -> real_genai.GenAIInstall:
    return real_genai.install_or_skip()


@pytest.fixture(scope="module")
def gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_gguf(tmp_path_factory.mktemp("tiny") / "model.gguf")


def _run(job: dict[str, Any], env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", _SCRIPT], input=json.dumps(job), capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=900)
    assert done.returncode == 0, done.stderr[-4000:]
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


@pytest.fixture(scope="module")
def both(install: real_genai.GenAIInstall, gguf: Path, tiny_qwen2_vl: Path,
         tiny_whisper: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    from support import real_speech_vision as rsv

    real_genai.same_release_as_reference_or_skip(install, "results of the tiny VLM and Whisper models")
    job = {"llm": str(gguf), "vlm": str(tiny_qwen2_vl), "whisper": str(tiny_whisper), "properties": F32,
           "llm_configs": LLM_CONFIGS, "prompts": PROMPTS}
    official_env = dict(os.environ)
    official_env.pop("LD_LIBRARY_PATH", None)  # the wheel finds its own libraries
    official = _run({**job, "module": "official"}, official_env)
    shim_env = install.environment()
    shim_env["PYTHONPATH"] = str(REPO / "python")
    shim = _run({**job, "module": "shim", "root": str(install.root),
                 "core_library": str(rsv.core_library(install))}, shim_env)
    return official, shim


def _same_scores(got: list[float], expected: list[float], several: bool) -> None:
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        if several:
            assert g == pytest.approx(e, abs=5e-7), (got, expected)  # the string form prints 6 decimals
        else:
            # Not in the C API's string form: every lone case here decodes greedily without logprobs, where
            # the binding knows upstream's score ([conventions.calls] lone_score): 0.0
            assert e == 0.0 and g == e, (got, expected)


def test_llm_results_equal_the_official_package(both: tuple[dict[str, Any], dict[str, Any]]) -> None:
    official, shim = both
    for name in LLM_CONFIGS:
        for ref, got in zip(official["llm:" + name], shim["llm:" + name]):
            several = len(ref["texts"]) > 1
            assert several == (name == "beams")
            assert got["str"] == ref["str"]
            assert got["texts"] == ref["texts"]
            _same_scores(got["scores"], ref["scores"], several)
            assert (got["num_generated_tokens"], got["num_input_tokens"]) == \
                (ref["num_generated_tokens"], ref["num_input_tokens"])
            assert got["ttft_positive"] and ref["ttft_positive"]


def test_a_greedy_batch_prints_as_the_official_package(both: tuple[dict[str, Any], dict[str, Any]]) -> None:
    official, shim = both
    ref, got = official["llm-batch"], shim["llm-batch"]
    assert ref["str"].startswith("0.000000: ") and ref["scores"] == [0.0] * len(PROMPTS)
    assert (got["str"], got["texts"], got["scores"]) == (ref["str"], ref["texts"], ref["scores"])


def test_generate_of_a_str_returns_a_str_for_one_sequence_as_upstream(both: tuple[dict[str, Any], dict[str, Any]]) -> None:
    # Measured on the official package: LLMPipeline.generate(str) gives a plain str when the call's config
    # asks for one sequence and DecodedResults otherwise; a list or a ChatHistory always DecodedResults.
    # The shim returns the same types ([conventions.calls] text_result), also where the C API cannot read
    # num_return_sequences back (the pipeline's own config, set earlier).
    official, shim = both
    assert official["llm-str:greedy"] == ["str"] * len(PROMPTS)
    assert official["llm-str:beams"] == ["DecodedResults"] * len(PROMPTS)
    assert shim["llm-str:greedy"] == official["llm-str:greedy"]
    assert shim["llm-str:beams"] == official["llm-str:beams"]
    assert official["llm-types"]["str, beams, two"] == "DecodedResults"
    assert official["llm-types"]["str, pipeline's config two, keyword one"] == "str"
    assert shim["llm-types"] == official["llm-types"]


def test_vlm_results_equal_the_official_package(both: tuple[dict[str, Any], dict[str, Any]]) -> None:
    official, shim = both
    assert official["vlm"][0]["str"] != official["vlm"][1]["str"], "the image changes the answer"
    for ref, got in zip(official["vlm"], shim["vlm"]):
        assert (got["str"], got["texts"]) == (ref["str"], ref["texts"])
        _same_scores(got["scores"], ref["scores"], False)
        assert (got["num_generated_tokens"], got["num_input_tokens"]) == \
            (ref["num_generated_tokens"], ref["num_input_tokens"])


def test_vlm_image_keyword_as_the_official_package(both: tuple[dict[str, Any], dict[str, Any]]) -> None:
    official, shim = both
    with_image, other = official["vlm"][0]["str"], official["vlm-image"][4]
    assert with_image != other  # the two images give different answers, so the cases below tell them apart
    # Measured upstream: `image=` is one image; given with `images=`, the list is used and `image` is not.
    assert official["vlm-image"] == [with_image, with_image, with_image, other, other, with_image]
    assert shim["vlm-image"] == official["vlm-image"]


def test_vlm_history_keyword_as_the_official_package(both: tuple[dict[str, Any], dict[str, Any]]) -> None:
    official, shim = both
    assert official["vlm-keywords"][3:] == ["TypeError", "TypeError"]
    assert official["vlm-keywords"][0] == official["vlm-image"][5]  # history= is the history, images= its images
    assert shim["vlm-keywords"] == official["vlm-keywords"]


def test_chat_session_with_a_vlm_as_the_official_visual_language_chat(
        both: tuple[dict[str, Any], dict[str, Any]]) -> None:
    # Issue 11: ChatSession on a VLMPipeline (image with the first turn) answers as upstream's chat loop does.
    official, shim = both
    assert official["vlm-chat"][1:] != official["vlm-chat-no-image"][1:], "later turns still see the first turn's image"
    assert shim["vlm-chat"] == official["vlm-chat"]
    assert shim["vlm-chat-history"] == official["vlm-chat-history"]


@pytest.fixture(scope="module")
def vlm_chat_driver(install: real_genai.GenAIInstall, dotnet_toolchain: None) -> tuple[Path, Path]:
    """VlmChatDriver.exe beside OpenVINO.GenAI.dll, OpenVINO.Core.dll (its dllmap naming the libopenvino_c the
    install uses) and the runtime both reference; and that libopenvino_c (as test_vlm_whisper_real's driver)."""
    from support import dotnet
    from support import real_speech_vision as rsv

    folder, refs, native = rsv.csharp_references(install, "real-vlm-chat")
    source = REPO / "csharp" / "tests" / "RealDrivers" / "VlmChatDriver.cs"
    return dotnet.build_exe([source], refs, folder / "VlmChatDriver.exe"), native


@pytest.mark.parametrize("runtime", ["mono", "coreclr"])
def test_csharp_chat_session_with_a_vlm_as_the_official_visual_language_chat(
        runtime: str, install: real_genai.GenAIInstall, tiny_qwen2_vl: Path, vlm_chat_driver: tuple[Path, Path],
        both: tuple[dict[str, Any], dict[str, Any]], tmp_path: Path) -> None:
    import numpy as np

    from support import core_dotnet, dotnet

    official, _ = both
    exe, native = vlm_chat_driver
    pixels = tmp_path / "image.u8"
    np.random.default_rng(7).integers(0, 256, (1, 56, 56, 3), dtype=np.uint8).tofile(pixels)  # as in _SCRIPT
    env = core_dotnet.environment(native, base=dotnet.native_env(install.library, install.environment()))
    done = dotnet.RUNNERS[runtime](exe, [str(tiny_qwen2_vl), str(pixels), "1,56,56,3", "12", "Be brief.",
                                         *(f"{k}={v}" for k, v in F32.items())], env,
                                   input="Describe\nWhat colour?\nAnd the shape?\n")
    assert done.returncode == 0, done.stdout + done.stderr
    assert all("\n" not in answer for answer in official["vlm-chat"]), "the driver's line format"
    assert done.stdout.splitlines() == official["vlm-chat"]


def test_whisper_results_equal_the_official_package(both: tuple[dict[str, Any], dict[str, Any]]) -> None:
    official, shim = both
    plain, stamped = official["whisper"]
    assert plain["chunks"] is None and stamped["chunks"], "chunks only when timestamps were asked for"
    for ref, got in zip(official["whisper"], shim["whisper"]):
        assert (got["str"], got["texts"], got["chunks"]) == (ref["str"], ref["texts"], ref["chunks"])
        assert got["scores"] == pytest.approx(ref["scores"], rel=1e-6)  # Whisper has a score getter
        assert got["num_generated_tokens"] == ref["num_generated_tokens"]


# -- C# (Mono and CoreCLR): csharp/tests/RealDrivers/ResultsDriver.cs --

@pytest.fixture(scope="module")
def results_driver(install: real_genai.GenAIInstall, dotnet_toolchain: None) -> Path:
    from support import dotnet

    library = dotnet.build_library()
    source = REPO / "csharp" / "tests" / "RealDrivers" / "ResultsDriver.cs"
    return dotnet.build_exe([source], [library], library.parent / "ResultsDriver.exe")


@pytest.mark.parametrize("runtime", ["mono", "coreclr"])
def test_csharp_results_equal_the_official_package(runtime: str, install: real_genai.GenAIInstall, gguf: Path,
                                                   tiny_whisper: Path, results_driver: Path, tmp_path: Path,
                                                   both: tuple[dict[str, Any], dict[str, Any]]) -> None:
    import numpy as np

    from support import dotnet

    official, _ = both
    audio = tmp_path / "audio.f32"
    (np.random.default_rng(3).standard_normal(16000 * 2) * 0.1).astype("<f4").tofile(audio)  # as in _SCRIPT
    env = dotnet.native_env(install.library, install.environment())
    done = dotnet.RUNNERS[runtime](results_driver, [str(gguf), str(tiny_whisper), str(audio),
                                                    *(f"{k}={v}" for k, v in F32.items())],
                                   env, input="\n".join(PROMPTS) + "\n")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    llm = {name: [r for r in rows if r["kind"] == "llm:" + name] for name in LLM_CONFIGS}
    for name in LLM_CONFIGS:
        for ref, got in zip(official["llm:" + name], llm[name]):
            several = len(ref["texts"]) > 1
            assert (got["str"], got["texts"]) == (ref["str"], ref["texts"])
            _same_scores(got["scores"], ref["scores"], several)
            assert (got["num_generated_tokens"], got["num_input_tokens"]) == \
                (ref["num_generated_tokens"], ref["num_input_tokens"])
    whisper = [r for r in rows if r["kind"] == "whisper"]
    for ref, got in zip(official["whisper"], whisper):
        chunks = None if got["chunks"] is None else [[round(a, 3), round(b, 3), t] for a, b, t in got["chunks"]]
        assert (got["str"], got["texts"], chunks) == (ref["str"], ref["texts"], ref["chunks"])
        assert got["scores"] == pytest.approx(ref["scores"], rel=1e-6)
        assert got["num_generated_tokens"] == ref["num_generated_tokens"]
