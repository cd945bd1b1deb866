"""C# classes: one per handle, members as the binding model lists them."""
from __future__ import annotations

from typing import Optional

from ... import binding as bd
from ... import conventions as conv
from .. import EmitError, pascal
from .calls import CallBuilder
from .names import RESERVED_MEMBERS
from .views import CallView, ClassView, MemberKind, MemberView, Result, Unsupported


class Builder(CallBuilder):
    """The whole C# view model of one library: names, types, calls and classes."""

    def build_classes(self) -> list[ClassView]:
        """One class per owned handle, members as the binding model lists them (bindgen/binding.py);
        a member the safe layer cannot wrap faithfully stays raw only, with the reason."""
        classes = []
        statics = ClassView(self.claim(self.short + "Library", "static functions"), "", "", static=True)
        for h in self.api.handles:
            cb = self.binding.classes[h.name]
            if cb.lifetime is bd.Lifetime.FOREIGN:
                statics.raw_only += [(f, self.binding.internal[f]) for f in self.c.handles[h.name].functions]
                continue
            cls = ClassView(self.claim(self.handle_names[h.name], f"handle {h.name} class"), h.name,
                            self.handle_base[h.name])
            self._members(cls, cb)
            classes.append(cls)
        static_members = {mem.call.function: mem for mem in self.binding.statics if mem.call is not None}
        for info in self.c.statics():
            if info.name in self.binding.internal:
                statics.raw_only.append((info.name, self.binding.internal[info.name]))
            elif info.value_owner and info.value_owner not in self.value_types:
                statics.raw_only.append((info.name, f"belongs to the value struct {info.value_owner}"))
            else:
                self._add_method(statics, static_members[info.name], static=True)
        if statics.members or statics.raw_only:
            classes.append(statics)
        return classes

    def _members(self, cls: ClassView, cb: bd.ClassBinding) -> None:
        names: set[str] = set()
        for mem in cb.members:
            if mem.kind is bd.MemberKind.CONSTRUCTOR or mem.kind is bd.MemberKind.FACTORY:
                assert mem.call is not None
                try:
                    call = self.call_view(self.c.functions[mem.call.function])
                except Unsupported as exc:
                    cls.raw_only.append((mem.call.function, str(exc)))
                    continue
                call.result = Result.CREATE
                if mem.kind is bd.MemberKind.CONSTRUCTOR:
                    cls.members.append(MemberView(MemberKind.CTOR, cls.name, f"Creates a new {cls.name}.", call))
                else:
                    name = pascal(mem.name) if mem.name.startswith("from_") else "Create" + pascal(
                        mem.name[len("create_"):] if mem.name.startswith("create_") else mem.name)
                    self._name(cls, name, names, mem.call.function)
                    cls.members.append(MemberView(MemberKind.FACTORY, name, f"Creates a new {cls.name}.", call, static=True))
            elif mem.kind is bd.MemberKind.PROPERTY:
                self._property(cls, mem, names)
            else:
                self._add_method(cls, mem, names=names)

    def _name(self, cls: ClassView, name: str, names: set[str], fname: str, call: Optional[CallView] = None) -> None:
        if name == "ToString" and call is not None and not call.params and call.returns == "string" and call.owner:
            names.add(name)  # `to_string(h)` returning a string overrides object.ToString()
            return
        if name in RESERVED_MEMBERS or name == cls.name:
            raise EmitError(f"csharp: {fname} would become {cls.name}.{name}, which C# reserves; "
                            f"add a [conventions.renames] entry")
        names.add(name)

    def _property(self, cls: ClassView, mem: bd.Member, names: set[str]) -> None:
        name = self.rename(pascal(mem.name))
        getter = self.c.functions[mem.getter.function] if mem.getter else None
        setter = self.c.functions[mem.setter.function] if mem.setter else None
        try:
            gcall = self.call_view(getter) if getter else None
            scall = self.call_view(setter) if setter else None
        except Unsupported as exc:
            for f in (getter, setter):
                if f is not None:
                    cls.raw_only.append((f.name, str(exc)))
            return
        if scall is not None and len(scall.params) != 1:
            raise EmitError(f"csharp: {setter.name}: the setter of property {name} takes "  # type: ignore[union-attr]
                            f"{len(scall.params)} values")
        ptype = gcall.returns if gcall else scall.params[0].type  # type: ignore[union-attr]
        if gcall and scall and scall.params[0].type != ptype:
            raise EmitError(f"csharp: property {cls.name}.{name}: getter and setter types differ "
                            f"({ptype} / {scall.params[0].type})")
        if gcall and mem.getter and mem.getter.absent_status:
            gcall.absent_status = f"{gcall.status}.{self._enum_member(mem.getter.status, mem.getter.absent_status)}"
        self._name(cls, name, names, (getter or setter).name)  # type: ignore[union-attr]
        funcs = " / ".join(f"<c>{f.name}</c>" for f in (getter, setter) if f is not None)
        cls.members.append(MemberView(MemberKind.PROPERTY, name, f"Calls {funcs}.", getter=gcall, setter=scall, type=ptype))

    def _add_method(self, cls: ClassView, mem: bd.Member, static: bool = False,
                    names: Optional[set[str]] = None) -> None:
        assert mem.call is not None
        info = self.c.functions[mem.call.function]
        try:
            call = self.call_view(info)
        except Unsupported as exc:
            cls.raw_only.append((info.name, str(exc)))
            return
        name = self.rename(pascal(mem.name))
        if names is not None:
            self._name(cls, name, names, info.name, call)
        kind = MemberKind.CALLBACK_METHOD if call.callback else MemberKind.METHOD
        cls.members.append(MemberView(kind, name, f"Calls <c>{info.name}</c>.", call, static=static,
                                      stream=pascal(mem.stream) if mem.stream else None))
