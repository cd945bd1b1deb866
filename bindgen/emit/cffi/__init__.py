"""Renders a cffi Python package from the model and conventions (bindgen/templates/cffi/*.j2).

The package is library-generic: its name comes from the library description's [python]
`package`, its cdef text from the model (cffi cannot read real headers), and every class,
property and method from the binding model (bindgen/binding.py). This package only builds a
view model, split by concern: `names.py` (identifiers and the names every class and member
claims), `types.py` (enums, errors, plain structs, callbacks), `calls.py` (how one C function is
called), `classes.py` (classes from the binding model) and `views.py` (the typed view data, with
a StrEnum for every branch a template takes); every emitted line lives in a template.
"""
from __future__ import annotations

import keyword
import re
from enum import Enum

from typing import Optional

from ... import docs
from ... import model as m
from ... import versions
from ...conventions import Conventions
from .. import EmitError, environment
from ..c_header import _type_order, c_params
from .classes import Builder
from .names import RESERVED_MEMBERS, py_name
from .views import batched, joined, text_overloads, without_fields, without_param

__all__ = ["Builder", "FILES", "RESERVED_MEMBERS", "cdef_text", "py_name", "render"]

# Files of the rendered package, template -> output path (relative to the package directory).
FILES = {
    "__init__.py.j2": "__init__.py",
    "_cdef.py.j2": "_cdef.py",
    "_native.py.j2": "_native.py",
    "_errors.py.j2": "_errors.py",
    "_enums.py.j2": "_enums.py",
    "_callbacks.py.j2": "_callbacks.py",
    "_structs.py.j2": "_structs.py",
    "_bindings.py.j2": "_bindings.py",
    "py.typed.j2": "py.typed",
}


def _pystr(value: object) -> str:
    """A Python literal of `value`; a typed view value (StrEnum) is written as its plain string."""
    return repr(value.value if isinstance(value, Enum) else value)


def _hand_docs(entries: Optional[docs.Docs]) -> list[tuple[str, object, dict[str, str]]]:
    """The docs entries of hand-written classes and members Python has: ("Class" / "Class.member", entry,
    the parameters Python shows)."""
    out: list[tuple[str, object, dict[str, str]]] = []
    for cname, (cdoc, members) in (docs.hand_written(entries) if entries else {}).items():
        if not cdoc.hand_written:
            continue  # hand-written members of a generated class: its template renders them (member_docs)
        out.append((cname, cdoc, {}))
        out += [(f"{cname}.{key}", m, m.params_in("python")) for key, m in members.items() if m.in_language("python")]
    return out


def _member_docs(entries: Optional[docs.Docs]) -> dict[str, docs.MemberDoc]:
    """Docs entries of members a generated class has that the binding model does not list (docs `hand_written`
    on a member of a generated class: the runtime's `copy`, `__str__`, ...): "Class.member" -> entry."""
    return {f"{cname}.{key}": m
            for cname, (cdoc, members) in (docs.hand_written(entries) if entries else {}).items() if not cdoc.hand_written
            for key, m in members.items() if m.in_language("python")}


def _runtime_docs() -> docs.Docs:
    from ..runtime_docs import load  # here: runtime_docs imports the C# emitter's view types
    return load("runtime")


def cdef_text(api: m.API) -> str:
    """The declarations cffi parses: the model spelled in C, without macros or includes."""
    env = environment("cffi")
    env.filters["c_params"] = c_params
    return env.get_template("cdef.h.j2").render(api=api, types=_type_order(api))


def _check_public_names(library: str, names: list[tuple[str, str]]) -> None:
    """Every name the package exports is a Python identifier of its own: two things mapping to one
    name would silently leave one of them unreachable (e.g. through a [conventions.renames] entry)."""
    used: dict[str, str] = {}
    for name, what in names:
        if not name.isidentifier() or keyword.iskeyword(name):
            raise EmitError(f"cffi: {what} maps to {name!r}, not a Python identifier; "
                            f"add a [conventions.renames] entry to libraries/{library}.toml")
        if name in used:
            raise EmitError(f"cffi: {what} and {used[name]} both map to the Python name {name!r}; "
                            f"add a [conventions.renames] entry to libraries/{library}.toml")
        used[name] = what


