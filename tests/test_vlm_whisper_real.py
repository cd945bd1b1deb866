"""VLM and Whisper through the real GenAI C library (OPENVINO_GENAI_DIR), in C (ctypes) and through the
cffi shim (ABI and API mode), against Python openvino_genai on the same tiny models
(tests/support/tiny_speech_vision.py): the same texts, chunks, streamed pieces, timestamps and token
counts. Every leg runs in its own child process (tests/support/real_speech_vision.py). C# (Mono and
CoreCLR) runs the same VLM turns (OpenVINO.Core tensors wrapping a byte[] or filled by copy) and Whisper
runs through csharp/tests/RealDrivers/VlmDriver.cs and WhisperDriver.cs.

Not covered because the 2026.3 C API has no way to do it: streaming Whisper (its generate takes no
streamer), reading word timestamps (no accessor; a pipeline made for them is still compared on its
text and chunks) and setting a Whisper config's max_new_tokens (the tiny model's own default, 24,
applies everywhere). Without OPENVINO_GENAI_DIR every test here skips, saying why."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from support import real_genai
from support import real_speech_vision as rsv

pytestmark = pytest.mark.real_genai

F32 = dict(real_genai.F32_PROPERTIES)
IMAGES = {"wide": {"shape": [56, 84, 3], "seed": 1}, "square": {"shape": [1, 112, 112, 3], "seed": 2}}
VLM_CONVERSATIONS = [
    {"chat": False, "turns": [{"prompt": "Describe the picture", "images": []}]},
    {"chat": False, "turns": [{"prompt": "Describe the picture", "images": ["wide"]}]},
    {"chat": False, "turns": [{"prompt": "Describe the picture", "images": ["square"]}]},
    {"chat": False, "turns": [{"prompt": "Describe the picture", "images": ["wide", "square"]}]},
    {"chat": False, "turns": [{"prompt": "What is in it?", "images": ["square"], "stop_after": 3}]},
    {"chat": True, "turns": [{"prompt": "Hello", "images": ["wide"]}, {"prompt": "And then?", "images": []},
                             {"prompt": "Compare", "images": ["square", "wide"]}]},
]
AUDIOS = {"noise": {"seconds": 3, "seed": 1}, "silence": {"seconds": 2, "seed": 0, "amplitude": 0},
          "long": {"seconds": 40, "seed": 3}}
WHISPER_RUNS = [
    {"audio": "noise", "config": {}},
    {"audio": "silence", "config": {}},
    {"audio": "noise", "config": {"return_timestamps": True}},
    {"audio": "long", "config": {}},
    {"audio": "long", "config": {"return_timestamps": True}},
    {"audio": "noise", "config": {"language": "<|de|>", "task": "translate"}},
    {"audio": "noise", "config": {"language": "<|fr|>", "task": "transcribe", "return_timestamps": True}},
]
CONFIG_NAMES = ["decoder_start_token_id", "pad_token_id", "translate_token_id", "transcribe_token_id",
                "prev_sot_token_id", "no_timestamps_token_id", "max_initial_timestamp_index", "is_multilingual",
                "language", "task", "return_timestamps", "suppress_tokens", "begin_suppress_tokens"]
# Unset in the tiny model's config: the C getter returns NOT_FOUND, Python openvino_genai says None.
UNSET_OPTIONAL_STRINGS = ("language", "task")
CFFI_LEGS = [  # (mode, image source, streaming form): every mode meets every image source and form
    ("abi", "tensor", "callback"), ("abi", "numpy", "iterator"), ("api", "tensor", "iterator"), ("api", "numpy", "callback"),
]


@pytest.fixture(scope="module")
def install() -> real_genai.GenAIInstall:
    install = real_genai.install_or_skip()
    real_genai.same_release_as_reference_or_skip(install, 'VLM and Whisper outputs are compared with Python openvino_genai')
    return install


@pytest.fixture(scope="module")
def vlm_job(install: real_genai.GenAIInstall, tiny_qwen2_vl: Path) -> dict[str, Any]:
    return {"kind": "vlm", "model": str(tiny_qwen2_vl), "properties": F32, "config": {"max_new_tokens": 12},
            "images": IMAGES, "conversations": VLM_CONVERSATIONS}


@pytest.fixture(scope="module")
def vlm_reference(vlm_job: dict[str, Any]) -> Any:
    return rsv.reference(vlm_job)


def guaranteed(results: Any, max_new_tokens: int = 12) -> Any:
    """What the library guarantees of VLM_CONVERSATIONS' answers, to compare. A turn its streamer stopped
    (stop_after) keeps its chunks, but not its text and token count: on the default backend the generation
    runs on while the library's streaming thread waits for the callback's answer, and stops when it reads
    the STOP, so the answer may hold more tokens than were streamed, how many depending on timing, in the
    official package as through any binding (tests/double/MEASURED.md, Streaming)."""
    out = []
    for conversation, turns in zip(VLM_CONVERSATIONS, results):
        row = []
        for spec, turn in zip(conversation["turns"], turns):
            if spec.get("stop_after"):
                turn = {"chunks": turn["chunks"], "num_input_tokens": turn["num_input_tokens"],
                        "text starts with the chunks": turn["text"].startswith("".join(turn["chunks"])),
                        "stopped within the limit": spec["stop_after"] <= turn["num_generated_tokens"] <= max_new_tokens}
            row.append(turn)
        out.append(row)
    return out


def whisper_job(model: Path, properties: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"kind": "whisper", "model": str(model), "properties": properties or F32, "audios": AUDIOS,
            "runs": WHISPER_RUNS}


@pytest.fixture(scope="module")
def whisper_reference(install: real_genai.GenAIInstall, tiny_whisper: Path) -> Any:
    return [{k: v for k, v in run.items() if k != "words"} for run in rsv.reference(whisper_job(tiny_whisper))]


def test_vlm_reference_is_a_real_comparison(vlm_reference: Any) -> None:
    # The reference itself: images change the answer, streaming pieces make up the text, STOP stops.
    single = [conversation[0] for conversation in vlm_reference[:4]]
    assert len({turn["text"] for turn in single}) == 4, single
    assert [turn["num_input_tokens"] for turn in single] == sorted({turn["num_input_tokens"] for turn in single})
    for turn in single:
        assert turn["text"] and "".join(turn["chunks"]) == turn["text"]
        assert turn["num_generated_tokens"] == 12
    [stopped] = vlm_reference[4]  # STOP at chunk 3, then the library's final flush (MEASURED.md)
    assert 3 <= len(stopped["chunks"]) <= 4 and stopped["text"].startswith("".join(stopped["chunks"])), stopped
    chat = vlm_reference[5]
    assert chat[0]["num_input_tokens"] < chat[1]["num_input_tokens"] < chat[2]["num_input_tokens"], chat


def test_vlm_in_c_equals_python_openvino_genai(install: real_genai.GenAIInstall, vlm_job: dict[str, Any],
                                               vlm_reference: Any) -> None:
    assert guaranteed(rsv.c_library(install, vlm_job)) == guaranteed(vlm_reference)


HISTORY = [{"role": "user", "content": "Hello"}, {"role": "assistant", "content": "Hi there"},
           {"role": "user", "content": "Describe the picture"}]


@pytest.mark.parametrize("mode,streaming", [("abi", "callback"), ("api", "iterator")])
def test_vlm_chat_history_through_cffi_equals_python_openvino_genai(install: real_genai.GenAIInstall,
                                                                    vlm_job: dict[str, Any], build_dir: Path,
                                                                    mode: str, streaming: str) -> None:
    job = {**vlm_job, "conversations": [{"chat": False, "turns": [{"history": HISTORY, "images": names}]}
                                        for names in ([], ["wide"], ["wide", "square"])]}
    reference = rsv.reference(job)
    assert len({conversation[0]["num_input_tokens"] for conversation in reference}) == 3, reference
    assert rsv.cffi(install, job, mode, build_dir / "cffi", streaming=streaming) == reference


@pytest.mark.parametrize("mode,image_source,streaming", CFFI_LEGS)
def test_vlm_through_cffi_equals_python_openvino_genai(install: real_genai.GenAIInstall, vlm_job: dict[str, Any],
                                                       vlm_reference: Any, build_dir: Path, mode: str,
                                                       image_source: str, streaming: str) -> None:
    got = rsv.cffi(install, vlm_job, mode, build_dir / "cffi", image_source=image_source, streaming=streaming)
    assert guaranteed(got) == guaranteed(vlm_reference)


@pytest.mark.parametrize("mode", ["abi", "api"])
def test_vlm_stop_keeps_its_chunks_while_the_generation_runs_on(install: real_genai.GenAIInstall,
                                                                vlm_job: dict[str, Any], build_dir: Path,
                                                                mode: str) -> None:
    """Why guaranteed() compares a stopped turn's chunks only: a callback slow to answer STOP lets the
    generation run on (the answer holds more than was streamed, in the official package as through cffi),
    while the chunks stay those of the stop (the library's final flush included) and no later chunk arrives."""
    slow = {"prompt": "What is in it?", "images": ["square"], "stop_after": 3, "stop_delay": 0.5}
    job = {**vlm_job, "conversations": [{"chat": False, "turns": [slow]}]}
    [[reference]] = rsv.reference(job)
    [[got]] = rsv.cffi(install, job, mode, build_dir / "cffi")
    [quick] = rsv.reference({**vlm_job, "conversations": [{"chat": False, "turns": [{**slow, "stop_delay": 0}]}]})[0]
    for turn in (reference, got):
        assert turn["chunks"] == quick["chunks"] and len(turn["chunks"]) == 4, (turn, quick)
        assert turn["text"].startswith("".join(turn["chunks"])) and turn["text"] != "".join(turn["chunks"]), turn
    assert got == reference


def test_whisper_reference_is_a_real_comparison(whisper_reference: Any) -> None:
    noise, silence, stamped, long, long_stamped, german, french = whisper_reference
    assert noise["text"] and noise["text"] != silence["text"]
    assert noise["chunks"] == [] and stamped["chunks"] and long_stamped["chunks"]
    assert max(end for _, end, _ in long_stamped["chunks"]) > 30, "40 s of audio span more than one window"
    assert german["text"] != noise["text"] and french["chunks"]
    assert noise["texts"] == [noise["text"]]


def test_whisper_in_c_equals_python_openvino_genai(install: real_genai.GenAIInstall, tiny_whisper: Path,
                                                   whisper_reference: Any) -> None:
    assert rsv.c_library(install, whisper_job(tiny_whisper)) == whisper_reference


@pytest.mark.parametrize("mode,speech_source", [("abi", "list"), ("api", "numpy")])
def test_whisper_through_cffi_equals_python_openvino_genai(install: real_genai.GenAIInstall, tiny_whisper: Path,
                                                           whisper_reference: Any, build_dir: Path, mode: str,
                                                           speech_source: str) -> None:
    got = rsv.cffi(install, whisper_job(tiny_whisper), mode, build_dir / "cffi", speech_source=speech_source)
    assert got == whisper_reference


def test_whisper_pipeline_made_for_word_timestamps(install: real_genai.GenAIInstall, tiny_whisper: Path,
                                                   build_dir: Path) -> None:
    # The C API passes properties as strings; the library reads "word_timestamps" as a bool.
    reference = rsv.reference(whisper_job(tiny_whisper, {**F32, "word_timestamps": True}))
    assert any(run["words"] for run in reference), "the reference pipeline gives words"
    expected = [{k: v for k, v in run.items() if k != "words"} for run in reference]
    job = whisper_job(tiny_whisper, {**F32, "word_timestamps": "YES"})
    assert rsv.c_library(install, job) == expected
    assert rsv.cffi(install, job, "abi", build_dir / "cffi") == expected


def test_whisper_config_getters_and_setters(install: real_genai.GenAIInstall, tiny_whisper: Path,
                                            build_dir: Path) -> None:
    names = [name for name in CONFIG_NAMES if name not in UNSET_OPTIONAL_STRINGS]
    job = {"kind": "whisper_config", "model": str(tiny_whisper), "properties": F32, "names": names}
    reference = rsv.reference(job)
    assert reference["is_multilingual"] is True and reference["no_timestamps_token_id"] > 0
    assert rsv.cffi(install, job, "abi", build_dir / "cffi") == reference
    job["names"] = CONFIG_NAMES
    changed = {"language": "<|es|>", "task": "translate", "return_timestamps": True, "max_initial_timestamp_index": 7,
               "suppress_tokens": [1, 2, 3], "begin_suppress_tokens": [5]}
    set_job = {**job, "set": changed}
    got = rsv.cffi(install, set_job, "api", build_dir / "cffi")
    assert got == rsv.reference(set_job)
    assert {name: got[name] for name in changed} == changed


def test_unset_optional_strings_read_as_none(install: real_genai.GenAIInstall, tiny_whisper: Path,
                                             build_dir: Path) -> None:
    job = {"kind": "whisper_config", "model": str(tiny_whisper), "properties": F32, "names": list(UNSET_OPTIONAL_STRINGS)}
    reference = rsv.reference(job)
    assert reference == {"language": None, "task": None}
    assert rsv.cffi(install, job, "abi", build_dir / "cffi") == reference


# -- C# (Mono and CoreCLR): Whisper through csharp/tests/RealDrivers/WhisperDriver.cs --

@pytest.fixture(scope="module")
def whisper_driver(install: real_genai.GenAIInstall, dotnet_toolchain: None) -> Path:
    from support import dotnet

    library = dotnet.build_library()
    source = Path(__file__).resolve().parent.parent / "csharp" / "tests" / "RealDrivers" / "WhisperDriver.cs"
    return dotnet.build_exe([source], [library], library.parent / "WhisperDriver.exe")


@pytest.mark.parametrize("runtime", ["mono", "coreclr"])
def test_whisper_in_csharp_equals_python_openvino_genai(runtime: str, install: real_genai.GenAIInstall,
                                                        whisper_driver: Path, tiny_whisper: Path,
                                                        whisper_reference: Any, tmp_path: Path) -> None:
    import numpy as np

    from support import dotnet

    lines = []
    for run in WHISPER_RUNS:
        spec = AUDIOS[run["audio"]]
        audio = (np.random.default_rng(spec["seed"]).standard_normal(int(spec["seconds"] * 16000))
                 * spec.get("amplitude", 0.1)).astype("<f4")
        path = tmp_path / f"{run['audio']}.f32"
        audio.tofile(path)
        config = run["config"]
        lines.append("\t".join([str(path), "1" if config.get("return_timestamps") else "0",
                                config.get("language", ""), config.get("task", "")]))
    env = dotnet.native_env(install.library, install.environment())
    completed = dotnet.RUNNERS[runtime](whisper_driver, [str(tiny_whisper), *(f"{k}={v}" for k, v in F32.items())],
                                        env, input="\n".join(lines) + "\n")
    assert completed.returncode == 0, completed.stderr
    got = []
    for row in completed.stdout.splitlines():
        text, *rest = row.split("\t")
        chunks = [[round(float(rest[i]), 3), round(float(rest[i + 1]), 3), rest[i + 2]] for i in range(0, len(rest), 3)]
        got.append({"text": text, "chunks": chunks})
    expected = [{"text": run["text"], "chunks": run["chunks"]} for run in whisper_reference]
    assert all("\t" not in run["text"] and "\n" not in run["text"] for run in expected), "the driver's line format"
    assert got == expected


# -- C# (Mono and CoreCLR): VLM through csharp/tests/RealDrivers/VlmDriver.cs with OpenVINO.Core tensors --

@pytest.fixture(scope="module")
def vlm_driver(install: real_genai.GenAIInstall, dotnet_toolchain: None) -> tuple[Path, Path]:
    """VlmDriver.exe beside OpenVINO.GenAI.dll, OpenVINO.Core.dll (its dllmap naming the libopenvino_c
    the install uses) and the runtime OpenVINO.Interop.dll; and that libopenvino_c."""
    from support import dotnet

    folder, refs, native = rsv.csharp_references(install, "real-vlm")
    source = Path(__file__).resolve().parent.parent / "csharp" / "tests" / "RealDrivers" / "VlmDriver.cs"
    return dotnet.build_exe([source], refs, folder / "VlmDriver.exe"), native


@pytest.mark.parametrize("runtime,image_source,form", [("mono", "array", "callback"), ("mono", "copy", "iterator"),
                                                       ("coreclr", "copy", "callback"), ("coreclr", "array", "iterator")])
def test_vlm_in_csharp_equals_python_openvino_genai(runtime: str, image_source: str, form: str,
                                                    install: real_genai.GenAIInstall, vlm_driver: tuple[Path, Path],
                                                    vlm_job: dict[str, Any], vlm_reference: Any, tmp_path: Path) -> None:
    import numpy as np

    from support import core_dotnet, dotnet

    exe, native = vlm_driver
    lines = []
    for name, spec in IMAGES.items():
        path = tmp_path / f"{name}.u8"
        np.random.default_rng(spec["seed"]).integers(0, 256, spec["shape"], dtype=np.uint8).tofile(path)
        lines.append("\t".join(["IMAGE", name, str(path), ",".join(map(str, spec["shape"])), image_source]))
    lines.append(f"MAX_NEW_TOKENS\t{vlm_job['config']['max_new_tokens']}")
    for conversation in VLM_CONVERSATIONS:
        if conversation["chat"]:
            lines.append("START_CHAT")
        for turn in conversation["turns"]:
            # The iterator form generates a second time for the results: not inside a chat.
            turn_form = "callback" if conversation["chat"] else form
            lines.append("\t".join(["TURN", turn["prompt"], ",".join(turn["images"]), str(turn.get("stop_after", 0)),
                                    turn_form]))
        if conversation["chat"]:
            lines.append("FINISH_CHAT")
    env = core_dotnet.environment(native, base=dotnet.native_env(install.library, install.environment()))
    completed = dotnet.RUNNERS[runtime](exe, [str(vlm_job["model"]), *(f"{k}={v}" for k, v in F32.items())], env,
                                        input="\n".join(lines) + "\n")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    rows = iter(completed.stdout.splitlines())
    got = []
    for conversation in VLM_CONVERSATIONS:
        turns = []
        for _ in conversation["turns"]:
            text, generated, inputs, *chunks = next(rows).split("\t")
            turns.append({"text": text, "chunks": chunks, "num_generated_tokens": int(generated),
                          "num_input_tokens": int(inputs)})
        got.append(turns)
    assert all("\t" not in piece and "\n" not in piece for turns in vlm_reference for turn in turns
               for piece in [turn["text"], *turn["chunks"]]), "the driver's line format"
    assert guaranteed(got) == guaranteed(vlm_reference)
