"""The C# binding at run time, against the native test double: on Mono, on CoreCLR (.NET 8) and
in-process through pythonnet.

csharp/tests/BindingTests holds the behaviour tests (lifecycle, streaming in every form,
errors, disposal, threads); it runs once per runtime and each of its tests is reported here as
its own pytest case. Struct layouts, native library loading, the samples and pythonnet use are
checked directly.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bindgen import conventions as conv
from bindgen import library as libmod
from bindgen import snapshot, versions
from bindgen.emit import csharp as emitter
from conftest import require_tool
from support import dotnet, double

REPO = Path(__file__).resolve().parent.parent
TESTS = REPO / "csharp" / "tests"
SAMPLES = REPO / "csharp" / "samples"
RUNTIMES = ["mono", "coreclr"]
BINDING_TESTS = sorted(re.findall(r"public static void Test(\w+)\(\)", (TESTS / "BindingTests" / "BindingTests.cs").read_text()))


@pytest.fixture(scope="session")
def double_library(dotnet_toolchain) -> Path:
    return double.build_double()


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory) -> Path:
    # The double accepts any existing path as a model.
    return tmp_path_factory.mktemp("model")


def program(name: str, library_dll: Path, extra: tuple[Path, ...] = ()) -> Path:
    sources = sorted((TESTS / name).glob("*.cs")) + list(extra)
    return dotnet.build_exe(sources, [library_dll], library_dll.parent / f"{name}.exe")


@pytest.fixture(scope="session")
def binding_results(double_library, library_dll, model_dir) -> dict[str, dict[str, str]]:
    """{runtime: {test name: "PASS" or the failure}} from one run of BindingTests per runtime."""
    from support import openvino_wheel

    exe = program("BindingTests", library_dll)
    results: dict[str, dict[str, str]] = {}
    env = dotnet.native_env(double_library)
    env["GENAI_INTEROP_CORE_LIBRARY"] = str(openvino_wheel.c_library())  # real tensors for the VLM tests (CoreTensor.cs)
    for runtime in RUNTIMES:
        completed = dotnet.RUNNERS[runtime](exe, [str(model_dir)], env, timeout=600)
        lines = {}
        for line in completed.stdout.splitlines():
            verdict, _, rest = line.partition(" ")
            name, _, why = rest.partition(": ")
            lines[name] = "PASS" if verdict == "PASS" else why
        if not lines:
            lines["<crash>"] = completed.stdout[-3000:] + completed.stderr[-3000:]
        results[runtime] = lines
    return results


def test_binding_tests_were_all_found(binding_results):
    for runtime in RUNTIMES:
        assert sorted(binding_results[runtime]) == BINDING_TESTS, binding_results[runtime].get("<crash>")


@pytest.mark.parametrize("runtime", RUNTIMES)
@pytest.mark.parametrize("name", BINDING_TESTS)
def test_binding(binding_results, runtime, name):
    assert binding_results[runtime].get(name) == "PASS", binding_results[runtime].get(name)


# -- struct layouts --

def _layouts(api, lib) -> dict[str, int]:
    """What C says: "Type size" and "Type.field offset" under the C# names the emitter gives."""
    builder = emitter.Builder(api, conv.infer(api, lib))
    builder.build_types()
    expected = {}
    for view in builder.structs:
        struct = api.struct(view.c_name)
        expected[view.name] = struct.size
        for field in view.fields:
            expected[f"{view.name}.{field.name}"] = field.offset
    return expected


