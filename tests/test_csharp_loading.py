"""Finding the native library on Mono from OPENVINO_GENAI_DIR alone (no LD_LIBRARY_PATH).

Mono asks no DllImport resolver: it binds a name when it JIT-compiles the calling method. The
generated NativeLibraryLoader.Initialize(), run from the static constructor of every class of the
binding (before any of their native calls is compiled), loads the library found under
OPENVINO_GENAI_DIR by full path, the libraries it needs from the same folder first, and maps the
DllImport name to that file in Mono's global dllmap (mono_dllmap_insert). These tests build
installs in tmp the way archives lay them out and run programs with LD_LIBRARY_PATH unset:

- the test double under its own name (libopenvino_genai_c.so, soname the same);
- an archive-like double: only a versioned file name (libopenvino_genai_c.so.2630, soname the same,
  which Mono's own search never asks for) and a dependency beside it that it finds only when that
  was loaded first (no RUNPATH), as the GenAI libraries of an archive.

The same generated loader serves OpenVINO.Core (OPENVINO_DIR, the openvino wheel's versioned
libopenvino_c). The real GenAI library: tests/test_csharp_real.py.
"""
from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import BUILD, require_tool
from support import dotnet, double

REPO = Path(__file__).resolve().parent.parent
TESTS = REPO / "csharp" / "tests"
SAMPLES = REPO / "csharp" / "samples"
LAYOUTS = ["runtime/lib/intel64", "lib", ""]
VERSIONED = "libopenvino_genai_c.so.2630"
DEPENDENCY = "libgenai_interop_dependency.so.7"


@pytest.fixture(scope="session")
def double_library(dotnet_toolchain) -> Path:
    return double.build_double()


@pytest.fixture(scope="session")
def archive_double(double_library) -> dict[str, Path]:
    """The double as an archive ships GenAI: versioned name and soname, no RUNPATH, a DT_NEEDED
    library in the same folder. Built once into build/csharp/loading."""
    gcc = require_tool("gcc")
    out = BUILD / "csharp" / "loading"
    scratch = out / f".build-{os.getpid()}"  # other pytest processes may build at the same time
    scratch.mkdir(parents=True, exist_ok=True)
    source = scratch / "dependency.c"
    source.write_text("int genai_interop_dependency_marker(void) { return 7; }\n")
    commands = [
        [gcc, "-shared", "-fPIC", "-O2", f"-Wl,-soname,{DEPENDENCY}", str(source), "-o", str(scratch / DEPENDENCY)],
        [gcc, *double.CFLAGS, f"-I{double.GENERATED_INCLUDE}", *map(str, sorted(double.SOURCE_DIR.glob("*.c"))),
         "-lm", f"-Wl,-soname,{VERSIONED}", "-Wl,--no-as-needed", f"-L{scratch}", f"-l:{DEPENDENCY}",
         "-o", str(scratch / VERSIONED)],
    ]
    try:
        for command in commands:
            completed = subprocess.run(command, capture_output=True, text=True)
            assert completed.returncode == 0, " ".join(command) + "\n" + completed.stderr
        for name in (DEPENDENCY, VERSIONED):
            os.replace(scratch / name, out / name)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    dependency, library = out / DEPENDENCY, out / VERSIONED
    return {"library": library, "dependency": dependency}


@pytest.fixture(scope="session")
def greedy_sample(library_dll) -> Path:
    return dotnet.build_exe([SAMPLES / "GreedySample" / "GreedySample.cs", SAMPLES / "SampleOptions.cs"], [library_dll],
                            library_dll.parent / "GreedySample.exe")


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("model")  # the double accepts any existing path


@pytest.fixture(scope="session")
def streamed_with_library_path(greedy_sample, double_library, model_dir) -> str:
    """What GreedySample --stream prints on Mono found the established way (LD_LIBRARY_PATH)."""
    completed = dotnet.run_mono(greedy_sample, [str(model_dir), "What is OpenVINO?", "--max-new-tokens", "12", "--stream"],
                                dotnet.native_env(double_library))
    assert completed.returncode == 0 and completed.stdout.strip(), completed.stdout + completed.stderr
    return completed.stdout


