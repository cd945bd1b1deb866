"""versions.py: "first version that has it" over the committed snapshots, quirks across versions,
annotate(), and the run-time version detection generated bindings repeat."""
from __future__ import annotations

import copy
import json
from collections import Counter

import pytest

from bindgen import library as libmod
from bindgen import model as m
from bindgen import snapshot, versions

TAGS = ["2025.1.0.0", "2025.2.0.0", "2025.4.0.0", "2026.0.0.0", "2026.3.0.0"]
GENAI = libmod.load("genai")


def committed(tag: str) -> m.API:
    return snapshot.load(snapshot.embedded("genai", tag))


@pytest.fixture(scope="module")
def hist() -> versions.History:
    return versions.history(GENAI)


@pytest.fixture(scope="module")
def newest() -> m.API:
    return versions.annotate(committed("2026.3.0.0"), GENAI)


def test_history_covers_every_committed_snapshot(hist):
    assert hist.versions == TAGS
    assert [len(hist.declared[v]) for v in TAGS] == [56, 56, 126, 150, 153]


def test_first_version_of_functions_follows_the_real_history(hist):
    by_version = Counter(hist.functions.values())
    assert by_version == {"2025.1.0.0": 56, "2025.4.0.0": 70, "2026.0.0.0": 24, "2026.3.0.0": 3}
    assert hist.functions["ov_genai_vlm_pipeline_create"] == "2025.4.0.0"
    assert hist.functions["ov_genai_chat_history_create"] == "2026.0.0.0"
    assert hist.functions["ov_genai_generation_config_set_min_p"] == "2026.3.0.0"
    # Same name since 2025.1, but the signature bindings call exists from 2025.2 only.
    assert hist.functions["ov_genai_llm_pipeline_create"] == "2025.1.0.0"
    assert hist.signatures["ov_genai_llm_pipeline_create"] == "2025.2.0.0"
    assert {n for n, v in hist.signatures.items() if v != hist.functions[n]} == {"ov_genai_llm_pipeline_create"}
    assert hist.removed == {}


def test_renamed_enum_and_members_keep_the_version_their_values_appeared(hist):
    assert hist.enums["ov_genai_streaming_status_e"] == "2025.1.0.0"
    assert hist.members["OV_GENAI_STREAMING_STATUS_STOP"] == "2025.1.0.0"
    assert hist.renamed["ov_genai_streaming_status_e"] == ("ov_genai_streamming_status_e", "2025.4.0.0")
    assert hist.members["OV_GENAI_CHAT_HISTORY_OK"] == "2026.0.0.0"
    assert hist.enums["ov_genai_json_container_status_e"] == "2026.0.0.0"
    assert hist.fields == {"streamer_callback.callback_func": "2025.1.0.0", "streamer_callback.args": "2025.1.0.0"}
    assert hist.handles["ov_genai_whisper_pipeline"] == "2025.4.0.0"
    assert hist.handles["ov_genai_chat_history"] == "2026.0.0.0"


def test_quirks_across_versions_are_reported(hist):
    assert {(q.kind, q.name, tuple(q.versions)) for q in hist.quirks} == {
        ("duplicate_declaration", "ov_genai_generation_config_set_num_beam_groups", ("2025.1.0.0", "2025.2.0.0")),
        ("signature_changed", "ov_genai_llm_pipeline_create", ("2025.2.0.0",)),
        ("misspelled_name", "ov_genai_streamming_status_e", ("2025.1.0.0", "2025.2.0.0")),
    }


def test_annotate_fills_since_everywhere(newest):
    assert all(f.since for f in newest.functions)
    assert Counter(f.since for f in newest.functions) == {
        "2025.1.0.0": 55, "2025.2.0.0": 1, "2025.4.0.0": 70, "2026.0.0.0": 24, "2026.3.0.0": 3}
    assert newest.function("ov_genai_llm_pipeline_create").since == "2025.2.0.0"
    members = {mem.name: mem.since for e in newest.enums for mem in e.members}
    assert members["OV_GENAI_STREAMING_STATUS_RUNNING"] == "2025.1.0.0"
    assert members["OV_GENAI_JSON_CONTAINER_ERROR"] == "2026.0.0.0"
    assert all(fl.since == "2025.1.0.0" for fl in newest.struct("streamer_callback").fields)