def _probe(runtime: str, assembly: Path, library_dll: Path) -> dict[str, int]:
    exe = program("LayoutProbe", library_dll)
    completed = dotnet.RUNNERS[runtime](exe, [str(assembly)])
    assert completed.returncode == 0, completed.stderr
    return {k: int(v) for k, v in (line.rsplit(" ", 1) for line in completed.stdout.splitlines())}


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_struct_layouts_match_c(runtime, library_dll):
    api = snapshot.load(snapshot.embedded("genai"))
    expected = _layouts(api, libmod.load("genai"))
    assert expected == {"StreamerCallback": 16, "StreamerCallback.callback_func": 0, "StreamerCallback.args": 8}
    assert _probe(runtime, library_dll, library_dll) == expected


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_struct_layouts_match_c_for_the_core_api(runtime, library_dll, tmp_path):
    """The same emitter on OpenVINO's core API: nested structs, enums, pointers, a tag-only enum."""
    api = snapshot.load(snapshot.embedded("core"))
    lib = libmod.load("core")
    source = tmp_path / "src"
    source.mkdir()
    for name, text in emitter.render(api, conv.infer(api, lib), versions.prepare(api, lib)).items():
        (source / name).write_text(text, encoding="utf-8")
    assembly = tmp_path / "OpenVINO.Core.dll"
    interop = dotnet.build_runtime(tmp_path)
    completed = subprocess.run([require_tool("mcs"), *dotnet.MCS_FLAGS, "-target:library", f"-out:{assembly}", f"-r:{interop}",
                                *sorted(map(str, source.glob("*.cs")))], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    expected = _layouts(api, lib)
    assert len(expected) > 30
    assert _probe(runtime, assembly, library_dll) == expected


# -- native library loading --

def _bare_env(**extra: str) -> dict[str, str]:
    """An environment in which nothing points at a GenAI library."""
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("OPENVINO_GENAI_DIR", "LD_LIBRARY_PATH", "GENAI_INTEROP_LIBRARY")}
    env.update(extra)
    return env


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_load_failure_says_what_was_searched_and_how_to_fix_it(runtime, library_dll, tmp_path):
    exe = program("LoaderProbe", library_dll)
    completed = dotnet.RUNNERS[runtime](exe, [], _bare_env(OPENVINO_GENAI_DIR=str(tmp_path)))
    output = completed.stdout
    assert output.startswith("System.DllNotFoundException"), output + completed.stderr
    assert "Could not load the native library 'openvino_genai_c'" in output
    assert f"OPENVINO_GENAI_DIR={tmp_path}" in output
    assert "Searched:" in output and "LD_LIBRARY_PATH" in output
    assert "Fix: set OPENVINO_GENAI_DIR to the root of an install (the folder holding runtime/lib/intel64)" in output
    if runtime == "coreclr":
        assert f"  {tmp_path}/libopenvino_genai_c.so" not in output  # only files that exist are listed
    else:  # the folders searched, then Mono's own search
        assert f"Searched: {tmp_path}, " in output and "(no libopenvino_genai_c.so)" in output
        assert "OpenVINO.GenAI.dll.config (dllmap)" in output


@pytest.mark.parametrize("layout", ["runtime/lib/intel64", "lib", ""])
def test_coreclr_finds_the_library_from_OPENVINO_GENAI_DIR_alone(layout, double_library, library_dll, tmp_path):
    """Archive layout, plain prefix or the folder itself; only a versioned file name, as in the
    openvino wheel; no LD_LIBRARY_PATH."""
    folder = tmp_path / layout if layout else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(double_library, folder / "libopenvino_genai_c.so.2630")
    exe = program("LoaderProbe", library_dll)
    completed = dotnet.run_coreclr(exe, [], _bare_env(OPENVINO_GENAI_DIR=str(tmp_path)))
    assert completed.stdout.strip() == "loaded", completed.stdout + completed.stderr


def test_mono_without_OPENVINO_GENAI_DIR_uses_the_library_path(double_library, library_dll):
    """Mono's own search (tests/test_csharp_loading.py covers OPENVINO_GENAI_DIR); the shipped dll.config maps
    nothing, so that a dllmap a user adds there is the only one."""
    config = library_dll.parent / "OpenVINO.GenAI.dll.config"
    assert "<dllmap" not in config.read_text().split("-->")[-1]
    exe = program("LoaderProbe", library_dll)
    completed = dotnet.run_mono(exe, [], _bare_env(LD_LIBRARY_PATH=str(double_library.parent)))
    assert completed.stdout.startswith("loaded"), completed.stdout + completed.stderr


def test_elf_dependency_reader(library_dll):
    """The loader preloads DT_NEEDED libraries found in the install (GenAI's have no RUNPATH)."""
    code = "import sys\nfrom OpenVINO.Interop import ElfFile\nprint(list(ElfFile.Needed(sys.argv[1])))\n"
    sample = Path(shutil.which("mono") or "/bin/sh").resolve()
    completed = dotnet.pythonnet_script(code, "coreclr", library_dll, args=[str(sample)])
    assert completed.returncode == 0, completed.stderr
    needed = eval(completed.stdout)
    assert "libc.so.6" in needed, needed


# -- samples --

