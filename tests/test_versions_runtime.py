"""The Python runtime's run-time version check (genai_interop_runtime.versions with the table of the committed
package; C#'s is in tests/test_versions_runtime_csharp.py), run against stub native libraries that export exactly the
function names of each committed snapshot (the version query lives in a separate stub OpenVINO
core library the GenAI stub depends on, as in a real install). It must agree with the
reference algorithm in bindgen/versions.py."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import pytest

from bindgen import library as libmod
from bindgen import snapshot, versions
from conftest import require_tool
from genai_interop_runtime import versions as rtv
from genai_interop_runtime.errors import NeedsNewerLibrary, UnsupportedLibraryVersion
from support.version_stubs import STUBS, build_all

GENAI = libmod.load("genai")


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
