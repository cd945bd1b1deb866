"""snapshot -> c-header -> gcc: the rendered header set compiles (C and C++, all warnings as
errors), a program using every struct, field, callback and function compiles against it, and
it declares what the model says (see test_parser_layout.py for the layouts)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from bindgen import library as libmod
from bindgen import model as m
from bindgen import parser, snapshot, targets, versions
from bindgen.conventions import infer
from bindgen.emit import EmitError, c_header
from support import c_probe

ACME = Path(__file__).parent / "fixtures" / "acme"
SNAPSHOTS = [("genai", "genai-2025.1.0.0.json"), ("genai", "genai-2026.3.0.0.json"), ("core", "core-2026.3.0.json")]


def load(lib: str, name: str) -> tuple[m.API, libmod.Library]:
    return snapshot.load(snapshot.SNAPSHOT_DIR / name), libmod.load(lib)


def render_to(api: m.API, library: libmod.Library, out: Path) -> dict[str, str]:
    files = c_header.render(api, infer(api, library), versions.prepare(api, library))
    for rel, text in files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text, encoding="utf-8")
    return files


def compile_c(source: str, include: Path, work: Path, cxx: bool = False) -> None:
    work.mkdir(parents=True, exist_ok=True)
    src = work / ("prog.cpp" if cxx else "prog.c")
    src.write_text(source, encoding="utf-8")
    if cxx:
        compiler = shutil.which("g++")
        if compiler is None:
            pytest.skip("g++ is not installed")
        cmd = [compiler, "-std=c++17", "-Wall", "-Wextra", "-Werror", "-pedantic", "-fsyntax-only", f"-I{include}", str(src)]
    else:
        cmd = [c_probe.gcc(), *c_probe.CFLAGS, f"-I{include}", "-c", str(src), "-o", str(work / "prog.o")]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, f"{' '.join(cmd)}\n{proc.stderr[:4000]}"


def every_struct_program(api: m.API) -> str:
    """A translation unit touching every struct field, callback type and function of the model."""
    lines = [f'#include "{h}"' for h in api.headers] + ["#include <string.h>", ""]
    lines.append("int use_everything(void) {")
    lines.append("    int touched = 0;")
    for s in api.structs:
        var = f"v_{s.name}"
        lines.append(f"    {s.name} {var};")
        lines.append(f"    memset(&{var}, 0, sizeof {var});")
        for fl in s.fields:
            access = f"{var}.{fl.name}" + ("[0]" if fl.type.kind == m.ARRAY else "")
            lines.append(f"    touched += sizeof({access}) > 0;")
            if fl.type.kind != m.ARRAY:
                lines.append(f"    {var}.{fl.name} = {var}.{fl.name};")
    for c in api.callbacks:
        lines.append(f"    {c.name} cb_{c.name} = 0;")
        lines.append(f"    touched += cb_{c.name} == 0;")
    # Conversion to `void (*)(void)` is the one function-pointer cast -Wextra allows.
    lines.append("    void (*functions[])(void) = {")
    lines += [f"        (void (*)(void))&{f.name}," for f in api.functions]
    lines.append("    };")
    lines.append("    touched += (int)(sizeof functions / sizeof functions[0]);")
    for v in api.variables:
        lines.append(f"    touched += sizeof({v.name}) > 0;")
    lines += ["    return touched;", "}", ""]
    return "\n".join(lines)


@pytest.mark.parametrize("lib, name", SNAPSHOTS)
def test_rendered_headers_compile_as_c_and_cxx(lib: str, name: str, tmp_path: Path) -> None:
    api, library = load(lib, name)
    files = render_to(api, library, tmp_path / "include")
    assert set(files) == {f"{lib}_api.h", *api.headers}
    every_header = "".join(f'#include "{h}"\n' for h in sorted(files))
    compile_c(every_header + "int main(void) { return 0; }\n", tmp_path / "include", tmp_path / "c")
    # Twice, in either order: include guards and `#pragma once` shims.
    compile_c(every_header * 2, tmp_path / "include", tmp_path / "twice")
    compile_c(every_header + "int main() { return 0; }\n", tmp_path / "include", tmp_path / "cxx", cxx=True)


@pytest.mark.parametrize("lib, name", SNAPSHOTS)
def test_a_program_using_every_struct_compiles(lib: str, name: str, tmp_path: Path) -> None:
    api, library = load(lib, name)
    render_to(api, library, tmp_path / "include")
    source = every_struct_program(api)
    assert source.count("memset(") == len(api.structs) > 0
    compile_c(source, tmp_path / "include", tmp_path / "prog")


@pytest.mark.parametrize("lib, name", SNAPSHOTS)
def test_rendered_header_declares_what_the_model_says(lib: str, name: str, tmp_path: Path) -> None:
    api, library = load(lib, name)
    render_to(api, library, tmp_path / "include")
    checks = "\n".join(c_probe.type_checks(api))
    includes = "".join(f'#include "{h}"\n' for h in api.headers)
    compile_c(includes + checks + "\n", tmp_path / "include", tmp_path / "types")


def test_fixture_round_trip_through_the_c_header(tmp_path: Path) -> None:
    """Parse our headers, render a c-header from the model, parse that again: the same model."""
    lib = libmod.load(str(ACME / "acme.toml"))
    api = parser.parse(parser.resolve_header_set([ACME], lib), lib, "1.0")
    render_to(api, lib, tmp_path / "include")
    # The combined header declares everything; the shims at the original paths only include it.
    again = parser.parse(parser.resolve_header_set([tmp_path / "include" / "acme_api.h"], lib), lib, "1.0")
    compile_c(every_struct_program(again), tmp_path / "include", tmp_path / "prog")
    # Names, types, values and layouts survive; locations and the combined header differ by design.
    def shape(a: m.API) -> tuple:
        return ([(h.name, h.tag) for h in a.handles],
                sorted((e.name, [(x.name, x.value) for x in e.members], e.tag_only) for e in a.enums),
                sorted((s.name, s.size, [(f.name, f.type, f.offset) for f in s.fields]) for s in a.structs),
                [(c.name, c.returns, c.params) for c in a.callbacks],
                sorted((f.name, f.returns, f.params, f.variadic) for f in a.functions),
                [(v.name, v.type) for v in a.variables])
    assert shape(again) == shape(api)


def test_rendering_is_deterministic_and_marked() -> None:
    api, library = load("genai", "genai-2026.3.0.0.json")
    first = c_header.render(api, infer(api, library), versions.prepare(api, library))
    second = c_header.render(snapshot.load(snapshot.SNAPSHOT_DIR / "genai-2026.3.0.0.json"), infer(api, library), versions.prepare(api, library))
    assert first == second
    for rel, text in first.items():
        assert targets.MARKER in text.splitlines()[0], rel
        assert text.endswith("\n") and "\r" not in text
    shim = first["openvino/genai/c/llm_pipeline.h"]
    assert '#include "../../../genai_api.h"' in shim


def test_types_are_declared_before_use() -> None:
    lib = libmod.load(str(ACME / "acme.toml"))
    api = parser.parse(parser.resolve_header_set([ACME], lib), lib)
    text = c_header.render(api, infer(api, lib), versions.prepare(api, lib))["acme_api.h"]
    assert text.index("} acme_point_t;") < text.index("} acme_sample_t;") < text.index("} acme_sample_list_t;")
    assert text.index("enum Phase {") < text.index("enum Phase phase;")
    assert text.index("typedef struct acme_widget_opaque acme_widget;") < text.index("acme_widget_create(")


def _struct(name: str, *fields: tuple[str, m.CType]) -> m.Struct:
    return m.Struct(name, [m.Field(n, t, 0) for n, t in fields], 8, 8, m.Location("x.h", 1))


def test_a_struct_containing_itself_by_value_is_refused_by_name() -> None:
    lib = libmod.load(str(ACME / "acme.toml"))
    a = _struct("loop_a", ("b", m.CType(m.STRUCT, "loop_b")))
    b = _struct("loop_b", ("a", m.CType(m.STRUCT, "loop_a")))
    ok = _struct("linked", ("next", m.CType(m.POINTER, pointee=m.CType(m.STRUCT, "linked"))))
    api = m.API("acme", None, [], structs=[ok])
    assert "} linked;" in c_header.render(api, infer(api, lib), versions.prepare(api, lib))["acme_api.h"]  # through a pointer: fine
    api = m.API("acme", None, [], structs=[a, b])
    with pytest.raises(EmitError, match=r"type loop_a depends on itself by value"):
        c_header.render(api, infer(api, lib), versions.prepare(api, lib))
