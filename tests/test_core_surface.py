"""How much of OpenVINO's core C API the generated layers cover, pinned: the convention data read
from the 2026.3 implementation, the functions each language leaves raw (and only those), and
that every other function is reachable from the safe layers."""
from __future__ import annotations

import re

import pytest

from bindgen import conventions as conv
from bindgen import library, snapshot, versions
from bindgen.emit import renderer


@pytest.fixture(scope="module")
def core() -> conv.Conventions:
    api = snapshot.load(snapshot.embedded("core"))
    return conv.infer(api, library.load("core"))


def test_variadic_conventions(core: conv.Conventions) -> None:
    assert core.info("ov_core_set_property").variadic == conv.VARIADIC_PAIR
    assert core.info("ov_compiled_model_set_property").variadic == conv.VARIADIC_PAIR
    compile_model = core.info("ov_core_compile_model")
    assert (compile_model.variadic, compile_model.variadic_count) == (conv.VARIADIC_KEY_VALUE, "property_args_size")
    subnames = core.info("ov_preprocess_input_tensor_info_set_color_format_with_subname")
    assert (subnames.variadic, subnames.variadic_count) == (conv.VARIADIC_STRINGS, "sub_names_size")


def test_caller_owned_memory(core: conv.Conventions) -> None:
    assert core.library.conventions.string_free == "ov_free"
    assert core.info("ov_core_get_property").string_outs == ["property_value"]
    assert core.info("ov_port_get_any_name").string_outs == ["tensor_name"]
    assert core.info("ov_get_last_err_msg").owned_string_return
    assert not core.info("ov_get_error_info").owned_string_return  # a static string
    assert core.info("ov_tensor_get_shape").struct_outs == {"shape": "ov_shape_free"}
    assert core.info("ov_core_get_available_devices").struct_outs == {"devices": "ov_available_devices_free"}
    assert core.info("ov_core_get_versions_by_device_name").struct_outs == {"versions": "ov_core_versions_free"}
    assert core.info("ov_port_get_partial_shape").struct_outs == {"partial_shape": "ov_partial_shape_free"}
    assert core.value_structs["ov_shape_t"].free == "ov_shape_free"
    assert core.value_structs["ov_dimension_t"].free is None  # plain data
    assert {s: [(c.pointer, c.count) for c in cs] for s, cs in core.counted_fields.items()} == {
        "ov_shape_t": [("dims", "rank")],
        "ov_partial_shape_t": [("dims", "rank.max")],
        "ov_available_devices_t": [("devices", "size")],
        "ov_core_version_list_t": [("versions", "size")],
        "ov_profiling_info_list_t": [("profiling_infos", "size")],
    }


def test_retained_pointers_and_owners(core: conv.Conventions) -> None:
    assert core.info("ov_infer_request_set_callback").retains == ["callback"]
    assert core.info("ov_tensor_create_from_host_ptr").retains == ["host_ptr"]
    assert core.info("ov_infer_request_set_input_tensor").retains == ["tensor"]
    assert core.info("ov_core_read_model_from_memory_buffer").retains == ["weights"]
    assert core.info("ov_port_get_shape").owner == "ov_output_port_t"
    assert core.info("ov_const_port_get_shape").owner == "ov_output_const_port_t"
    assert core.info("ov_core_read_model_unicode").wide_strings == ["model_path", "bin_path"]


# Functions the C# safe layer leaves to NativeMethods, each for a reason docs/core-api.md gives.
CSHARP_RAW_ONLY = {
    "ov_free", "ov_shape_free", "ov_partial_shape_free", "ov_available_devices_free", "ov_core_versions_free",
    "ov_profiling_info_list_free", "ov_version_free",  # the safe layer frees what it copied
    "ov_infer_request_set_callback", "ov_tensor_create_from_host_ptr",  # hand-written partials wrap them
    "ov_util_set_log_callback", "ov_partial_shape_create_dynamic", "ov_core_read_model_from_memory_buffer",
}


def test_csharp_raw_only_functions(core: conv.Conventions) -> None:
    files = renderer("csharp")(core.api, core, versions.prepare(core.api, core.library))
    raw_only = set()
    for text in files.values():
        block = re.search(r"Bound in NativeMethods only.*?\n((?:\s*//   .*\n)+)", text)
        if block:
            raw_only.update(re.findall(r"//   (\w+):", block.group(1)))
    assert raw_only == CSHARP_RAW_ONLY
    # Everything else appears in the safe layer as a call.
    safe_text = "\n".join(t for name, t in files.items() if name != "NativeMethods.g.cs")
    missing = [f.name for f in core.api.functions
               if f.name not in raw_only and f"NativeMethods.{f.name}(" not in safe_text]
    assert missing == []


def test_cffi_exposes_everything_but_the_frees(core: conv.Conventions) -> None:
    text = renderer("cffi")(core.api, core, versions.prepare(core.api, core.library))["_bindings.py"]
    frees = {"ov_free", "ov_shape_free", "ov_partial_shape_free", "ov_available_devices_free", "ov_core_versions_free",
             "ov_profiling_info_list_free", "ov_version_free"} | {i.name for i in core.functions.values() if i.kind == conv.FREE}
    missing = [f.name for f in core.api.functions if f.name not in frees and f"n.lib.{f.name}(" not in text]
    assert missing == []
    # Frees of handles run through ffi.gc, struct frees right after copying: both still referenced.
    assert "n.lib.ov_tensor_free" in text and "n.lib.ov_shape_free" in text
