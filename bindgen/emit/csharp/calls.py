"""C# calls: how one C function is called from the safe layer (parameters, outputs, results, callbacks)."""
from __future__ import annotations

from typing import assert_never

from ... import binding as bd
from ... import conventions as conv
from ... import model as m
from .. import pascal
from .names import NATIVE_OBJECT, camel_ident, ident
from .types import RAW_SCALARS, SAFE_SCALARS, TypeBuilder
from .views import (ArgKind, CallbackUse, CallbackView, CallView, Conversion, OutView, ParamKind, RawArg, Result,
                    ResultStructView, SafeParam, Unsupported)


class CallBuilder(TypeBuilder):
    def callback_view(self, struct: str) -> CallbackView:
        if struct in self.callbacks:
            return self.callbacks[struct]
        cs = self.c.callback_structs[struct]
        sname = self.type_names[struct]
        delegate = self.delegates[f"{struct}.{cs.function_field}"].name
        params = []
        all_params = []
        for i, p in enumerate(cs.signature.params):
            raw = self.raw_type(p.type, f"callback {struct}")
            all_params.append((raw, "userData" if i == cs.user_data_param else ident(p.name or f"arg{i}")))
            if i == cs.user_data_param:
                continue
            if p.type.is_string():
                params.append((raw, ident(p.name or f"arg{i}"), "string", Conversion.STRING))
            elif p.type.kind == m.ENUM:
                params.append((raw, ident(p.name or f"arg{i}"), raw, Conversion.DIRECT))
            elif p.type.kind == m.SCALAR and p.type.name in RAW_SCALARS:
                safe, conversion = SAFE_SCALARS.get(p.type.name, (raw, Conversion.DIRECT))  # type: ignore[arg-type]
                params.append((raw, ident(p.name or f"arg{i}"), safe, conversion))
            else:
                raise Unsupported(f"callback {struct} passes {p.type.c_spelling()}")
        ret = cs.signature.returns
        assert ret is not None
        returns = self.raw_type(ret, f"callback {struct}")
        stop = cont = cancel = None
        valid: list[str] = []
        meaning = self.binding.callbacks[struct]
        if ret.kind == m.ENUM:
            ev = next(e for e in self.enums if e.c_name == ret.name)
            cont, stop, cancel = [f"{ev.name}.{self._enum_member(ret.name, x)}" if x else None
                                  for x in (meaning.continue_value, meaning.stop_value, meaning.cancel_value)]
            valid = [f"{ev.name}.{cs_}" for cs_, _, _ in ev.members]
        elif ret.kind != m.VOID:
            raise Unsupported(f"callback {struct} returns {ret.c_spelling()}")
        safe_types = [p[2] for p in params]
        if returns == "void":
            managed = f"Action<{', '.join(safe_types)}>" if safe_types else "Action"
        else:
            managed = f"Func<{', '.join(safe_types + [returns])}>"
        view = CallbackView(sname, ident(cs.function_field), ident(cs.user_data_field), delegate,
                            self.claim(sname + "Bridge", f"bridge for {struct}"), managed, params, returns,
                            stop, cont, cancel,
                            streaming=meaning.streams)
        view.all_params = all_params
        view.valid_values = valid
        if returns != "void" and cont is not None:
            view.action_type = f"Action<{', '.join(safe_types)}>" if safe_types else "Action"
        self.callbacks[struct] = view
        return view

    def safe_param(self, info: conv.FunctionInfo, p: m.Param, mp: bd.Param) -> SafeParam:
        t = p.type
        name = camel_ident(mp.shown or p.name)  # [conventions.calls] rename: upstream's parameter names
        nullable = mp.nullable
        arrays = {p.name: mp.count} if mp.role is bd.Role.ARRAY and mp.count else {}
        if mp.role is bd.Role.WIDE_STRING:
            return SafeParam(name, p.name, "string", ParamKind.WSTRING, nullable)
        if t.kind == m.STRUCT and t.name in self.value_types:
            vt = self.value_types[t.name]
            return SafeParam(name, p.name, vt.type, ParamKind.STRUCT, nullable=False, elem=vt.marshal, raw=vt.raw)
        if p.name in arrays and t.pointee is not None and t.pointee.kind == m.STRUCT and t.pointee.name in self.value_types:
            vt = self.value_types[t.pointee.name]
            return SafeParam(name, p.name, vt.type + "[]", ParamKind.STRUCT_ARRAY, nullable, elem=vt.marshal,
                             count=arrays[p.name], raw=vt.raw)
        if p.name in arrays:
            elem = t.pointee
            assert elem is not None
            if elem.kind == m.POINTER and elem.is_string():
                return SafeParam(name, p.name, "string[]", ParamKind.STRING_ARRAY, nullable, count=arrays[p.name])
            if elem.kind == m.POINTER and elem.pointee is not None and elem.pointee.kind == m.HANDLE:
                h = elem.pointee.name
                assert h is not None
                hi = self.c.handles[h]
                # A foreign handle is any binding's object holding that C type (NativeObject, checked at the call).
                cls = NATIVE_OBJECT if hi.foreign else self.handle_names[h]
                return SafeParam(name, p.name, cls + "[]", ParamKind.HANDLE_ARRAY, nullable, elem=cls, count=arrays[p.name],
                                 conversion=Conversion.FOREIGN if hi.foreign else Conversion.DIRECT,
                                 native_type=h if hi.foreign else None, image_tensors=mp.image_tensors)
            if elem.kind in (m.SCALAR, m.ENUM, m.STRUCT) and not (elem.kind == m.SCALAR and elem.name == "bool"):
                # `const char* data, size_t n` is a byte buffer (not a string: it has a length): byte[].
                raw = self.raw_type(m.CType(elem.kind, elem.name), f"{info.name} {p.name}")
                return SafeParam(name, p.name, raw + "[]", ParamKind.ARRAY, nullable, elem=raw, count=arrays[p.name],
                                 shortest=mp.shortest)
            raise Unsupported(f"input array {p.name} of {elem.c_spelling()}")
        if t.is_string():
            return SafeParam(name, p.name, "string", ParamKind.STRING, nullable)
        if t.kind == m.POINTER and t.pointee is not None and t.pointee.kind == m.HANDLE and t.pointer_depth() == 1:
            h = t.pointee.name
            assert h is not None
            hi = self.c.handles[h]
            if hi.foreign:
                return SafeParam(name, p.name, NATIVE_OBJECT, ParamKind.FOREIGN, nullable, native_type=h)
            if h in self.value_names:
                return SafeParam(name, p.name, self.value_names[h], ParamKind.VALUE_CLASS, nullable,
                                 native_type=self.handle_names[h])
            if h in self.hand_names:
                return SafeParam(name, p.name, self.hand_names[h], ParamKind.HAND_VALUE, nullable,
                                 native_type=self.handle_names[h])
            return SafeParam(name, p.name, self.handle_names[h], ParamKind.HANDLE, nullable)
        if t.kind == m.SCALAR:
            raw = self.raw_type(t, info.name)
            safe, conversion = SAFE_SCALARS.get(t.name, (raw, Conversion.DIRECT))  # type: ignore[arg-type]
            return SafeParam(name, p.name, safe, ParamKind.VALUE, conversion=conversion)
        if t.kind == m.ENUM:
            return SafeParam(name, p.name, self.type_names[t.name], ParamKind.VALUE)  # type: ignore[index]
        if t.kind == m.STRUCT and t.name in self.type_names:
            return SafeParam(name, p.name, "Native." + self.type_names[t.name], ParamKind.VALUE)
        if t.kind == m.POINTER and t.pointee is not None and t.pointee.kind == m.VOID:
            return SafeParam(name, p.name, "IntPtr", ParamKind.VALUE)
        raise Unsupported(f"parameter {p.name} of type {t.c_spelling()}")

    def out_view(self, info: conv.FunctionInfo, p: m.Param) -> OutView:
        t = p.type
        local = "__" + p.name
        assert t.pointee is not None
        if t.pointer_depth() == 2 and t.base().kind == m.HANDLE:
            h = t.base().name
            assert h is not None
            if self.c.handles[h].foreign:
                raise Unsupported(f"returns a foreign {h}")
            release = info.release_with
            if release is None or release not in self.handle_classes:
                raise Unsupported(f"returns {h} with no known release function")
            value = self.result_names.get(h, "")
            return OutView(local, "IntPtr", value or self.handle_names[h], Conversion.HANDLE, self.handle_classes[release],
                           self.handle_names[h], result_cls=value)
        inner = t.pointee
        if p.name in info.string_outs:
            return OutView(local, "byte*", "string", Conversion.OWNED_STRING)
        if inner.kind == m.STRUCT and inner.name in self.value_types:
            vt = self.value_types[inner.name]
            # Copied into managed memory, then what the library allocated in it is released.
            return OutView(local, vt.raw, vt.type, Conversion.STRUCT, handle_class=info.struct_outs.get(p.name),
                           wrapper=vt.marshal)
        if inner.kind == m.POINTER and inner.pointee is not None and inner.pointee.kind == m.VOID:
            return OutView(local, "IntPtr", "IntPtr", Conversion.DIRECT)  # an address (e.g. a tensor's data)
        if inner.kind == m.SCALAR:
            raw = self.raw_type(inner, info.name)
            safe, conversion = SAFE_SCALARS.get(inner.name, (raw, Conversion.DIRECT))  # type: ignore[arg-type]
            return OutView(local, raw, safe, conversion)
        if inner.kind == m.ENUM:
            return OutView(local, self.type_names[inner.name], self.type_names[inner.name], Conversion.DIRECT)  # type: ignore[index]
        if inner.kind == m.STRUCT and p.name not in info.struct_outs and inner.name in self.type_names:
            raw = "Native." + self.type_names[inner.name]  # type: ignore[index]
            return OutView(local, raw, raw, Conversion.DIRECT)  # plain data, copied out
        raise Unsupported(f"output {p.name} of type {t.c_spelling()}")

    def call_view(self, info: conv.FunctionInfo) -> CallView:
        fn = info.function
        retained_handles = [p for p in fn.params if p.name in info.retains and p.type.is_handle_ptr(1)
                            and not self.c.handles[p.type.base().name].foreign]  # type: ignore[index]
        if info.retains and (len(retained_handles) != len(info.retains) or not info.owner or info.kind == conv.CREATE
                             or info.creates):
            # The library keeps a pointer past the call: the memory must live as long as the object
            # that holds it (hand-written partials do that, e.g. pinned tensor memory, callbacks).
            raise Unsupported(f"the library keeps {', '.join(info.retains)} after the call")
        if (info.string_outs or info.owned_string_return) and not self.lib.conventions.string_free:
            raise Unsupported("returns a caller-owned string but the library names no string_free")
        call = CallView(fn.name, [], [])
        call.string_free = self.lib.conventions.string_free or None
        if info.status_enum:
            call.status = self.type_names[info.status_enum]
        model = self.model_calls[fn.name]
        if model.lone_score is not None:
            from .classes import _predicate  # noqa: PLC0415 (classes imports this module)
            call.lone_score = (_predicate((model.lone_score[0],)), f"{model.lone_score[1]!r}f")
        for p, mp in zip(fn.params, model.params):
            role = mp.role
            if role is bd.Role.SELF:
                call.args.append(RawArg(ArgKind.SELF))
                call.owner = True
            elif role is bd.Role.CALLBACK:
                assert mp.callback is not None
                view = self.callback_view(mp.callback)
                call.callback = CallbackUse(view, p.name, mp.nullable)
                call.args.append(RawArg(ArgKind.CALLBACK, "__callback"))
            elif role in (bd.Role.OUT_HANDLE, bd.Role.OUT_VALUE, bd.Role.OUT_STRING, bd.Role.OUT_ADDRESS):
                ov = self.out_view(info, p)
                call.outs.append(ov)
                call.args.append(RawArg(ArgKind.OUT, ov.local))
            elif role is bd.Role.ARRAY_COUNT:
                assert mp.count is not None
                shown = next((a.shown for a in model.params if a.name == mp.count and a.shown), None)
                call.args.append(RawArg(ArgKind.COUNT, camel_ident(shown or mp.count), self.raw_type(p.type, fn.name),
                                        local=mp.count))
            elif role is bd.Role.VARIADIC_COUNT:
                call.args.append(RawArg(ArgKind.VARIADIC_COUNT, "__variadic", self.raw_type(p.type, fn.name)))
            elif role is bd.Role.STRING_BUFFER:
                call.args.append(RawArg(ArgKind.STRING_BUFFER))
            elif role is bd.Role.STRING_SIZE:
                call.args.append(RawArg(ArgKind.STRING_SIZE))
            elif role is bd.Role.ARRAY_BUFFER:
                call.args.append(RawArg(ArgKind.ARRAY_BUFFER))
            elif role is bd.Role.ARRAY_BUFFER_COUNT:
                call.args.append(RawArg(ArgKind.ARRAY_COUNT, "", self.raw_type(p.type, fn.name)))
            elif role in (bd.Role.INPUT, bd.Role.PATH, bd.Role.WIDE_STRING, bd.Role.ARRAY, bd.Role.FUNCTION):
                sp = self.safe_param(info, p, mp)  # a path is a string in .NET
                call.params.append(sp)
                call.args.append(RawArg(sp.kind, sp.name, self.raw_type(p.type, fn.name), sp.conversion, p.name))
            else:
                assert_never(role)
        if fn.variadic:
            if info.variadic == conv.VARIADIC_KEY_VALUE:
                call.variadic, call.variadic_per_case = info.variadic, 2
                call.variadic_param = SafeParam("properties", "...", "IEnumerable<KeyValuePair<string, string>>",
                                                ParamKind.VARIADIC, nullable=True)
                call.params.append(call.variadic_param)
            elif info.variadic == conv.VARIADIC_STRINGS and info.variadic_count:
                call.variadic, call.variadic_per_case = info.variadic, 1
                call.variadic_param = SafeParam("strings", "...", "string[]", ParamKind.VARIADIC)
                call.params.append(call.variadic_param)
            elif info.variadic == conv.VARIADIC_PAIR:
                # Exactly one key and one value after the fixed arguments: two more string arguments.
                for name in ("key", "value"):
                    sp = SafeParam(name, f"variadic_{name}", "string", ParamKind.STRING)
                    call.params.append(sp)
                    call.args.append(RawArg(ParamKind.STRING, name, "byte*", local=sp.c_name))
            else:
                raise Unsupported(f"variadic convention {info.variadic}")
        call.scratch = any(sp.kind in (ParamKind.STRUCT, ParamKind.STRUCT_ARRAY) for sp in call.params)
        by_c_name = {sp.c_name: sp for sp in call.params}
        for count in model.role(bd.Role.ARRAY_COUNT):
            sharing = [by_c_name[a.name].name for a in model.role(bd.Role.ARRAY) if a.count == count.name]
            if len(sharing) > 1:
                call.same_length.append(sharing)
        # An object handed to the library is kept by this one (its memory may be the caller's); a later
        # call for the same slot (function and where-arguments) replaces it.
        call.slot_parts = [(sp.name, sp.kind in (ParamKind.VALUE, ParamKind.STRING)) for sp in call.params if sp.c_name not in info.retains]
        call.retains = [sp.name for sp in call.params if sp.c_name in info.retains]
        # Results of the call.
        if info.string_buffer:
            call.result, call.returns = Result.STRING, "string"
            call.string_buffer = info.string_buffer
        elif info.array_buffer:
            buf = next(p for p in fn.params if p.name == info.array_buffer[0])
            elem = buf.type.pointee
            assert elem is not None
            if elem.kind not in (m.SCALAR, m.ENUM) or (elem.kind == m.SCALAR and elem.name in ("bool", "char")):
                raise Unsupported(f"array getter of {elem.c_spelling()}")
            raw = self.raw_type(m.CType(elem.kind, elem.name), fn.name)
            count_fn = info.array_buffer[2]
            count_info = self.c.functions.get(count_fn)
            if count_info is None or count_info.owner != info.owner or len(count_info.out_params) != 1:
                raise Unsupported(f"array getter whose count function {count_fn} is not a getter of the same owner")
            call.array_buffer = {"elem": raw, "count_fn": count_fn}
            call.result, call.returns = Result.ARRAY, raw + "[]"
        elif len(call.outs) == 1:
            call.result = Result.HANDLE if call.outs[0].conversion is Conversion.HANDLE else Result.OUT
            call.returns = call.outs[0].safe_type
        elif len(call.outs) > 1:
            if any(o.conversion is Conversion.HANDLE for o in call.outs):
                raise Unsupported("several outputs including a handle")
            fields = tuple((o.safe_type, pascal(o.local[2:])) for o in call.outs)
            rs = self.result_structs.get(fields)
            if rs is None:
                rs = ResultStructView(self.claim("".join(f[1] for f in fields), f"result of {fn.name}"), list(fields))
                self.result_structs[fields] = rs
            for o, (_, fname) in zip(call.outs, fields):
                o.field_name = fname
            call.result, call.returns, call.result_struct = Result.OUTS, rs.name, rs.name
        elif fn.returns.kind != m.VOID and not info.status_enum:
            raw = self.raw_type(fn.returns, fn.name)
            if fn.returns.is_string():
                call.result, call.returns, call.raw_return = Result.VALUE, "string", raw
                call.return_conversion = Conversion.OWNED_STRING if info.owned_string_return else Conversion.STRING
            elif fn.returns.kind in (m.SCALAR, m.ENUM):
                safe, conversion = SAFE_SCALARS.get(fn.returns.name or "", (raw, Conversion.DIRECT))
                call.result, call.returns, call.raw_return = Result.VALUE, safe, raw
                call.return_conversion = conversion
            else:
                raise Unsupported(f"returns {fn.returns.c_spelling()}")
        if info.kind == conv.CREATE:
            call.first_call = True
        # Optional parameters: nullable ones at the end.
        optional = True
        for sp in reversed(call.params):
            if optional and sp.nullable and sp.kind is not ParamKind.VALUE:
                sp.optional = True
            else:
                optional = False
        return call