def test_annotate_is_idempotent_and_leaves_the_snapshot_untouched():
    api = committed("2026.3.0.0")
    once = snapshot.dumps(versions.annotate(api, GENAI))
    assert snapshot.dumps(versions.annotate(api, GENAI)) == once
    assert snapshot.embedded("genai").read_text(encoding="utf-8") == snapshot.dumps(committed("2026.3.0.0"))


def test_annotate_an_older_model_uses_only_the_history_up_to_it():
    old = versions.annotate(committed("2025.1.0.0"), GENAI)
    assert {f.since for f in old.functions} == {"2025.1.0.0"}


def test_annotate_an_unversioned_model_leaves_its_novelties_unknown():
    api = committed("2026.3.0.0")
    api.version = None
    api.functions.append(m.Function("ov_genai_future_thing", m.CType(m.VOID), [], False, m.Location("x.h", 1)))
    versions.annotate(api, GENAI)
    assert api.function("ov_genai_future_thing").since is None
    assert api.function("ov_genai_vlm_pipeline_create").since == "2025.4.0.0"
    table = versions.probe_table(api, GENAI)
    assert table.versions == TAGS and table.since_version("ov_genai_future_thing") == "2026.3.0.0"


def test_core_library_has_one_version():
    core = versions.annotate(snapshot.load(snapshot.embedded("core")), libmod.load("core"))
    assert {f.since for f in core.functions} == {"2026.3.0"}


# -- quirks and bad input never crash --

def test_merge_rejects_what_it_cannot_order():
    a, b = committed("2025.1.0.0"), committed("2025.2.0.0")
    with pytest.raises(ValueError, match="given twice"):
        versions.merge([a, copy.deepcopy(a)])
    b.version = None
    with pytest.raises(ValueError, match="needs a version"):
        versions.merge([a, b])
    core = snapshot.load(snapshot.embedded("core"))
    with pytest.raises(ValueError, match="different libraries"):
        versions.merge([a, core])
    with pytest.raises(ValueError, match="nothing to merge"):
        versions.merge([])


def test_removed_then_readded_function_and_changed_value_are_quirks():
    v1, v2, v3 = committed("2026.3.0.0"), committed("2026.3.0.0"), committed("2026.3.0.0")
    v1.version, v2.version, v3.version = "1.0", "2.0", "3.0"
    v2.functions = [f for f in v2.functions if f.name != "ov_genai_llm_pipeline_start_chat"]
    v2.enum("StopCriteria").members[0].value = 7
    h = versions.merge([v3, v1, v2])  # any order
    assert h.versions == ["1.0", "2.0", "3.0"]
    assert h.functions["ov_genai_llm_pipeline_start_chat"] == "1.0"
    assert h.signatures["ov_genai_llm_pipeline_start_chat"] == "3.0"
    assert h.removed == {}
    kinds = {(q.kind, q.name) for q in h.quirks}
    assert ("removed", "ov_genai_llm_pipeline_start_chat") in kinds
    assert ("value_changed", v1.enum("StopCriteria").members[0].name) in kinds
    # The removed-then-readded function proves no version: a 2.0 library lacks it.
    assert "ov_genai_llm_pipeline_start_chat" not in sum(h.probes(), [])


# -- run-time detection (the reference the generated runtimes repeat) --

@pytest.fixture(scope="module")
def table(newest) -> versions.ProbeTable:
    return versions.probe_table(newest, GENAI)


def symbols(tag: str) -> set[str]:
    return {f.name for f in committed(tag).functions}


def test_probe_table(table):
    assert table.versions == TAGS and table.title == "OpenVINO GenAI"
    assert [len(p) for p in table.probes] == [56, 0, 70, 24, 3]
    assert table.since_version("ov_genai_llm_pipeline_create") == "2025.2.0.0"
    assert table.version_query == {"function": "ov_get_openvino_version", "free": "ov_version_free", "library": "openvino_c"}


@pytest.mark.parametrize("tag", [t for t in TAGS if t != "2025.2.0.0"])
def test_detect_each_version_from_its_symbols(table, tag):
    found = versions.detect(table, symbols(tag).__contains__)
    assert (found.version, found.exact) == (tag, tag != "2025.1.0.0")


