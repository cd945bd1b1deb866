"""C#: failures the GenAI C library reports as UNKNOW_EXCEPTION (-17) without text are diagnosed before the
exception is made (issue 11, point 3; OpenVINO.Interop.FailureDiagnosis, [diagnosis] in genai.toml), on Mono
and CoreCLR: model path, device (listed by OpenVINO's core C library beside the GenAI one), tokenizers
library, a pipeline busy with another generation; CACHE_ENCRYPTION_CALLBACKS is refused before the call.
The same checks and texts as the Python runtime (tests/test_diagnosis_cffi.py).

Program: csharp/tests/DiagnosisProbe. Against the native test double (which fails the same way) laid out as
an install with the openvino wheel's libraries beside it, and, with OPENVINO_GENAI_DIR, the real library.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from support import dotnet
from support.double import build_double
from support.stand_ins import other_genai
from support.tiny_model import make_tiny_gguf

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO / "csharp" / "tests" / "DiagnosisProbe" / "DiagnosisProbe.cs"
RUNTIMES = ("mono", "coreclr")
REAL_DIR = os.environ.get("OPENVINO_GENAI_DIR")
# OpenVINO's description of the status comes first where libopenvino_c is found by its plain name (real installs).
FAILED = " failed with status UNKNOW_EXCEPTION (-17): "
FOUND = "the library reports no detail; found: "


def message(function: str, row: list[str]) -> str:
    """The message after the status, without OpenVINO's description of the status."""
    text = row[2]
    assert text.startswith(function + FAILED), row
    text = text[len(function + FAILED):]
    return text.split("; ", 1)[1] if text.startswith("OpenVINO describes it as") else text


@pytest.fixture(scope="module")
def probe(dotnet_toolchain: None) -> Path:
    library = dotnet.build_library()
    return dotnet.build_exe([SOURCE], [library], library.parent / "DiagnosisProbe.exe")


def run(runtime: str, exe: Path, library: Path, cases: list[list[str]], **env: str) -> dict[str, list[str]]:
    environment = dotnet.native_env(library)
    environment.update(env)
    text = "".join("\t".join(case) + "\n" for case in cases)
    runner = dotnet.run_mono if runtime == "mono" else dotnet.run_coreclr
    result = runner(exe, [], environment, input=text)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = {line.split("\t")[0]: line.split("\t")[1:] for line in result.stdout.splitlines() if "\t" in line}
    assert sorted(rows) == sorted(case[1] for case in cases), result.stdout + result.stderr
    return rows


def wheel_libs() -> Path:
    import openvino

    libs = Path(openvino.__file__).parent / "libs"
    if not any(libs.glob("libopenvino_c.so*")):
        pytest.skip("the openvino wheel has no libopenvino_c")
    return libs


