"""Python classes: one per handle, members as the binding model lists them."""
from __future__ import annotations

import re
from typing import Optional

from ... import binding as bd
from ... import conventions as conv
from .. import EmitError, pascal
from .calls import CallBuilder
from .names import RESERVED_MEMBERS, py_name
from ...docs import MemberDoc
from .views import (ClassView, FunctionKind, FunctionView, How, PropertyView, ResultClassView, ResultFieldView, ResultHow,
                    ValueClassView, ValueFieldView)

_UNIT_DOC = {"ms": "in milliseconds", "s": "in seconds", "tokens": "a number of tokens", "tokens/s": "in tokens per second"}


class Builder(CallBuilder):
    """The whole Python view model of one library: names, types, calls and classes."""

    # -- classes --
    def build_classes(self) -> list[ClassView]:
        self.value_names: dict[str, str] = {}  # handle -> value class
        self.hand_names: dict[str, tuple[str, str]] = {}  # handle -> (module, class) of a hand-written value class
        for hname, hi in self.c.handles.items():
            if not hi.foreign:
                self.classes[hname] = self.rename(pascal(hi.member))
                if hname in self.binding.value_classes:
                    # The handle's own class stays, internal: the value class takes the public name.
                    self.value_names[hname] = self.classes[hname]
                    self.classes[hname] = "_" + self.classes[hname] + "Native"
                elif hname in self.lib.python.hand_values:
                    # A hand-written value class ([python] hand_values) takes the public name.
                    module, _, value_cls = self.lib.python.hand_values[hname].partition(":")
                    if not re.fullmatch(r"_?[A-Za-z][A-Za-z0-9_]*", module) or not value_cls.isidentifier():
                        raise EmitError(f"cffi: [python.hand_values] {hname} = {self.lib.python.hand_values[hname]!r}: "
                                        f"expected \"module:Class\" (a module of the package)")
                    self.hand_names[hname] = (module, value_cls)
                    self.classes[hname] = "_" + self.classes[hname] + "Native"
                elif hname in self.binding.result_classes:
                    # Shown as a plain value class of that name; the native object's class is private.
                    self.result_names[hname] = self.classes[hname]
                    self.classes[hname] = f"_{self.classes[hname]}Native"
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
                init = self.function(self.c.info(mem.call.function), FunctionKind.INIT, "__init__")
                self._attach_doc(init, mem)
            elif mem.kind is bd.MemberKind.FACTORY:
                assert mem.call is not None
                creators.append(self.function(self.c.info(mem.call.function), FunctionKind.CLASSMETHOD,
                                              self.unique(mem.name, used)))
                self._attach_doc(creators[-1], mem)
            elif mem.kind is bd.MemberKind.PROPERTY:
                gv = self.function(self.c.info(mem.getter.function), FunctionKind.GETTER, mem.name) if mem.getter else None
                sv = self.function(self.c.info(mem.setter.function), FunctionKind.SETTER, mem.name) if mem.setter else None
                if gv is not None and mem.getter is not None and mem.getter.absent_status is not None:
                    error = self.errors[mem.getter.status or ""]
                    gv.absent = next(v for _, c_name, v in error.enum.members if c_name == mem.getter.absent_status)
                    gv.return_annotation = f"Optional[{gv.return_annotation}]"
                annotation = gv.return_annotation if gv else sv.params[0].annotation  # type: ignore[union-attr]
                prop = self.unique(py_name(mem.name), used)
                if sv is not None and len(sv.params) == 1:
                    # The caller wrote `obj.prop = value`: errors name the property, not the C parameter.
                    sv.params[0].label = f"{cls}.{prop}"
                props.append(PropertyView(prop, annotation, gv, sv, mem.doc, self._since(mem)))
            else:
                assert mem.call is not None
                name = mem.name + "_" if mem.name in RESERVED_MEMBERS else mem.name
                view = self.function(self.c.info(mem.call.function), FunctionKind.METHOD, self.unique(py_name(name), used))
                if mem.stream:
                    view.stream = mem.stream
                self._attach_doc(view, mem)
                view.joined = mem.joins is not None
                methods.append(view)
        by_name = {mem.name: view for mem, view in zip([m_ for m_ in model.members if m_.kind is bd.MemberKind.METHOD], methods)}
        for mem in model.members:
            if mem.kind is bd.MemberKind.METHOD and mem.alternatives:
                view = by_name[mem.name]
                view.alternatives = [by_name[a] for a in mem.alternatives]
                view.keywords = [(a.params[0].name, a.params[0].annotation, a.params[0].cls)
                                 for a in view.alternatives if a.keyword and a.params]
                for name, _, _ in view.keywords:
                    if mem.doc is not None and name in mem.doc.params:
                        view.param_docs[name] = mem.doc.params[name]
                if view.keywords and not all(p.default for p in view.params[1:]):
                    raise EmitError(f"cffi: [conventions.calls] keyword: {view.c_name} takes its first input by keyword "
                                    f"too, so every parameter after it needs a default")
        for view in methods:
            if view.stream is not None:
                view.stream = self.unique(view.stream, used)
            for alias in self.lib.python.aliases.get(view.c_name, []):
                if view.joined or not alias.isidentifier() or alias in used:
                    raise EmitError(f"cffi: [python.aliases] {view.c_name}: {alias!r} must be a Python identifier no "
                                    f"other member uses, for a public method (not one joining another)")
                used.add(alias)
                view.aliases.append(alias)
        self._value_params(hi, methods)
        mixins = []
        if hi.handle.name in self.lib.python.mixins:
            module, _, mixin = self.lib.python.mixins[hi.handle.name].partition(":")
            if not re.fullmatch(r"_?[A-Za-z][A-Za-z0-9_]*", module) or not mixin.isidentifier():
                raise EmitError(f"cffi: [python.mixins] {hi.handle.name} = {self.lib.python.mixins[hi.handle.name]!r}: "
                                f"expected \"module:Class\" (a module of the package)")
            mixins.append((module, mixin))
        return ClassView(hi.handle.name, cls, hi.free, init, creators, props, methods, mixins, model.doc)

    def _since(self, mem: bd.Member) -> str:
        """The version `mem` needs, when newer than the oldest supported one ("" otherwise)."""
        since = mem.since
        newer = since and bd._version_key(since) > bd._version_key(self.lib.oldest_version)
        return since if since and newer else ""

    def _attach_doc(self, view: FunctionView, mem: bd.Member) -> None:
        """What the library's docs say about `mem` (bindgen/docs.py), by Python parameter name."""
        view.text, view.stream_text, view.since = mem.doc, mem.stream_doc, self._since(mem)
        if mem.doc is None:
            return
        for p in view.params + ([view.variadic_param] if view.variadic_param else []):
            key = "properties" if p is view.variadic_param else p.c_name
            key = p.name if p is not view.variadic_param and p.name in mem.doc.params else key  # a shown name
            if key in mem.doc.params:
                view.param_docs[p.name] = mem.doc.params[key]
        for one in [one for _, one in view.singles] + [name for name, _ in view.upstream_only]:
            if one in mem.doc.params:
                view.param_docs[one] = mem.doc.params[one]

    def _value_params(self, hi: conv.HandleInfo, methods: list[FunctionView]) -> None:
        """Value-class parameters and results of one class's methods: a getter of the value class's
        handle with no inputs returns the value class (origin: this object) and is what the other
        methods read this object's own config through."""
        if hi.handle.name in self.binding.value_classes:
            return  # the value class's own handle: internal, left as it is
        fetch: dict[str, str] = {}
        for view in methods:
            if len(view.outs) == 1 and not view.params and view.outs[0].cls in self.classes.values():
                hname = next(h for h, cls in self.classes.items() if cls == view.outs[0].cls)
                if hname in self.value_names:
                    view.value_result = self.value_names[hname]
                    fetch[hname] = "_native_" + view.py
        for view in methods:
            for pv in view.params:
                if pv.how is How.VALUE:
                    hname = next(h for h, cls in self.value_names.items() if cls == pv.cls)
                    pv.fetch = fetch.get(hname, "")
                    # A setter stores the config (`set_generation_config`); any other method generates with it.
                    pv.generates = self.c.info(view.c_name).kind != conv.SETTER

    def value_class_views(self) -> list[ValueClassView]:
        """The value classes (binding model `ValueClass`), after build_classes."""
        views = []
        for hname, vc in self.binding.value_classes.items():
            native = self.classes[hname]
            fields = []
            for f in vc.fields:
                enum_cls = self.enums[f.enum].py if f.enum else ""
                prop = next((mem for mem in self.binding.classes[hname].of(bd.MemberKind.PROPERTY) if mem.name == f.name), None)
                if f.kind is bd.FieldKind.INT:
                    annotation = "int"
                elif f.kind is bd.FieldKind.FLOAT:
                    annotation = "float"
                elif f.kind is bd.FieldKind.BOOL:
                    annotation = "bool"
                elif f.kind is bd.FieldKind.ENUM:
                    annotation = enum_cls
                elif f.kind is bd.FieldKind.STRING:
                    # A string the docs limit to a few values (bindgen/docs.py `choices`) is typed as those values.
                    choices = prop.doc.choices if prop is not None and prop.doc is not None else ()
                    text = f"Literal[{', '.join(repr(c) for c in choices)}]" if choices else "str"
                    annotation = f"Optional[{text}]" if f.optional else text
                else:
                    item = "str" if f.kind is bd.FieldKind.STRING_LIST else "int"
                    annotation = f"Set[{item}]" if f.as_set else f"List[{item}]"
                if f.kind is bd.FieldKind.ENUM:
                    default = f"{enum_cls}.{f.default}"
                elif f.as_set:
                    default = f"set({f.default!r})" if f.default else "set()"
                else:
                    default = repr(f.default)
                fields.append(ValueFieldView(
                    f.name, f.kind.value, annotation, default, repr(f.unset), f.lo, f.hi, enum_cls, f.json,
                    f.json_if, dict(f.json_values), f.as_set, f.getter is not None, prop.doc if prop else None,
                    [c for c in (f.setter, f.getter) if c], f.update_adds_to, f.json_first, f.set_keeps))
            rules = [(r.field, repr(r.check), repr(r.when), r.says) for r in vc.rules]
            json = ""
            if vc.json:
                json = next(py_name(mem.name) for mem in self.binding.classes[hname].of(bd.MemberKind.FACTORY)
                            if mem.call is not None and mem.call.function == vc.json)
            validate = ""
            if vc.validate:
                validate = next(py_name(mem.name) for mem in self.binding.classes[hname].of(bd.MemberKind.METHOD)
                                if mem.call is not None and mem.call.function == vc.validate)
            probe = (vc.token_limit_probe[0], repr(vc.token_limit_probe[1])) if vc.token_limit_probe else None
            cb = self.binding.classes[hname]

            def doc_of(function: Optional[str]) -> tuple[str, Optional[MemberDoc]]:
                mem = next((m for m in cb.members if m.call is not None and m.call.function == function), None)
                return (function or "", mem.doc if mem is not None else None)

            predicates = [(name, repr(alts), bd.predicate_text(alts)) for name, alts in vc.predicates.items()]
            views.append(ValueClassView(hname, self.value_names[hname], native, json, fields, rules,
                                        list(vc.token_limit), probe, validate, cb.doc, doc_of(vc.constructor),
                                        doc_of(vc.json), doc_of(vc.validate), predicates, list(vc.unreachable),
                                        vc.unreachable_reason,
                                        [(name, f, param, next(x.annotation for x in fields if x.py == f))
                                         for name, (f, param) in vc.setters.items()],
                                        vc.pipeline_json, vc.member_probe))
        return views

    def build_result_classes(self, classes: list[ClassView]) -> list[ResultClassView]:
        """The value classes ([conventions.results], [conventions.metrics]) over the native classes."""
        natives = {c.c_name: c for c in classes}
        out = []
        for hname, vc in self.binding.result_classes.items():
            native = natives[hname]
            members: dict[str, tuple[str, FunctionView]] = {}
            for prop in native.properties:
                if prop.getter is not None:
                    members[prop.getter.c_name] = (f"h.{prop.py}", prop.getter)
            for f in native.methods:
                members[f.c_name] = (f"h.{f.py}()", f)

            def call(function: str, arg: str = "") -> tuple[str, FunctionView]:
                expr, view = members[function]
                return (expr[:-1] + arg + ")" if arg else expr), view

            fields = []
            for fd in vc.fields:
                unit = fd.unit or ""
                doc = ", ".join(d for d in ((fd.doc or fd.name.replace("_", " ")).capitalize()
                                            + (" (mean and standard deviation)" if fd.pair else ""),
                                            _UNIT_DOC.get(unit, "")) if d)
                if fd.source is bd.FieldSource.FROM_STRING:
                    annotation = "List[str]" if fd.part == "texts" else "List[float]"
                    fields.append(ResultFieldView(fd.name, ResultHow.FROM_STRING, annotation, "", part=fd.part or "", doc=doc))
                elif fd.source is bd.FieldSource.LIST:
                    assert fd.getter and fd.count
                    item, iv = call(fd.getter, "i")
                    count, _ = call(fd.count)
                    present = call(fd.present)[0] if fd.present else ""
                    annotation = f"List[{iv.return_annotation}]"
                    fields.append(ResultFieldView(fd.name, ResultHow.LIST, f"Optional[{annotation}]" if present else annotation,
                                                 item, count=count, present=present, unit=unit, doc=doc))
                else:
                    assert fd.getter
                    expr, view = call(fd.getter)
                    how = {bd.FieldSource.STRING: ResultHow.STRING, bd.FieldSource.OBJECT: ResultHow.OBJECT}.get(
                        fd.source, ResultHow.VALUE)
                    annotation = "MeanStdPair" if fd.pair else view.return_annotation
                    fields.append(ResultFieldView(fd.name, how, annotation, expr, pair=fd.pair, unit=unit, doc=doc))
            add = ""
            if vc.add:
                add = members[vc.add][1].py
            cdoc = self.binding.docs.classes.get(self.result_names[hname]) if self.binding.docs else None
            for fv, fd in zip(fields, vc.fields):
                fv.text = cdoc.members.get(fd.name) if cdoc else None
                fv.c_names = [f for f in (fd.getter, fd.count, fd.present) if f] or \
                    [f.getter for f in vc.fields if f.source is bd.FieldSource.STRING and f.getter]
            out.append(ResultClassView(hname, self.result_names[hname], native.py, vc.kind, fields,
                                      vc.string_form or "", add, cdoc))
        return out

    def statics(self) -> list[FunctionView]:
        used: set[str] = set()
        return [self.function(self.c.info(mem.call.function), FunctionKind.STATIC, self.unique(py_name(mem.name), used))
                for mem in self.binding.statics if mem.call is not None]