@pytest.mark.parametrize("core,expected", [("2025.1.0-17911-83c047443de", "2025.1.0.0"),
                                           ("2025.2.0-19140-c01cd93e24d", "2025.2.0.0"),
                                           ("2026.3.0", "2025.2.0.0"),  # core newer than the symbols: newest candidate
                                           ("custom build", "2025.1.0.0"),  # unreadable: the oldest candidate
                                           (None, "2025.1.0.0")])
def test_versions_with_the_same_symbols_are_told_apart_by_the_version_query(table, core, expected):
    for tag in ("2025.1.0.0", "2025.2.0.0"):
        found = versions.detect(table, symbols(tag).__contains__, lambda: core)
        assert found.version == expected and found.core_version == core


def test_ambiguous_detection_refuses_the_changed_signature(table):
    found = versions.detect(table, symbols("2025.2.0.0").__contains__)
    with pytest.raises(NotImplementedError, match=r"ov_genai_llm_pipeline_create needs OpenVINO GenAI >= 2025.2.0.0; "
                                                  r"the loaded library is 2025.1.0.0 or 2025.2.0.0"):
        versions.require(table, found, "ov_genai_llm_pipeline_create")
    versions.require(table, found, "ov_genai_llm_pipeline_generate")


def test_newer_functions_are_refused_with_the_version_they_need(table):
    found = versions.detect(table, symbols("2025.4.0.0").__contains__)
    versions.require(table, found, "ov_genai_whisper_pipeline_create")
    with pytest.raises(versions.NeedsNewerLibrary, match=r"ov_genai_chat_history_create needs OpenVINO GenAI >= 2026.0.0.0; "
                                                          r"the loaded library is 2025.4.0.0$"):
        versions.require(table, found, "ov_genai_chat_history_create")


def test_library_older_than_the_oldest_snapshot(table):
    partial = symbols("2025.1.0.0") - {"ov_genai_perf_metrics_get_ttft"}
    found = versions.detect(table, partial.__contains__)
    assert (found.index, found.version, found.missing) == (-1, None, ["ov_genai_perf_metrics_get_ttft"])
    with pytest.raises(NotImplementedError, match="the loaded library is older than 2025.1.0.0"):
        versions.require(table, found, "ov_genai_llm_pipeline_generate")


def test_newer_library_than_any_snapshot_is_the_newest(table):
    found = versions.detect(table, lambda name: True)
    assert found.version == "2026.3.0.0" and found.exact


# -- report --

def test_report_command(capsys):
    assert versions.main([]) == 0
    text = capsys.readouterr().out
    assert "| 2025.4.0.0 | 126 | 70 | 0 | 70 |" in text and "| 2025.2.0.0 | 56 | 0 | 1 | 0 |" in text
    assert "misspelled_name `ov_genai_streamming_status_e`" in text
    assert versions.main(["--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["functions"]["2025.2.0.0"] == {"declared": 56, "added": [], "signature_changed": ["ov_genai_llm_pipeline_create"]}
    assert versions.main(["--library", "nonesuch"]) == 2


def test_a_library_without_snapshots_is_its_own_only_version():
    api = committed("2026.3.0.0")
    api.library, api.version = "acme", None
    acme = libmod.Library(**{**vars(GENAI), "name": "acme", "version_query": {}})
    table = versions.probe_table(api, acme)
    assert table.versions == [versions.UNRELEASED] and set(table.since.values()) == {0}
    assert versions.annotate(api, acme).functions[0].since is None
    api.version = "1.0"
    assert versions.probe_table(api, acme).versions == ["1.0"]


def test_the_driver_computes_versions_and_emitters_read_no_snapshot(monkeypatch):
    """prepare() fills `since` in the model and returns the table; rendering with it reads nothing else."""
    from bindgen import conventions as conv
    from bindgen.emit import renderer

    api = committed("2026.3.0.0")
    table = versions.prepare(api, GENAI)
    assert api.function("ov_genai_llm_pipeline_create").since == "2025.2.0.0"
    assert table == versions.probe_table(committed("2026.3.0.0"), GENAI)
    conventions = conv.infer(api, GENAI)

    def no_snapshots(*args, **kwargs):
        raise AssertionError("an emitter read the committed snapshots")

    monkeypatch.setattr(snapshot, "load", no_snapshots)
    monkeypatch.setattr(snapshot, "list_embedded", no_snapshots)
    for lang in ("cffi", "csharp", "c-header"):
        assert renderer(lang)(api, conventions, table)
