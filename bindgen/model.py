"""The typed API model: what a C header set declares, independent of any target language.

The parser fills it, the convention pass annotates it (see conventions.py), emitters read it.
It round-trips through JSON (snapshot.py) without loss, except doc comments, which stay in
memory only so that no upstream comment text is ever written into committed files.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Optional

# C scalar types the model knows by name, with their size in bytes on LP64/LLP64 x86-64 and
# arm64 alike (the ABIs we bind). `long` is deliberately absent: it differs between LP64 and
# LLP64, so a header that uses it is reported instead of silently bound with the wrong width.
SCALAR_SIZES: dict[str, int] = {
    "bool": 1,
    "char": 1,
    "signed char": 1,
    "unsigned char": 1,
    "int8_t": 1,
    "uint8_t": 1,
    "short": 2,
    "unsigned short": 2,
    "int16_t": 2,
    "uint16_t": 2,
    "int": 4,
    "unsigned int": 4,
    "int32_t": 4,
    "uint32_t": 4,
    "float": 4,
    "int64_t": 8,
    "uint64_t": 8,
    "long long": 8,
    "unsigned long long": 8,
    "double": 8,
    "size_t": 8,
    "ptrdiff_t": 8,
    "intptr_t": 8,
    "uintptr_t": 8,
    # 4 bytes here (Linux) but 2 on Windows: emitters must treat it as platform-dependent.
    "wchar_t": 4,
}

# Type kinds. A CType is a small tree: pointers and arrays wrap an inner type.
VOID = "void"
SCALAR = "scalar"  # name is one of SCALAR_SIZES
ENUM = "enum"  # name refers to API.enums
STRUCT = "struct"  # name refers to API.structs (a complete struct)
HANDLE = "handle"  # name refers to API.handles (an opaque struct typedef)
CALLBACK = "callback"  # name refers to API.callbacks (a function pointer typedef)
POINTER = "pointer"  # pointee is the inner type
ARRAY = "array"  # pointee is the element type, count the length
FUNCTION = "function"  # an inline function-pointer signature: returns + params (under a POINTER)
KINDS = (VOID, SCALAR, ENUM, STRUCT, HANDLE, CALLBACK, POINTER, ARRAY, FUNCTION)


@dataclass
class CType:
    kind: str
    name: Optional[str] = None
    const: bool = False
    pointee: Optional["CType"] = None
    count: Optional[int] = None
    returns: Optional["CType"] = None
    params: list["Param"] = field(default_factory=list)
    # "enum"/"struct" when C code names the type by tag only (`enum Status`), no typedef.
    tag: Optional[str] = None

    # -- convenience predicates used by the convention pass and emitters --
    @property
    def is_pointer(self) -> bool:
        return self.kind == POINTER

    def pointer_depth(self) -> int:
        depth, t = 0, self
        while t.kind == POINTER:
            depth += 1
            assert t.pointee is not None
            t = t.pointee
        return depth

    def base(self) -> "CType":
        """The type under all pointers and arrays."""
        t = self
        while t.kind in (POINTER, ARRAY):
            assert t.pointee is not None
            t = t.pointee
        return t

    def is_string(self) -> bool:
        """`char*` / `const char*`: a NUL-terminated UTF-8 string or a char buffer."""
        return self.kind == POINTER and self.pointee is not None and self.pointee.kind == SCALAR and self.pointee.name == "char"

    def is_handle_ptr(self, depth: int = 1) -> bool:
        return self.pointer_depth() == depth and self.base().kind == HANDLE

    def c_spelling(self, declarator: str = "") -> str:
        """C text for this type, with an optional declarator name (handles function pointers)."""
        d = declarator
        t = self
        # Walk down pointers/arrays building the declarator from the inside out.
        while True:
            if t.kind == POINTER:
                assert t.pointee is not None
                inner = t.pointee
                star = "*" + (" const " if t.const else "")
                if inner.kind == FUNCTION:
                    d = f"(*{d})" if not t.const else f"(* const {d})"
                else:
                    d = f"{star}{d}"
                t = inner
            elif t.kind == ARRAY:
                assert t.pointee is not None
                d = f"{d}[{t.count}]"
                if d.startswith("*"):
                    d = f"({d})"
                t = t.pointee
            else:
                break
        if t.kind == FUNCTION:
            assert t.returns is not None
            params = ", ".join(p.type.c_spelling(p.name) for p in t.params) or "void"
            return t.returns.c_spelling(f"{d}({params})")
        prefix = "const " if t.const else ""
        name = "void" if t.kind == VOID else (f"{t.tag} {t.name}" if t.tag else t.name)
        sep = " " if d and not d.startswith(("(", "[")) or d.startswith("(") else ""
        return f"{prefix}{name}{sep}{d}".rstrip()

    def walk(self) -> Iterator["CType"]:
        yield self
        for sub in (self.pointee, self.returns):
            if sub is not None:
                yield from sub.walk()
        for p in self.params:
            yield from p.type.walk()


@dataclass
class Param:
    name: str
    type: CType


@dataclass
class Location:
    file: str  # path relative to the include root, e.g. "openvino/genai/c/llm_pipeline.h"
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class EnumMember:
    name: str
    value: int
    # First library version with this member (value), filled by versions.annotate; None when unknown.
    since: Optional[str] = None


@dataclass
class Enum:
    name: str
    members: list[EnumMember]
    size: int
    location: Location
    doc: Optional[str] = None  # never serialised
    tag_only: bool = False  # declared as `enum Name {...}` with no typedef (C code says `enum Name`)


@dataclass
class Field:
    name: str
    type: CType
    offset: int  # bytes
    # First library version with this field, filled by versions.annotate; None when unknown.
    since: Optional[str] = None


@dataclass
class Struct:
    name: str
    fields: list[Field]
    size: int
    align: int
    location: Location
    doc: Optional[str] = None


@dataclass
class Handle:
    """An opaque struct typedef, e.g. `typedef struct ov_genai_llm_pipeline_opaque ov_genai_llm_pipeline;`."""

    name: str
    tag: str
    location: Location
    doc: Optional[str] = None


@dataclass
class Callback:
    """A typedef'd function pointer type."""

    name: str
    returns: CType
    params: list[Param]
    location: Location
    doc: Optional[str] = None


