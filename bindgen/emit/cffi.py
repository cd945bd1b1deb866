"""Renders a cffi Python package from the model and conventions (templates/cffi/*.j2).

The package is library-generic: its name comes from the library description's
`python_package`, its cdef text from the model (cffi cannot read real headers), and every
class, property and method from the convention pass. This module only builds a view model
(names, conversion kinds, C spellings); every emitted line lives in a template.
"""
from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from typing import Any, Literal, Optional

from .. import binding as bd
from .. import conventions as conv
from .. import model as m
from .. import versions
from ..conventions import Conventions
from . import EmitError, environment, pascal
from .c_header import _type_order, c_params

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

INT_SCALARS = {n for n in m.SCALAR_SIZES if n not in ("bool", "float", "double")}
UNSIGNED = {"unsigned char", "uint8_t", "unsigned short", "uint16_t", "unsigned int", "uint32_t", "uint64_t",
            "unsigned long long", "size_t", "uintptr_t", "bool"}
# Names the handle base class uses; a C member of the same name gets a trailing underscore.
RESERVED_MEMBERS = {"close", "closed", "c_pointer"}


def _int_range(name: str) -> tuple[int, int]:
    bits = 8 * m.SCALAR_SIZES[name]
    if name in UNSIGNED:
        return 0, (1 << bits) - 1
    if name == "char":
        return -(1 << 7), (1 << 8) - 1  # either signedness
    return -(1 << (bits - 1)), (1 << (bits - 1)) - 1


def py_name(name: str) -> str:
    """A C parameter/member name usable as a Python identifier."""
    name = re.sub(r"\W", "_", name)
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return name + "_"
    return name


def _strip_library_prefix(c_name: str, prefix: str) -> str:
    """`ov_genai_x_e` -> `x_e`; `ov_status_e` (a core name seen by GenAI) -> `status_e`: drops the longest
    run of whole `_`-separated segments shared with the library prefix."""
    if prefix and c_name.startswith(prefix):
        return c_name[len(prefix):]
    segments = [s for s in prefix.split("_") if s]
    out = c_name
    for s in segments:
        if out.startswith(s + "_"):
            out = out[len(s) + 1:]
        else:
            break
    return out


@dataclass
class EnumView:
    c_name: str
    py: str
    members: list[tuple[str, str, int]]  # (python name, C name, value)
    tag_only: bool


@dataclass
class ErrorView:
    enum: EnumView
    py: str
    ok: int


@dataclass
class ParamView:
    """One Python-visible parameter and how it turns into C argument(s)."""

    name: str  # python name
    c_name: str
    how: str  # conversion kind, see templates/cffi/_bindings.py.j2 (macro convert)
    annotation: str
    ctype: str = ""  # cffi type text (element type for arrays)
    cls: str = ""  # python class: handle, enum or callback spec
    count: str = ""  # C count parameter for arrays
    lo: int = 0
    hi: int = 0
    optional: bool = False  # None accepted (passes NULL)
    struct: str = ""  # callback struct, for callback params
    default: bool = False  # rendered with `= None` (optional and only optional ones after it)
    label: str = ""  # what error messages call it, when not `name` (a property setter's value: "Class.prop")


@dataclass
class OutView:
    c_name: str
    how: str  # value | bool | enum | handle | string | address | raw
    ctype: str  # the pointee type for ffi.new("<ctype> *")
    annotation: str
    cls: str = ""  # handle or enum class
    release: Optional[str] = None  # free function for handle outs / strings
    foreign: bool = False

    @property
    def new_type(self) -> str:
        """The cffi type to allocate for this out-param: a pointer to `ctype`."""
        return self.ctype + ("*" if self.ctype.endswith("*") else " *")