def program(name: str, library_dll: Path) -> Path:
    return dotnet.build_exe(sorted((TESTS / name).glob("*.cs")), [library_dll], library_dll.parent / f"{name}.exe")


def bare_env(**extra: str) -> dict[str, str]:
    """Nothing points at a GenAI library, and LD_LIBRARY_PATH is unset."""
    env = {k: v for k, v in os.environ.items() if k not in ("OPENVINO_GENAI_DIR", "LD_LIBRARY_PATH", "GENAI_INTEROP_LIBRARY")}
    env.update(extra)
    return env


def install(root: Path, layout: str, files: dict[str, Path]) -> Path:
    """Copies `files` ({name in the install: source}) into root/layout; returns that folder."""
    folder = root / layout if layout else root
    folder.mkdir(parents=True, exist_ok=True)
    for name, source in files.items():
        shutil.copyfile(source, folder / name)
    return folder


def test_the_archive_double_needs_its_dependency_loaded_first(archive_double):
    """The premise of the versioned cases: dlopen by full path alone fails (no RUNPATH)."""
    with pytest.raises(OSError, match=DEPENDENCY):
        ctypes.CDLL(str(archive_double["library"]))
    assert elf_needed(archive_double["library"]) >= {DEPENDENCY}


def elf_needed(path: Path) -> set[str]:
    """DT_NEEDED names as readelf reports them."""
    readelf = require_tool("readelf")
    output = subprocess.run([readelf, "-d", str(path)], capture_output=True, text=True, check=True).stdout
    return {line.split("[", 1)[1].split("]", 1)[0] for line in output.splitlines() if "(NEEDED)" in line}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("variant", ["double", "archive"])
def test_mono_streams_with_only_OPENVINO_GENAI_DIR(variant, layout, archive_double, double_library, greedy_sample,
                                                   model_dir, streamed_with_library_path, tmp_path):
    files = ({"libopenvino_genai_c.so": double_library} if variant == "double"
             else {VERSIONED: archive_double["library"], DEPENDENCY: archive_double["dependency"]})
    install(tmp_path, layout, files)
    completed = dotnet.run_mono(greedy_sample, [str(model_dir), "What is OpenVINO?", "--max-new-tokens", "12", "--stream"],
                                bare_env(OPENVINO_GENAI_DIR=str(tmp_path)))
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout == streamed_with_library_path


def test_mono_says_which_dependency_is_missing(archive_double, library_dll, tmp_path):
    folder = install(tmp_path, "runtime/lib/intel64", {VERSIONED: archive_double["library"]})
    output = dotnet.run_mono(program("LoaderProbe", library_dll), [], bare_env(OPENVINO_GENAI_DIR=str(tmp_path))).stdout
    assert output.startswith("System.DllNotFoundException"), output
    assert f"A library is at {folder}/{VERSIONED}, but loading it failed: {DEPENDENCY}: cannot open shared object file" in output
    assert f"Fix: put the libraries it needs in {folder} (where they are loaded from first)" in output


def test_a_dllmap_in_the_config_wins_on_mono(double_library, library_dll, tmp_path):
    """An explicit dllmap next to the assembly is followed before OPENVINO_GENAI_DIR, and a wrong one is named."""
    app = tmp_path / "app"
    app.mkdir()
    for dll in dotnet.with_runtime([library_dll]):
        shutil.copyfile(dll, app / dll.name)
    probe = program("LoaderProbe", library_dll)
    shutil.copyfile(probe, app / probe.name)
    installed = tmp_path / "install"
    install(installed, "runtime/lib/intel64", {"libopenvino_genai_c.so": double_library})
    config = app / "OpenVINO.GenAI.dll.config"
    env = bare_env(OPENVINO_GENAI_DIR=str(installed))

    config.write_text('<configuration>\n  <dllmap dll="openvino_genai_c" target="/nonexistent/libopenvino_genai_c.so" />\n</configuration>\n')
    output = dotnet.run_mono(app / probe.name, [], env).stdout
    assert output.startswith("System.DllNotFoundException"), output
    assert "OpenVINO.GenAI.dll.config maps it to '/nonexistent/libopenvino_genai_c.so'" in output

    elsewhere = install(tmp_path / "elsewhere", "", {VERSIONED: double_library})
    config.write_text(f'<configuration>\n  <dllmap dll="openvino_genai_c" target="{elsewhere / VERSIONED}" />\n</configuration>\n')
    output = dotnet.run_mono(app / probe.name, [], bare_env(OPENVINO_GENAI_DIR=str(tmp_path / "empty"))).stdout
    assert output.startswith("loaded"), output


