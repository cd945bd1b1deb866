"""C# classes: one per handle, members as the binding model lists them."""
from __future__ import annotations

import re
from typing import Optional

from ... import binding as bd
from ... import conventions as conv
from .. import EmitError, pascal
from .calls import CallBuilder
from .names import RESERVED_MEMBERS, camel_ident
from ... import docs as docsmod
from .. import xmldoc
from .views import (CallView, ClassView, HandDocView, MemberKind, MemberView, ParamKind, Result, Unsupported, ResultClassView,
                    ResultFieldView, ResultHow, ValueClassView, ValueClassFieldView)



def member_doc_view(key: str, m: docsmod.MemberDoc, refs: dict[str, str]) -> HandDocView:
    """The XML docs of one documented member (`key`: what an `<include>` selects, "ChatHistory.append")."""
    own = dict(refs)  # its own parameters, named as C# spells them, win over members of that name
    own.update({p: f"c:{docsmod.csharp_param(p)}" for p in m.params})
    remarks = [f"{label}: {xmldoc(text, own)}." for label, text in m.facts]
    if m.raises:
        remarks.append(f"Fails: {xmldoc(m.raises, own)}")
    return HandDocView(key, xmldoc(m.doc, own),
                       [(docsmod.csharp_param(p), xmldoc(t, own)) for p, t in m.params_in("csharp").items()],
                       xmldoc(m.returns, own) if m.returns else "", remarks)

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
                            self.handle_base[h.name], text=cb.doc, internal=h.name in self.result_names or h.name in self.value_names
                            or h.name in self.hand_names)
            self._members(cls, cb)
            if not cls.internal:
                self._value_params(cls)
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
        self.result_classes = self._result_classes(classes)
        self._doc_refs(classes)
        return classes

    def _result_classes(self, classes: list[ClassView]) -> list[ResultClassView]:
        """The value classes ([conventions.results], [conventions.metrics]) over the native classes."""
        natives = {c.c_handle: c for c in classes if c.c_handle}
        out = []
        docs = self.binding.docs
        for hname, vc in self.binding.result_classes.items():
            native = natives[hname]
            members: dict[str, tuple[str, CallView]] = {}
            for mem in native.members:
                if mem.kind is MemberKind.PROPERTY and mem.getter is not None:
                    members[mem.getter.c_name] = (f"h.{mem.name}", mem.getter)
                elif mem.call is not None and mem.kind is MemberKind.METHOD:
                    members[mem.call.c_name] = (f"h.{mem.name}()", mem.call)
            string_getter = next((f.getter for f in vc.fields if f.source is bd.FieldSource.STRING), None)
            cdoc = docs.classes.get(self.result_names[hname]) if docs else None
            fields = []
            for fd in vc.fields:
                name = self.rename(pascal(fd.name))
                convert, ftype = "", ""
                if fd.source is bd.FieldSource.FROM_STRING:
                    ftype = "IReadOnlyList<string>" if fd.part == "texts" else "IReadOnlyList<float>"
                    view = ResultFieldView(name, fd.name, ResultHow.FROM_STRING, ftype, "", part=fd.part or "")
                elif fd.source is bd.FieldSource.LIST:
                    assert fd.getter and fd.count
                    expr, call = members[fd.getter]
                    item = expr[:-1] + "i)"
                    view = ResultFieldView(name, fd.name, ResultHow.LIST, f"IReadOnlyList<{call.returns}>", item,
                                          item_type=call.returns, count=members[fd.count][0],
                                          present=members[fd.present][0] if fd.present else "")
                else:
                    assert fd.getter
                    expr, call = members[fd.getter]
                    ftype = call.returns
                    if fd.pair:
                        unit = "TimeSpan" if fd.unit in ("ms", "s") else "float"
                        conv_ = {"ms": "Units.Milliseconds", "s": "Units.Seconds"}.get(fd.unit or "", "")
                        ftype = f"MeanStdPair<{unit}>"
                        convert = f"new {ftype}({conv_}(__v.Mean), {conv_}(__v.Std))"
                    elif fd.unit in ("ms", "s"):
                        ftype, convert = "TimeSpan", ("Units.Milliseconds(__v)" if fd.unit == "ms" else "Units.Seconds(__v)")
                    elif fd.unit == "tokens":
                        ftype, convert = "int", "Units.Count(__v)"
                    how = {bd.FieldSource.STRING: ResultHow.STRING, bd.FieldSource.OBJECT: ResultHow.OBJECT}.get(
                        fd.source, ResultHow.VALUE)
                    view = ResultFieldView(name, fd.name, how, ftype, expr, convert=convert)
                view.text = cdoc.members.get(fd.name) if cdoc else None
                view.c_names = [f for f in (fd.getter, fd.count, fd.present) if f] or \
                    ([string_getter] if string_getter else [])
                view.doc = f"The {fd.name.replace('_', ' ')}."
                fields.append(view)
            add = ""
            if vc.add:
                add = members[vc.add][0][2:].rstrip("()")
            out.append(ResultClassView(hname, self.result_names[hname], native.name, vc.kind, fields,
                                      vc.string_form or "", add, cdoc))
        return out

    def _value_params(self, cls: ClassView) -> None:
        """Value classes in one class's methods: a getter of a value class's handle returns the value class
        (origin: this object); a parameter of one is converted at call time, checking the token limit when
        the call generates (any method but the setter)."""
        natives = {native: self.value_names[h] for h, native in self.handle_names.items() if h in self.value_names}
        own: dict[str, str] = {}
        for mem in cls.members:
            if mem.kind is MemberKind.METHOD and mem.call is not None and mem.call.returns in natives \
                    and not mem.call.params and not mem.static:
                mem.value_result = natives[mem.call.returns]
                own[mem.value_result] = mem.name
        for mem in cls.members:
            for call in (mem.call, mem.getter, mem.setter):
                if call is None:
                    continue
                for sp in call.params:
                    if sp.kind is ParamKind.VALUE_CLASS:
                        sp.own_config = own.get(sp.type, "")
                        sp.generates = self.c.functions[call.c_name].kind != conv.SETTER

    def value_class_views(self, classes: list[ClassView]) -> list[ValueClassView]:
        """The value classes (binding model `ValueClass`), after build_classes."""
        views = []
        for hname, vc in self.binding.value_classes.items():
            native = next(c for c in classes if c.c_handle == hname)
            props = {self.rename(pascal(m.key or "")): m for m in native.members if m.kind is MemberKind.PROPERTY}
            props.update({m.name: m for m in native.members if m.kind is MemberKind.PROPERTY})
            fields = []
            for f in vc.fields:
                prop = self.rename(pascal(f.name))
                mem = props.get(prop)
                if mem is None:
                    raise EmitError(f"csharp: value class {self.value_names[hname]}: no native property {prop}")
                fields.append(_value_field(f, prop, mem.type, mem, self.type_names.get(f.enum or "", "")))
            cb = self.binding.classes[hname]
            docs = {m.call.function: m.doc for m in cb.members if m.call is not None}
            probe = None
            if vc.token_limit_probe:
                pf = next(x for x in fields if x.name == vc.token_limit_probe[0])
                probe = (pf.name, _literal(vc.token_limit_probe[1], pf.kept))
            views.append(ValueClassView(
                self.value_names[hname], native.name, hname, fields,
                [_rule(r, fields) for r in vc.rules], list(vc.token_limit), probe,
                bool(vc.json), docs.get(vc.json or ""), bool(vc.validate), docs.get(vc.validate or ""),
                docs.get(vc.constructor), cb.doc, native.refs,
                [(pascal(name), _predicate(alts), bd.predicate_text(alts), name) for name, alts in vc.predicates.items()],
                list(vc.unreachable), vc.unreachable_reason,
                [(pascal(name), name, f, camel_ident(param), next(x.dotnet.rstrip("?") for x in fields if x.name == f))
                 for name, (f, param) in vc.setters.items()],
                vc.pipeline_json, vc.member_probe, vc.validate or ""))
        return views

    def _doc_refs(self, classes: list[ClassView]) -> None:
        """What a name quoted in docs text links to: classes, `Class.member`, enum members, and the
        class's own members unqualified. A method rendered as several overloads (callback forms) is
        named (`<c>`), not linked: a cref to it would be ambiguous."""
        def target(cls: ClassView, mem: MemberView) -> str:
            return ("c:" if mem.kind is MemberKind.CALLBACK_METHOD else "") + f"{cls.name}.{mem.name}"
        common: dict[str, str] = {}
        for cls in classes:
            common[cls.name] = cls.name
            for mem in cls.members:
                if mem.key and mem.kind is not MemberKind.CTOR:
                    common[f"{cls.name}.{mem.key}"] = target(cls, mem)
                    if mem.stream and mem.stream_key:
                        common[f"{cls.name}.{mem.stream_key}"] = f"{cls.name}.{mem.stream}"
        for hname, value in self.value_names.items():
            common[value] = value
            for f in self.binding.value_classes[hname].fields:
                common[f"{value}.{f.name}"] = f"{value}.{self.rename(pascal(f.name))}"
        for hand in self.hand_names.values():
            common[hand] = hand
        # The runtime's public types (bindgen/libraries/docs/runtime.toml), as Python names them: C#'s names.
        from .. import runtime_docs  # here: it renders with this package's view types
        for rname, rdoc in runtime_docs.load("runtime").classes.items():
            if rdoc.in_language("csharp"):
                common.setdefault(rname, f"c:{runtime_docs.csharp_class(rname, rdoc)}")
        # Hand-written classes and members (docs `hand_written`): a class is linked; a member is named, since the
        # emitter cannot know whether a hand-written method has overloads (a cref to one would be ambiguous).
        for cname, (_, members) in (docsmod.hand_written(self.binding.docs) if self.binding.docs else {}).items():
            common.setdefault(cname, cname)
            for key, entry in members.items():
                if entry.in_language("csharp") and key != docsmod.CONSTRUCTOR:
                    common[f"{cname}.{key}"] = f"c:{cname}.{docsmod.csharp_member(key, entry)}"
        self.doc_refs = common
        for e in self.enums:
            for cs_name, _, _ in e.members:
                upper = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", cs_name).upper()  # Running -> RUNNING (Python)
                common[f"{e.name}.{upper}"] = f"{e.name}.{cs_name}"
        for vc in self.result_classes:
            common[vc.name] = vc.name
            for vf in vc.fields:
                if vf.how is not ResultHow.STRING:
                    common[f"{vc.name}.{vf.key}"] = f"{vc.name}.{vf.name}"
        for vc in self.result_classes:
            vc.refs = dict(common)
            vc.refs.update({vf.key: f"{vc.name}.{vf.name}" for vf in vc.fields if vf.how is not ResultHow.STRING})
        for cls in classes:
            cls.refs = dict(common)
            for mem in cls.members:
                if mem.key and mem.kind is not MemberKind.CTOR:
                    cls.refs[mem.key] = target(cls, mem)
                    if mem.stream and mem.stream_key:
                        cls.refs[mem.stream_key] = f"{cls.name}.{mem.stream}"
        self.class_refs = {cls.name: cls.refs for cls in classes}

    def hand_doc_views(self) -> list[HandDocView]:
        """The docs of the hand-written classes and members, for the XML file their code includes (after
        build_classes, which collects the names quoted text links to)."""
        if self.binding.docs is None:
            return []
        views = []
        for cname, (cdoc, members) in docsmod.hand_written(self.binding.docs).items():
            refs = dict(self.class_refs.get(cname, self.doc_refs))  # a generated class's own members too
            refs.update({k: f"c:{docsmod.csharp_member(k, m)}" for k, m in cdoc.members.items()
                         if k != docsmod.CONSTRUCTOR and (cdoc.hand_written or m.hand_written)})
            if cdoc.hand_written:
                views.append(HandDocView(cname, xmldoc(cdoc.doc, refs)))
            for key, m in members.items():
                if not m.in_language("csharp"):
                    continue
                views.append(member_doc_view(f"{cname}.{key}", m, refs))
        return views

    def _members(self, cls: ClassView, cb: bd.ClassBinding) -> None:
        names: set[str] = set()
        for mem in cb.members:
            before = len(cls.members)
            self._member(cls, mem, names)
            if len(cls.members) > before:
                self._attach_doc(cls.members[-1], mem)

    def _attach_doc(self, view: MemberView, mem: bd.Member) -> None:
        """What the library's docs say about `mem` (bindgen/docs.py), by C# parameter name."""
        view.text, view.stream_text = mem.doc, mem.stream_doc
        view.key, view.stream_key = mem.name, mem.stream or ""
        since = mem.since
        if since and bd._version_key(since) > bd._version_key(self.lib.oldest_version):
            view.since = since
        if mem.doc is None:
            return
        calls = [c for c in (view.call, view.setter) if c is not None]
        for call in calls:
            for p in call.params:
                key = "properties" if p.kind is ParamKind.VARIADIC else p.c_name
                shown = self._shown(mem, p.c_name)
                key = shown if shown in mem.doc.params else key
                if key in mem.doc.params:
                    view.param_docs[p.name] = mem.doc.params[key]
            if call.callback is not None and call.callback.c_param in mem.doc.params:
                view.param_docs["callback"] = mem.doc.params[call.callback.c_param]

    def _member(self, cls: ClassView, mem: bd.Member, names: set[str]) -> None:
        if mem.kind is bd.MemberKind.CONSTRUCTOR or mem.kind is bd.MemberKind.FACTORY:
            assert mem.call is not None
            try:
                call = self.call_view(self.c.functions[mem.call.function])
            except Unsupported as exc:
                cls.raw_only.append((mem.call.function, str(exc)))
                return
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

    @staticmethod
    def _shown(mem: bd.Member, c_name: str) -> str:
        """The name the docs use for a parameter: the one [conventions.calls] shows, else the C name."""
        for call in mem.calls:
            for p in call.params:
                if p.name == c_name and p.shown:
                    return p.shown
        return c_name

    def _name(self, cls: ClassView, name: str, names: set[str], fname: str, call: Optional[CallView] = None) -> None:
        if name == "ToString" and call is not None and not call.params and call.returns == "string" and call.owner:
            names.add(name)  # `to_string(h)` returning a string overrides object.ToString()
            return
        if name in RESERVED_MEMBERS or name == cls.name:
            raise EmitError(f"csharp: {fname} would become {cls.name}.{name}, which C# reserves; "
                            f"add a [conventions.renames] entry")
        names.add(name)

    def _property(self, cls: ClassView, mem: bd.Member, names: set[str]) -> None:
        hidden = [c.function for c in mem.calls if c.function in self.lib.csharp.hidden]
        if hidden:
            cls.raw_only += [(f, self.lib.csharp.hidden[f]) for f in hidden]
            return
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
        if mem.joins is not None:
            # Overloads the method it joins (another first input): same names, no new ones claimed.
            target = next(m_ for m_ in self.binding.classes[cls.c_handle].members if m_.name == mem.joins)
            name = self.rename(pascal(target.name))
            stream = pascal(target.stream) if target.stream else None
        else:
            name = self.rename(pascal(mem.name))
            stream = pascal(mem.stream) if mem.stream else None
            if names is not None:
                self._name(cls, name, names, info.name, call)
        kind = MemberKind.CALLBACK_METHOD if call.callback else MemberKind.METHOD
        cls.members.append(MemberView(kind, name, f"Calls <c>{info.name}</c>.", call, static=static, stream=stream))


