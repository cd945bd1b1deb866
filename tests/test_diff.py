"""`bindgen diff`: the real upstream history between committed snapshots, header-set inputs, and
every kind of change on small hand-made models.

The expectations below were computed once, independently of bindgen, by listing the names
after `OPENVINO_GENAI_C_EXPORTS` in the raw upstream headers of each tag with a regular
expression (56, 56, 126, 150, 153 exported functions), and are pinned here.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from bindgen import cli, diff, snapshot
from bindgen import library as libmod
from bindgen import model as m
from bindgen.parser import parse, resolve_header_set
from support.upstream_headers import SKIP_REASON, UpstreamHeaders, exported_function_names

TAGS = ["2025.1.0.0", "2025.2.0.0", "2025.4.0.0", "2026.0.0.0", "2026.3.0.0"]
STEPS = list(zip(TAGS, TAGS[1:]))

# Exported functions added per step (independently counted, see module doc).
ADDED_FUNCTIONS = {
    ("2025.1.0.0", "2025.2.0.0"): 0,
    ("2025.2.0.0", "2025.4.0.0"): 70,
    ("2025.4.0.0", "2026.0.0.0"): 24,
    ("2026.0.0.0", "2026.3.0.0"): 3,
}
ADDED_IN_2026_0 = {
    "ov_genai_chat_history_clear", "ov_genai_chat_history_create", "ov_genai_chat_history_create_from_json_container",
    "ov_genai_chat_history_empty", "ov_genai_chat_history_free", "ov_genai_chat_history_get_extra_context",
    "ov_genai_chat_history_get_first", "ov_genai_chat_history_get_last", "ov_genai_chat_history_get_message",
    "ov_genai_chat_history_get_messages", "ov_genai_chat_history_get_tools", "ov_genai_chat_history_pop_back",
    "ov_genai_chat_history_push_back", "ov_genai_chat_history_set_extra_context", "ov_genai_chat_history_set_tools",
    "ov_genai_chat_history_size", "ov_genai_json_container_copy", "ov_genai_json_container_create",
    "ov_genai_json_container_create_array", "ov_genai_json_container_create_from_json_string",
    "ov_genai_json_container_create_object", "ov_genai_json_container_free", "ov_genai_json_container_to_json_string",
    "ov_genai_llm_pipeline_generate_with_history",
}
ADDED_IN_2026_3 = {
    "ov_genai_generation_config_set_min_p", "ov_genai_perf_metrics_get_chat_template_duration",
    "ov_genai_vlm_pipeline_generate_with_history",
}
# Every change per step other than "function added": (kind, change, name).
OTHER_CHANGES = {
    ("2025.1.0.0", "2025.2.0.0"): {
        ("function", "changed", "ov_genai_llm_pipeline_create"),
    },
    ("2025.2.0.0", "2025.4.0.0"): {
        ("enum", "renamed", "ov_genai_streaming_status_e"),
        ("enum_member", "renamed", "OV_GENAI_STREAMING_STATUS_RUNNING"),
        ("enum_member", "renamed", "OV_GENAI_STREAMING_STATUS_STOP"),
        ("enum_member", "renamed", "OV_GENAI_STREAMING_STATUS_CANCEL"),
        # ov_tensor_t is the core API's tensor, first used by the VLM pipeline.
        ("handle", "added", "ov_tensor_t"),
        ("handle", "added", "ov_genai_vlm_decoded_results"),
        ("handle", "added", "ov_genai_vlm_pipeline"),
        ("handle", "added", "ov_genai_whisper_generation_config"),
        ("handle", "added", "ov_genai_whisper_decoded_result_chunk"),
        ("handle", "added", "ov_genai_whisper_decoded_results"),
        ("handle", "added", "ov_genai_whisper_pipeline"),
    },
    ("2025.4.0.0", "2026.0.0.0"): {
        ("enum", "added", "ov_genai_chat_history_status_e"),
        ("enum", "added", "ov_genai_json_container_status_e"),
        ("handle", "added", "ov_genai_chat_history"),
        ("handle", "added", "ov_genai_json_container"),
    },
    ("2026.0.0.0", "2026.3.0.0"): set(),
}
BREAKING = {
    ("2025.1.0.0", "2025.2.0.0"): {"ov_genai_llm_pipeline_create"},
    ("2025.2.0.0", "2025.4.0.0"): {"ov_genai_streaming_status_e", "OV_GENAI_STREAMING_STATUS_RUNNING",
                                   "OV_GENAI_STREAMING_STATUS_STOP", "OV_GENAI_STREAMING_STATUS_CANCEL"},
    ("2025.4.0.0", "2026.0.0.0"): set(),
    ("2026.0.0.0", "2026.3.0.0"): set(),
}


def committed(tag: str) -> m.API:
    return snapshot.load(snapshot.embedded("genai", tag))


@pytest.fixture(scope="module")
def upstream(tmp_path_factory) -> UpstreamHeaders:
    """Upstream header sets per tag (GENAI_HEADERS_ROOT or the git mirror); CI has none."""
    headers = UpstreamHeaders(tmp_path_factory.mktemp("upstream"))
    if not headers.available:
        pytest.skip(SKIP_REASON)
    return headers


def upstream_dir(upstream: UpstreamHeaders, tag: str) -> Path:
    path = upstream.get(tag)
    if path is None:
        pytest.skip(f"upstream tag {tag} is not available")
    return path


def parse_upstream(upstream: UpstreamHeaders, tag: str) -> m.API:
    lib = libmod.load("genai")
    return parse(resolve_header_set([upstream_dir(upstream, tag)], lib, []), lib, tag)


def check_known_history(report: diff.Report, step: tuple[str, str]) -> None:
    added = report.names("function", "added")
    assert len(added) == ADDED_FUNCTIONS[step]
    others = {(c.kind, c.change, c.name) for c in report.changes if (c.kind, c.change) != ("function", "added")}
    assert others == OTHER_CHANGES[step]
    assert {c.name for c in report.breaking} == BREAKING[step]
    assert not report.names("function", "removed")


# -- the real history, from committed snapshots --

def test_every_tag_has_a_committed_snapshot():
    have = [p.stem for p in snapshot.list_embedded("genai")]
    assert have == [f"genai-{t}" for t in TAGS]


@pytest.mark.parametrize("step", STEPS, ids=lambda s: f"{s[0]}->{s[1]}" if isinstance(s, tuple) else s)
def test_consecutive_snapshots_report_exactly_the_known_changes(step):
    check_known_history(diff.compare(committed(step[0]), committed(step[1])), step)


def test_pipeline_create_became_variadic_with_a_new_parameter():
    report = diff.compare(committed("2025.1.0.0"), committed("2025.2.0.0"))
    (change,) = report.changes
    assert (change.kind, change.change, change.impact) == ("function", "changed", diff.BREAKING)
    assert "parameter 3 inserted: const size_t property_args_size" in change.detail
    assert "became variadic" in change.detail


def test_streaming_status_rename_maps_every_member_and_spares_the_struct_using_it():
    report = diff.compare(committed("2025.2.0.0"), committed("2025.4.0.0"))
    renamed = {c.old_name: c.name for c in report.changes if c.change == "renamed"}
    assert renamed == {
        "ov_genai_streamming_status_e": "ov_genai_streaming_status_e",
        "OV_GENAI_STREAMMING_STATUS_RUNNING": "OV_GENAI_STREAMING_STATUS_RUNNING",
        "OV_GENAI_STREAMMING_STATUS_STOP": "OV_GENAI_STREAMING_STATUS_STOP",
        "OV_GENAI_STREAMMING_STATUS_CANCEL": "OV_GENAI_STREAMING_STATUS_CANCEL",
    }
    # streamer_callback.callback_func returns the renamed enum: not a field change of its own.
    assert not [c for c in report.changes if c.kind in ("field", "struct")]
    assert any("misspelled" in n and "'streamming' -> 'streaming'" in n for n in report.notes)


def test_vlm_and_whisper_arrive_in_2025_4():
    added = diff.compare(committed("2025.2.0.0"), committed("2025.4.0.0")).names("function", "added")
    vlm = [n for n in added if n.startswith("ov_genai_vlm_")]
    whisper = [n for n in added if n.startswith("ov_genai_whisper_")]
    assert (len(vlm), len(whisper)) == (12, 57)
    assert set(added) - set(vlm) - set(whisper) == {"ov_genai_generation_config_set_num_beams"}


def test_chat_history_and_json_container_arrive_in_2026_0_and_three_functions_in_2026_3():
    assert set(diff.compare(committed("2025.4.0.0"), committed("2026.0.0.0")).names("function", "added")) == ADDED_IN_2026_0
    assert set(diff.compare(committed("2026.0.0.0"), committed("2026.3.0.0")).names("function", "added")) == ADDED_IN_2026_3


def test_duplicate_declaration_quirk_is_a_note_until_it_is_fixed():
    both = diff.compare(committed("2025.1.0.0"), committed("2025.2.0.0")).notes
    assert [n for n in both if n.startswith("quirk in both: duplicate_declaration ov_genai_generation_config_set_num_beam_groups")]
    fixed = diff.compare(committed("2025.2.0.0"), committed("2025.4.0.0")).notes
    assert [n for n in fixed if n.startswith("quirk fixed: duplicate_declaration ov_genai_generation_config_set_num_beam_groups")]
    later = diff.compare(committed("2025.4.0.0"), committed("2026.0.0.0")).notes
    assert not [n for n in later if "quirk" in n]


def test_going_backwards_is_all_breaking():
    report = diff.compare(committed("2026.3.0.0"), committed("2025.1.0.0"))
    assert len(report.names("function", "removed")) == 153 - 56
    assert not report.additive
    create = next(c for c in report.changes if c.name == "ov_genai_llm_pipeline_create")
    assert "no longer variadic" in create.detail and "parameter 3 removed" in create.detail
    assert ("enum", "renamed", "ov_genai_streamming_status_e") in {(c.kind, c.change, c.name) for c in report.changes}


def test_identical_models_have_no_changes():
    report = diff.compare(committed("2026.3.0.0"), committed("2026.3.0.0"))
    assert report.changes == [] and "No signature-level changes." in diff.to_markdown(report)


# -- output formats and the command line --

def test_markdown_groups_breaking_first_with_counts():
    text = diff.to_markdown(diff.compare(committed("2025.2.0.0"), committed("2025.4.0.0")))
    assert text.startswith("# API diff genai 2025.2.0.0 -> 2025.4.0.0\n")
    assert "81 changes: 4 breaking, 77 additive." in text
    assert text.index("## Breaking changes") < text.index("## Additive changes") < text.index("## Notes")
    assert "### Functions (70 added)" in text
    assert "- renamed `ov_genai_streamming_status_e` -> `ov_genai_streaming_status_e`" in text


def test_json_round_trips_the_report():
    report = diff.compare(committed("2025.1.0.0"), committed("2025.2.0.0"))
    data = json.loads(diff.to_json(report))
    assert (data["library"], data["old_version"], data["new_version"]) == ("genai", "2025.1.0.0", "2025.2.0.0")
    assert (data["breaking"], data["additive"]) == (1, 0)
    assert data["changes"][0]["name"] == "ov_genai_llm_pipeline_create" and data["changes"][0]["impact"] == "breaking"
    assert data["notes"] == report.notes


@pytest.mark.parametrize("step,status", [(STEPS[0], 1), (STEPS[1], 1), (STEPS[2], 0), (STEPS[3], 0)])
def test_cli_fail_on_breaking_exit_status(step, status, tmp_path, capsys):
    old, new = (str(snapshot.embedded("genai", t)) for t in step)
    out = tmp_path / "diff.json"
    assert cli.main(["diff", old, new, "--format", "json", "-o", str(out), "--fail-on-breaking"]) == status
    assert json.loads(out.read_text())["breaking"] == len(BREAKING[step])
    # Without the flag a breaking diff is still a successful run.
    assert cli.main(["diff", old, new]) == 0
    assert capsys.readouterr().out.startswith(f"# API diff genai {step[0]} -> {step[1]}")


def test_cli_reports_bad_inputs(tmp_path, capsys):
    assert cli.main(["diff", str(tmp_path / "missing.json"), str(snapshot.embedded("genai"))]) == 2
    assert "no such snapshot" in capsys.readouterr().err
    core = str(snapshot.embedded("core"))
    assert cli.main(["diff", core, str(snapshot.embedded("genai"))]) == 2
    assert "different libraries" in capsys.readouterr().err


# -- upstream header sets (skipped without them) --

@pytest.mark.parametrize("tag", TAGS)
def test_committed_snapshot_is_what_the_upstream_headers_parse_to(upstream, tag):
    assert snapshot.dumps(parse_upstream(upstream, tag)) == snapshot.embedded("genai", tag).read_text(encoding="utf-8")


@pytest.mark.parametrize("step", STEPS, ids=lambda s: f"{s[0]}->{s[1]}" if isinstance(s, tuple) else s)
def test_header_sets_report_exactly_the_known_changes(upstream, step, capsys):
    old_dir, new_dir = upstream_dir(upstream, step[0]), upstream_dir(upstream, step[1])
    report = diff.compare(parse_upstream(upstream, step[0]), parse_upstream(upstream, step[1]))
    check_known_history(report, step)
    # And against the exported names found by text search alone, independent of the parser.
    assert set(report.names("function", "added")) == exported_function_names(new_dir) - exported_function_names(old_dir)
    status = cli.main(["diff", str(old_dir), str(new_dir), "--format", "json", "--fail-on-breaking"])
    data = json.loads(capsys.readouterr().out)
    assert status == (1 if BREAKING[step] else 0)
    assert (data["old_version"], data["new_version"]) == (str(old_dir), str(new_dir))
    assert sorted(c["name"] for c in data["changes"]) == sorted(
        c.name for c in diff.compare(committed(step[0]), committed(step[1])).changes)


# -- every kind of change, on small hand-made models --

def loc() -> m.Location:
    return m.Location("x.h", 1)


def scalar(name: str) -> m.CType:
    return m.CType(m.SCALAR, name)


def small_api() -> m.API:
    status = m.Enum("st_e", [m.EnumMember("ST_OK", 0), m.EnumMember("ST_FAIL", 1)], 4, loc())
    other = m.Enum("color_e", [m.EnumMember("RED", 0), m.EnumMember("GREEN", 1)], 4, loc())
    pair = m.Struct("pair", [m.Field("a", scalar("int"), 0), m.Field("b", scalar("int"), 4)], 8, 4, loc())
    cb = m.Callback("cb_t", scalar("int"), [m.Param("x", scalar("int"))], loc())
    h = m.Handle("thing", "thing_opaque", loc())
    thing_ptr = m.CType(m.POINTER, pointee=m.CType(m.HANDLE, "thing"))
    fn = m.Function("thing_get", m.CType(m.ENUM, "st_e"), [m.Param("t", thing_ptr), m.Param("out", m.CType(m.POINTER, pointee=scalar("int")))],
                    False, loc())
    var = m.Variable("key_name", m.CType(m.POINTER, pointee=m.CType(m.SCALAR, "char", const=True)), loc())
    return m.API("genai", "1", ["x.h"], handles=[h], enums=[status, other], structs=[pair], callbacks=[cb],
                 functions=[fn], variables=[var])


def changes(old: m.API, new: m.API) -> set[tuple[str, str, str, str]]:
    return {(c.kind, c.change, c.name, c.impact) for c in diff.compare(old, new).changes}


def test_enum_members_added_removed_revalued_renamed():
    old = small_api()
    old.enum("color_e").members[1].name = "GREEEN"  # misspelled in OLD
    new = small_api()
    members = new.enum("st_e").members
    members[1].value = 2  # ST_FAIL changes value
    members.append(m.EnumMember("ST_RETRY", 3))
    colors = new.enum("color_e").members
    colors[0] = m.EnumMember("BLUE", 0)  # not similar to RED: removed + added
    assert changes(old, new) == {
        ("enum_member", "changed", "ST_FAIL", diff.BREAKING),
        ("enum_member", "added", "ST_RETRY", diff.ADDITIVE),
        ("enum_member", "renamed", "GREEN", diff.BREAKING),  # same value, similar name
        ("enum_member", "removed", "RED", diff.BREAKING),
        ("enum_member", "added", "BLUE", diff.ADDITIVE),
    }


def test_same_shape_but_unrelated_names_is_not_a_rename():
    new = small_api()
    new.enums[1] = m.Enum("fruit_e", [m.EnumMember("APPLE", 0), m.EnumMember("PEAR", 1)], 4, loc())
    assert changes(small_api(), new) == {("enum", "removed", "color_e", diff.BREAKING), ("enum", "added", "fruit_e", diff.ADDITIVE)}


def test_enum_rename_is_followed_through_function_signatures():
    new = small_api()
    new.enums[0].name = "status_e"
    new.enums[0].members = [m.EnumMember("STATUS_OK", 0), m.EnumMember("STATUS_FAIL", 1)]
    new.functions[0].returns = m.CType(m.ENUM, "status_e")
    got = changes(small_api(), new)
    assert ("enum", "renamed", "status_e", diff.BREAKING) in got
    assert not [c for c in got if c[0] == "function"]
    # Names this far apart pair only because every member kept its name after the prefix.
    assert {c.old_name: c.name for c in diff.compare(small_api(), new).changes if c.kind == "enum_member"} == {
        "ST_OK": "STATUS_OK", "ST_FAIL": "STATUS_FAIL"}


def test_struct_fields_layout_and_size():
    new = small_api()
    s = new.struct("pair")
    s.fields[1] = m.Field("b", scalar("int64_t"), 8)
    s.fields.append(m.Field("c", scalar("int"), 16))
    s.size, s.align = 24, 8
    assert changes(small_api(), new) == {
        ("field", "changed", "pair.b", diff.BREAKING),  # offset
        ("field", "added", "pair.c", diff.BREAKING),  # grows a struct the caller allocates
        ("struct", "changed", "pair", diff.BREAKING),
    }
    details = {c.detail for c in diff.compare(small_api(), new).changes}
    assert {"offset 4 -> 8", "type int -> int64_t", "size 8 -> 24 bytes"} <= details


def test_field_filling_padding_is_additive_and_removed_field_breaking():
    old = small_api()
    old.struct("pair").size = 12
    new = copy.deepcopy(old)
    new.struct("pair").fields.append(m.Field("c", scalar("char"), 8))
    assert changes(old, new) == {("field", "added", "pair.c", diff.ADDITIVE)}
    assert changes(new, old) == {("field", "removed", "pair.c", diff.BREAKING)}


def test_callbacks_handles_variables_and_functions():
    new = small_api()
    new.callbacks[0].params.append(m.Param("user", m.CType(m.POINTER, pointee=m.CType(m.VOID))))
    new.callbacks.append(m.Callback("log_t", m.CType(m.VOID), [], loc()))
    new.handles = [m.Handle("widget", "widget_opaque", loc())]
    new.variables[0].type = scalar("int")
    new.functions[0].params[1].name = "value"  # a parameter name only: source- and ABI-compatible
    new.functions.append(m.Function("widget_free", m.CType(m.VOID), [], False, loc()))
    assert changes(small_api(), new) == {
        ("callback", "changed", "cb_t", diff.BREAKING),
        ("callback", "added", "log_t", diff.ADDITIVE),
        ("handle", "removed", "thing", diff.BREAKING),
        ("handle", "added", "widget", diff.ADDITIVE),
        ("variable", "changed", "key_name", diff.BREAKING),
        ("function", "changed", "thing_get", diff.ADDITIVE),
        ("function", "added", "widget_free", diff.ADDITIVE),
    }
    renamed = next(c for c in diff.compare(small_api(), new).changes if c.name == "thing_get")
    assert renamed.detail.startswith("parameter 2 renamed: out -> value")


def test_return_type_change_and_removal():
    new = small_api()
    new.functions[0].returns = scalar("int")
    new.variables = []
    assert changes(small_api(), new) == {
        ("function", "changed", "thing_get", diff.BREAKING),
        ("variable", "removed", "key_name", diff.BREAKING),
    }