@pytest.fixture(scope="module")
def double_install(tmp_path_factory: Any) -> Path:
    """The double as an install: its library with the openvino wheel's libraries beside it (core C API)."""
    folder = tmp_path_factory.mktemp("double-install-cs")
    for item in wheel_libs().iterdir():
        (folder / item.name).symlink_to(item)
    shutil.copy2(build_double(), folder / "libopenvino_genai_c.so")
    return folder / "libopenvino_genai_c.so"


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_double_failures_are_diagnosed(probe: Path, double_install: Path, runtime: str, tmp_path: Path) -> None:
    model = tmp_path / "model.gguf"
    model.write_bytes(b"GGUF" + bytes(28))
    ir = tmp_path / "ir"
    ir.mkdir()
    for name in ("openvino_model.xml", "openvino_model.bin", "openvino_detokenizer.xml"):
        (ir / name).write_text("x")
    no_tokenizer = tmp_path / "no-tokenizer"
    no_tokenizer.mkdir()
    for name in ("openvino_model.xml", "openvino_model.bin", "openvino_detokenizer.xml", "openvino_detokenizer.bin"):
        (no_tokenizer / name).write_text("x")
    rows = run(runtime, probe, double_install, [
        ["create", "missing", "llm", str(tmp_path / "missing.gguf"), "CPU"],
        ["create", "empty", "llm", "", "CPU"],
        ["create", "unpaired", "llm", str(ir), "CPU"],
        ["create", "npu9", "llm", str(model), "NPU9"],
        ["create", "auto", "vlm", str(tmp_path), "AUTO:NPU9,CPU"],
        ["create", "unknown", "llm", str(model), "CPU", "NOT_A_PROPERTY=1"],
        ["create", "refused", "whisper", str(model), "CPU", "CACHE_ENCRYPTION_CALLBACKS=0x1234"],
        ["create", "draft", "llm", str(model), "CPU", "draft_model=" + str(model)],
        ["busy", "busy", str(model)],
        ["gen", "at-call", str(no_tokenizer)],
    ])
    assert message("ov_genai_llm_pipeline_generate", rows["at-call"]) == (
        f"{FOUND}this LLMPipeline was created from the folder {str(no_tokenizer)!r}, which has no openvino_tokenizer.xml: "
        "ov_genai_llm_pipeline_generate needs it (creating the pipeline did not)")
    assert rows["missing"][:2] == ["GenAIException`1", "UNKNOW_EXCEPTION"]
    assert message("ov_genai_llm_pipeline_create", rows["missing"]) == (
        f"{FOUND}the model path {str(tmp_path / 'missing.gguf')!r} does not exist (the nearest existing folder is "
        f"{str(tmp_path)!r})")
    # Was "(looking for the cause failed: ArgumentException: The specified path is not of a legal form (empty).)".
    assert message("ov_genai_llm_pipeline_create", rows["empty"]) == (
        f"{FOUND}the model path is empty (name a model folder or a model file)")
    assert rows["draft"][0] == "ArgumentException"
    assert rows["draft"][2].startswith("properties: the property 'draft_model' is not supported: upstream takes the "
                                       "object openvino_genai.draft_model(path, device) returns")
    assert message("ov_genai_llm_pipeline_create", rows["unpaired"]) == (
        f"{FOUND}in the model folder {str(ir)!r}, openvino_detokenizer.xml is there without openvino_detokenizer.bin "
        "(the library reads them together)")
    assert rows["npu9"][2].endswith("found: device 'NPU9' is not available here (available: CPU)"), rows["npu9"]
    assert ("found: the folder" in rows["auto"][2] and "is not a visual language model: config.json, " in rows["auto"][2]
            and " missing (expected [config.json, " in rows["auto"][2])
    assert rows["auto"][2].endswith("; device 'AUTO:NPU9,CPU' names 'NPU9', not available here (available: CPU)")
    assert message("ov_genai_llm_pipeline_create", rows["unknown"]) == "the library reports no further detail"
    assert rows["refused"][0] == "ArgumentException"
    assert rows["refused"][2].startswith("properties: the property 'CACHE_ENCRYPTION_CALLBACKS' is not supported: its "
                                         "value is a struct of two C function pointers")
    assert message("ov_genai_llm_pipeline_generate", rows["busy"]) == (
        f"{FOUND}this LLMPipeline is busy with another generation: LLMPipeline.Generate called from a lambda in "
        "DiagnosisProbe (ov_genai_llm_pipeline_generate) on thread 'holder' (one LLMPipeline runs one generation at a "
        "time)")


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_double_tokenizers_library_named_but_missing(probe: Path, double_install: Path, runtime: str,
                                                     tmp_path: Path) -> None:
    missing = tmp_path / "libopenvino_tokenizers.so"
    model = tmp_path / "model.gguf"
    model.write_bytes(b"GGUF" + bytes(28))
    ir = tmp_path / "ir"
    ir.mkdir()
    for name in ("openvino_model.xml", "openvino_model.bin", "openvino_detokenizer.xml"):
        (ir / name).write_text("x")
    rows = run(runtime, probe, double_install, [["create", "named", "llm", str(model), "CPU"]],
               OPENVINO_TOKENIZERS_PATH_GENAI=str(missing))
    assert message("ov_genai_llm_pipeline_create", rows["named"]) == (
        f"{FOUND}the openvino_tokenizers library is looked for at {str(missing)!r} ($OPENVINO_TOKENIZERS_PATH_GENAI), "
        "which is not a file"), rows["named"]


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_another_libopenvino_genai_in_the_process_is_not_the_double_s(probe: Path, double_install: Path, runtime: str,
                                                                      tmp_path: Path) -> None:
    """The tokenizers library is looked for beside the libopenvino_genai the failing C library is bound to; the
    double needs none, so another copy in the process (another component's, preloaded here) is not asked about.
    Before: the copy in the process's mappings was taken, whichever it was."""
    other = other_genai(tmp_path / "other-package")
    model = tmp_path / "model.gguf"
    model.write_bytes(b"GGUF" + bytes(28))
    rows = run(runtime, probe, double_install, [["create", "unknown", "llm", str(model), "CPU", "NOT_A_PROPERTY=1"]],
               LD_PRELOAD=str(other), OPENVINO_TOKENIZERS_PATH_GENAI="")
    assert message("ov_genai_llm_pipeline_create", rows["unknown"]) == "the library reports no further detail", rows


