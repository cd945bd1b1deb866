"""C# names: identifiers, keywords, PascalCase, the names every generated type claims."""
from __future__ import annotations

import re

from ... import binding as bd
from ... import conventions as conv
from ... import model as m
from .. import EmitError, pascal
from .views import CallbackView, DelegateView, EnumView, ResultStructView, StructView, ResultClassView, ValueTypeView

CS_KEYWORDS = {
    "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
    "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern",
    "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface",
    "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out", "override",
    "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short",
    "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof",
    "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
}

# Names the safe classes must not use for members (inherited from object / NativeObject).
RESERVED_MEMBERS = {"Dispose", "GetType", "ToString", "Equals", "GetHashCode", "IsDisposed", "NativeHandle",
                    "NativeType", "Finalize", "MemberwiseClone", "Retain"}
# The runtime's base of every handle class (csharp/OpenVINO.Interop): what a foreign handle parameter takes.
NATIVE_OBJECT = "NativeObject"


def ident(name: str) -> str:
    return "@" + name if name in CS_KEYWORDS else name


def camel_ident(name: str) -> str:
    p = pascal(name)
    return ident(p[:1].lower() + p[1:]) if p else ident(name)


def enum_member_name(name: str) -> str:
    """`GENERAL_ERROR` -> `GeneralError`; mixed-case names keep their inner capitals."""
    if name.upper() == name:
        name = name.lower()
    return pascal(name)


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"(?<=[a-z0-9])(?=[A-Z])", name) if w]


def merge_names(first: str, second: str) -> str:
    """`StreamerCallback` + `CallbackFunc` -> `StreamerCallbackFunc` (overlapping words once)."""
    a, b = _words(first), _words(second)
    for k in range(min(len(a), len(b)), 0, -1):
        if a[-k:] == b[:k]:
            return "".join(a + b[k:])
    return first + second


def _defining_library(header: str) -> str:
    return header.split("/")[0] + "/" + header.split("/")[1] if header.count("/") >= 2 else header


def env_variables(title: str) -> list[str]:
    """`OpenVINO GenAI` -> [`OPENVINO_GENAI_DIR`]: where an install of the library is named."""
    return [re.sub(r"[^A-Za-z0-9]+", "_", title).upper().strip("_") + "_DIR"]


class NameBuilder:
    """State shared by every step of the C# emitter, and the names it hands out."""

    def __init__(self, api: m.API, c: conv.Conventions) -> None:
        self.api, self.c, self.lib = api, c, c.library
        self.binding = bd.bind(c)
        self.model_calls = self.binding.calls()  # function -> how the binding model calls it
        self.ns = self.lib.csharp.namespace
        self.short = pascal(self.lib.title.split()[-1]) if self.lib.title else pascal(self.lib.name)
        self.prefixes = self._prefixes(self.lib.conventions.prefix)
        self.type_names: dict[str, str] = {}  # C type name -> C# type name (enums, structs)
        self.handle_names: dict[str, str] = {}  # handle C name -> safe class name
        self.handle_classes: dict[str, str] = {}  # free function -> SafeHandle class
        self.handle_base: dict[str, str] = {}  # handle C name -> base SafeHandle class
        self.result_names: dict[str, str] = {}  # handle shown as a value class -> that class (binding.ResultClass)
        self.result_classes: list[ResultClassView] = []  # their views, made with the classes
        self.used: dict[str, str] = {}  # C# type name -> what claimed it
        self.delegates: dict[str, DelegateView] = {}  # key (typedef name or struct.field) -> view
        self.enums: list[EnumView] = []
        self.structs: list[StructView] = []
        self.callbacks: dict[str, CallbackView] = {}
        self.result_structs: dict[tuple[tuple[str, str], ...], ResultStructView] = {}
        self.exception = self.short + "Exception"
        self.status_views: list[EnumView] = []
        self.value_types: dict[str, ValueTypeView] = {}  # C struct -> managed form

    # -- names --
    @staticmethod
    def _prefixes(prefix: str) -> list[str]:
        """`ov_genai_` -> [`ov_genai_`, `ov_`]: the library prefix, then its shorter segment prefixes."""
        parts = [p for p in prefix.split("_") if p]
        return ["_".join(parts[:i]) + "_" for i in range(len(parts), 0, -1)]

    def strip(self, name: str) -> str:
        for p in self.prefixes:
            if name.startswith(p) and len(name) > len(p):
                return name[len(p):]
        return name

    def type_name(self, c_name: str) -> str:
        if c_name in self.lib.conventions.renames:  # a C name: renames exactly that type
            return self.lib.conventions.renames[c_name]
        base = self.strip(c_name)
        base = re.sub(r"_(t|e)$", "", base)
        return self.rename(pascal(base))

    def rename(self, name: str) -> str:
        return self.lib.conventions.renames.get(name, name)

    def claim(self, cs: str, what: str) -> str:
        if cs in self.used and self.used[cs] != what:
            raise EmitError(f"csharp: {what} and {self.used[cs]} both map to the C# name {cs!r}; "
                            f"add a [conventions.renames] entry to libraries/{self.lib.name}.toml")
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", cs) or cs in CS_KEYWORDS:
            raise EmitError(f"csharp: {what} maps to {cs!r}, not a C# identifier; add a [conventions.renames] entry")
        self.used[cs] = what
        return cs