@dataclass
class FunctionView:
    c_name: str
    py: str
    kind: str  # method | init | classmethod | static | getter | setter
    params: list[ParamView]
    c_args: list[str]  # Python expression for every C parameter, in order
    outs: list[OutView]
    returns: str  # status | void | value | string | owned_string | handle | raw
    return_annotation: str
    error: Optional[str] = None  # error class for status returns
    ok: int = 0
    variadic: Optional[str] = None  # key_value | pair | strings
    variadic_param: Optional[ParamView] = None
    string_buffer: Optional[tuple[str, str]] = None
    array_buffer: Optional[tuple[str, str, str, str]] = None  # (buffer, count param, count function, ctype)
    array_count_error: Optional[str] = None
    array_item: str = "value"  # conversion of array items (value | bool | enum)
    callbacks: list[ParamView] = field(default_factory=list)
    retains: list[str] = field(default_factory=list)  # python param names the library keeps
    # (expression to keep alive, slot expression or "None") per retained parameter: the Python object
    # for handles and callbacks, the converted cdata for buffers; a slot makes a later call replace it.
    retain_exprs: list[tuple[str, bool]] = field(default_factory=list)  # (what is held, whether it has a slot)
    slot_parts: list[tuple[str, bool]] = field(default_factory=list)  # (argument, by value) keying that slot
    tuple_class: Optional[str] = None  # NamedTuple for several outs
    result_cls: str = ""  # class wrapping a returned handle
    result_release: Optional[str] = None
    string_free: Optional[str] = None
    self_handle: bool = True
    stream: Optional[str] = None  # name of the iterator form, for methods taking a streaming callback
    stream_callback: Optional[ParamView] = None
    absent: Optional[int] = None  # a status meaning "no value": the getter returns None
    # Python names of array parameters that share one C count: the library reads that many items of
    # each, so they must have the same length (checked before the call).
    same_length: list[list[str]] = field(default_factory=list)


@dataclass
class PropertyView:
    py: str
    annotation: str
    getter: Optional[FunctionView]
    setter: Optional[FunctionView]


@dataclass
class ClassView:
    c_name: str
    py: str
    free: Optional[str]
    init: Optional[FunctionView]
    creators: list[FunctionView]
    properties: list[PropertyView]
    methods: list[FunctionView]
    mixins: list[tuple[str, str]] = field(default_factory=list)  # (module, class) of hand-written bases


@dataclass
class CallbackView:
    struct: str
    py: str  # type alias for the user callable
    spec: str  # runtime spec variable name
    cdecl: str  # cffi signature of the function pointer
    extern: str  # extern "Python" name in API mode
    function_field: str
    user_data_field: str
    user_data_index: int
    params: list[tuple[str, str]]  # (python name, how: string | value | raw)
    returns: str  # enum | void | value
    return_enum: str = ""
    running: Optional[int] = None
    stop: Optional[int] = None
    cancel: Optional[int] = None
    streams: bool = False  # one string param and a stop value: usable as an iterator
    arg_annotations: list[str] = field(default_factory=list)
    return_annotation: str = "None"
    c_return: str = "void"
    c_param_list: str = "void"
    hows: list[str] = field(default_factory=list)  # per C parameter, user data included


@dataclass
class StructFieldView:
    """How one C struct field (or array element) converts to and from Python."""

    py: str  # python field name ("" for array elements)
    c_name: str
    how: str  # int | float | bool | enum | string | struct | counted
    annotation: str
    cls: str = ""  # enum class, or the spec variable of a nested struct / array element struct
    count: str = ""  # counted: field path of the length ("size", "rank.max")
    item: Optional["StructFieldView"] = None  # counted: how each element converts
    ctype: str = ""  # counted: the C element type, for allocation


@dataclass
class StructView:
    """A plain C struct seen from Python: a list (a counted array and its length, nothing else)
    or a NamedTuple of its fields (length fields of counted arrays left out)."""

    c_name: str
    py: str  # NamedTuple class; "" for the list form
    spec: str  # module-level spec variable in _structs.py
    form: str  # list | record
    annotation: str
    fields: list[StructFieldView]  # record: every python field; list: the one counted field
    hidden: list[str] = field(default_factory=list)  # C fields set from list lengths


