"""Version-aware generated bindings: the committed packages refuse what the loaded library is too
old for ("needs OpenVINO GenAI >= X") and refuse a library older than the oldest snapshot at load.
Each case runs in a fresh process (loading makes a library current process-wide)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import require_tool
from support import real_genai
from support.version_stubs import STUBS, build_all, build_stub

REPO = Path(__file__).resolve().parent.parent

CFFI_PROBE = r"""
import sys
sys.path.insert(0, sys.argv[1])
import openvino_genai_cffi as g

try:
    native = g.load(sys.argv[2])
except g.UnsupportedLibraryVersion as exc:
    print("load refused:", isinstance(exc, NotImplementedError), exc)
    raise SystemExit(0)
print("loaded:", native.api_version.version, "|".join(native.api_version.candidates))
attempts = [
    ("LLMPipeline", lambda: g.LLMPipeline("/nonexistent", "CPU")),
    ("VLMPipeline", lambda: g.VLMPipeline("/nonexistent", "CPU")),
    # ChatHistory is a plain value: its native object is made when a call takes it.
    ("ChatHistory", lambda: g.ChatHistory([{"role": "user", "content": "x"}])._to_native(g._bindings._ChatHistoryNative)),
]
for name, attempt in attempts:
    try:
        attempt()
    except g.NeedsNewerLibrary as exc:
        print(name, "refused:", isinstance(exc, NotImplementedError), exc)
    except Exception as exc:  # past the version check: the stub's no-op ran
        print(name, "called")
    else:
        print(name, "called")
"""


@pytest.fixture(scope="module")
def stubs(build_dir) -> dict[str, Path]:
    return build_all(require_tool("gcc"), build_dir / "versions_bindings" / "stubs")


def cffi_run(stub: Path) -> list[str]:
    result = subprocess.run([sys.executable, "-c", CFFI_PROBE, str(REPO / "python"), str(stub)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.splitlines()


def test_cffi_refuses_functions_newer_than_the_library(stubs):
    assert cffi_run(stubs["2025.4"]) == [
        "loaded: 2025.4.0.0 2025.4.0.0",
        "LLMPipeline called",
        "VLMPipeline called",
        "ChatHistory refused: True ov_genai_json_container_create_from_json_string needs OpenVINO GenAI >= 2026.0.0.0; "
        "the loaded library is 2025.4.0.0",
    ]


def test_cffi_refuses_the_changed_create_signature_on_2025_1(stubs):
    lines = cffi_run(stubs["2025.1"])
    assert lines[:2] == [
        "loaded: 2025.1.0.0 2025.1.0.0",
        "LLMPipeline refused: True ov_genai_llm_pipeline_create needs OpenVINO GenAI >= 2025.2.0.0; "
        "the loaded library is 2025.1.0.0",
    ]
    # Without the version query 2025.1 and 2025.2 look alike: refused rather than called with the wrong ABI.
    assert cffi_run(stubs["2025.2-noquery"])[1] == (
        "LLMPipeline refused: True ov_genai_llm_pipeline_create needs OpenVINO GenAI >= 2025.2.0.0; "
        "the loaded library is 2025.1.0.0 or 2025.2.0.0")
    assert cffi_run(stubs["2025.2"])[:2] == ["loaded: 2025.2.0.0 2025.2.0.0", "LLMPipeline called"]


def test_cffi_refuses_a_library_older_than_the_oldest_snapshot_at_load(stubs):
    assert cffi_run(stubs["too-old"]) == [
        "load refused: True the loaded OpenVINO GenAI library is older than 2025.1.0.0, the oldest version these "
        "bindings support (missing: ov_genai_llm_pipeline_start_chat)"]


def test_cffi_accepts_the_newest(stubs):
    assert cffi_run(stubs["2026.3"])[0] == "loaded: 2026.3.0.0 2026.3.0.0"


# Every public member whose C function the loaded library lacks, called with None for every argument
# (wrong for most of them): the version check must come first, as in C# (issue 13, defect 11).
CFFI_ORDER_PROBE = r"""
import inspect, re, sys
sys.path.insert(0, sys.argv[1])
import openvino_genai_cffi as g
from openvino_genai_cffi import _bindings

native = g.load(sys.argv[2])
found = native.api_version
REQUIRE = re.compile(r"\.require\('(\w+)'\)")

def newer(source):
    names = REQUIRE.findall(source)
    return names[0] if names and found.table.since.get(names[0], 0) > found.index else None

def nones(function, skip=1):
    params = list(inspect.signature(function).parameters.values())[skip:]
    return [None for p in params if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]

def outcome(call):
    try:
        call()
    except g.NeedsNewerLibrary:
        return "version"
    except (TypeError, ValueError) as exc:
        return f"argument: {exc}"
    return "called"