@pytest.fixture(scope="session")
def samples(library_dll) -> dict[str, Path]:
    return {name: dotnet.build_exe([SAMPLES / name / f"{name}.cs", SAMPLES / "SampleOptions.cs"], [library_dll],
                                   library_dll.parent / f"{name}.exe")
            for name in ("ChatSample", "GreedySample")}


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_chat_sample_streams_a_multi_turn_chat(runtime, samples, double_library, model_dir):
    env = dotnet.native_env(double_library)
    chat = dotnet.RUNNERS[runtime](samples["ChatSample"], [str(model_dir), "--max-new-tokens", "20"], env,
                                   input="What is OpenVINO?\nTell me more.\n")
    assert chat.returncode == 0, chat.stderr
    # Each turn: "question:", the piped question echoed, the streamed answer, a rule.
    turns = [block.split("question:\n", 1)[1].split("\n", 1) for block in chat.stdout.split("----------")[:-1]]
    assert [question for question, _ in turns] == ["What is OpenVINO?", "Tell me more."]
    answers = [answer.strip() for _, answer in turns]
    assert len(answers) == 2 and all(answers) and answers[0] != answers[1]
    greedy = dotnet.RUNNERS[runtime](samples["GreedySample"], [str(model_dir), "What is OpenVINO?", "--max-new-tokens", "20"], env)
    assert greedy.returncode == 0, greedy.stderr
    # The first chat turn answers like a plain generate of the same prompt.
    assert greedy.stdout.strip() == answers[0]
    streamed = dotnet.RUNNERS[runtime](samples["GreedySample"], [str(model_dir), "What is OpenVINO?", "--max-new-tokens", "20", "--stream"], env)
    assert streamed.stdout == greedy.stdout


def test_samples_report_errors(samples, double_library, model_dir):
    env = dotnet.native_env(double_library)
    missing = dotnet.run_coreclr(samples["GreedySample"], [str(model_dir / "nope"), "Hi"], env)
    assert missing.returncode == 1
    assert "ov_genai_llm_pipeline_create failed with status UNKNOW_EXCEPTION (-17)" in missing.stderr
    usage = dotnet.run_mono(samples["ChatSample"], [], env)
    assert usage.returncode == 2 and "usage: ChatSample MODEL_DIR" in usage.stderr


# -- pythonnet --

PYTHONNET_CHECKS = r"""
import json, sys, threading
from System import Func, String, ObjectDisposedException, ArgumentNullException
from OpenVINO.GenAI import ChatHistory, GenerationConfig, LLMPipeline, StreamingStatus, GenAIException

class Boom(Exception):
    pass

results = {}
model = sys.argv[1]
pipe = LLMPipeline(model, "CPU")
config = GenerationConfig()
config.MaxNewTokens = 20
expected = pipe.Generate("Hello", config).ToString()
results["stream"] = "".join(pipe.Stream("Hello", config)) == expected
chunks, threads = [], set()
def on_chunk(chunk):
    chunks.append(chunk)
    threads.add(threading.get_ident())
    return StreamingStatus.Running
r = pipe.Generate("Hello", config, Func[String, StreamingStatus](on_chunk))
results["callback"] = "".join(chunks) == r.ToString() == expected
results["worker_thread"] = any(t != threading.get_ident() for t in threads)
calls = []
def explode(chunk):
    calls.append(chunk)
    raise Boom("python error")
try:
    pipe.Generate("Hello", config, Func[String, StreamingStatus](explode))
    results["exception"] = "not raised"
except Boom as e:
    results["exception"] = str(e) == "python error" and len(calls) == 1
try:
    LLMPipeline(model + "/nope", "CPU")
except GenAIException as e:
    results["status"] = e.StatusName
try:
    from System.Threading import CancellationToken
    pipe.Generate.Overloads[String, GenerationConfig, CancellationToken](None, config, getattr(CancellationToken, "None"))
except ArgumentNullException as e:
    results["null"] = e.ParamName
history = ChatHistory()
history.Append("user", "Hello")
before = history.Count
results["history"] = pipe.Generate(history, config).ToString() == pipe.Generate("Hello", config).ToString() or "differs"
results["history_kept"] = history.Count == before and str(history[0]["content"]) == "Hello"
pipe.Dispose()
try:
    pipe.Generate(history, config)
except ObjectDisposedException:
    results["disposed"] = True
print(json.dumps(results))
"""


@pytest.mark.parametrize("runtime", ["coreclr", "mono"])
def test_pythonnet_in_process(runtime, library_dll, double_library, model_dir):
    if runtime == "mono" and not any(Path(p).exists() for p in ("/usr/lib/libmonosgen-2.0.so.1", "/usr/lib/x86_64-linux-gnu/libmonosgen-2.0.so.1")):
        pytest.skip("pythonnet on Mono needs libmonosgen-2.0-1 (scripts/setup.sh installs it)")
    completed = dotnet.pythonnet_script(PYTHONNET_CHECKS, runtime, library_dll, dotnet.native_env(double_library),
                                        [str(model_dir)])
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert json.loads(completed.stdout.strip().splitlines()[-1]) == {
        "stream": True, "callback": True, "worker_thread": True, "exception": True,
        "status": "UNKNOW_EXCEPTION", "null": "inputs", "history": True, "history_kept": True, "disposed": True}