@dataclass
class TupleView:
    py: str
    fields: list[tuple[str, str]]


class _Builder:
    def __init__(self, api: m.API, c: Conventions) -> None:
        self.api, self.c, self.lib = api, c, c.library
        self.enums: dict[str, EnumView] = {}
        self.errors: dict[str, ErrorView] = {}
        self.classes: dict[str, str] = {}  # handle -> python class
        self.callbacks: dict[str, CallbackView] = {}
        self.tuples: dict[tuple[str, ...], TupleView] = {}
        self.structs: dict[str, StructView] = {}
        self.base_error = self.rename(pascal(self.lib.title) + "Error")
        self.binding = bd.bind(c)
        # (function, parameter) -> role, as the binding model decided it.
        self.roles = {(call.function, p.name): p.role for mem in self.binding.statics for call in mem.calls
                      for p in call.params}
        self.roles.update({(call.function, p.name): p.role for cls in self.binding.classes.values()
                           for mem in cls.members for call in mem.calls for p in call.params})

    def rename(self, name: str) -> str:
        return self.lib.conventions.renames.get(name, name)

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
            self.enums[e.name] = EnumView(e.name, py, members, e.tag_only)
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
        counted = {cf.pointer: cf.count for cf in self.c.counted_fields.get(s.name, [])}
        direct_counts = {count for count in counted.values() if "." not in count}
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
                fields.append(StructFieldView(py_name(_snake(f.name)), f.name, "counted", f"List[{item.annotation}]",
                                              count=counted[f.name], item=item, ctype=ctype))
                continue
            fv = self._struct_field(f.type, py_name(_snake(f.name)), f.name, failed)
            if fv is None or fv is False:
                return fv
            fields.append(fv)
        spec = f"{s.name.upper()}_SPEC"
        if len(s.fields) == 2 and len(fields) == 1 and fields[0].how == "counted" and direct_counts:
            return StructView(s.name, "", spec, "list", fields[0].annotation, fields, sorted(direct_counts))
        py = self.rename(pascal(re.sub(r"_t$", "", _strip_library_prefix(s.name, self.lib.conventions.prefix))))
        return StructView(s.name, py, spec, "record", py, fields, sorted(direct_counts))

    def _struct_field(self, t: m.CType, py: str, c_name: str, failed: set[str]) -> "Optional[StructFieldView | Literal[False]]":
        if t.is_string():
            return StructFieldView(py, c_name, "string", "Optional[str]")
        if t.kind == m.ENUM:
            ev = self.enums.get(t.name or "")
            return StructFieldView(py, c_name, "enum", ev.py, cls=ev.py) if ev else \
                StructFieldView(py, c_name, "int", "int")
        if t.kind == m.SCALAR and t.name == "bool":
            return StructFieldView(py, c_name, "bool", "bool")
        if t.kind == m.SCALAR and t.name in ("float", "double"):
            return StructFieldView(py, c_name, "float", "float")
        if t.kind == m.SCALAR and t.name in INT_SCALARS:
            return StructFieldView(py, c_name, "int", "int")
        if t.kind == m.STRUCT and t.name in self.structs:
            sv = self.structs[t.name]
            return StructFieldView(py, c_name, "struct", sv.annotation, cls=sv.spec)
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

    # -- classes --
    def build_classes(self) -> list[ClassView]:
        for hname, hi in self.c.handles.items():
            if not hi.foreign:
                self.classes[hname] = self.rename(pascal(hi.member))
        views = []
        for hname, hi in self.c.handles.items():
            if hi.foreign:
                continue
            views.append(self.build_class(hi))
        return views

    def build_class(self, hi: conv.HandleInfo) -> ClassView:
        """The class of one handle: its members as the binding model lists them (bindgen/binding.py)."""
        cls = self.classes[hi.handle.name]
        used: set[str] = set()
        init, creators = None, []
        props: list[PropertyView] = []
        methods = []
        model = self.binding.classes[hi.handle.name]
        for mem in model.members:
            if mem.kind is bd.MemberKind.CONSTRUCTOR:
                assert mem.call is not None
                init = self.function(self.c.info(mem.call.function), "init", "__init__")
            elif mem.kind is bd.MemberKind.FACTORY:
                assert mem.call is not None
                creators.append(self.function(self.c.info(mem.call.function), "classmethod",
                                              self.unique(mem.name, used)))
            elif mem.kind is bd.MemberKind.PROPERTY:
                gv = self.function(self.c.info(mem.getter.function), "getter", mem.name) if mem.getter else None
                sv = self.function(self.c.info(mem.setter.function), "setter", mem.name) if mem.setter else None
                if gv is not None and mem.getter is not None and mem.getter.absent_status is not None:
                    error = self.errors[mem.getter.status or ""]
                    gv.absent = next(v for _, c_name, v in error.enum.members if c_name == mem.getter.absent_status)
                    gv.return_annotation = f"Optional[{gv.return_annotation}]"
                annotation = gv.return_annotation if gv else sv.params[0].annotation  # type: ignore[union-attr]
                prop = self.unique(py_name(mem.name), used)
                if sv is not None and len(sv.params) == 1:
                    # The caller wrote `obj.prop = value`: errors name the property, not the C parameter.
                    sv.params[0].label = f"{cls}.{prop}"
                props.append(PropertyView(prop, annotation, gv, sv))
            else:
                assert mem.call is not None
                name = mem.name + "_" if mem.name in RESERVED_MEMBERS else mem.name
                view = self.function(self.c.info(mem.call.function), "method", self.unique(py_name(name), used))
                if mem.stream:
                    view.stream = mem.stream
                methods.append(view)
        for view in methods:
            if view.stream is not None:
                view.stream = self.unique(view.stream, used)
        mixins = []
        if hi.handle.name in self.lib.python.mixins:
            module, _, mixin = self.lib.python.mixins[hi.handle.name].partition(":")
            if not re.fullmatch(r"_?[A-Za-z][A-Za-z0-9_]*", module) or not mixin.isidentifier():
                raise EmitError(f"cffi: [python.mixins] {hi.handle.name} = {self.lib.python.mixins[hi.handle.name]!r}: "
                                f"expected \"module:Class\" (a module of the package)")
            mixins.append((module, mixin))
        return ClassView(hi.handle.name, cls, hi.free, init, creators, props, methods, mixins)

    def unique(self, name: str, used: set[str]) -> str:
        while name in used:
            name += "_"
        used.add(name)
        return name

    def statics(self) -> list[FunctionView]:
        used: set[str] = set()
        return [self.function(self.c.info(mem.call.function), "static", self.unique(py_name(mem.name), used))
                for mem in self.binding.statics if mem.call is not None]

    # -- functions --
    def function(self, info: conv.FunctionInfo, kind: str, py: str) -> FunctionView:
        fn = info.function
        params = {p.name: p for p in fn.params}
        owner_param = fn.params[0].name if info.owner and info.kind != conv.CREATE and fn.params \
            and fn.params[0].type.is_handle_ptr(1) and fn.params[0].type.base().name == info.owner else None
        if kind == "getter" and info.kind not in (conv.GETTER,):
            kind = "method_getter"
        arrays = {a.pointer: a.count for a in info.input_arrays}
        counts = {a.count: a.pointer for a in info.input_arrays}
        cb_params = {cp.param: cp.struct for cp in info.callbacks}
        view = FunctionView(fn.name, py, kind, [], [], [], "void", "None", self_handle=owner_param is not None)
        if info.status_enum and info.status_enum in self.errors:
            view.returns, view.error, view.ok = "status", self.errors[info.status_enum].py, self.errors[info.status_enum].ok
        elif fn.returns.kind == m.VOID:
            view.returns = "void"
        elif fn.returns.is_string():
            view.returns = "owned_string" if info.owned_string_return else "string"
            view.string_free = self.lib.conventions.string_free or None
            view.return_annotation = "Optional[str]"
        elif fn.returns.kind in (m.SCALAR, m.ENUM):
            view.returns = "value"
            view.return_annotation = self.scalar_annotation(fn.returns)
            view.result_cls = self.enums[fn.returns.name].py if fn.returns.kind == m.ENUM and fn.returns.name in self.enums else ""
        else:
            view.returns = "raw"
            view.return_annotation = "Any"
        skip = set(info.out_params) | set(counts)
        if info.variadic_count:
            skip.add(info.variadic_count)
        if info.string_buffer:
            skip.update(info.string_buffer)
        if info.array_buffer:
            skip.update(info.array_buffer[:2])
        for p in fn.params:
            name = p.name
            if name == owner_param:
                view.c_args.append("p_self")
            elif info.string_buffer and name == info.string_buffer[0]:
                view.c_args.append("buf")
            elif info.string_buffer and name == info.string_buffer[1]:
                view.c_args.append("size")
            elif info.array_buffer and name == info.array_buffer[0]:
                view.c_args.append("buf")
            elif info.array_buffer and name == info.array_buffer[1]:
                view.c_args.append("count")
            elif name in counts:
                view.c_args.append(f"n_{py_name(counts[name])}")
            elif name == info.variadic_count:
                view.c_args.append("len(c_varargs)")
            elif name in info.out_params:
                out = self.out_view(info, p)
                view.outs.append(out)
                view.c_args.append(f"out_{py_name(name)}")
            elif name in cb_params:
                pv = self.callback_param(p, cb_params[name])
                view.params.append(pv)
                view.callbacks.append(pv)
                view.c_args.append(f"c_{pv.name}")
            elif name in arrays:
                pv = self.array_param(p, arrays[name])
                view.params.append(pv)
                view.c_args.append(f"c_{pv.name}")
            else:
                pv = self.in_param(p, info)
                view.params.append(pv)
                view.c_args.append(f"c_{pv.name}")
        view.retains = [py_name(r) for r in info.retains]
        by_c_name = {pv.c_name: pv for pv in view.params}
        for count in counts:
            sharing = [by_c_name[a.pointer].name for a in info.input_arrays if a.count == count and a.pointer in by_c_name]
            if len(sharing) > 1:
                view.same_length.append(sharing)
        view.slot_parts = [(pv.name, pv.how in ("string", "path", "wstring", "int", "enum", "bool", "float"))
                           for pv in view.params if pv.c_name not in info.retains]
        for r in info.retains:
            retained = by_c_name.get(r)
            if retained is not None and retained.how == "callback":
                view.retain_exprs.append((f"inv_{retained.name}", True))
            elif retained is not None and retained.how in ("handle", "foreign"):
                view.retain_exprs.append((retained.name, True))
            elif retained is not None and retained.how == "function":
                view.retain_exprs.append((f"c_{retained.name}", True))
            else:
                view.retain_exprs.append((f"c_{py_name(r)}", False))
        if info.variadic:
            view.variadic = info.variadic
            if info.variadic == conv.VARIADIC_KEY_VALUE:
                view.variadic_param = ParamView("properties", "...", "properties",
                                                "Optional[Mapping[str, Union[str, int, float]]]")
            elif info.variadic == conv.VARIADIC_PAIR:
                view.variadic_param = ParamView("properties", "...", "pair", "Tuple[str, str]")
            else:
                view.variadic_param = ParamView("strings", "...", "strings", "Sequence[str]")
        if info.string_buffer:
            view.string_buffer = info.string_buffer
            view.return_annotation = "str"
        if info.array_buffer:
            buf = params[info.array_buffer[0]].type
            assert buf.pointee is not None
            count_info = self.c.info(info.array_buffer[2])
            view.array_buffer = (info.array_buffer[0], info.array_buffer[1], info.array_buffer[2],
                                 buf.pointee.c_spelling())
            view.array_count_error = self.errors[count_info.status_enum].py if count_info.status_enum in self.errors else None
            view.return_annotation = f"List[{self.scalar_annotation(buf.pointee)}]" \
                if buf.pointee.kind in (m.SCALAR, m.ENUM) else "List[Any]"
            view.array_item = "bool" if buf.pointee.kind == m.SCALAR and buf.pointee.name == "bool" else \
                ("enum" if buf.pointee.kind == m.ENUM and buf.pointee.name in self.enums else "value")
            view.result_cls = self.enums[buf.pointee.name or ""].py if view.array_item == "enum" else ""
        if kind == "init":
            view.return_annotation = "None"
        elif view.outs and not info.string_buffer and not info.array_buffer:
            if len(view.outs) == 1:
                view.return_annotation = view.outs[0].annotation
                if kind == "classmethod" and view.outs[0].how == "handle":
                    view.return_annotation = view.outs[0].annotation.strip('"')
            else:
                key = tuple(py_name(o.c_name) for o in view.outs)
                if key not in self.tuples:
                    self.tuples[key] = TupleView(pascal("_".join(key)), [(k, o.annotation) for k, o in zip(key, view.outs)])
                view.tuple_class = self.tuples[key].py
                view.return_annotation = view.tuple_class
            if view.returns not in ("status", "void"):
                raise EmitError(f"cffi: {fn.name}: out-params and a non-status return value")
        later_required = view.variadic == conv.VARIADIC_PAIR
        for pv in reversed(view.params):
            pv.default = pv.optional and not later_required
            later_required = later_required or not pv.default
        streaming = [pv for pv in view.callbacks if self.callbacks[pv.struct].streams]
        if len(view.callbacks) == 1 and streaming and kind == "method":
            view.stream_callback = streaming[0]
        return view

    def in_param(self, p: m.Param, info: conv.FunctionInfo) -> ParamView:
        t, name = p.type, py_name(p.name)
        nullable = p.name in info.nullable
        if p.name in info.wide_strings:
            return ParamView(name, p.name, "wstring", "str", optional=nullable)
        if t.kind == m.CALLBACK:
            fn_view = self.function_pointer(t.name or "")
            if fn_view is not None:
                cdecl, kinds, annotation = fn_view
                return ParamView(name, p.name, "function", f"Optional[{annotation}]", ctype=cdecl, cls=repr(kinds),
                                 optional=True)
        if t.is_string():
            if self.roles.get((info.name, p.name)) is bd.Role.PATH:
                return ParamView(name, p.name, "path", "Union[str, os.PathLike[str]]", optional=nullable)
            return ParamView(name, p.name, "string", "str", optional=nullable)
        if t.kind == m.SCALAR and t.name in ("float", "double"):
            return ParamView(name, p.name, "float", "float", ctype=t.name)
        if t.kind == m.SCALAR and t.name == "bool":
            return ParamView(name, p.name, "bool", "bool", ctype="bool")
        if t.kind == m.SCALAR and t.name in INT_SCALARS:
            lo, hi = _int_range(t.name)  # type: ignore[arg-type]
            return ParamView(name, p.name, "int", "int", ctype=t.name, lo=lo, hi=hi)  # type: ignore[arg-type]
        if t.kind == m.ENUM and t.name in self.enums:
            ev = self.enums[t.name]
            return ParamView(name, p.name, "enum", f"Union[{ev.py}, int]", cls=ev.py)
        if t.kind == m.STRUCT and t.name in self.structs:
            sv = self.structs[t.name]
            return ParamView(name, p.name, "struct", sv.annotation, cls=sv.spec)
        if t.is_handle_ptr(1):
            hname = t.base().name
            assert hname is not None
            if hname in self.classes:
                cls = self.classes[hname]
                ann = f"Optional[{cls}]" if nullable else cls
                return ParamView(name, p.name, "handle", ann, cls=cls, optional=nullable)
            return ParamView(name, p.name, "foreign", "Optional[_rt.ForeignPointer]" if nullable else "_rt.ForeignPointer",
                             ctype=t.c_spelling(), optional=nullable)
        return ParamView(name, p.name, "raw", "Any", ctype=t.c_spelling(), optional=True)

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

    def array_param(self, p: m.Param, count: str) -> ParamView:
        t, name = p.type, py_name(p.name)
        assert t.pointee is not None
        elem = t.pointee
        if elem.is_string():
            return ParamView(name, p.name, "string_array", "Sequence[str]", count=count)
        if elem.kind == m.POINTER and elem.base().kind == m.HANDLE and elem.pointer_depth() == 1:
            hname = elem.base().name
            if hname in self.classes:
                cls = self.classes[hname]
                return ParamView(name, p.name, "handle_array", f"Sequence[{cls}]", cls=cls,
                                 ctype=elem.c_spelling(), count=count)
            return ParamView(name, p.name, "foreign_array", "Sequence[_rt.ForeignPointer]",
                             ctype=m.CType(m.POINTER, pointee=m.CType(m.HANDLE, hname)).c_spelling(), count=count)
        if elem.kind == m.STRUCT and elem.name in self.structs:
            sv = self.structs[elem.name]
            return ParamView(name, p.name, "struct_array", f"Sequence[{sv.annotation}]", cls=sv.spec,
                             ctype=m.CType(m.STRUCT, elem.name).c_spelling(), count=count)
        if elem.kind == m.SCALAR and elem.name in ("float", "double"):
            return ParamView(name, p.name, "float_array", "Iterable[float]", ctype=elem.name, count=count)
        if elem.kind == m.SCALAR and elem.name == "char":
            # `const char* data, size_t n` is a byte buffer with a length (a model, an exported blob).
            return ParamView(name, p.name, "bytes", "Union[bytes, bytearray, memoryview, str]", ctype=elem.name,
                             count=count)
        if elem.kind == m.SCALAR and elem.name in INT_SCALARS:
            lo, hi = _int_range(elem.name)  # type: ignore[arg-type]
            return ParamView(name, p.name, "int_array", "Iterable[int]", ctype=elem.name, count=count, lo=lo, hi=hi)  # type: ignore[arg-type]
        return ParamView(name, p.name, "raw", "Any", ctype=t.c_spelling(), count=count, optional=True)

    def callback_param(self, p: m.Param, struct: str) -> ParamView:
        cv = self.callbacks[struct]
        return ParamView(py_name(p.name), p.name, "callback", f"Optional[{cv.py}]", cls=cv.spec, ctype=struct,
                         optional=True, struct=struct)

    def out_view(self, info: conv.FunctionInfo, p: m.Param) -> OutView:
        t = p.type
        assert t.pointee is not None
        pointee = t.pointee
        if pointee.kind == m.POINTER and pointee.base().kind == m.HANDLE and pointee.pointer_depth() == 1:
            hname = pointee.base().name
            ctype = m.CType(m.POINTER, pointee=m.CType(m.HANDLE, hname)).c_spelling()
            if hname in self.classes:
                release = info.release_with if info.creates == hname else self.c.handles[hname].free  # type: ignore[index]
                return OutView(p.name, "handle", ctype, self.classes[hname], cls=self.classes[hname], release=release)
            return OutView(p.name, "raw", ctype, "Any", foreign=True)
        if p.name in info.string_outs:
            return OutView(p.name, "owned_string", "char *", "Optional[str]", release=self.lib.conventions.string_free or None)
        if pointee.kind == m.STRUCT and pointee.name in self.structs:
            sv = self.structs[pointee.name]
            unqualified = m.CType(m.STRUCT, pointee.name).c_spelling()
            return OutView(p.name, "struct", unqualified, sv.annotation, cls=sv.spec, release=info.struct_outs.get(p.name))
        if p.name in info.struct_outs:
            return OutView(p.name, "raw_struct", pointee.c_spelling(), "Any", release=info.struct_outs[p.name])
        if pointee.kind == m.SCALAR and pointee.name == "bool":
            return OutView(p.name, "bool", "bool", "bool")
        if pointee.kind == m.ENUM and pointee.name in self.enums:
            return OutView(p.name, "enum", pointee.c_spelling(), self.enums[pointee.name].py, cls=self.enums[pointee.name].py)
        if pointee.kind == m.SCALAR:
            value_type = m.CType(m.SCALAR, pointee.name)
            return OutView(p.name, "value", value_type.c_spelling(), self.scalar_annotation(pointee))
        return OutView(p.name, "raw", m.CType(pointee.kind, pointee.name, pointee=pointee.pointee).c_spelling(), "Any")