checked = 0
for cls_name, cls in sorted(vars(_bindings).items()):
    if not (inspect.isclass(cls) and issubclass(cls, g.Handle) and cls.__module__ == _bindings.__name__):
        continue
    obj = cls._wrap(native, native.ffi.cast(cls._c_type, 0x1000), None)
    for name, member in sorted(vars(cls).items()):
        if name.startswith("_") and name != "__init__":
            continue
        if isinstance(member, property):
            calls = []
            if member.fget is not None:
                calls.append(("get", inspect.getsource(member.fget), lambda: getattr(obj, name)))
            if member.fset is not None:
                calls.append(("set", inspect.getsource(member.fset), lambda: setattr(obj, name, None)))
        elif isinstance(member, classmethod):
            calls = [("classmethod", inspect.getsource(member.__func__), lambda: getattr(cls, name)(*nones(member.__func__)))]
        elif inspect.isfunction(member):
            source = inspect.getsource(member)
            prepare = re.search(r"self\.(_prepare_\w+)\(", source)
            if prepare:
                source += inspect.getsource(getattr(cls, prepare.group(1)))
            if name == "__init__":
                calls = [("init", source, lambda: cls(*nones(member)))]
            else:
                calls = [("method", source, lambda: getattr(obj, name)(*nones(member)))]
        else:
            continue
        for kind, source, call in calls:
            function = newer(source)
            if function is None:
                continue  # the library has it: not called (the stub's functions do nothing)
            checked += 1
            got = outcome(call)
            if got != "version":
                print(f"{cls_name}.{name} ({kind}, {function}): {got}")
print("checked", checked)
"""


@pytest.mark.parametrize("stub", ["2025.1", "2025.4", "2026.0"])
def test_cffi_checks_the_version_before_the_arguments(stubs, stub):
    result = subprocess.run([sys.executable, "-c", CFFI_ORDER_PROBE, str(REPO / "python"), str(stubs[stub])],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1].startswith("checked ") and int(lines[-1].split()[1]) > 0, lines
    assert lines[:-1] == [], "members that checked their arguments before the library version:\n" + "\n".join(lines)


# -- issue 13 (10): the version query's library need not be a dependency --

@pytest.fixture(scope="module")
def as_needed_stubs(build_dir) -> dict[str, Path]:
    """GenAI stubs linked as with --as-needed: OpenVINO's C library (under its real name) sits beside
    them but is not their dependency, as in a 2025.1 library built that way."""
    gcc = require_tool("gcc")
    root = build_dir / "versions_bindings" / "as_needed"
    return {name: build_stub(gcc, root / name, STUBS[name][0], STUBS[name][1], linked=False, core_name="openvino_c")
            for name in ("2025.1", "2025.2")}


def test_cffi_asks_the_core_library_beside_an_as_needed_library(as_needed_stubs):
    # Through the GenAI library's handle the query found nothing: "2025.1.0.0 or 2025.2.0.0", and a
    # 2025.2 library was refused its own create function.
    assert cffi_run(as_needed_stubs["2025.2"])[:2] == ["loaded: 2025.2.0.0 2025.2.0.0", "LLMPipeline called"]
    assert cffi_run(as_needed_stubs["2025.1"])[:2] == [
        "loaded: 2025.1.0.0 2025.1.0.0",
        "LLMPipeline refused: True ov_genai_llm_pipeline_create needs OpenVINO GenAI >= 2025.2.0.0; "
        "the loaded library is 2025.1.0.0",
    ]


REAL_DETECT = r"""
import sys
import openvino_genai_cffi as g
native = g.load(sys.argv[1], mode=sys.argv[2], build_dir=sys.argv[3])
print(native.api_version.version, "|".join(native.api_version.candidates), native.api_version.queried)
"""


@pytest.mark.real_genai
def test_cffi_detects_real_older_libraries(build_dir):
    # $OPENVINO_GENAI_OLD_DIRS: e.g. real libraries of 2025.1 (also one linked with --as-needed), 2025.4, 2026.0.
    # ABI mode only: API mode compiles against the headers these bindings were generated from (2026.3).
    for install in real_genai.old_installs_or_skip():
        release = install.version()
        assert release, f"{install.root}: no versioned file name to compare with"
        env = install.environment()
        env["PYTHONPATH"] = str(REPO / "python")
        proc = subprocess.run([sys.executable, "-c", REAL_DETECT, str(install.root), "abi", str(build_dir / "cffi-old")],
                              env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, f"{install.root}: {proc.stderr[-3000:]}"
        version, candidates, queried = proc.stdout.split()
        assert (version, candidates) == (f"{release}.0", f"{release}.0"), f"{install.root}: {proc.stdout}"
