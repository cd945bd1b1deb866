"""Python calls: how one C function is called (parameters, outputs, results, callbacks, retained objects)."""
from __future__ import annotations

from typing import assert_never

from ... import binding as bd
from ... import conventions as conv
from ... import model as m
from .. import EmitError, pascal
from .names import py_name
from .types import INT_SCALARS, TypeBuilder, _int_range
from .views import FunctionKind, FunctionView, How, ItemHow, OutHow, OutView, ParamView, Returns, TupleView


class CallBuilder(TypeBuilder):
    # -- functions --
    def function(self, info: conv.FunctionInfo, kind: FunctionKind, py: str) -> FunctionView:
        fn = info.function
        params = {p.name: p for p in fn.params}
        owner_param = fn.params[0].name if info.owner and info.kind != conv.CREATE and fn.params \
            and fn.params[0].type.is_handle_ptr(1) and fn.params[0].type.base().name == info.owner else None
        if kind is FunctionKind.GETTER and info.kind not in (conv.GETTER,):
            kind = FunctionKind.METHOD_GETTER
        view = FunctionView(fn.name, py, kind, [], [], [], Returns.VOID, "None", self_handle=owner_param is not None)
        if info.status_enum and info.status_enum in self.errors:
            view.returns, view.error, view.ok = Returns.STATUS, self.errors[info.status_enum].py, self.errors[info.status_enum].ok
        elif fn.returns.kind == m.VOID:
            view.returns = Returns.VOID
        elif fn.returns.is_string():
            view.returns = Returns.OWNED_STRING if info.owned_string_return else Returns.STRING
            view.string_free = self.lib.conventions.string_free or None
            view.return_annotation = "Optional[str]"
        elif fn.returns.kind in (m.SCALAR, m.ENUM):
            view.returns = Returns.VALUE
            view.return_annotation = self.scalar_annotation(fn.returns)
            view.result_cls = self.enums[fn.returns.name].py if fn.returns.kind == m.ENUM and fn.returns.name in self.enums else ""
        else:
            view.returns = Returns.RAW
            view.return_annotation = "Any"
        model = self.model_calls[fn.name]
        for p, mp in zip(fn.params, model.params):
            name, role = p.name, mp.role
            if role is bd.Role.SELF:
                view.c_args.append("p_self")
            elif role is bd.Role.STRING_BUFFER or role is bd.Role.ARRAY_BUFFER:
                view.c_args.append("buf")
            elif role is bd.Role.STRING_SIZE:
                view.c_args.append("size")
            elif role is bd.Role.ARRAY_BUFFER_COUNT:
                view.c_args.append("count")
            elif role is bd.Role.ARRAY_COUNT:
                view.c_args.append(f"n_{py_name(mp.count or '')}")
            elif role is bd.Role.VARIADIC_COUNT:
                view.c_args.append("len(c_varargs)")
            elif role in (bd.Role.OUT_HANDLE, bd.Role.OUT_VALUE, bd.Role.OUT_STRING, bd.Role.OUT_ADDRESS):
                out = self.out_view(info, p)
                view.outs.append(out)
                view.c_args.append(f"out_{py_name(name)}")
            elif role is bd.Role.CALLBACK:
                pv = self.callback_param(p, mp.callback or "")
                view.params.append(pv)
                view.callbacks.append(pv)
                view.c_args.append(f"c_{pv.name}")
            elif role is bd.Role.ARRAY:
                pv = self.array_param(p, mp.count or "")
                pv.image_tensors = mp.image_tensors
                pv.shortest = mp.shortest
                if mp.nullable and pv.how is How.FOREIGN_ARRAY:  # None passes no objects (a NULL array)
                    pv.optional = True
                    pv.annotation = f"Optional[{pv.annotation.replace('Sequence[_rt.ForeignPointer]', 'Union[Sequence[Any], Any]')}]"
                view.params.append(pv)
                view.c_args.append(f"c_{pv.name}")
            elif role in (bd.Role.INPUT, bd.Role.PATH, bd.Role.WIDE_STRING, bd.Role.FUNCTION):
                pv = self.in_param(p, mp)
                view.params.append(pv)
                view.c_args.append(f"c_{pv.name}")
            else:
                assert_never(role)
        # Names shown instead of the C ones ([conventions.calls] rename): the parameter and its locals.
        shown = {py_name(mp.name): mp.shown for mp in model.params if mp.shown}
        if shown:
            for pv in view.params:
                pv.name = shown.get(pv.name, pv.name)
            view.c_args = [f"{a[:2]}{shown[a[2:]]}" if a[:2] in ("c_", "n_") and a[2:] in shown else a
                           for a in view.c_args]
        view.fields = next((pv.name for pv in view.params if pv.c_name == model.fields), None) if model.fields else None
        for pv in view.params:
            pv.takes_fields = view.fields is not None and pv.name == view.fields
        view.batch = model.batch
        view.text_result = model.text_result
        view.lone_score = model.lone_score
        view.upstream_only = list(model.upstream_only.items())
        view.keyword = model.keyword
        view.singles = [(pv.name, model.singles[pv.c_name]) for pv in view.params if pv.c_name in model.singles]
        view.retains = [py_name(r) for r in info.retains]
        by_c_name = {pv.c_name: pv for pv in view.params}
        for count in model.role(bd.Role.ARRAY_COUNT):
            sharing = [by_c_name[a.name].name for a in model.role(bd.Role.ARRAY) if a.count == count.name]
            if len(sharing) > 1:
                view.same_length.append(sharing)
        view.slot_parts = [(pv.name, pv.how in (How.STRING, How.PATH, How.WSTRING, How.INT, How.ENUM, How.BOOL, How.FLOAT))
                           for pv in view.params if pv.c_name not in info.retains]
        for r in info.retains:
            retained = by_c_name.get(r)
            if retained is not None and retained.how is How.CALLBACK:
                view.retain_exprs.append((f"inv_{retained.name}", True))
            elif retained is not None and retained.how in (How.HANDLE, How.FOREIGN):
                view.retain_exprs.append((retained.name, True))
            elif retained is not None and retained.how is How.FUNCTION:
                view.retain_exprs.append((f"c_{retained.name}", True))
            else:
                view.retain_exprs.append((f"c_{py_name(r)}", False))
        if info.variadic:
            view.variadic = info.variadic
            if info.variadic == conv.VARIADIC_KEY_VALUE:
                view.variadic_param = ParamView("properties", "...", How.PROPERTIES,
                                                "Optional[Mapping[str, Union[str, int, float]]]")
            elif info.variadic == conv.VARIADIC_PAIR:
                view.variadic_param = ParamView("properties", "...", How.PAIR, "Tuple[str, str]")
            else:
                view.variadic_param = ParamView("strings", "...", How.STRINGS, "Sequence[str]")
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
            view.array_item = ItemHow.BOOL if buf.pointee.kind == m.SCALAR and buf.pointee.name == "bool" else \
                (ItemHow.ENUM if buf.pointee.kind == m.ENUM and buf.pointee.name in self.enums else ItemHow.VALUE)
            view.result_cls = self.enums[buf.pointee.name or ""].py if view.array_item is ItemHow.ENUM else ""
        if kind is FunctionKind.INIT:
            view.return_annotation = "None"
        elif view.outs and not info.string_buffer and not info.array_buffer:
            if len(view.outs) == 1:
                view.return_annotation = view.outs[0].annotation
                if kind is FunctionKind.CLASSMETHOD and view.outs[0].how is OutHow.HANDLE:
                    view.return_annotation = view.outs[0].annotation.strip('"')
            else:
                key = tuple(py_name(o.c_name) for o in view.outs)
                if key not in self.tuples:
                    self.tuples[key] = TupleView(pascal("_".join(key)), [(k, o.annotation) for k, o in zip(key, view.outs)])
                view.tuple_class = self.tuples[key].py
                view.return_annotation = view.tuple_class
            if view.returns not in (Returns.STATUS, Returns.VOID):
                raise EmitError(f"cffi: {fn.name}: out-params and a non-status return value")
        later_required = view.variadic == conv.VARIADIC_PAIR
        for pv in reversed(view.params):
            pv.default = pv.optional and not later_required
            later_required = later_required or not pv.default
        streaming = [pv for pv in view.callbacks if self.callbacks[pv.struct].streams]
        if len(view.callbacks) == 1 and streaming and kind is FunctionKind.METHOD:
            view.stream_callback = streaming[0]
        return view

    def in_param(self, p: m.Param, mp: bd.Param) -> ParamView:
        t, name = p.type, py_name(p.name)
        nullable = mp.nullable
        if mp.role is bd.Role.WIDE_STRING:
            return ParamView(name, p.name, How.WSTRING, "str", optional=nullable)
        if t.kind == m.CALLBACK:
            fn_view = self.function_pointer(t.name or "")
            if fn_view is not None:
                cdecl, kinds, annotation = fn_view
                return ParamView(name, p.name, How.FUNCTION, f"Optional[{annotation}]", ctype=cdecl, cls=repr(kinds),
                                 optional=True)
        if t.is_string():
            if mp.role is bd.Role.PATH:
                return ParamView(name, p.name, How.PATH, "Union[str, os.PathLike[str]]", optional=nullable)
            return ParamView(name, p.name, How.STRING, "str", optional=nullable)
        if t.kind == m.SCALAR and t.name in ("float", "double"):
            return ParamView(name, p.name, How.FLOAT, "float", ctype=t.name)
        if t.kind == m.SCALAR and t.name == "bool":
            return ParamView(name, p.name, How.BOOL, "bool", ctype="bool")
        if t.kind == m.SCALAR and t.name in INT_SCALARS:
            lo, hi = _int_range(t.name)  # type: ignore[arg-type]
            return ParamView(name, p.name, How.INT, "int", ctype=t.name, lo=lo, hi=hi)  # type: ignore[arg-type]
        if t.kind == m.ENUM and t.name in self.enums:
            ev = self.enums[t.name]
            return ParamView(name, p.name, How.ENUM, f"Union[{ev.py}, int]", cls=ev.py)
        if t.kind == m.STRUCT and t.name in self.structs:
            sv = self.structs[t.name]
            return ParamView(name, p.name, How.STRUCT, sv.annotation, cls=sv.spec)
        if t.is_handle_ptr(1):
            hname = t.base().name
            assert hname is not None
            value_cls = getattr(self, "value_names", {}).get(hname)
            if value_cls is not None:
                ann = f"Optional[{value_cls}]" if nullable else value_cls
                return ParamView(name, p.name, How.VALUE, ann, cls=value_cls, ctype=self.classes[hname],
                                 optional=nullable)
            hand = getattr(self, "hand_names", {}).get(hname)
            if hand is not None:
                ann = f"Optional[{hand[1]}]" if nullable else hand[1]
                return ParamView(name, p.name, How.HAND_VALUE, ann, cls=hand[1], ctype=self.classes[hname],
                                 optional=nullable)
            if hname in self.classes:
                cls = self.classes[hname]
                ann = f"Optional[{cls}]" if nullable else cls
                return ParamView(name, p.name, How.HANDLE, ann, cls=cls, optional=nullable)
            return ParamView(name, p.name, How.FOREIGN, "Optional[_rt.ForeignPointer]" if nullable else "_rt.ForeignPointer",
                             ctype=t.c_spelling(), optional=nullable)
        return ParamView(name, p.name, How.RAW, "Any", ctype=t.c_spelling(), optional=True)

    def array_param(self, p: m.Param, count: str) -> ParamView:
        t, name = p.type, py_name(p.name)
        assert t.pointee is not None
        elem = t.pointee
        if elem.is_string():
            return ParamView(name, p.name, How.STRING_ARRAY, "Sequence[str]", count=count)
        if elem.kind == m.POINTER and elem.base().kind == m.HANDLE and elem.pointer_depth() == 1:
            hname = elem.base().name
            if hname in self.classes:
                cls = self.classes[hname]
                return ParamView(name, p.name, How.HANDLE_ARRAY, f"Sequence[{cls}]", cls=cls,
                                 ctype=elem.c_spelling(), count=count)
            return ParamView(name, p.name, How.FOREIGN_ARRAY, "Sequence[_rt.ForeignPointer]",
                             ctype=m.CType(m.POINTER, pointee=m.CType(m.HANDLE, hname)).c_spelling(), count=count)
        if elem.kind == m.STRUCT and elem.name in self.structs:
            sv = self.structs[elem.name]
            return ParamView(name, p.name, How.STRUCT_ARRAY, f"Sequence[{sv.annotation}]", cls=sv.spec,
                             ctype=m.CType(m.STRUCT, elem.name).c_spelling(), count=count)
        if elem.kind == m.SCALAR and elem.name in ("float", "double"):
            return ParamView(name, p.name, How.FLOAT_ARRAY, "Iterable[float]", ctype=elem.name, count=count)
        if elem.kind == m.SCALAR and elem.name == "char":
            # `const char* data, size_t n` is a byte buffer with a length (a model, an exported blob).
            return ParamView(name, p.name, How.BYTES, "Union[bytes, bytearray, memoryview, str]", ctype=elem.name,
                             count=count)
        if elem.kind == m.SCALAR and elem.name in INT_SCALARS:
            lo, hi = _int_range(elem.name)  # type: ignore[arg-type]
            return ParamView(name, p.name, How.INT_ARRAY, "Iterable[int]", ctype=elem.name, count=count, lo=lo, hi=hi)  # type: ignore[arg-type]
        return ParamView(name, p.name, How.RAW, "Any", ctype=t.c_spelling(), count=count, optional=True)

    def callback_param(self, p: m.Param, struct: str) -> ParamView:
        cv = self.callbacks[struct]
        return ParamView(py_name(p.name), p.name, How.CALLBACK, f"Optional[{cv.py}]", cls=cv.spec, ctype=struct,
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
                value = self.result_names.get(hname, "")
                return OutView(p.name, OutHow.HANDLE, ctype, value or self.classes[hname], cls=self.classes[hname],
                               release=release, result_cls=value)
            return OutView(p.name, OutHow.RAW, ctype, "Any", foreign=True)
        if p.name in info.string_outs:
            return OutView(p.name, OutHow.OWNED_STRING, "char *", "Optional[str]", release=self.lib.conventions.string_free or None)
        if pointee.kind == m.STRUCT and pointee.name in self.structs:
            sv = self.structs[pointee.name]
            unqualified = m.CType(m.STRUCT, pointee.name).c_spelling()
            return OutView(p.name, OutHow.STRUCT, unqualified, sv.annotation, cls=sv.spec, release=info.struct_outs.get(p.name))
        if p.name in info.struct_outs:
            return OutView(p.name, OutHow.RAW_STRUCT, pointee.c_spelling(), "Any", release=info.struct_outs[p.name])
        if pointee.kind == m.SCALAR and pointee.name == "bool":
            return OutView(p.name, OutHow.BOOL, "bool", "bool")
        if pointee.kind == m.ENUM and pointee.name in self.enums:
            return OutView(p.name, OutHow.ENUM, pointee.c_spelling(), self.enums[pointee.name].py, cls=self.enums[pointee.name].py)
        if pointee.kind == m.SCALAR:
            value_type = m.CType(m.SCALAR, pointee.name)
            return OutView(p.name, OutHow.VALUE, value_type.c_spelling(), self.scalar_annotation(pointee))
        return OutView(p.name, OutHow.RAW, m.CType(pointee.kind, pointee.name, pointee=pointee.pointee).c_spelling(), "Any")