def _snake(name: str) -> str:
    """`buildNumber` -> `build_number`; snake_case names stay as they are."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _common_prefix(names: list[str]) -> str:
    first = names[0]
    i = 0
    while all(len(n) > i and n[i] == first[i] for n in names):
        i += 1
    prefix = first[:i]
    cut = prefix.rfind("_")
    return prefix[:cut + 1] if cut >= 0 else ""


def without_param(f: FunctionView, param: ParamView) -> FunctionView:
    """A copy of `f` without one parameter (the iterator form of a streaming call drops its callback)."""
    from dataclasses import replace

    return replace(f, params=[p for p in f.params if p.name != param.name])


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
    b = _Builder(api, conventions)
    b.build_enums()
    b.build_structs()
    b.build_callbacks()
    classes = b.build_classes()
    statics = b.statics()
    _check_public_names(lib.name, [(e.py, f"enum {e.c_name}") for e in b.enums.values()]
                        + [(e.py, f"the error of {e.enum.c_name}") for e in b.errors.values()]
                        + [(b.base_error, "the base error class")]
                        + [(c.py, f"handle {c.c_name}") for c in classes]
                        + [(f.py, f"function {f.c_name}") for f in statics]
                        + [(cb.py, f"callback {name}") for name, cb in b.callbacks.items()]
                        + [(s.py, f"struct {s.c_name}") for s in b.structs.values() if s.py]
                        + [(t.py, "a result tuple") for t in b.tuples.values()])
    env = environment("cffi")
    env.filters["c_params"] = c_params
    env.filters["py_name"] = py_name
    env.filters["pystr"] = repr
    env.filters["without_param"] = without_param
    layouts = [(s.name, s.size, s.align, [(f.name, f.offset) for f in s.fields]) for s in api.structs]
    context = dict(
        api=api, library=lib, conventions=conventions, package=lib.python.package,
        cdef=cdef_text(api), enums=list(b.enums.values()), errors=list(b.errors.values()),
        base_error=b.base_error, classes=classes, statics=statics, callbacks=list(b.callbacks.values()),
        tuples=list(b.tuples.values()), layouts=layouts, structs=list(b.structs.values()),
        env_dir=re.sub(r"\W+", "_", lib.title).upper() + "_DIR",
        env_prefix=lib.python.package.upper(),
        status_enum_names={e.enum.c_name: e for e in b.errors.values()},
        error_text=b.error_text(),
    )
    # Run-time version check (bindgen/versions.py): its own context, shared with the C# emitter.
    version_context = versions.runtime_context(api, lib, table)
    context["versions_since"] = dict(version_context["since"])  # type: ignore[call-overload]
    files = {}
    for template, out in FILES.items():
        files[out] = env.get_template(template).render(**context)
    files["_versions.py"] = env.get_template("_versions.py.j2").render(**version_context)
    return files