real = pytest.mark.skipif(not REAL_DIR, reason="needs the real OpenVINO GenAI C library: set OPENVINO_GENAI_DIR")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: Any) -> Path:
    path = tmp_path_factory.mktemp("tiny-cs") / "tiny.gguf"
    make_tiny_gguf(path, 1)
    return path


@real
@pytest.mark.parametrize("runtime", RUNTIMES)
def test_real_library_failures_are_diagnosed(probe: Path, tiny: Path, runtime: str) -> None:
    library = Path(str(REAL_DIR)) / "lib" / "libopenvino_genai_c.so"
    rows = run(runtime, probe, library, [
        ["create", "missing", "llm", str(tiny.with_name("missing.gguf")), "CPU"],
        ["create", "npu9", "llm", str(tiny), "NPU9"],
        ["create", "whisper", "whisper", str(tiny), "CPU"],
        ["create", "refused", "llm", str(tiny), "CPU", "CACHE_ENCRYPTION_CALLBACKS=x"],
        ["busy", "busy", str(tiny)],
        ["create", "fine", "llm", str(tiny), "CPU"],
    ])
    assert message("ov_genai_llm_pipeline_create", rows["missing"]).startswith(f"{FOUND}the model path ")
    assert "missing.gguf' does not exist" in rows["missing"][2]
    assert "found: device 'NPU9' is not available here (available: CPU" in rows["npu9"][2]
    assert "is a file; a Whisper model is loaded from a folder" in rows["whisper"][2]
    assert rows["refused"][0] == "ArgumentException"
    assert ("this LLMPipeline is busy with another generation: LLMPipeline.Generate called from a lambda in "
            "DiagnosisProbe (ov_genai_llm_pipeline_generate) on thread 'holder'") in rows["busy"][2]
    assert rows["fine"] == ["OK"]


@real
@pytest.mark.parametrize("runtime", RUNTIMES)
def test_real_library_without_the_tokenizers_library(probe: Path, tiny: Path, runtime: str, tmp_path: Path) -> None:
    lib = Path(str(REAL_DIR)) / "lib"
    if not (lib / "libopenvino_tokenizers.so").exists():
        pytest.skip(f"{lib} has no libopenvino_tokenizers.so beside the GenAI library to leave out")
    copy = tmp_path / "lib"
    copy.mkdir()
    for item in lib.iterdir():
        if item.name != "libopenvino_tokenizers.so":
            if item.is_symlink():
                (copy / item.name).symlink_to(os.readlink(item))
            else:
                shutil.copy2(item, copy / item.name)
    rows = run(runtime, probe, copy / "libopenvino_genai_c.so", [["create", "notok", "llm", str(tiny), "CPU"]])
    assert rows["notok"][2].endswith(f"found: the openvino_tokenizers library is not where the library looks for it: "
                                     f"{str(copy / 'libopenvino_tokenizers.so')!r} does not exist (put it there, or "
                                     "name the file in $OPENVINO_TOKENIZERS_PATH_GENAI)"), rows["notok"]
