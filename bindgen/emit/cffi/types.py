"""Python types: enums and their errors, plain structs, callbacks, annotations, error text."""
from __future__ import annotations

import re
from typing import Any, Literal, Optional

from ... import binding as bd
from ... import model as m
from .. import pascal
from ..c_header import c_params
from .names import NameBuilder, _common_prefix, _snake, _strip_library_prefix, py_name
from .views import CallbackView, EnumView, ErrorView, FieldHow, StructFieldView, StructForm, StructView

INT_SCALARS = {n for n in m.SCALAR_SIZES if n not in ("bool", "float", "double")}
UNSIGNED = {"unsigned char", "uint8_t", "unsigned short", "uint16_t", "unsigned int", "uint32_t", "uint64_t",
            "unsigned long long", "size_t", "uintptr_t", "bool"}


def _int_range(name: str) -> tuple[int, int]:
    bits = 8 * m.SCALAR_SIZES[name]
    if name in UNSIGNED:
        return 0, (1 << bits) - 1
    if name == "char":
        return -(1 << 7), (1 << 8) - 1  # either signedness
    return -(1 << (bits - 1)), (1 << (bits - 1)) - 1


class TypeBuilder(NameBuilder):
    # -- enums and errors --
    def build_enums(self) -> None:
        used: set[str] = set()
        for e in self.api.enums:
            base = _strip_library_prefix(e.name, self.lib.conventions.prefix)
            base = re.sub(r"_e$", "", base)
            # A [conventions.renames] entry keyed by the C name wins (two C enums may share a derived name).
            py = self.lib.conventions.renames[e.name] if e.name in self.lib.conventions.renames else self.rename(pascal(base))
            if py in used:
                py = pascal(e.name) if pascal(e.name) not in used else pascal(e.name) + "Enum"
            used.add(py)
            names = [mem.name for mem in e.members]
            common = _common_prefix(names) if len(names) > 1 else ""
            members = []
            for mem in e.members:
                short = mem.name[len(common):]
                if not short or short[0].isdigit():
                    short = mem.name
                members.append((py_name(short) if short not in ("name", "value") else short + "_", mem.name, mem.value))
            self.enums[e.name] = EnumView(e.name, py, members, e.tag_only,
                                          self.binding.docs.classes.get(py) if self.binding.docs else None)
        for enum_name, ok_member in self.c.status_enums.items():
            ev = self.enums[enum_name]
            ok = next(v for _, c_name, v in ev.members if c_name == ok_member)
            self.errors[enum_name] = ErrorView(ev, self.rename(ev.py + "Error"), ok)

    # -- plain structs (by value, filled through out-params, array elements) --
    def build_structs(self) -> None:
        by_name = {s.name: s for s in self.api.structs}
        pending = [s.name for s in self.api.structs if s.name not in self.c.callback_structs]
        failed: set[str] = set()
        # Nested structs first: retry until nothing changes (structs never contain themselves by value).
        while pending:
            progress = False
            for name in list(pending):
                view = self._struct_view(by_name[name], failed)
                if view is None:
                    continue
                pending.remove(name)
                progress = True
                if view is not False:
                    self.structs[name] = view
                else:
                    failed.add(name)
            if not progress:
                failed.update(pending)
                break

    def _struct_view(self, s: m.Struct, failed: set[str]) -> "Optional[StructView | Literal[False]]":
        """The view of `s`; None when a nested struct is not decided yet, False when unconvertible."""
        shape = self.binding.value_structs[s.name]
        counted, direct_counts = shape.counted, set(shape.hidden)
        fields: list[StructFieldView] = []
        for f in s.fields:
            if f.name in direct_counts:
                continue
            if f.name in counted:
                assert f.type.pointee is not None
                item = self._struct_field(f.type.pointee, "", f.name, failed)
                if item is None or item is False:
                    return item
                elem = f.type.pointee
                ctype = m.CType(elem.kind, elem.name, pointee=elem.pointee, tag=elem.tag).c_spelling()
                fields.append(StructFieldView(py_name(_snake(f.name)), f.name, FieldHow.COUNTED, f"List[{item.annotation}]",
                                              count=counted[f.name], item=item, ctype=ctype))
                continue
            fv = self._struct_field(f.type, py_name(_snake(f.name)), f.name, failed)
            if fv is None or fv is False:
                return fv
            fields.append(fv)
        spec = f"{s.name.upper()}_SPEC"
        if shape.form is bd.ValueForm.LIST:
            return StructView(s.name, "", spec, StructForm.LIST, fields[0].annotation, fields, sorted(direct_counts))
        py = self.rename(pascal(re.sub(r"_t$", "", _strip_library_prefix(s.name, self.lib.conventions.prefix))))
        return StructView(s.name, py, spec, StructForm.RECORD, py, fields, sorted(direct_counts))

    def _struct_field(self, t: m.CType, py: str, c_name: str, failed: set[str]) -> "Optional[StructFieldView | Literal[False]]":
        if t.is_string():
            return StructFieldView(py, c_name, FieldHow.STRING, "Optional[str]")
        if t.kind == m.ENUM:
            ev = self.enums.get(t.name or "")
            return StructFieldView(py, c_name, FieldHow.ENUM, ev.py, cls=ev.py) if ev else \
                StructFieldView(py, c_name, FieldHow.INT, "int")
        if t.kind == m.SCALAR and t.name == "bool":
            return StructFieldView(py, c_name, FieldHow.BOOL, "bool")
        if t.kind == m.SCALAR and t.name in ("float", "double"):
            return StructFieldView(py, c_name, FieldHow.FLOAT, "float")
        if t.kind == m.SCALAR and t.name in INT_SCALARS:
            return StructFieldView(py, c_name, FieldHow.INT, "int")
        if t.kind == m.STRUCT and t.name in self.structs:
            sv = self.structs[t.name]
            return StructFieldView(py, c_name, FieldHow.STRUCT, sv.annotation, cls=sv.spec)
        if t.kind == m.STRUCT and t.name not in failed and t.name not in self.c.callback_structs:
            return None  # not built yet
        return False

    def error_text(self) -> Optional[dict[str, Any]]:
        """Where the library keeps error text (the binding model's error_text), for messages."""
        et = self.binding.error_text
        if et is None or et.status_enum not in self.errors:
            return None
        ev = self.errors[et.status_enum].enum
        values = {c_name: value for _, c_name, value in ev.members}
        return dict(enum=ev.py, last_message=et.last_message, description=et.status_description,
                    owned=et.last_message_owned, free=et.string_free or "",
                    statuses=[str(values[s]) for s in et.last_message_statuses])

    def diagnosis(self) -> Optional[dict[str, Any]]:
        """What a failure without text is checked against (the binding model's diagnosis), for _native.py."""
        d = self.binding.diagnosis
        if d is None or d.status_enum not in self.errors:
            return None
        ev = self.errors[d.status_enum].enum
        values = {c_name: value for _, c_name, value in ev.members}
        kinds = {k.key: k for k in d.kinds()}
        return dict(enum=ev.py, status=values[d.status], kinds=list(kinds.values()),
                    model_paths={f: (param, kind.key) for f, (param, kind) in d.model_paths.items()},
                    devices=d.devices, meta_devices=list(d.meta_devices), device_query=d.device_query,
                    helper_users=list(d.helper_library_users), helper=d.helper_library,
                    refused=d.refused_properties, at_call=sorted(d.model_files_at_call.items()),
                    params={f: d.params(f) for f in set(d.model_paths) | set(d.devices)},
                    with_self=sorted(d.model_files_at_call))

    # -- callbacks --
    def build_callbacks(self) -> None:
        for cs in self.c.callback_structs.values():
            sig = cs.signature
            assert sig.returns is not None
            params: list[tuple[str, str]] = []
            annotations: list[str] = []
            for i, p in enumerate(sig.params):
                if i == cs.user_data_param:
                    continue
                if p.type.is_string():
                    params.append((py_name(p.name), "string"))
                    annotations.append("str")
                elif p.type.kind in (m.SCALAR, m.ENUM):
                    params.append((py_name(p.name), "value"))
                    annotations.append(self.scalar_annotation(p.type))
                else:
                    params.append((py_name(p.name), "raw"))
                    annotations.append("Any")
            py = self.rename(pascal(_strip_library_prefix(cs.name, self.lib.conventions.prefix)))
            extern = f"_{self.lib.python.package}_{cs.name}_trampoline"
            cv = CallbackView(cs.name, py, f"{cs.name.upper()}_SPEC", sig.returns.c_spelling(
                f"(*)({c_params(sig.params)})"), extern, cs.function_field, cs.user_data_field,
                cs.user_data_param, params, "void", c_return=sig.returns.c_spelling(),
                c_param_list=c_params(sig.params))
            if sig.returns.kind == m.ENUM and sig.returns.name in self.enums:
                ev = self.enums[sig.returns.name]
                cv.returns, cv.return_enum = "enum", ev.py
                meaning = self.binding.callbacks[cs.name]
                by_c_name = {c_: v for _, c_, v in ev.members}
                cv.running, cv.stop, cv.cancel = [by_c_name[x] if x else None for x in (
                    meaning.continue_value, meaning.stop_value, meaning.cancel_value)]
                cv.return_annotation = f"Union[None, bool, {ev.py}]"
            elif sig.returns.kind != m.VOID:
                cv.returns = "value"
                cv.return_annotation = "Any"
            kinds = iter(how for _, how in params)
            cv.hows = ["user_data" if i == cs.user_data_param else next(kinds) for i in range(len(sig.params))]
            cv.streams = self.binding.callbacks[cs.name].streams
            cv.arg_annotations = annotations
            self.callbacks[cs.name] = cv

    def scalar_annotation(self, t: m.CType) -> str:
        if t.kind == m.ENUM:
            return self.enums[t.name].py if t.name in self.enums else "int"
        if t.name == "bool":
            return "bool"
        if t.name in ("float", "double"):
            return "float"
        return "int"

    def function_pointer(self, typedef: str) -> Optional[tuple[str, tuple[str, ...], str]]:
        """A plain function-pointer typedef (no user data) a Python callable can stand for:
        (cffi signature, per-argument conversion, annotation); None when its arguments don't convert."""
        cb = next((c for c in self.api.callbacks if c.name == typedef), None)
        if cb is None or cb.returns.kind != m.VOID:
            return None
        kinds: list[str] = []
        annotations: list[str] = []
        for p in cb.params:
            if p.type.is_string():
                kinds.append("string")
                annotations.append("Optional[str]")
            elif p.type.kind in (m.SCALAR, m.ENUM):
                kinds.append("value")
                annotations.append(self.scalar_annotation(p.type))
            else:
                return None
        cdecl = cb.returns.c_spelling(f"(*)({c_params(cb.params)})")
        return cdecl, tuple(kinds), f"Callable[[{', '.join(annotations)}], None]"
