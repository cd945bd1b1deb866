"""Python classes: one per handle, members as the binding model lists them."""
from __future__ import annotations

import re

from ... import binding as bd
from ... import conventions as conv
from .. import EmitError, pascal
from .calls import CallBuilder
from .names import RESERVED_MEMBERS, py_name
from .views import ClassView, FunctionKind, FunctionView, PropertyView


class Builder(CallBuilder):
    """The whole Python view model of one library: names, types, calls and classes."""

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
            if key in mem.doc.params:
                view.param_docs[p.name] = mem.doc.params[key]

    def statics(self) -> list[FunctionView]:
        used: set[str] = set()
        return [self.function(self.c.info(mem.call.function), FunctionKind.STATIC, self.unique(py_name(mem.name), used))
                for mem in self.binding.statics if mem.call is not None]
