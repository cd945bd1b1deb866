"""Docs as data: what every public class and member of a binding says, in our own words.

A library description may name a docs file (`docs = "docs/genai.toml"`, relative to it). That file
is read here, checked (unknown keys, wrong types: errors naming the file and entry), and attached
to the binding model (`ClassBinding.doc`, `Member.doc`) by `binding.bind`; the emitters hand it to
the templates, which render C# XML docs and Python docstrings. Nothing here is target-language
text: entries are plain sentences, with `code` in backticks.

Keys: the public class name (as Python spells it, the same as C#'s: `LLMPipeline`), then the
binding model's neutral member name (= the Python name: `generate`, `max_new_tokens`; the
constructor is `__init__`; the iterator form of a streaming method is its own member, `stream`).
`coverage(binding)` lists members without an entry and entries naming no member; the test suite
requires both lists empty for GenAI.

Hand-written public classes and members (C# files beside Generated/, Python modules of the package:
ChatHistory, ChatSession, StreamerBase, ...) take their text from here too, so the two languages say
the same: a class entry with `hand_written = true` (every member of it is hand-written), or a member
entry with `hand_written = true` in a generated class. The C# emitter renders these entries into an
XML file that the hand-written members pull in with `/// <include .../>` (`csharp_member`,
`csharp_param` give the C# spelling of a key), the cffi emitter into a table the hand-written Python
classes take their docstrings from (`genai_interop_runtime.docs.document`). `only = "csharp"` /
`"python"` marks a member one language alone has.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    from .binding import Binding, ClassBinding, Member
    from .library import Library

_MEMBER_KEYS = {"doc", "params", "returns", "raises", "default", "range", "unit", "choices", "since", "hand_written",
                "only", "param_only", "csharp_name"}
LANGUAGES = ("csharp", "python")
_CLASS_KEYS = {"doc", "since", "hand_written", "csharp_name", "only"}
CONSTRUCTOR = "__init__"


@dataclass(frozen=True)
class MemberDoc:
    """What one member says. `doc`: what it does (its first sentence is the summary); `params`:
    caller-visible parameter (neutral name) -> text; the rest optional."""

    doc: str
    params: dict[str, str] = field(default_factory=dict)
    returns: str = ""
    raises: str = ""
    default: str = ""  # as a user reads it: "1.0", "unset (no limit of its own)"
    range: str = ""  # "> 0", "0 to 1"
    unit: str = ""  # "tokens", "milliseconds"
    # The only values a string accepts: shown in the docs, and a Literal type hint in Python.
    choices: tuple[str, ...] = ()
    since: str = ""  # for hand-written members only (the binding model dates generated ones)
    hand_written: bool = False  # implemented in hand-written code (runtime, partials, mixins)
    only: str = ""  # "csharp" / "python": a member of one language alone (a hand-written one)
    param_only: dict[str, str] = field(default_factory=dict)  # parameter -> the one language that has it
    csharp_name: str = ""  # C#'s name where it is not the key's PascalCase (`copy` -> `Clone`)

    def in_language(self, lang: str) -> bool:
        return self.only in ("", lang)

    def params_in(self, lang: str) -> dict[str, str]:
        """The parameters `lang` shows (a hand-written member's overloads may differ between languages)."""
        return {p: t for p, t in self.params.items() if self.param_only.get(p, lang) == lang}

    @property
    def summary(self) -> str:
        return self.doc.strip()

    @property
    def facts(self) -> list[tuple[str, str]]:
        """The structured facts, in the order templates show them: (label, text)."""
        values = ", ".join(f"`{c}`" for c in self.choices)
        return [(label, text) for label, text in (("Default", self.default), ("Range", self.range),
                                                   ("Unit", self.unit), ("One of", values)) if text]


@dataclass(frozen=True)
class ClassDoc:
    doc: str
    members: dict[str, MemberDoc] = field(default_factory=dict)
    since: str = ""
    hand_written: bool = False
    csharp_name: str = ""  # C#'s name of the class where it is not the key (runtime docs: `Handle` -> `NativeObject`)
    only: str = ""  # "csharp" / "python": a class of one language alone
    # What a template asks of any doc entry; a class has none of these.
    returns = ""
    raises = ""
    facts: tuple[tuple[str, str], ...] = ()

    def in_language(self, lang: str) -> bool:
        return self.only in ("", lang)


@dataclass(frozen=True)
class Docs:
    path: str
    classes: dict[str, ClassDoc]

    def member(self, cls: str, member: str) -> Optional[MemberDoc]:
        c = self.classes.get(cls)
        return c.members.get(member) if c is not None else None


class DocsError(ValueError):
    """A docs file that cannot be read or holds a key of no meaning; the message names the entry."""


def load(path: Path) -> Docs:
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise DocsError(f"{path}: no such docs file (named by the library description's `docs`)") from None
    except tomllib.TOMLDecodeError as exc:
        raise DocsError(f"{path}: {exc}") from None
    classes = {}
    for cname, centry in data.items():
        where = f"{path}: [{cname}]"
        if not isinstance(centry, dict):
            raise DocsError(f"{where}: expected a table (a class), found {type(centry).__name__}")
        members: dict[str, MemberDoc] = {}
        plain: dict[str, Any] = {}
        for key, value in centry.items():
            if isinstance(value, dict):
                members[key] = _member(value, f"{path}: [{cname}.{key}]")
            elif key in _CLASS_KEYS:
                plain[key] = value
            else:
                raise DocsError(f"{where}: unknown key {key!r} (a class takes {', '.join(sorted(_CLASS_KEYS))} "
                                f"and one table per member)")
        _check_types(plain, {"doc": str, "since": str, "hand_written": bool, "csharp_name": str, "only": str}, where)
        if plain.get("only", "") not in ("",) + LANGUAGES:
            raise DocsError(f"{where}: only: expected one of {', '.join(LANGUAGES)}, found {plain['only']!r}")
        if "doc" not in plain:
            raise DocsError(f"{where}: missing key 'doc'")
        if not plain["doc"].strip():
            raise DocsError(f"{where}: doc is empty")
        classes[cname] = ClassDoc(members=members, **plain)
    return Docs(str(path), classes)


def _member(entry: dict[str, Any], where: str) -> MemberDoc:
    unknown = set(entry) - _MEMBER_KEYS
    if unknown:
        raise DocsError(f"{where}: unknown keys {sorted(unknown)} (known: {', '.join(sorted(_MEMBER_KEYS))})")
    if "doc" not in entry:
        raise DocsError(f"{where}: missing key 'doc'")
    types: dict[str, type] = {k: str for k in _MEMBER_KEYS}
    types.update(params=dict, hand_written=bool, choices=list, param_only=dict)
    _check_types(entry, types, where)
    if entry.get("only", "") not in ("",) + LANGUAGES:
        raise DocsError(f"{where}: only: expected one of {', '.join(LANGUAGES)}, found {entry['only']!r}")
    for name, lang in entry.get("param_only", {}).items():
        if lang not in LANGUAGES or name not in entry.get("params", {}):
            raise DocsError(f"{where}: param_only.{name}: expected a documented parameter and one of "
                            f"{', '.join(LANGUAGES)}, found {lang!r}")
    if "choices" in entry:
        if not entry["choices"] or not all(isinstance(c, str) and c for c in entry["choices"]):
            raise DocsError(f"{where}: choices: expected a list of non-empty strings, found {entry['choices']!r}")
        entry = dict(entry, choices=tuple(entry["choices"]))
    for name, text in entry.get("params", {}).items():
        if not isinstance(text, str):
            raise DocsError(f"{where}: params.{name}: expected a string, found {type(text).__name__}")
    for key, value in entry.items():
        if isinstance(value, str) and not value.strip():
            raise DocsError(f"{where}: {key} is empty")
    return MemberDoc(**entry)


def _check_types(entry: dict[str, Any], types: dict[str, type], where: str) -> None:
    for key, value in entry.items():
        if not isinstance(value, types[key]):
            raise DocsError(f"{where}: {key}: expected {types[key].__name__}, found {type(value).__name__} {value!r}")


# Python's data-model methods and the C# member each one is, for hand-written classes.
DUNDERS = {"__init__": "<ctor>", "__len__": "Count", "__bool__": "IsEmpty", "__getitem__": "this[]",
           "__iter__": "GetEnumerator", "__eq__": "Equals", "__hash__": "GetHashCode", "__repr__": "ToString",
           "__str__": "ToString"}


def csharp_member(key: str, entry: Optional[MemberDoc] = None) -> str:
    """The C# name of a hand-written member's docs key: `append` -> `Append`, `__len__` -> `Count`,
    the constructor `<ctor>`, the indexer `this[]`; the entry's `csharp_name` where it gives one."""
    return (entry.csharp_name if entry is not None else "") or DUNDERS.get(key) or pascal(key)


def csharp_param(name: str) -> str:
    """The C# name of a parameter's docs key: `extra_context` -> `extraContext`."""
    p = pascal(name)
    return p[:1].lower() + p[1:]


def hand_written(docs: Docs) -> dict[str, tuple[ClassDoc, dict[str, MemberDoc]]]:
    """The hand-written entries: class -> (its entry, the hand-written members' entries). A class entry
    with `hand_written = true` contributes every member; other classes their members so marked."""
    out = {}
    for cname, cdoc in docs.classes.items():
        members = {k: m for k, m in cdoc.members.items() if cdoc.hand_written or m.hand_written}
        if cdoc.hand_written or members:
            out[cname] = (cdoc, members)
    return out


def for_library(lib: "Library") -> Optional[Docs]:
    return load(Path(lib.docs)) if lib.docs else None


# -- names --

def pascal(name: str) -> str:
    """`llm_pipeline` -> `LlmPipeline` (the emitters' spelling before renames)."""
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[_\W]+", name) if p)


def class_name(cls: "ClassBinding", lib: "Library") -> str:
    """The public name of a class, as both languages spell it (renames applied)."""
    derived = pascal(cls.name)
    return lib.conventions.renames.get(derived, derived)


def member_keys(mem: "Member") -> list[str]:
    """The doc keys one binding-model member claims: its own, and its iterator form's."""
    from .binding import MemberKind
    own = CONSTRUCTOR if mem.kind is MemberKind.CONSTRUCTOR else mem.name
    return [own] + ([mem.stream] if mem.stream else [])


# -- the binding model --

def attach(b: "Binding", lib: "Library") -> None:
    """Fills `doc` of every class and member the docs describe (None where they say nothing)."""
    docs = for_library(lib)
    b.docs = docs
    if docs is None:
        return
    for cls in b.owned():
        if cls.handle in b.result_classes or _hand_value(cls, lib):
            continue  # its native object's class is private: the value class's fields are documented
        cdoc = docs.classes.get(class_name(cls, lib))
        cls.doc = cdoc
        if cdoc is None:
            continue
        for mem in cls.members:
            keys = member_keys(mem)
            mem.doc = cdoc.members.get(keys[0])
            if mem.stream:
                mem.stream_doc = cdoc.members.get(mem.stream)


@dataclass
class Coverage:
    documented: int = 0
    members: int = 0
    missing: list[str] = field(default_factory=list)  # "Class.member" (or "Class") without an entry
    stale: list[str] = field(default_factory=list)  # entries naming nothing
    params_missing: list[str] = field(default_factory=list)  # "Class.member(param)"
    params_stale: list[str] = field(default_factory=list)


def coverage(b: "Binding", extra: Optional[dict[str, set[str]]] = None) -> Coverage:
    """Which public members lack an entry and which entries name nothing. `extra`: public members
    the binding model does not list (hand-written code): class -> member names."""
    lib = b.conventions.library
    docs = b.docs or Docs("", {})
    out = Coverage()
    surface: dict[str, dict[str, Optional[list[str]]]] = {}  # class -> member -> caller params (None: unknown)
    inherits: dict[tuple[str, str], str] = {}  # (class, iterator form) -> the method it streams
    for vc in b.result_classes.values():
        members = surface.setdefault(class_name(b.classes[vc.handle], lib), {})
        for f in vc.fields:
            if f.name != "string":  # the text form is str()/ToString()
                members[f.name] = []
    for cls in b.owned():
        if cls.handle in b.result_classes or _hand_value(cls, lib):
            continue  # private native classes: the results value class, the hand-written value class
        name = class_name(cls, lib)
        members = surface.setdefault(name, {})
        for mem in cls.members:
            # Parameters as bindings show them ([conventions.calls] rename); a property: its value.
            params = [p.shown or p.name for p in mem.call.inputs] if mem.call is not None else []
            if mem.call is not None and mem.call.variadic is not None:
                params.append("properties")  # the trailing key/value list, one mapping in every language
            if mem.call is not None:
                params += list(mem.call.singles.values())  # Python's one-item keyword (`image=`)
                params += list(mem.call.upstream_only)  # upstream's parameters the C API cannot carry
                for other in cls.members:  # a joining method's input taken by keyword (`history=`)
                    if other.joins == mem.name and other.call is not None and other.call.keyword and other.call.inputs:
                        params.append(other.call.inputs[0].shown or other.call.inputs[0].name)
            keys = member_keys(mem)
            members[keys[0]] = params
            for k in keys[1:]:
                members[k] = [p for p in params if not _is_callback(mem, p)]
                inherits[(name, k)] = keys[0]  # its parameters are the method's: documented there
    for cname, names in (extra or {}).items():
        members = surface.setdefault(cname, {})
        for n in names:
            members.setdefault(n, None)
    for cname in sorted(surface):
        cdoc = docs.classes.get(cname)
        if cdoc is None:
            out.missing.append(cname)
        for mname, known in sorted(surface[cname].items()):
            out.members += 1
            mdoc = cdoc.members.get(mname) if cdoc else None
            if mdoc is None:
                out.missing.append(f"{cname}.{mname}")
                continue
            out.documented += 1
            if known is None or mdoc.hand_written:
                continue
            base = cdoc.members.get(inherits.get((cname, mname), "")) if cdoc else None
            for p in known:
                if p not in mdoc.params and (base is None or p not in base.params):
                    out.params_missing.append(f"{cname}.{mname}({p})")
            for p in mdoc.params:
                if p not in known:
                    out.params_stale.append(f"{cname}.{mname}({p})")
    for cname, cdoc in sorted(docs.classes.items()):
        if cdoc.hand_written:
            continue  # a hand-written class: checked against the code of both languages (tests/test_docs.py)
        if cname not in surface:
            out.stale.append(cname)
            continue
        for mname in sorted(cdoc.members):
            if cdoc.members[mname].hand_written:
                continue
            if mname not in surface[cname]:
                out.stale.append(f"{cname}.{mname}")
    return out


def _hand_value(cls: "ClassBinding", lib: "Library") -> bool:
    """A handle shown as a hand-written value class ([csharp]/[python] hand_values): its class is internal."""
    return cls.handle in lib.csharp.hand_values or cls.handle in lib.python.hand_values


def _is_callback(mem: "Member", param: str) -> bool:
    from .binding import Role
    return any(p.name == param and p.role is Role.CALLBACK for c in mem.calls for p in c.params)