def test_raw_layer_callers_on_mono_initialize_first(double_library, library_dll, tmp_path):
    """Mono binds a DllImport when it compiles the calling method: a program calling NativeMethods
    directly gets OPENVINO_GENAI_DIR only after NativeLibraryLoader.Initialize(), called from an
    earlier method. CoreCLR's resolver needs nothing."""
    install(tmp_path, "runtime/lib/intel64", {"libopenvino_genai_c.so": double_library})
    exe = program("RawLoaderProbe", library_dll)
    env = bare_env(OPENVINO_GENAI_DIR=str(tmp_path))
    assert dotnet.run_mono(exe, [], env).stdout.startswith("System.DllNotFoundException")
    assert dotnet.run_mono(exe, ["initialize"], env).stdout.strip() == "loaded"
    for args in ([], ["initialize"]):
        assert dotnet.run_coreclr(exe, args, env).stdout.strip() == "loaded"


def test_pythonnet_hosted_mono_with_only_OPENVINO_GENAI_DIR(archive_double, library_dll, model_dir, tmp_path):
    install(tmp_path, "runtime/lib/intel64", {VERSIONED: archive_double["library"], DEPENDENCY: archive_double["dependency"]})
    code = ("import sys\nfrom OpenVINO.GenAI import GenerationConfig, LLMPipeline\n"
            "config = GenerationConfig()\nconfig.MaxNewTokens = 8\n"
            "with LLMPipeline(sys.argv[1], 'CPU') as pipe:\n"
            "    print(len(list(pipe.Stream('Hello', config))))\n")
    completed = dotnet.pythonnet_script(code, "mono", library_dll, bare_env(OPENVINO_GENAI_DIR=str(tmp_path)), args=[str(model_dir)])
    assert completed.returncode == 0, completed.stderr
    assert int(completed.stdout.strip()) > 0


def test_core_binding_on_mono_with_only_OPENVINO_DIR(dotnet_toolchain, tmp_path):
    """The same generated loader in OpenVINO.Core: the openvino wheel's libopenvino_c.so.2630 (versioned
    only) from OPENVINO_DIR, with no dll.config and no LD_LIBRARY_PATH."""
    import numpy as np

    from support import core_dotnet, openvino_wheel, tiny_ir

    native = openvino_wheel.c_library()  # skips, saying why, without the wheel
    library = core_dotnet.build_library(native)
    tests = core_dotnet.build_tests(library)
    app = tmp_path / "app"
    core_dotnet.copy_without_config(library, app)
    shutil.copyfile(tests, app / tests.name)
    tiny = tiny_ir.build(tmp_path / "ir")

    def floats(values: np.ndarray) -> str:
        return ",".join(repr(float(v)) for v in values.ravel())

    batch = np.concatenate([tiny_ir.sample_input(1), tiny_ir.sample_input(2)])
    args = [str(tiny.xml), floats(tiny_ir.sample_input()), floats(tiny_ir.sample_input(4)), floats(batch), str(tiny.xml)]
    completed = dotnet.run_mono(app / tests.name, args, bare_env(OPENVINO_DIR=str(Path(native).parent)))
    assert completed.returncode == 0, completed.stdout + completed.stderr
    lines = dict(line.split(": ", 1) for line in completed.stdout.splitlines() if ": " in line)
    assert lines.get("done") == "yes" and lines["version"].startswith("2026.3.0"), completed.stdout
