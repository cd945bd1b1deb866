"""Ask gcc what a header set really declares, to check the API model against it.

`probe(api, includes, include_dirs, work)` compiles and runs a C program (generated here, at test
time) that prints the size, alignment and every field offset of each struct and the value of
each enum member, and statically asserts that every function, callback and variable has the
type the model says. It returns what gcc reported; `expected(api)` is what the model says, in
the same shape, so a test compares the two with one `==`.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Iterable

import pytest

from bindgen import model as m
from bindgen.emit.c_header import c_params

CFLAGS = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic"]


def gcc() -> str:
    path = shutil.which("gcc")
    if path is None:
        pytest.skip("gcc is not installed (scripts/setup.sh installs it)")
    return path


def _fn_pointer_type(returns: m.CType, params: list[m.Param], variadic: bool) -> str:
    return returns.c_spelling(f"(*)({c_params(params, variadic)})")


def type_checks(api: m.API) -> list[str]:
    """`_Static_assert`s that each declaration has the model's type (gcc's own notion of compatible)."""
    checks = []
    for f in api.functions:
        t = _fn_pointer_type(f.returns, f.params, f.variadic)
        checks.append(f'_Static_assert(__builtin_types_compatible_p(__typeof__(&{f.name}), {t}), '
                      f'"function {f.name} differs from the model");')
    for c in api.callbacks:
        t = _fn_pointer_type(c.returns, c.params, False)
        checks.append(f'_Static_assert(__builtin_types_compatible_p({c.name}, {t}), '
                      f'"callback {c.name} differs from the model");')
    for v in api.variables:
        checks.append(f'_Static_assert(__builtin_types_compatible_p(__typeof__({v.name}), {v.type.c_spelling()}), '
                      f'"variable {v.name} differs from the model");')
    for s in api.structs:
        for fl in s.fields:
            checks.append(f'_Static_assert(__builtin_types_compatible_p(__typeof__((({s.name}*)0)->{fl.name}), '
                          f'{fl.type.c_spelling()}), "field {s.name}.{fl.name} differs from the model");')
    return checks


def probe_source(api: m.API, includes: Iterable[str]) -> str:
    lines = ["#include <stddef.h>", "#include <stdio.h>"]
    lines += [f'#include "{h}"' for h in includes]
    lines += type_checks(api)
    lines += ["int main(void) {"]
    for s in api.structs:
        lines.append(f'    printf("struct {s.name} %zu %zu\\n", sizeof({s.name}), _Alignof({s.name}));')
        for fl in s.fields:
            lines.append(f'    printf("field {s.name}.{fl.name} %zu\\n", offsetof({s.name}, {fl.name}));')
    for e in api.enums:
        ref = f"enum {e.name}" if e.tag_only else e.name
        lines.append(f'    printf("enum {e.name} %zu\\n", sizeof({ref}));')
        for x in e.members:
            lines.append(f'    printf("member {e.name}.{x.name} %lld\\n", (long long){x.name});')
    lines += ["    return 0;", "}", ""]
    return "\n".join(lines)


def expected(api: m.API) -> dict[str, int]:
    out: dict[str, int] = {}
    for s in api.structs:
        out[f"struct {s.name}"] = s.size
        out[f"align {s.name}"] = s.align
        for fl in s.fields:
            out[f"field {s.name}.{fl.name}"] = fl.offset
    for e in api.enums:
        out[f"enum {e.name}"] = e.size
        for x in e.members:
            out[f"member {e.name}.{x.name}"] = x.value
    return out


def probe(api: m.API, includes: Iterable[str], include_dirs: Iterable[Path], work: Path) -> dict[str, int]:
    """Compile and run the probe; what gcc reports, keyed like `expected()`."""
    work.mkdir(parents=True, exist_ok=True)
    src, exe = work / "probe.c", work / "probe"
    src.write_text(probe_source(api, includes), encoding="utf-8")
    cmd = [gcc(), *CFLAGS, *(f"-I{d}" for d in include_dirs), str(src), "-o", str(exe)]
    compiled = subprocess.run(cmd, capture_output=True, text=True)
    assert compiled.returncode == 0, f"probe does not compile:\n{compiled.stderr[:4000]}"
    ran = subprocess.run([str(exe)], capture_output=True, text=True, check=True)
    out: dict[str, int] = {}
    for line in ran.stdout.splitlines():
        kind, name, *values = line.split(" ")
        if kind == "struct":
            out[f"struct {name}"], out[f"align {name}"] = int(values[0]), int(values[1])
        else:
            out[f"{kind} {name}"] = int(values[0])
    return out
