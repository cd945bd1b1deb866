"""The convention pass: on the acme fixture (every convention, driven by names and acme.toml)
and on the committed GenAI and core snapshots (the cases the real APIs need)."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from bindgen import conventions as conv
from bindgen import library as libmod
from bindgen import model as m
from bindgen import parser, snapshot

ACME = Path(__file__).parent / "fixtures" / "acme"


def _lib(lib: libmod.Library, **conventions: object) -> libmod.Library:
    """`lib` with some [conventions] entries replaced."""
    return dataclasses.replace(lib, conventions=dataclasses.replace(lib.conventions, **conventions))


@pytest.fixture(scope="module")
def acme_lib() -> libmod.Library:
    return libmod.load(str(ACME / "acme.toml"))


@pytest.fixture(scope="module")
def acme_api(acme_lib: libmod.Library) -> m.API:
    return parser.parse(parser.resolve_header_set([ACME], acme_lib), acme_lib)


@pytest.fixture(scope="module")
def acme(acme_api: m.API, acme_lib: libmod.Library) -> conv.Conventions:
    return conv.infer(acme_api, acme_lib)


@pytest.fixture(scope="module")
def genai() -> conv.Conventions:
    return conv.infer(snapshot.load(snapshot.embedded("genai", "2026.3.0.0")), libmod.load("genai"))


@pytest.fixture(scope="module")
def genai_2025_1() -> conv.Conventions:
    return conv.infer(snapshot.load(snapshot.embedded("genai", "2025.1.0.0")), libmod.load("genai"))


@pytest.fixture(scope="module")
def core() -> conv.Conventions:
    return conv.infer(snapshot.load(snapshot.embedded("core")), libmod.load("core"))


# -- kinds, owners, members --

@pytest.mark.parametrize("name, kind, owner, member", [
    ("acme_widget_create", conv.CREATE, "acme_widget", "create"),
    ("acme_widget_free", conv.FREE, "acme_widget", "free"),
    ("acme_widget_get_speed", conv.GETTER, "acme_widget", "speed"),
    ("acme_widget_set_speed", conv.SETTER, "acme_widget", "speed"),
    ("acme_widget_set_color", conv.SETTER, "acme_widget", "color"),
    ("acme_widget_get_label", conv.STRING_GETTER, "acme_widget", "get_label"),
    ("acme_widget_get_samples", conv.ARRAY_GETTER, "acme_widget", "get_samples"),
    ("acme_widget_get_samples_count", conv.GETTER, "acme_widget", "samples_count"),
    ("acme_widget_read_history", conv.ARRAY_GETTER, "acme_widget", "read_history"),
    ("acme_widget_set_samples", conv.METHOD, "acme_widget", "set_samples"),
    ("acme_widget_run", conv.METHOD, "acme_widget", "run"),
    ("acme_widget_set_option", conv.METHOD, "acme_widget", "set_option"),  # variadic: never a setter
    ("acme_widget_get_origin", conv.GETTER, "acme_widget", "origin"),
    ("acme_report_get_stats", conv.METHOD, "acme_report", "get_stats"),
    ("acme_report_stats_free", conv.FREE, "acme_stats", "acme_report_stats_free"),
    ("acme_stats_get_duration", conv.GETTER, "acme_stats", "duration"),
    ("acme_ledger_create", conv.CREATE, "acme_ledger", "create"),
    ("acme_ledger_create_from_widget", conv.CREATE, "acme_ledger", "create_from_widget"),
    ("acme_ledger_size", conv.GETTER, "acme_ledger", "size"),
    ("acme_ledger_get_entry", conv.STRING_GETTER, "acme_ledger", "get_entry"),
    ("acme_version", conv.STATIC, None, "version"),
    ("acme_last_error", conv.STRING_GETTER, None, "last_error"),
])
def test_kind_owner_member(acme: conv.Conventions, name: str, kind: str, owner: str, member: str) -> None:
    info = acme.info(name)
    assert (info.kind, info.owner, info.member) == (kind, owner, member)


def test_every_function_is_classified_once(acme: conv.Conventions, acme_api: m.API) -> None:
    assert list(acme.functions) == [f.name for f in acme_api.functions]
    owned = [n for h in acme.handles.values() for n in h.functions]
    assert sorted(owned + [i.name for i in acme.statics()]) == sorted(acme.functions)


def test_longest_handle_stem_wins(genai: conv.Conventions) -> None:
    # `ov_genai_whisper_decoded_results_*` must not go to a shorter stem, nor
    # `ov_genai_vlm_decoded_results_*` to `ov_genai_decoded_results`.
    assert genai.info("ov_genai_whisper_decoded_results_get_string").owner == "ov_genai_whisper_decoded_results"
    assert genai.info("ov_genai_whisper_decoded_result_chunk_get_text").owner == "ov_genai_whisper_decoded_result_chunk"
    assert genai.info("ov_genai_vlm_decoded_results_get_string").owner == "ov_genai_vlm_decoded_results"
    assert genai.info("ov_genai_decoded_results_get_string").owner == "ov_genai_decoded_results"


def test_core_handle_stems_drop_the_t_suffix(core: conv.Conventions) -> None:
    hi = core.handles["ov_core_t"]
    assert (hi.stem, hi.member, hi.free) == ("ov_core", "core", "ov_core_free")
    assert hi.creators == ["ov_core_create", "ov_core_create_with_config", "ov_core_create_with_config_unicode"]
    assert core.info("ov_get_openvino_version").kind == conv.STATIC


# -- outputs, creation and release --

def test_out_params(acme: conv.Conventions) -> None:
    assert acme.info("acme_stats_get_duration").out_params == ["mean", "std"]
    assert acme.info("acme_widget_run").out_params == ["report"]
    assert acme.info("acme_widget_create").out_params == ["widget"]  # before the `...`
    assert acme.info("acme_ledger_create_from_widget").out_params == ["ledger"]  # out-handle first
    assert acme.info("acme_widget_set_speed").out_params == []
    assert acme.info("acme_widget_get_label").out_params == []  # a string buffer, not an output


def test_in_params_leave_out_owner_outputs_counts_and_buffers(acme: conv.Conventions) -> None:
    def names(fn: str) -> list[str]:
        return [p.name for p in acme.info(fn).in_params]
    assert names("acme_widget_create") == ["name"]
    assert names("acme_widget_run") == ["input", "progress"]
    assert names("acme_widget_set_samples") == ["samples"]
    assert names("acme_widget_place") == ["names", "points"]
    assert names("acme_widget_get_label") == []
    assert names("acme_widget_get_samples") == []
    assert names("acme_widget_add_tags") == []
    assert names("acme_ledger_create_from_widget") == ["widget"]
    assert names("acme_ledger_get_entry") == ["index"]


def test_creates_and_release_with(acme: conv.Conventions) -> None:
    create = acme.info("acme_widget_create")
    assert (create.creates, create.release_with) == ("acme_widget", "acme_widget_free")
    run = acme.info("acme_widget_run")
    assert (run.creates, run.release_with) == ("acme_report", "acme_report_free")
    free = acme.info("acme_widget_free")
    assert (free.releases, free.creates) == ("acme_widget", None)
    assert acme.handles["acme_widget"].free == "acme_widget_free"
    assert acme.handles["acme_widget"].creators == ["acme_widget_create"]
    assert acme.handles["acme_ledger"].creators == ["acme_ledger_create", "acme_ledger_create_from_widget"]


def test_odd_free_function_comes_from_the_library_description(acme: conv.Conventions, acme_api: m.API,
                                                              acme_lib: libmod.Library) -> None:
    stats = acme.info("acme_report_get_stats")
    assert (stats.creates, stats.release_with) == ("acme_stats", "acme_report_stats_free")
    odd = acme.info("acme_report_stats_free")
    assert (odd.kind, odd.releases, odd.owner) == (conv.FREE, "acme_stats", "acme_stats")
    assert acme.handles["acme_stats"].free is None  # no `acme_stats_free` exists
    # Without the TOML entries nothing says how to release the stats: data decides, not code.
    bare = _lib(acme_lib, release_with={}, free_functions={})
    again = conv.infer(acme_api, bare)
    assert again.info("acme_report_get_stats").release_with is None


def test_genai_perf_metrics_are_freed_by_the_results_own_free(genai: conv.Conventions) -> None:
    assert genai.handles["ov_genai_perf_metrics"].free is None
    for getter, free in [
        ("ov_genai_decoded_results_get_perf_metrics", "ov_genai_decoded_results_perf_metrics_free"),
        ("ov_genai_vlm_decoded_results_get_perf_metrics", "ov_genai_vlm_decoded_results_perf_metrics_free"),
        ("ov_genai_whisper_decoded_results_get_perf_metrics", "ov_genai_decoded_results_perf_metrics_free"),
    ]:
        info = genai.info(getter)
        assert (info.kind, info.creates, info.release_with) == (conv.METHOD, "ov_genai_perf_metrics", free)
        assert genai.info(free).releases == "ov_genai_perf_metrics"
        assert genai.info(free).kind == conv.FREE


def test_genai_lifecycle(genai: conv.Conventions) -> None:
    create = genai.info("ov_genai_llm_pipeline_create")
    assert (create.kind, create.creates, create.release_with) == (conv.CREATE, "ov_genai_llm_pipeline",
                                                                 "ov_genai_llm_pipeline_free")
    assert [p.name for p in create.in_params] == ["models_path", "device"]
    gen = genai.info("ov_genai_llm_pipeline_generate")
    assert (gen.kind, gen.out_params, gen.creates, gen.release_with) == (
        conv.METHOD, ["results"], "ov_genai_decoded_results", "ov_genai_decoded_results_free")
    assert [c.param for c in gen.callbacks] == ["streamer"]
    for h in ("ov_genai_llm_pipeline", "ov_genai_generation_config", "ov_genai_decoded_results",
              "ov_genai_chat_history", "ov_genai_json_container", "ov_genai_vlm_pipeline", "ov_genai_whisper_pipeline"):
        assert genai.handles[h].free == h + "_free"
    # Every out-handle has a way to be released.
    for info in genai.functions.values():
        if info.creates:
            assert info.release_with, f"{info.name} makes a {info.creates} nothing releases"


# -- buffers and arrays --

def test_two_call_string_getters(acme: conv.Conventions, genai: conv.Conventions) -> None:
    assert acme.info("acme_widget_get_label").string_buffer == ("label", "label_size")
    assert acme.info("acme_last_error").string_buffer == ("message", "message_size")
    assert acme.info("acme_ledger_get_entry").string_buffer == ("entry", "entry_size")
    assert genai.info("ov_genai_decoded_results_get_string").string_buffer == ("output", "output_size")
    assert genai.info("ov_genai_json_container_to_json_string").string_buffer == ("output", "output_size")
    strings = {i.name for i in genai.functions.values() if i.kind == conv.STRING_GETTER}
    with_char_buffer = {f.name for f in genai.api.functions if [p.type.c_spelling() for p in f.params[-2:]] == ["char *", "size_t *"]}
    assert strings == with_char_buffer and len(strings) == 10


def test_count_then_fill_array_getters(acme: conv.Conventions, genai: conv.Conventions) -> None:
    assert acme.info("acme_widget_get_samples").array_buffer == (
        "samples", "samples_count", "acme_widget_get_samples_count")
    assert acme.info("acme_widget_read_history").array_buffer == ("values", "length", "acme_widget_history_length")
    assert genai.info("ov_genai_whisper_generation_config_get_suppress_tokens").array_buffer == (
        "tokens", "tokens_count", "ov_genai_whisper_generation_config_get_suppress_tokens_count")
    assert [i.name for i in genai.functions.values() if i.kind == conv.ARRAY_GETTER] == [
        "ov_genai_whisper_generation_config_get_begin_suppress_tokens",
        "ov_genai_whisper_generation_config_get_suppress_tokens"]


def test_input_arrays(acme: conv.Conventions, genai: conv.Conventions, core: conv.Conventions) -> None:
    def arrays(c: conv.Conventions, fn: str) -> list[tuple[str, str]]:
        return [(a.pointer, a.count) for a in c.info(fn).input_arrays]
    assert arrays(acme, "acme_widget_set_samples") == [("samples", "samples_count")]
    assert arrays(acme, "acme_widget_set_names") == [("names", "count")]  # const char** strings
    assert arrays(acme, "acme_widget_feed") == [("tensors", "tensors_count")]  # foreign handles
    assert arrays(acme, "acme_widget_place") == [("names", "size"), ("points", "size")]  # parallel
    assert arrays(acme, "acme_widget_get_samples") == []  # a buffer to fill is not an input
    assert arrays(acme, "acme_widget_create") == []  # the variadic count is not an array length
    assert arrays(genai, "ov_genai_generation_config_set_stop_strings") == [("strings", "count")]
    assert arrays(genai, "ov_genai_generation_config_set_stop_token_ids") == [("token_ids", "token_ids_num")]
    assert arrays(genai, "ov_genai_vlm_pipeline_generate") == [("rgbs", "num_images")]
    assert arrays(core, "ov_model_reshape") == [("tensor_names", "size"), ("partial_shapes", "size")]
    assert arrays(core, "ov_preprocess_preprocess_steps_pad") == [
        ("pads_begin", "pads_begin_size"), ("pads_end", "pads_end_size")]


# -- variadic conventions --

def test_variadic_conventions(acme: conv.Conventions, genai: conv.Conventions, core: conv.Conventions) -> None:
    def v(c: conv.Conventions, fn: str) -> tuple:
        i = c.info(fn)
        return (i.variadic, i.variadic_count)
    assert v(acme, "acme_widget_create") == (conv.VARIADIC_KEY_VALUE, "property_args_size")
    assert v(acme, "acme_widget_set_option") == (conv.VARIADIC_PAIR, None)  # from acme.toml
    assert v(acme, "acme_widget_add_tags") == (conv.VARIADIC_STRINGS, "tags_size")  # from acme.toml
    assert v(acme, "acme_widget_free") == (None, None)
    for fn in ("ov_genai_llm_pipeline_create", "ov_genai_vlm_pipeline_create", "ov_genai_whisper_pipeline_create"):
        assert v(genai, fn) == (conv.VARIADIC_KEY_VALUE, "property_args_size")
    # Core: TOML-driven pair and strings, the rest key/value by their `*_args_size` count.
    assert v(core, "ov_core_set_property") == (conv.VARIADIC_PAIR, None)
    assert v(core, "ov_compiled_model_set_property") == (conv.VARIADIC_PAIR, None)
    assert v(core, "ov_preprocess_input_tensor_info_set_color_format_with_subname") == (conv.VARIADIC_STRINGS,
                                                                                       "sub_names_size")
    assert v(core, "ov_core_compile_model") == (conv.VARIADIC_KEY_VALUE, "property_args_size")
    assert v(core, "ov_core_create_context") == (conv.VARIADIC_KEY_VALUE, "context_args_size")
    assert v(core, "ov_remote_context_create_tensor") == (conv.VARIADIC_KEY_VALUE, "object_args_size")
    # Every variadic function of both real APIs has a convention.
    for c in (genai, core):
        for info in c.functions.values():
            assert (info.variadic is not None) == info.function.variadic, info.name


def test_core_set_property_is_a_method_not_a_property(core: conv.Conventions) -> None:
    info = core.info("ov_core_set_property")
    assert (info.kind, info.member) == (conv.METHOD, "set_property")
    assert "property" not in {p.name for p in core.handles["ov_core_t"].properties}


def test_variadic_without_a_convention_is_reported_by_name(acme_api: m.API, acme_lib: libmod.Library) -> None:
    bare = _lib(acme_lib, variadic={})
    with pytest.raises(conv.ConventionError) as exc:
        conv.infer(acme_api, bare)
    text = str(exc.value)
    assert "acme_widget_set_option: variadic function with no known convention" in text
    assert "acme_widget_add_tags: variadic function with no known convention" in text  # `tags_size` is no `*_args_size`
    assert "libraries/acme.toml" in text
    assert "acme_widget_create" not in text  # its `property_args_size` decides without the TOML


# -- callbacks --

def test_callback_structs(acme: conv.Conventions, genai: conv.Conventions, core: conv.Conventions) -> None:
    cs = acme.callback_structs["acme_progress_callback"]
    assert (cs.function_field, cs.user_data_field, cs.user_data_param) == ("on_progress", "user_data", 1)
    assert cs.signature.returns == m.CType(m.ENUM, "acme_progress_e")
    assert list(acme.callback_structs) == ["acme_progress_callback"]  # plain structs are not callbacks
    run = acme.info("acme_widget_run")
    assert [(c.param, c.struct) for c in run.callbacks] == [("progress", "acme_progress_callback")]
    streamer = genai.callback_structs["streamer_callback"]
    assert (streamer.function_field, streamer.user_data_field, streamer.user_data_param) == ("callback_func", "args", 1)
    assert streamer.signature.returns == m.CType(m.ENUM, "ov_genai_streaming_status_e")
    # Two function pointers and no user data: not a callback struct.
    assert list(core.callback_structs) == ["ov_callback_t"]
    assert [c.param for c in core.info("ov_infer_request_set_callback").callbacks] == ["callback"]


def test_typedef_function_pointer_parameter_is_not_a_callback_struct(acme: conv.Conventions) -> None:
    info = acme.info("acme_widget_set_logger")
    assert info.callbacks == []
    assert info.function.params[1].type.kind == m.CALLBACK


# -- status enums --

def test_status_enums(acme: conv.Conventions, genai: conv.Conventions, genai_2025_1: conv.Conventions) -> None:
    assert acme.status_enums == {"ov_status_e": "OK", "acme_ledger_status_e": "ACME_LEDGER_OK"}
    for fn in ("acme_ledger_create", "acme_ledger_size", "acme_ledger_get_entry"):
        assert (acme.info(fn).status_enum, acme.info(fn).ok_member) == ("acme_ledger_status_e", "ACME_LEDGER_OK")
    assert (acme.info("acme_widget_run").status_enum, acme.info("acme_widget_run").ok_member) == ("ov_status_e", "OK")
    for fn in ("acme_ledger_free", "acme_version"):
        assert (acme.info(fn).status_enum, acme.info(fn).ok_member) == (None, None)
    assert genai.info("ov_genai_chat_history_push_back").status_enum == "ov_genai_chat_history_status_e"
    assert genai.info("ov_genai_chat_history_push_back").ok_member == "OV_GENAI_CHAT_HISTORY_OK"
    assert genai.info("ov_genai_json_container_create").status_enum == "ov_genai_json_container_status_e"
    assert genai.info("ov_genai_json_container_create").ok_member == "OV_GENAI_JSON_CONTAINER_OK"
    assert genai.info("ov_genai_llm_pipeline_generate").status_enum == "ov_status_e"
    # Status enums of newer releases are dropped when the model lacks them.
    assert genai_2025_1.status_enums == {"ov_status_e": "OK"}
    returns_status = [i for i in genai.functions.values() if i.function.returns.kind == m.ENUM]
    assert all(i.status_enum for i in returns_status)


# -- properties --

def props(c: conv.Conventions, handle: str) -> dict[str, tuple]:
    return {p.name: (p.getter, p.setter, p.type.c_spelling()) for p in c.handles[handle].properties}


def test_properties_of_the_fixture(acme: conv.Conventions) -> None:
    widget = props(acme, "acme_widget")
    assert widget["speed"] == ("acme_widget_get_speed", "acme_widget_set_speed", "float")
    assert widget["label"] == ("acme_widget_get_label", "acme_widget_set_label", "const char *")  # string getter
    assert widget["color"] == (None, "acme_widget_set_color", "acme_color_e")  # set-only
    assert widget["logger"] == (None, "acme_widget_set_logger", "acme_log_func")
    assert widget["origin"] == ("acme_widget_get_origin", None, "acme_point_t")  # get-only struct
    assert "option" not in widget and "set_option" not in widget
    assert list(widget)[:3] == ["speed", "label", "color"]  # declaration order
    assert props(acme, "acme_ledger") == {"size": ("acme_ledger_size", None, "size_t")}
    assert props(acme, "acme_stats") == {"total": ("acme_stats_get_total", None, "size_t")}  # 2 outputs: no property


def test_properties_of_genai(genai: conv.Conventions) -> None:
    config = props(genai, "ov_genai_generation_config")
    assert config["max_new_tokens"] == ("ov_genai_generation_config_get_max_new_tokens",
                                        "ov_genai_generation_config_set_max_new_tokens", "size_t")
    assert config["temperature"] == (None, "ov_genai_generation_config_set_temperature", "float")
    assert config["stop_criteria"][2] == "StopCriteria"
    assert "stop_strings" not in config  # an input array is a method
    pipe = props(genai, "ov_genai_llm_pipeline")
    assert pipe == {"generation_config": ("ov_genai_llm_pipeline_get_generation_config",
                                          "ov_genai_llm_pipeline_set_generation_config", "ov_genai_generation_config *")}
    whisper = props(genai, "ov_genai_whisper_generation_config")
    assert whisper["language"] == ("ov_genai_whisper_generation_config_get_language",
                                   "ov_genai_whisper_generation_config_set_language", "const char *")


def test_foreign_handles(acme: conv.Conventions, genai: conv.Conventions) -> None:
    assert acme.handles["ov_tensor_t"].foreign
    assert not acme.handles["acme_widget"].foreign
    assert genai.handles["ov_tensor_t"].foreign and genai.handles["ov_tensor_t"].functions == []


@pytest.mark.parametrize("change, message", [
    ({"free_functions": {"acme_report_stats_free": "acme_statz"}},
     "acme_report_stats_free: [conventions.free_functions] names unknown handle 'acme_statz'"),
    ({"release_with": {"acme_report_get_stats": "acme_report_stats_fre"}},
     "acme_report_get_stats: [conventions.release_with] names unknown function 'acme_report_stats_fre'"),
    ({"array_getters": {"acme_widget_read_history": "acme_widget_history_len"}},
     "acme_widget_read_history: [conventions.array_getters] names unknown count function 'acme_widget_history_len'"),
])
def test_a_library_description_typo_is_reported(acme_api: m.API, acme_lib: libmod.Library, change: dict,
                                                message: str) -> None:
    with pytest.raises(conv.ConventionError) as exc:
        conv.infer(acme_api, _lib(acme_lib, **change))
    assert message in str(exc.value)


# -- the binding model (bindgen/binding.py): what every language exposes, decided once --

from bindgen import binding as bd  # noqa: E402
from bindgen import versions  # noqa: E402


@pytest.fixture(scope="module")
def acme_binding(acme: conv.Conventions) -> bd.Binding:
    return bd.bind(acme)


@pytest.fixture(scope="module")
def genai_binding() -> bd.Binding:
    lib = libmod.load("genai")
    api = snapshot.load(snapshot.embedded("genai", "2026.3.0.0"))
    versions.annotate(api, lib)  # what the driver does before rendering
    return bd.bind(conv.infer(api, lib))


@pytest.fixture(scope="module")
def core_binding(core: conv.Conventions) -> bd.Binding:
    return bd.bind(core)


def members(b: bd.Binding, handle: str) -> dict[str, tuple[bd.MemberKind, list[str]]]:
    return {mem.name: (mem.kind, [c.function for c in mem.calls]) for mem in b.classes[handle].members}


def test_binding_members_of_the_fixture(acme_binding: bd.Binding) -> None:
    widget = members(acme_binding, "acme_widget")
    assert widget["create"] == (bd.MemberKind.CONSTRUCTOR, ["acme_widget_create"])
    assert widget["speed"] == (bd.MemberKind.PROPERTY, ["acme_widget_get_speed", "acme_widget_set_speed"])
    assert widget["label"] == (bd.MemberKind.PROPERTY, ["acme_widget_get_label", "acme_widget_set_label"])
    # Array get/set pairs are properties (and a set-only array a write-only one).
    assert widget["samples"] == (bd.MemberKind.PROPERTY, ["acme_widget_get_samples", "acme_widget_set_samples"])
    assert widget["names"] == (bd.MemberKind.PROPERTY, ["acme_widget_set_names"])
    # Code handed to the library is registered through a method, never stored through a property.
    assert widget["set_logger"] == (bd.MemberKind.METHOD, ["acme_widget_set_logger"])
    assert widget["run"] == (bd.MemberKind.METHOD, ["acme_widget_run"])
    assert "acme_widget_free" not in [f for _, fs in widget.values() for f in fs]
    ledger = members(acme_binding, "acme_ledger")
    assert ledger["from_widget"] == (bd.MemberKind.FACTORY, ["acme_ledger_create_from_widget"])
    stats = acme_binding.classes["acme_stats"]
    assert stats.member("duration").value is bd.PropertyValue.VALUES  # two outs read together
    assert (stats.free, stats.alternate_frees) == (None, ["acme_report_stats_free"])
    assert [s.name for s in acme_binding.statics] == ["version", "last_error"]


def test_binding_lifetimes(acme_binding: bd.Binding, genai_binding: bd.Binding) -> None:
    assert acme_binding.classes["acme_widget"].lifetime is bd.Lifetime.RESOURCE
    assert acme_binding.classes["ov_tensor_t"].lifetime is bd.Lifetime.FOREIGN
    assert genai_binding.classes["ov_tensor_t"].members == []
    assert genai_binding.classes["ov_genai_llm_pipeline"].free == "ov_genai_llm_pipeline_free"


def test_binding_parameter_roles(acme_binding: bd.Binding) -> None:
    widget = acme_binding.classes["acme_widget"]

    def roles(name: str) -> list[tuple[str, bd.Role, object]]:
        call = next(c for mem in widget.members for c in mem.calls if c.function == name)
        return [(p.name, p.role, p.count) for p in call.params]

    assert roles("acme_widget_create") == [("name", bd.Role.INPUT, None),
                                           ("property_args_size", bd.Role.VARIADIC_COUNT, None),
                                           ("widget", bd.Role.OUT_HANDLE, None)]
    assert roles("acme_widget_place") == [("widget", bd.Role.SELF, None), ("names", bd.Role.ARRAY, "size"),
                                          ("points", bd.Role.ARRAY, "size"), ("size", bd.Role.ARRAY_COUNT, "points")]
    assert [r for _, r, _ in roles("acme_widget_get_label")] == [bd.Role.SELF, bd.Role.STRING_BUFFER,
                                                                 bd.Role.STRING_SIZE]
    assert [r for _, r, _ in roles("acme_widget_read_history")] == [bd.Role.SELF, bd.Role.ARRAY_BUFFER,
                                                                    bd.Role.ARRAY_BUFFER_COUNT]
    run = widget.member("run")
    assert run.call is not None and run.call.role(bd.Role.CALLBACK)[0].callback == "acme_progress_callback"
    assert run.call.variadic is None
    assert widget.member("create").call.variadic is bd.Variadic.KEY_VALUE  # type: ignore[union-attr]


def test_binding_paths(core_binding: bd.Binding, genai_binding: bd.Binding) -> None:
    read_model = core_binding.classes["ov_core_t"].member("read_model").call
    assert read_model is not None
    assert [(p.name, p.role, p.nullable) for p in read_model.inputs] == [
        ("model_path", bd.Role.PATH, False), ("bin_path", bd.Role.PATH, True)]
    create = genai_binding.classes["ov_genai_llm_pipeline"].member("create").call
    assert create is not None and [p.role for p in create.inputs] == [bd.Role.PATH, bd.Role.INPUT]


def test_binding_getter_of_a_new_object_is_a_method_pair(genai_binding: bd.Binding, core_binding: bd.Binding) -> None:
    # `pipe.generation_config.x = 1` would change a copy: get_/set_ methods in every language.
    pipe = members(genai_binding, "ov_genai_llm_pipeline")
    assert pipe["get_generation_config"][0] is bd.MemberKind.METHOD
    assert pipe["set_generation_config"][0] is bd.MemberKind.METHOD
    assert "generation_config" not in pipe
    request = members(core_binding, "ov_infer_request_t")
    assert request["get_input_tensor"][0] is request["set_input_tensor"][0] is bd.MemberKind.METHOD
    assert request["set_callback"][0] is bd.MemberKind.METHOD


def test_binding_array_properties_of_genai(genai_binding: bd.Binding) -> None:
    config = genai_binding.classes["ov_genai_whisper_generation_config"]
    assert config.member("suppress_tokens").value is bd.PropertyValue.ARRAY
    assert [c.function for c in config.member("suppress_tokens").calls] == [
        "ov_genai_whisper_generation_config_get_suppress_tokens",
        "ov_genai_whisper_generation_config_set_suppress_tokens"]
    assert genai_binding.classes["ov_genai_generation_config"].member("stop_strings").value is bd.PropertyValue.ARRAY


def test_binding_streaming_forms(genai_binding: bd.Binding, acme_binding: bd.Binding) -> None:
    pipe = genai_binding.classes["ov_genai_llm_pipeline"]
    assert pipe.member("generate").stream == "stream"
    assert pipe.member("generate_with_history").stream == "stream_with_history"
    assert pipe.member("start_chat").stream is None
    assert acme_binding.classes["acme_widget"].member("run").stream == "stream"


def test_binding_callback_return_meanings_come_from_the_library_description(
        genai_binding: bd.Binding, acme_binding: bd.Binding, acme: conv.Conventions) -> None:
    streamer = genai_binding.callbacks["streamer_callback"]
    assert (streamer.continue_value, streamer.stop_value, streamer.cancel_value) == (
        "OV_GENAI_STREAMING_STATUS_RUNNING", "OV_GENAI_STREAMING_STATUS_STOP", "OV_GENAI_STREAMING_STATUS_CANCEL")
    assert streamer.error_value == "OV_GENAI_STREAMING_STATUS_CANCEL" and streamer.streams
    old = bd.bind(conv.infer(snapshot.load(snapshot.embedded("genai", "2025.1.0.0")), libmod.load("genai")))
    assert old.callbacks["streamer_callback"].stop_value == "OV_GENAI_STREAMMING_STATUS_STOP"
    progress = acme_binding.callbacks["acme_progress_callback"]
    assert (progress.continue_value, progress.stop_value, progress.cancel_value) == (
        "ACME_PROGRESS_CONTINUE", "ACME_PROGRESS_STOP", None)
    assert progress.error_value == "ACME_PROGRESS_STOP"
    # Without a description a callback's value means nothing: no streaming form.
    plain = bd.bind(dataclasses.replace(acme, library=_lib(acme.library, callback_returns={})))
    assert not plain.callbacks["acme_progress_callback"].streams
    assert plain.classes["acme_widget"].member("run").stream is None


def test_binding_absent_status_for_optional_strings(genai_binding: bd.Binding) -> None:
    config = genai_binding.classes["ov_genai_whisper_generation_config"]
    language = config.member("language")
    assert language.getter is not None and language.getter.absent_status == "NOT_FOUND"
    assert config.member("decoder_start_token_id").getter.absent_status is None  # type: ignore[union-attr]
    assert genai_binding.absent_statuses == {"ov_status_e": "NOT_FOUND"}


def test_binding_internal_functions_and_error_text(core_binding: bd.Binding, genai_binding: bd.Binding) -> None:
    assert "ov_free" in core_binding.internal and "ov_shape_free" in core_binding.internal
    assert "ov_tensor_free" in core_binding.internal
    assert all(s.call is None or s.call.function not in core_binding.internal for s in core_binding.statics)
    et = core_binding.error_text
    assert et is not None and (et.last_message, et.status_description, et.last_message_owned) == (
        "ov_get_last_err_msg", "ov_get_error_info", True)
    assert "UNKNOW_EXCEPTION" in et.last_message_statuses
    assert genai_binding.error_text is None


def test_binding_first_versions(genai_binding: bd.Binding) -> None:
    pipe = genai_binding.classes["ov_genai_llm_pipeline"]
    assert pipe.member("generate").since == "2025.1.0.0"
    assert pipe.member("generate_with_history").since == "2026.0.0.0"
    assert pipe.member("create").since == "2025.2.0.0"  # gained its variadic properties then
    assert genai_binding.classes["ov_genai_generation_config"].member("min_p").since == "2026.3.0.0"


@pytest.mark.parametrize("change, message", [
    ({"callback_returns": {"acme_progress_e": {"continue": "ACME_PROGRESS_GO"}}},
     "[conventions.callback_returns] acme_progress_e: continue = 'ACME_PROGRESS_GO' is no member of acme_progress_e"),
    ({"callback_returns": {"acme_progress_e": {"pause": "ACME_PROGRESS_STOP"}}},
     "[conventions.callback_returns] acme_progress_e: unknown meaning 'pause'"),
    ({"absent_statuses": {"ov_status_e": "MISSING"}},
     "[conventions.absent_statuses] ov_status_e: 'MISSING' is no member of it"),
    ({"absent_statuses": {"acme_color_e": "ACME_RED"}},
     "[conventions.absent_statuses] acme_color_e is no status enum"),
])
def test_a_binding_description_typo_is_reported(acme: conv.Conventions, change: dict, message: str) -> None:
    with pytest.raises(bd.BindingError) as exc:
        bd.bind(dataclasses.replace(acme, library=_lib(acme.library, **change)))
    assert message in str(exc.value)


def test_binding_value_struct_forms(core_binding: bd.Binding, acme_binding: bd.Binding) -> None:
    shape = core_binding.value_structs["ov_shape_t"]
    assert (shape.form, shape.counted, shape.hidden) == (bd.ValueForm.LIST, {"dims": "rank"}, ("rank",))
    partial = core_binding.value_structs["ov_partial_shape_t"]  # length inside a nested struct: shown
    assert (partial.form, partial.counted, partial.hidden) == (bd.ValueForm.RECORD, {"dims": "rank.max"}, ())
    assert acme_binding.value_structs["acme_sample_list_t"].form is bd.ValueForm.LIST
    assert acme_binding.value_structs["acme_sample_t"].form is bd.ValueForm.RECORD
    assert "acme_progress_callback" not in acme_binding.value_structs


# -- image tensors ([conventions.image_tensors]): checked before the call in both languages --

def test_image_tensor_arrays_are_marked_in_the_binding_model(genai: conv.Conventions) -> None:
    calls = bd.bind(genai).calls()
    marked = sorted((name, p.name) for name, call in calls.items() for p in call.params if p.image_tensors)
    assert marked == [("ov_genai_vlm_pipeline_generate", "rgbs"), ("ov_genai_vlm_pipeline_generate_with_history", "rgbs")]


@pytest.mark.parametrize("entry,message", [
    (["imgs"], "[conventions.image_tensors] names unknown parameter 'imgs'"),
    (["text_inputs"], "[conventions.image_tensors] 'text_inputs' is not an array of handles"),
])
def test_an_image_tensors_entry_must_name_an_array_of_handles(entry: list[str], message: str) -> None:
    lib = libmod.load("genai")
    api = snapshot.load(snapshot.embedded("genai", "2026.3.0.0"))
    with pytest.raises(conv.ConventionError) as exc:
        conv.infer(api, _lib(lib, image_tensors={"ov_genai_vlm_pipeline_generate": entry}))


# -- arrays the library fails on when too short ([conventions.shortest_arrays]): refused before the call --

def test_shortest_arrays_are_marked_in_the_binding_model(genai: conv.Conventions) -> None:
    calls = bd.bind(genai).calls()
    marked = sorted((name, p.name, p.shortest) for name, call in calls.items() for p in call.params if p.shortest)
    assert marked == [("ov_genai_whisper_pipeline_generate", "raw_speech", (200, "samples", "12.5 ms at 16 kHz"))]


_SPEECH = "ov_genai_whisper_pipeline_generate"


@pytest.mark.parametrize("entry,message", [
    ({"speech": {"more_than": 200, "unit": "samples", "note": ""}}, "[conventions.shortest_arrays] 'speech' is not an input array"),
    ({"config": {"more_than": 200, "unit": "samples", "note": ""}}, "[conventions.shortest_arrays] 'config' is not an input array"),
    ({"raw_speech": {"more_than": "200", "unit": "samples", "note": ""}}, "[conventions.shortest_arrays] 'raw_speech': expected"),
    ({"raw_speech": {"more_than": -1, "unit": "samples", "note": ""}}, "[conventions.shortest_arrays] 'raw_speech': expected"),
    ({"raw_speech": {"more_than": 200, "unit": "", "note": ""}}, "[conventions.shortest_arrays] 'raw_speech': expected"),
    ({"raw_speech": {"more_than": 200}}, "[conventions.shortest_arrays] 'raw_speech': expected"),
    ({"raw_speech": 200}, "[conventions.shortest_arrays] 'raw_speech': expected"),
])
def test_a_shortest_arrays_entry_must_name_an_input_array_and_its_bound(entry: dict[str, Any], message: str) -> None:
    lib = libmod.load("genai")
    api = snapshot.load(snapshot.embedded("genai", "2026.3.0.0"))
    with pytest.raises(conv.ConventionError) as exc:
        conv.infer(api, _lib(lib, shortest_arrays={_SPEECH: entry}))
    assert message in str(exc.value)


def test_genai_result_classes(genai: conv.Conventions, genai_2025_1: conv.Conventions) -> None:
    # [conventions.results] / [conventions.metrics]: which getters form which field, with units.
    values = bd.bind(genai).result_classes
    assert all(not v.missing for v in values.values())  # every function named exists in 2026.3
    decoded = values["ov_genai_decoded_results"]
    assert [(f.name, f.source) for f in decoded.fields] == [
        ("string", bd.FieldSource.STRING), ("texts", bd.FieldSource.FROM_STRING),
        ("scores", bd.FieldSource.FROM_STRING), ("perf_metrics", bd.FieldSource.OBJECT)]
    assert decoded.string_form == "scored_lines" and decoded.fields[-1].handle == "ov_genai_perf_metrics"
    chunks = values["ov_genai_whisper_decoded_results"].field("chunks")
    assert chunks is not None and chunks.source is bd.FieldSource.LIST
    assert (chunks.present, chunks.handle) == ("ov_genai_whisper_decoded_results_has_chunks",
                                               "ov_genai_whisper_decoded_result_chunk")
    start = values["ov_genai_whisper_decoded_result_chunk"].field("start_ts")
    assert start is not None and start.unit == "s"
    metrics = values["ov_genai_perf_metrics"]
    assert metrics.kind == "metrics" and metrics.add == "ov_genai_perf_metrics_add_in_place"
    ttft, tokens = metrics.field("ttft"), metrics.field("num_generated_tokens")
    assert ttft is not None and (ttft.pair, ttft.unit) == (True, "ms")
    assert tokens is not None and (tokens.pair, tokens.unit, tokens.getter) == (
        False, "tokens", "ov_genai_perf_metrics_get_num_generation_tokens")
    # An older API: the classes it has, without the fields whose functions came later.
    old = bd.bind(genai_2025_1).result_classes
    assert set(old) == {"ov_genai_decoded_results", "ov_genai_perf_metrics"}
    assert old["ov_genai_perf_metrics"].missing == ("chat_template_duration",)


@pytest.mark.parametrize("change, message", [
    ({"ov_genai_perf_metrics": {"add": "ov_genai_perf_metrics_add_in_place",
                                "ttft": {"getter": "ov_genai_perf_metrics_get_ttft", "unit": "hours"}}},
     "ttft: unit 'hours' is none of"),
    ({"ov_genai_perf_metrics": {"ttft": "ov_genai_perf_metrics_get_ttft"}},
     "[conventions.metrics.ov_genai_perf_metrics]: missing `add`"),
    ({"ov_genai_perf_metrics": {"add": "ov_genai_decoded_results_get_string"}},
     "ov_genai_decoded_results_get_string does not belong to ov_genai_perf_metrics"),
])
def test_a_result_class_typo_is_reported(genai: conv.Conventions, change: dict, message: str) -> None:
    with pytest.raises(bd.BindingError) as exc:
        bd.bind(dataclasses.replace(genai, library=_lib(genai.library, metrics=change)))
    assert message in str(exc.value)


def test_text_result_is_read_from_the_calls_table(genai: conv.Conventions) -> None:
    llm = bd.bind(genai).classes["ov_genai_llm_pipeline"]
    calls = {mem.call.function: mem.call for mem in llm.members if mem.call is not None}
    assert calls["ov_genai_llm_pipeline_generate"].text_result == ("num_return_sequences", 1)
    assert calls["ov_genai_llm_pipeline_generate_with_history"].text_result is None  # a ChatHistory: the results


def test_lone_score_is_read_from_the_calls_table(genai: conv.Conventions) -> None:
    vlm = bd.bind(genai).classes["ov_genai_vlm_pipeline"]
    calls = {mem.call.function: mem.call for mem in vlm.members if mem.call is not None}
    greedy = ((("do_sample", "==", False), ("num_beams", "<=", 1), ("logprobs", "==", 0)), 0.0)
    assert calls["ov_genai_vlm_pipeline_generate"].lone_score == greedy
    assert calls["ov_genai_vlm_pipeline_generate_with_history"].lone_score == greedy


@pytest.mark.parametrize("shape, message", [
    ({"fields": "config", "lone_score": {"when": [["do_sample", "is", False]], "score": 0.0}}, "lone_score must be"),
    ({"fields": "config", "lone_score": {"when": [["do_sample", "==", False]]}}, "lone_score must be"),
    ({"lone_score": {"when": [["do_sample", "==", False]], "score": 0.0}}, "lone_score needs fields"),
    ({"fields": "config", "lone_score": {"when": [["do_sampel", "==", False]], "score": 0.0}},
     "lone_score field 'do_sampel' is no field of the value class"),
])
def test_a_lone_score_typo_is_reported(genai: conv.Conventions, shape: dict, message: str) -> None:
    calls = {**genai.library.conventions.calls, "ov_genai_llm_pipeline_generate": shape}
    with pytest.raises(bd.BindingError) as exc:
        bd.bind(dataclasses.replace(genai, library=_lib(genai.library, calls=calls)))
    assert message in str(exc.value)


@pytest.mark.parametrize("shape, message", [
    ({"fields": "config", "text_result": {"field": "num_return_sequences"}}, "text_result must be"),
    ({"text_result": {"field": "num_return_sequences", "equals": 1}}, "text_result needs fields"),
    ({"fields": "config", "text_result": {"field": "num_return_sequencez", "equals": 1}},
     "text_result field 'num_return_sequencez' is no field of the value class"),
])
def test_a_text_result_typo_is_reported(genai: conv.Conventions, shape: dict, message: str) -> None:
    calls = {**genai.library.conventions.calls, "ov_genai_llm_pipeline_generate": shape}
    with pytest.raises(bd.BindingError) as exc:
        bd.bind(dataclasses.replace(genai, library=_lib(genai.library, calls=calls)))
    assert message in str(exc.value)


@pytest.mark.parametrize("shape", [{"upstream_only": {"config": "clashes with a parameter"}},
                                   {"upstream_only": {"videos": ""}}, {"single": {"config": "cfg"}}])
def test_an_upstream_only_or_single_typo_is_reported(genai: conv.Conventions, shape: dict) -> None:
    calls = {**genai.library.conventions.calls, "ov_genai_whisper_pipeline_generate": shape}
    with pytest.raises(bd.BindingError, match="ov_genai_whisper_pipeline_generate: (upstream_only must|single names no array parameter)"):
        bd.bind(dataclasses.replace(genai, library=_lib(genai.library, calls=calls)))


@pytest.mark.parametrize("fname, shape, message", [
    ("ov_genai_vlm_pipeline_generate", {"keyword": True}, "keyword must be true or false, on a function that joins"),
    ("ov_genai_vlm_pipeline_generate_with_history", {"joins": "ov_genai_vlm_pipeline_generate", "keyword": "history"},
     "keyword must be true or false"),
    ("ov_genai_vlm_pipeline_generate_with_history", {"joins": "ov_genai_vlm_pipeline_generate", "keyword": True,
                                                     "rename": {"history": "prompt"}},
     "keyword: ov_genai_vlm_pipeline_generate's method already has a parameter 'prompt'"),
])
def test_a_keyword_typo_is_reported(genai: conv.Conventions, fname: str, shape: dict, message: str) -> None:
    calls = {**genai.library.conventions.calls, fname: shape}
    with pytest.raises(bd.BindingError) as exc:
        bd.bind(dataclasses.replace(genai, library=_lib(genai.library, calls=calls)))
    assert message in str(exc.value)


def test_a_pipeline_config_is_read_as_the_data_says(genai: conv.Conventions) -> None:
    vc = bd.bind(genai).value_classes["ov_genai_generation_config"]
    assert (vc.pipeline_json, vc.member_probe) == ("generation_config.json", ("eos_token_id", "stop_token_ids"))
    fields = {f.name: f for f in vc.fields}
    assert fields["eos_token_id"].json_first and not fields["max_new_tokens"].json_first
    assert {f.name for f in vc.fields if f.set_keeps} == {"eos_token_id", "stop_token_ids"}


@pytest.mark.parametrize("change, message", [
    ({"member_probe": {"field": "eos_token_id", "through": "stop_strings"}}, "member_probe = "),
    ({"member_probe": {"field": "temperature", "through": "stop_token_ids"}}, "member_probe = "),
    ({"member_probe": "eos_token_id"}, "member_probe = "),
    ({"pipeline_json": "models/generation_config.json"}, "pipeline_json = "),
    ({"pipeline_jsn": "generation_config.json"}, "unknown keys ['pipeline_jsn']"),
])
def test_a_pipeline_config_typo_is_reported(genai: conv.Conventions, change: dict, message: str) -> None:
    classes = dict(genai.library.conventions.value_classes)
    classes["ov_genai_generation_config"] = {**classes["ov_genai_generation_config"], **change}
    with pytest.raises(bd.BindingError) as exc:
        bd.bind(dataclasses.replace(genai, library=_lib(genai.library, value_classes=classes)))
    assert message in str(exc.value)