@dataclass
class Function:
    name: str
    returns: CType
    params: list[Param]
    variadic: bool
    location: Location
    doc: Optional[str] = None
    # First library version declaring this function; filled when snapshots of several
    # versions are merged (versions.py), None when unknown.
    since: Optional[str] = None


@dataclass
class Variable:
    """An exported global, e.g. the core API's `const char* ov_property_key_...` constants."""

    name: str
    type: CType
    location: Location
    doc: Optional[str] = None
    since: Optional[str] = None


@dataclass
class Quirk:
    """Something odd in the headers that was handled rather than failed on, kept for reports."""

    kind: str  # e.g. "duplicate_declaration"
    name: str
    detail: str


@dataclass
class API:
    library: str  # library description name, e.g. "genai"
    version: Optional[str]
    headers: list[str]
    handles: list[Handle] = field(default_factory=list)
    enums: list[Enum] = field(default_factory=list)
    structs: list[Struct] = field(default_factory=list)
    callbacks: list[Callback] = field(default_factory=list)
    functions: list[Function] = field(default_factory=list)
    variables: list[Variable] = field(default_factory=list)
    quirks: list[Quirk] = field(default_factory=list)

    def function(self, name: str) -> Function:
        for f in self.functions:
            if f.name == name:
                return f
        raise KeyError(name)


    def enum(self, name: str) -> Enum:
        for e in self.enums:
            if e.name == name:
                return e
        raise KeyError(name)

    def struct(self, name: str) -> Struct:
        for s in self.structs:
            if s.name == name:
                return s
        raise KeyError(name)

    def handle(self, name: str) -> Handle:
        for h in self.handles:
            if h.name == name:
                return h
        raise KeyError(name)
