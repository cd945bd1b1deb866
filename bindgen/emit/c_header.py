"""Renders a compilable C header set from the model: one combined header plus a shim at each
original header path, so C code written against the real headers compiles unchanged."""
from __future__ import annotations

import posixpath

from .. import model as m
from ..conventions import Conventions
from ..versions import ProbeTable
from . import EmitError, environment


def _type_order(api: m.API) -> list[tuple[str, object]]:
    """Structs and callbacks in dependency order (a type is declared before any use)."""
    decls: dict[str, tuple[str, object]] = {s.name: ("struct", s) for s in api.structs}
    decls.update({c.name: ("callback", c) for c in api.callbacks})

    def deps(item: tuple[str, object]) -> set[str]:
        kind, d = item
        types: list[m.CType] = []
        if kind == "struct":
            types = [f.type for f in d.fields]  # type: ignore[attr-defined]
        else:
            types = [d.returns] + [p.type for p in d.params]  # type: ignore[attr-defined]
        out = set()
        for t in types:
            for sub in t.walk():
                if sub.name in decls and sub.kind in (m.STRUCT, m.CALLBACK):
                    out.add(sub.name)
        return out

    ordered: list[tuple[str, object]] = []
    state: dict[str, int] = {}

    def visit(name: str) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            raise EmitError(f"c-header: type {name} depends on itself by value")
        state[name] = 1
        for dep in sorted(deps(decls[name])):
            if dep != name:
                visit(dep)
        state[name] = 2
        ordered.append(decls[name])

    for name in decls:
        visit(name)
    return ordered


def c_params(params: list[m.Param], variadic: bool = False) -> str:
    """A C parameter list; `void` when empty."""
    parts = [p.type.c_spelling(p.name) for p in params] + (["..."] if variadic else [])
    return ", ".join(parts) or "void"


def render(api: m.API, conventions: Conventions, table: ProbeTable) -> dict[str, str]:
    del conventions, table  # a C header renders the model as declared
    env = environment("c")
    env.filters["c_params"] = c_params
    combined = f"{api.library}_api.h"
    files = {
        combined: env.get_template("api_header.h.j2").render(
            api=api, types=_type_order(api), guard=f"GENAI_INTEROP_{api.library.upper()}_API_H"),
    }
    for header in api.headers:
        rel = posixpath.relpath(combined, posixpath.dirname(header) or ".")
        files[header] = env.get_template("shim_header.h.j2").render(api=api, combined=rel)
    return files