def render(api: m.API, conventions: Conventions, table: versions.ProbeTable) -> dict[str, str]:
    lib = conventions.library
    b = Builder(api, conventions)
    b.build_enums()
    b.build_structs()
    b.build_callbacks()
    classes = b.build_classes()
    methods = {f.c_name for c in classes for f in c.methods if not f.joined}
    for fname in lib.python.aliases:
        if fname in {f.name for f in api.functions} and fname not in methods:
            raise EmitError(f"cffi: [python.aliases] {fname} is no public method")
    value_classes = b.value_class_views()
    result_classes = b.build_result_classes(classes)
    statics = b.statics()
    _check_public_names(lib.name, [(e.py, f"enum {e.c_name}") for e in b.enums.values()]
                        + [(e.py, f"the error of {e.enum.c_name}") for e in b.errors.values()]
                        + [(b.base_error, "the base error class")]
                        + [(c.py, f"handle {c.c_name}") for c in classes]
                        + [(v.py, f"value class of {v.c_name}") for v in value_classes]
                        + [(cls, f"the hand-written value class of {h}") for h, (_, cls) in b.hand_names.items()]
                        + [(spec.partition(":")[2], "a hand-written class ([python] exports)") for spec in lib.python.exports]
                        + [(v.py, f"the value class of {v.c_name}") for v in result_classes]
                        + [(f.py, f"function {f.c_name}") for f in statics]
                        + [(cb.py, f"callback {name}") for name, cb in b.callbacks.items()]
                        + [(s.py, f"struct {s.c_name}") for s in b.structs.values() if s.py]
                        + [(t.py, "a result tuple") for t in b.tuples.values()])
    env = environment("cffi")
    env.filters["c_params"] = c_params
    env.filters["py_name"] = py_name
    env.filters["pystr"] = _pystr
    env.filters["without_param"] = without_param
    env.filters["without_key"] = lambda d, key: {k: v for k, v in d.items() if k != key}
    env.filters["without_fields"] = without_fields
    env.filters["joined"] = joined
    env.filters["batched"] = batched
    env.filters["text_overloads"] = text_overloads
    layouts = [(s.name, s.size, s.align, [(f.name, f.offset) for f in s.fields]) for s in api.structs]
    context = dict(
        api=api, library=lib, conventions=conventions, package=lib.python.package,
        cdef=cdef_text(api), enums=list(b.enums.values()), errors=list(b.errors.values()),
        base_error=b.base_error, classes=classes, value_classes=value_classes, result_classes=result_classes, statics=statics, callbacks=list(b.callbacks.values()),
        tuples=list(b.tuples.values()), layouts=layouts, structs=list(b.structs.values()),
        env_dir=re.sub(r"\W+", "_", lib.title).upper() + "_DIR",
        env_prefix=lib.python.package.upper(),
        status_enum_names={e.enum.c_name: e for e in b.errors.values()},
        error_text=b.error_text(),
        diagnosis=b.diagnosis(),
        image_tensors=any(conventions.library.conventions.image_tensors.values()),
        text_results=any(f.text_result for c in classes for f in c.methods),
        hand_exports=[spec.partition(":")[2] for spec in lib.python.exports],  # hand-written classes ([python] exports)
        member_docs=_member_docs(b.binding.docs),
        runtime_docs=_runtime_docs(),  # the error classes' texts, shared with the runtime's classes and C#
    )
    # Run-time version check (bindgen/versions.py): its own context, shared with the C# emitter.
    version_context = versions.runtime_context(api, lib, table)
    context["versions_since"] = dict(version_context["since"])  # type: ignore[call-overload]
    files = {}
    for template, out in FILES.items():
        files[out] = env.get_template(template).render(**context)
    files["_versions.py"] = env.get_template("_versions.py.j2").render(**version_context)
    hand_docs = _hand_docs(b.binding.docs)
    if hand_docs:
        # What the hand-written classes say (docs `hand_written`): they take it with `@documented`.
        files["_docs.py"] = env.get_template("_docs.py.j2").render(hand_docs=hand_docs, **context)
    return files