# -- value classes --

_KEPT_KINDS = {"ulong": "Size", "long": "Int64", "float": "Float", "bool": "Bool", "string": "String",
               "long[]": "Int64List", "string[]": "StringList"}


def _literal(value: object, kept: str) -> str:
    """A C# literal of `value` in its kept form (`kept`: the native property's type)."""
    if value is None:
        return "null"
    if kept == "ulong":
        return f"{int(value)}UL"  # type: ignore[call-overload]
    if kept == "long":
        return f"{int(value)}L"  # type: ignore[call-overload]
    if kept == "float":
        return f"{float(value)!r}f"  # type: ignore[arg-type]
    if kept == "bool":
        return "true" if value else "false"
    if kept == "string":
        return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
    if kept in ("long[]", "string[]"):
        items = ", ".join(_literal(v, kept[:-2]) for v in value)  # type: ignore[attr-defined]
        return f"new {kept[:-2]}[] {{ {items} }}"
    return f"{kept}.{value}"  # an enum member


def _operand(value: object) -> str:
    """A rule operand as a C# object literal: numbers as double, bools, strings ("@field" included), lists."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"{float(value)!r}"
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "new object[] { " + ", ".join(_operand(v) for v in value) + " }"
    if value is None:
        return "null"
    raise EmitError(f"csharp: rule operand {value!r}")


def _predicate(alternatives: tuple[tuple[tuple[str, str, object], ...], ...]) -> str:
    return "new[] { " + ", ".join("new[] { " + ", ".join(f"new object[] {{ \"{f}\", \"{op}\", {_operand(v)} }}"
                                                       for f, op, v in alt) + " }" for alt in alternatives) + " }"


def _rule(r: bd.Rule, fields: list[ValueClassFieldView]) -> tuple[str, str, str, str]:
    check = "new[] { " + ", ".join(f"new object[] {{ \"{op}\", {_operand(v)} }}" for op, v in r.check) + " }"
    when = ("new[] { " + ", ".join(f"new object[] {{ \"{f}\", \"{op}\", {_operand(v)} }}" for f, op, v in r.when) + " }"
            if r.when else "new object[0][]")
    # The rule's text names other fields as the neutral model does (echo, num_beams): C# shows their properties.
    names = {f.name: f.prop for f in fields}
    says = re.sub(r"\b(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")\b",
                  lambda m: names[m.group(1)], r.says) if names else r.says
    return (r.field, check, when, says.replace("\\", "\\\\").replace('"', '\\"'))


def _value_field(f: bd.ValueField, prop: str, kept: str, mem: MemberView, enum_type: str) -> ValueClassFieldView:
    """How one field is shown in C#: .NET types (int / int? for counts and limits, long for ids and wide
    values, IReadOnlyList for lists) over the kept form (the native property's type)."""
    kind = _KEPT_KINDS.get(kept, "Enum")
    if kept == "ulong":
        base = "long" if f.wide else "int"
        dotnet = base + "?" if f.unset is not None else base
    elif kept == "long":
        dotnet = "long?" if f.unset is not None else "long"
    elif kept == "long[]":
        dotnet = "IReadOnlyList<long>"
    elif kept == "string[]":
        dotnet = "IReadOnlyList<string>"
    else:
        dotnet = kept
    default = _literal(f.default, kept) if not f.optional else "null"
    if kind == "Enum":
        default = f"{kept}.{pascal(str(f.default).lower())}" if "_" not in str(f.default) else f"{kept}.{f.default}"
    json_values = {_literal(k, "string"): pascal(v.lower()) for k, v in f.json_values}
    return ValueClassFieldView(f.name, prop, kind, kept, dotnet, default, _literal(f.unset, kept), f.getter is not None,
                          f.json, f.json_if, json_values, f.as_set, f.update_adds_to, mem.text, [c for c in (f.setter, f.getter) if c],
                          json_first=f.json_first, set_keeps=f.set_keeps)
