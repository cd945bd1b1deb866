"""The parser on our own fixture headers (tests/fixtures/acme): every construct the upstream
GenAI and core C headers use, and bad input that must be reported as `file:line:col: message`."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from bindgen import library as libmod
from bindgen import model as m
from bindgen import parser

FIXTURES = Path(__file__).parent / "fixtures"
ACME = FIXTURES / "acme"
ACME_INCLUDE = ACME / "include"
ACME_TOML = ACME / "acme.toml"
BAD = FIXTURES / "bad"


@pytest.fixture(scope="module")
def acme_lib() -> libmod.Library:
    return libmod.load(str(ACME_TOML))


@pytest.fixture(scope="module")
def api(acme_lib: libmod.Library) -> m.API:
    return parser.parse(parser.resolve_header_set([ACME_INCLUDE], acme_lib), acme_lib, "1.0")


def scalar(name: str, const: bool = False) -> m.CType:
    return m.CType(m.SCALAR, name, const)


def ptr(inner: m.CType, const: bool = False) -> m.CType:
    return m.CType(m.POINTER, None, const, pointee=inner)


def const_char_ptr() -> m.CType:
    return ptr(scalar("char", const=True))


# -- header set resolution --

def test_directory_input_finds_api_headers_and_the_wheel_include(acme_lib: libmod.Library) -> None:
    wheel = parser.openvino_wheel_include()
    assert wheel is not None, "the openvino wheel is a test dependency"
    hs = parser.resolve_header_set([ACME], acme_lib)  # found under the `include` search prefix
    assert hs.api_headers == ["acme/c/ledger.h", "acme/c/report.h", "acme/c/types.h", "acme/c/visibility.h",
                              "acme/c/widget.h"]
    assert hs.include_dirs == [ACME_INCLUDE.resolve(), wheel]
    assert hs.locate("openvino/c/ov_common.h") == wheel / "openvino" / "c" / "ov_common.h"


def test_ov_common_from_the_installed_wheel_is_used_without_any_include_flag(api: m.API) -> None:
    status = api.enum("ov_status_e")
    assert status.location.file == "openvino/c/ov_common.h"
    assert (status.members[0].name, status.members[0].value) == ("OK", 0)
    assert {"INVALID_C_PARAM": -14, "UNKNOW_EXCEPTION": -17}.items() <= {x.name: x.value for x in status.members}.items()


def test_missing_wheel_is_a_clear_error(acme_lib: libmod.Library, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parser, "openvino_wheel_include", lambda: None)
    with pytest.raises(parser.ParseError) as exc:
        parser.resolve_header_set([ACME_INCLUDE], acme_lib)
    assert "openvino/c/ov_common.h: not found" in str(exc.value)
    assert "pass -I DIR" in str(exc.value)


def test_directory_without_the_marker_header_is_an_error(acme_lib: libmod.Library, tmp_path: Path) -> None:
    with pytest.raises(parser.ParseError) as exc:
        parser.resolve_header_set([tmp_path], acme_lib)
    assert f"{tmp_path}: no Acme fixture headers found" in str(exc.value)
    assert "acme/c/widget.h" in str(exc.value)


def test_missing_input_is_an_error(acme_lib: libmod.Library, tmp_path: Path) -> None:
    with pytest.raises(parser.ParseError, match="no such file or directory"):
        parser.resolve_header_set([tmp_path / "nothing.h"], acme_lib)


def test_single_header_file_with_include_dir(acme_lib: libmod.Library) -> None:
    ledger = ACME_INCLUDE / "acme" / "c" / "ledger.h"
    hs = parser.resolve_header_set([ledger], acme_lib, [ACME_INCLUDE])
    assert hs.api_headers == ["acme/c/ledger.h"]
    api = parser.parse(hs, acme_lib)
    # Only functions declared in the given header are API functions; types it uses still resolve.
    assert {f.name for f in api.functions} == {
        "acme_ledger_create", "acme_ledger_create_from_widget", "acme_ledger_free", "acme_ledger_append",
        "acme_ledger_size", "acme_ledger_get_entry"}
    assert "acme_widget" in {h.name for h in api.handles}


# -- what the model holds --

def test_model_header_list_and_version(api: m.API) -> None:
    assert api.library == "acme"
    assert api.version == "1.0"
    assert api.headers[0] == "acme/c/ledger.h"


def test_export_macro_is_expanded_and_only_api_functions_are_kept(api: m.API) -> None:
    names = [f.name for f in api.functions]
    assert len(names) == len(set(names)) == 35  # 36 declarations, one declared twice
    assert all(n.startswith("acme_") for n in names), "functions of included openvino headers are not API"
    # Declaration order within each header; headers in path order.
    widget = [n for n in names if n.startswith("acme_widget_")]
    assert widget[:3] == ["acme_widget_create", "acme_widget_free", "acme_widget_set_speed"]


def test_opaque_handles_including_a_foreign_one(api: m.API) -> None:
    handles = {h.name: h for h in api.handles}
    assert set(handles) == {"acme_ledger", "acme_report", "acme_stats", "acme_widget", "ov_tensor_t"}
    assert handles["acme_widget"].tag == "acme_widget_opaque"
    assert str(handles["acme_widget"].location) == "acme/c/widget.h:8"
    assert handles["ov_tensor_t"].location.file == "openvino/c/ov_tensor.h"


def test_typedef_enum_with_explicit_implicit_and_negative_values(api: m.API) -> None:
    color = api.enum("acme_color_e")
    assert [(x.name, x.value) for x in color.members] == [
        ("ACME_COLOR_NONE", -1), ("ACME_COLOR_RED", 1), ("ACME_COLOR_GREEN", 2), ("ACME_COLOR_BLUE", 10),
        ("ACME_COLOR_CYAN", 11)]
    assert color.size == 4
    assert not color.tag_only
    level = api.enum("acme_level_e")
    assert [(x.name, x.value) for x in level.members] == [("ACME_LOW", 0), ("ACME_HIGH", 1)]


def test_tag_only_enum_nested_in_a_struct(api: m.API) -> None:
    phase = api.enum("Phase")
    assert phase.tag_only
    assert [(x.name, x.value) for x in phase.members] == [
        ("ACME_PHASE_IDLE", 0), ("ACME_PHASE_BUSY", 4), ("ACME_PHASE_DONE", 5)]
    field = next(f for f in api.struct("acme_sample_t").fields if f.name == "phase")
    assert field.type == m.CType(m.ENUM, "Phase", tag="enum")
    assert field.type.c_spelling("phase") == "enum Phase phase"


def test_struct_fields_types_offsets_size(api: m.API) -> None:
    s = api.struct("acme_sample_t")
    assert (s.size, s.align) == (104, 8)
    layout = [(f.name, f.type.c_spelling(), f.offset) for f in s.fields]
    assert layout == [
        ("label", "const char *", 0),
        ("count", "size_t", 8),
        ("stamp", "int64_t", 16),
        ("valid", "bool", 24),
        ("origin", "acme_point_t", 28),
        ("weights", "float[3]", 36),
        ("flags", "uint8_t", 48),
        ("scale", "double", 56),
        ("phase", "enum Phase", 64),
        ("color", "acme_color_e", 68),
        ("values", "int64_t *", 72),
        ("names", "char **", 80),
        ("corners", "acme_point_t[2]", 88),
    ]
    fields = {f.name: f.type for f in s.fields}
    assert fields["label"] == const_char_ptr()
    assert fields["valid"] == scalar("bool")
    assert fields["origin"] == m.CType(m.STRUCT, "acme_point_t")
    assert fields["weights"] == m.CType(m.ARRAY, None, pointee=scalar("float"), count=3)
    assert fields["corners"] == m.CType(m.ARRAY, None, pointee=m.CType(m.STRUCT, "acme_point_t"), count=2)
    assert fields["names"].pointer_depth() == 2 and fields["names"].base() == scalar("char")
    assert fields["color"] == m.CType(m.ENUM, "acme_color_e")
    lst = api.struct("acme_sample_list_t")
    assert [(f.name, f.type.c_spelling(), f.offset) for f in lst.fields] == [
        ("samples", "acme_sample_t *", 0), ("size", "size_t", 8)]


def test_function_pointer_typedef_with_callback_macro(api: m.API) -> None:
    (cb,) = api.callbacks
    assert cb.name == "acme_log_func"
    assert cb.returns == m.CType(m.VOID)
    assert [(p.name, p.type) for p in cb.params] == [
        ("level", m.CType(m.ENUM, "acme_level_e")), ("message", const_char_ptr())]
    fn = api.function("acme_widget_set_logger")
    assert fn.params[1].type == m.CType(m.CALLBACK, "acme_log_func")


def test_callback_struct_with_inline_function_pointer_and_user_data(api: m.API) -> None:
    s = api.struct("acme_progress_callback")
    assert [(f.name, f.offset) for f in s.fields] == [("on_progress", 0), ("user_data", 8)]
    fp = s.fields[0].type
    assert fp.kind == m.POINTER and fp.pointee is not None and fp.pointee.kind == m.FUNCTION
    assert fp.pointee.returns == m.CType(m.ENUM, "acme_progress_e")
    assert [(p.name, p.type) for p in fp.pointee.params] == [("text", const_char_ptr()), ("user_data", ptr(m.CType(m.VOID)))]
    assert s.fields[1].type == ptr(m.CType(m.VOID))
    assert fp.c_spelling("on_progress") == "acme_progress_e (*on_progress)(const char *text, void *user_data)"


def test_guarded_duplicate_typedef_in_two_headers_is_one_struct(api: m.API) -> None:
    found = [s for s in api.structs if s.name == "acme_progress_callback"]
    assert len(found) == 1
    # report.h is included by widget.h before widget.h's own guarded copy.
    assert found[0].location.file == "acme/c/report.h"


def test_identical_duplicate_declaration_is_a_quirk_not_an_error(api: m.API) -> None:
    assert [f.name for f in api.functions].count("acme_widget_get_speed") == 1
    assert api.quirks == [m.Quirk("duplicate_declaration", "acme_widget_get_speed",
                                  "declared at acme/c/widget.h:29 and again at acme/c/widget.h:31")]


def test_duplicate_declaration_with_a_different_signature_is_an_error(acme_lib: libmod.Library, tmp_path: Path) -> None:
    (tmp_path / "twice.h").write_text("int acme_twice(int a);\nint acme_twice(long long a);\n")
    with pytest.raises(parser.ParseError) as exc:
        parser.parse(parser.resolve_header_set([tmp_path / "twice.h"], acme_lib), acme_lib)
    text = str(exc.value)
    # clang itself refuses the conflicting types, with a position.
    assert re.search(r"twice\.h:2:\d+: .*conflicting types", text), text


def test_variadic_function_with_count_and_out_handle_before_the_ellipsis(api: m.API) -> None:
    fn = api.function("acme_widget_create")
    assert fn.variadic
    assert [(p.name, p.type.c_spelling()) for p in fn.params] == [
        ("name", "const char *"), ("property_args_size", "const size_t"), ("widget", "acme_widget **")]
    assert fn.returns == m.CType(m.ENUM, "ov_status_e")
    assert not api.function("acme_widget_free").variadic


def test_string_getter_array_getter_and_input_array_signatures(api: m.API) -> None:
    label = api.function("acme_widget_get_label")
    assert [p.type.c_spelling() for p in label.params] == ["const acme_widget *", "char *", "size_t *"]
    fill = api.function("acme_widget_get_samples")
    assert [p.type.c_spelling() for p in fill.params] == ["const acme_widget *", "int64_t *", "size_t"]
    names = api.function("acme_widget_set_names")
    assert [p.type.c_spelling() for p in names.params] == ["acme_widget *", "const char **", "const size_t"]
    feed = api.function("acme_widget_feed")
    assert feed.params[1].type.is_handle_ptr(2) and feed.params[1].type.base().name == "ov_tensor_t"


def test_own_status_enum_return_and_static_functions(api: m.API) -> None:
    assert api.function("acme_ledger_create").returns == m.CType(m.ENUM, "acme_ledger_status_e")
    version = api.function("acme_version")
    assert version.params == [] and version.returns == const_char_ptr()


def test_exported_variable(api: m.API) -> None:
    (var,) = api.variables
    assert (var.name, var.type, str(var.location)) == ("acme_option_key_speed", const_char_ptr(), "acme/c/types.h:62")


def test_locations_and_doc_comments_in_memory(api: m.API) -> None:
    fn = api.function("acme_widget_create")
    assert str(fn.location) == "acme/c/widget.h:20"
    assert fn.doc is not None and "Variadic create" in fn.doc
    assert api.struct("acme_sample_t").doc is not None
    assert api.enum("acme_color_e").doc is not None
    assert api.function("acme_widget_free").doc is None


def test_every_referenced_type_is_in_the_model(api: m.API) -> None:
    known = {m.ENUM: {e.name for e in api.enums}, m.STRUCT: {s.name for s in api.structs},
             m.HANDLE: {h.name for h in api.handles}, m.CALLBACK: {c.name for c in api.callbacks}}
    types = [f.returns for f in api.functions] + [p.type for f in api.functions for p in f.params] + \
        [fl.type for s in api.structs for fl in s.fields] + [v.type for v in api.variables]
    for t in types:
        for sub in t.walk():
            if sub.kind in known:
                assert sub.name in known[sub.kind], f"{sub.kind} {sub.name} is referenced but not declared"
            if sub.kind == m.SCALAR:
                assert sub.name in m.SCALAR_SIZES


def test_c_spelling_round_trips_common_shapes() -> None:
    assert ptr(ptr(m.CType(m.HANDLE, "h"))).c_spelling("out") == "h **out"
    assert ptr(m.CType(m.HANDLE, "h", const=True)).c_spelling("self") == "const h *self"
    assert m.CType(m.ARRAY, None, pointee=scalar("float"), count=4).c_spelling("w") == "float w[4]"
    fn = m.CType(m.FUNCTION, None, returns=m.CType(m.VOID), params=[m.Param("p", ptr(m.CType(m.VOID)))])
    assert ptr(fn).c_spelling("cb") == "void (*cb)(void *p)"
    assert scalar("size_t", const=True).c_spelling("n") == "const size_t n"


# -- bad input --

POSITION = re.compile(r"^(?P<file>/[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")


@pytest.mark.parametrize("header, line, expected", [
    ("syntax_error.h", 5, "expected ';' after top level declarator"),
    ("union.h", 5, "unsupported construct: union acme_number_u"),
    ("union_field.h", 10, "unsupported construct: union"),
    ("bitfield.h", 6, "unsupported construct: bit-field acme_flags_t.ready"),
    ("long.h", 4, "unsupported construct: type 'long'"),
    ("missing_include.h", 3, "'acme/c/no_such_header.h' file not found"),
])
def test_bad_header_is_reported_with_file_line_column(acme_lib: libmod.Library, header: str, line: int,
                                                       expected: str) -> None:
    path = BAD / header
    with pytest.raises(parser.ParseError) as exc:
        parser.parse(parser.resolve_header_set([path], acme_lib), acme_lib)
    messages = exc.value.messages
    assert messages, "a ParseError always carries messages"
    for msg in messages:
        assert POSITION.match(msg), f"not file:line:col: message: {msg!r}"
    first = POSITION.match(messages[0])
    assert first is not None
    assert Path(first["file"]) == path.resolve()
    assert int(first["line"]) == line
    assert expected in first["message"]


def test_all_problems_are_reported_in_source_order(acme_lib: libmod.Library) -> None:
    path = BAD / "union.h"
    with pytest.raises(parser.ParseError) as exc:
        parser.parse(parser.resolve_header_set([path], acme_lib), acme_lib)
    lines = [int(POSITION.match(msg)["line"]) for msg in exc.value.messages]  # type: ignore[index]
    assert lines == sorted(lines) and len(lines) == 3
    assert lines[-1] == 10  # the use in a function parameter is reported too


def test_long_in_a_struct_field_is_refused(acme_lib: libmod.Library, tmp_path: Path) -> None:
    (tmp_path / "field.h").write_text("typedef struct {\n    unsigned long size;\n} acme_sized_t;\n")
    with pytest.raises(parser.ParseError) as exc:
        parser.parse(parser.resolve_header_set([tmp_path / "field.h"], acme_lib), acme_lib)
    assert re.match(rf"{re.escape(str(tmp_path / 'field.h'))}:2:\d+: unsupported construct: type 'unsigned long'",
                    exc.value.messages[0])


def test_size_t_is_size_t_not_int(api: m.API) -> None:
    # Without compiler builtin headers libclang silently parses size_t as int; ours provide them.
    fn = api.function("acme_widget_set_samples")
    assert fn.params[2].type == scalar("size_t")


# -- how the header set is reached, and bytes gcc accepts --

def test_parse_through_a_symlinked_virtual_environment(tmp_path: Path) -> None:
    # `ln -s .venv L; L/bin/python -m bindgen parse ...` used to refuse headers that use a type from the
    # openvino wheel ("'struct ov_tensor' has no typedef name"): the wheel's include dir was kept as
    # reached (through the link) while libclang reports files by their real path.
    import subprocess
    import sys
    link = tmp_path / "L"
    link.symlink_to(Path(sys.prefix), target_is_directory=True)
    python = link / "bin" / Path(sys.executable).name
    outs = []
    for exe in (Path(sys.executable), python):
        out = tmp_path / f"{exe.parent.parent.name}.json"
        proc = subprocess.run([str(exe), "-m", "bindgen", "parse", str(ACME), "--library", str(ACME_TOML),
                               "-o", str(out)], capture_output=True, text=True, cwd=Path(__file__).parent.parent)
        assert proc.returncode == 0, (exe, proc.stderr)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1], "the same snapshot whichever way the environment is reached"


def test_wheel_include_is_a_real_path(acme_lib: libmod.Library) -> None:
    wheel = parser.openvino_wheel_include()
    assert wheel is not None and wheel == wheel.resolve()
    hs = parser.resolve_header_set([ACME], acme_lib)
    assert all(d == d.resolve() for d in hs.include_dirs)


def _with_bytes_at_first_doc_comment(tmp_path: Path, insert: bytes, inside: bool = False) -> Path:
    """A copy of the fixture with `insert` before (or just inside) the first doc comment of widget.h."""
    import shutil
    root = tmp_path / "acme"
    shutil.copytree(ACME, root)
    header = root / "include" / "acme" / "c" / "widget.h"
    data = header.read_bytes()
    at = data.index(b"/**") + (3 if inside else 0)
    header.write_bytes(data[:at] + insert + data[at:])
    return root


def test_non_utf8_byte_in_a_comment_is_accepted_like_gcc(acme_lib: libmod.Library, api: m.API, tmp_path: Path) -> None:
    # Comments are not code: gcc accepts any byte in them. A Latin-1 byte in a doc comment used to end
    # the parse with "'utf-8' codec can't decode byte 0xff" and no file or line.
    root = _with_bytes_at_first_doc_comment(tmp_path, b" caf\xe9 \xff // ", inside=True)  # same lines
    got = parser.parse(parser.resolve_header_set([root], acme_lib), acme_lib, "1.0")
    from bindgen import snapshot
    assert snapshot.dumps(got) == snapshot.dumps(api), "the model is the same as without those bytes"
    docs = [d.doc for d in (*got.functions, *got.handles, *got.structs, *got.enums) if d.doc and "caf" in d.doc]
    assert len(docs) == 1 and docs[0].startswith("/** caf\ufffd \ufffd // "), docs


@pytest.mark.parametrize("insert, column", [(b"int acme_caf\xff(void);\n", 13), (b"typedef int acme_t\xff;\n", 19)],
                         ids=["function name", "typedef name"])
def test_non_utf8_byte_in_code_is_located(acme_lib: libmod.Library, tmp_path: Path, insert: bytes, column: int) -> None:
    root = _with_bytes_at_first_doc_comment(tmp_path, insert)
    header = root / "include" / "acme" / "c" / "widget.h"
    line = header.read_bytes()[:header.read_bytes().index(insert)].count(b"\n") + 1
    with pytest.raises(parser.ParseError) as exc:
        parser.parse(parser.resolve_header_set([root], acme_lib), acme_lib)
    assert exc.value.messages[0].startswith(f"{header.resolve()}:{line}:{column}: "), exc.value.messages
