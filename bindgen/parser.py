"""Parse a C header set with libclang into the API model (model.py).

Real preprocessing: the headers' own macros (export, callback convention, include guards,
`#ifndef`-guarded duplicate typedefs) are expanded by clang, not pattern-matched. Any
diagnostic is an error reported as `file:line:col: message`; constructs no emitter can bind
faithfully (unions, bit-fields, `long`, ...) are reported by name instead of being guessed.
"""
from __future__ import annotations

import ctypes
import importlib.util
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional

from clang import cindex
from clang.cindex import CursorKind, TypeKind

from . import model as m
from .library import Library
from .resources import data_dir

CLANG_INCLUDE = data_dir("clang_include")
# Fixed target so sizes and offsets in the model do not depend on the machine that parses.
TARGET = "x86_64-unknown-linux-gnu"


class ParseError(Exception):
    """A header set that cannot be turned into a faithful model. `str()` is `file:line:col: message`."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


@dataclass
class HeaderSet:
    """What to parse: API headers (relative to one of the include dirs) and the include dirs."""

    api_headers: list[str]
    include_dirs: list[Path]

    def locate(self, rel: str) -> Optional[Path]:
        for d in self.include_dirs:
            if (d / rel).is_file():
                return d / rel
        return None


def openvino_wheel_include() -> Optional[Path]:
    """Include dir of the installed `openvino` wheel (core C headers), without importing it."""
    spec = importlib.util.find_spec("openvino")
    if spec is None or not spec.submodule_search_locations:
        return None
    for loc in spec.submodule_search_locations:
        inc = Path(loc) / "include"
        if (inc / "openvino" / "c" / "ov_common.h").is_file():
            # Resolved like every other include dir: libclang reports files by their real path, and
            # a venv reached through a symlink would otherwise leave the wheel's headers unmatched.
            return inc.resolve()
    return None


def resolve_header_set(inputs: list[Path], library: Library, include_dirs: Iterable[Path] = ()) -> HeaderSet:
    """Turn CLI inputs into a HeaderSet.

    Each input is either a directory (searched for the library's marker header under its
    search prefixes: an install's `runtime/include`, the source tree's `src/c/include`, ...) or
    a header file (taken as an API header; its directory becomes an include dir).
    """
    includes: list[Path] = []
    api: list[str] = []
    explicit_files: list[Path] = []
    for inp in inputs:
        inp = inp.resolve()
        if inp.is_dir():
            root = _find_root(inp, library)
            if root is None:
                tried = ", ".join(str(inp / p / library.headers.marker) for p in library.headers.search_prefixes)
                raise ParseError([f"{inp}: no {library.title} headers found (looked for {tried})"])
            includes.append(root)
            for pattern in library.headers.api_headers:
                for path in sorted(root.glob(pattern)):
                    api.append(path.relative_to(root).as_posix())
        elif inp.is_file():
            explicit_files.append(inp)
        else:
            raise ParseError([f"{inp}: no such file or directory"])
    includes.extend(Path(d).resolve() for d in include_dirs)
    for f in explicit_files:
        # Relative to the first include dir that contains it, else to its own directory.
        for d in includes:
            if f.is_relative_to(d):
                api.append(f.relative_to(d).as_posix())
                break
        else:
            includes.append(f.parent)
            api.append(f.name)
    # Headers of libraries this one includes (core C API): given dirs first, then the wheel.
    for req in library.headers.requires:
        if not any((d / req).is_file() for d in includes):
            wheel = openvino_wheel_include()
            if wheel is None or not (wheel / req).is_file():
                raise ParseError([f"{req}: not found in {[str(d) for d in includes]} nor in an installed openvino wheel "
                                  f"(pip install openvino, or pass -I DIR)"])
            includes.append(wheel)
    if not api:
        raise ParseError([f"no API headers given ({', '.join(library.headers.api_headers)})"])
    return HeaderSet(api_headers=sorted(dict.fromkeys(api)), include_dirs=list(dict.fromkeys(d.resolve() for d in includes)))


def _find_root(d: Path, library: Library) -> Optional[Path]:
    for prefix in library.headers.search_prefixes:
        root = d / prefix if prefix else d
        if (root / library.headers.marker).is_file():
            return root
    return None


_BUILTINS = {
    TypeKind.BOOL: "bool",
    TypeKind.CHAR_S: "char",
    TypeKind.CHAR_U: "char",
    TypeKind.SCHAR: "signed char",
    TypeKind.UCHAR: "unsigned char",
    TypeKind.SHORT: "short",
    TypeKind.USHORT: "unsigned short",
    TypeKind.INT: "int",
    TypeKind.UINT: "unsigned int",
    TypeKind.LONGLONG: "long long",
    TypeKind.ULONGLONG: "unsigned long long",
    TypeKind.FLOAT: "float",
    TypeKind.DOUBLE: "double",
}


class _Builder:
    def __init__(self, tu: cindex.TranslationUnit, headers: HeaderSet, library: Library, version: Optional[str]):
        self.tu = tu
        self.headers = headers
        self.library = library
        self.version = version
        self.errors: list[str] = []
        self.handles: dict[str, m.Handle] = {}
        self.enums: dict[str, m.Enum] = {}
        self.structs: dict[str, m.Struct] = {}
        self.callbacks: dict[str, m.Callback] = {}
        self.functions: dict[str, m.Function] = {}
        self.variables: dict[str, m.Variable] = {}
        self.quirks: list[m.Quirk] = []
        # Declarations by name (typedef names) for lazy, reachability-driven model building.
        self.typedef_cursors: dict[str, cindex.Cursor] = {}
        self.tag_to_typedef: dict[str, str] = {}
        self.api_files = set(headers.api_headers)
        # Real paths, as libclang reports files (a HeaderSet built by hand may hold symlinked ones).
        self.include_roots = list(dict.fromkeys(d.resolve() for d in headers.include_dirs))

    # -- locations --
    def rel(self, cursor: cindex.Cursor) -> Optional[str]:
        loc = cursor.location
        if loc.file is None:
            return None
        path = Path(loc.file.name).resolve()
        for d in self.include_roots:
            if path.is_relative_to(d):
                return path.relative_to(d).as_posix()
        return None  # a system or builtin header

    def location(self, cursor: cindex.Cursor) -> m.Location:
        return m.Location(self.rel(cursor) or "<unknown>", cursor.location.line)

    def where(self, cursor: cindex.Cursor) -> str:
        loc = cursor.location
        name = loc.file.name if loc.file else "<input>"
        return f"{name}:{loc.line}:{loc.column}"

    def unsupported(self, cursor: cindex.Cursor, what: str) -> None:
        self.errors.append(f"{self.where(cursor)}: unsupported construct: {what}")

    # -- pass 1: index declarations --
    def index(self) -> None:
        for c in self.tu.cursor.get_children():
            rel = self.rel(c)
            if rel is None:
                continue
            if c.kind == CursorKind.TYPEDEF_DECL:
                name = c.spelling
                if name in self.typedef_cursors:
                    continue  # guarded duplicates never reach here; an identical C11 redefinition may
                self.typedef_cursors[name] = c
                under = c.underlying_typedef_type
                decl = under.get_declaration()
                if decl.kind in (CursorKind.STRUCT_DECL, CursorKind.ENUM_DECL) and decl.spelling and not decl.is_anonymous():
                    self.tag_to_typedef.setdefault(decl.spelling, name)
            elif c.kind == CursorKind.FUNCTION_DECL and rel in self.api_files:
                self.add_function(c)
            elif c.kind == CursorKind.VAR_DECL and rel in self.api_files:
                if c.spelling not in self.variables:
                    self.variables[c.spelling] = m.Variable(c.spelling, self.ctype(c.type, c), self.location(c), _doc(c))
            elif c.kind == CursorKind.UNION_DECL:
                self.unsupported(c, f"union {c.spelling or '(anonymous)'}")
        # Every type declared in an API header is part of the API, even if no function uses it.
        for name, c in self.typedef_cursors.items():
            if self.rel(c) in self.api_files:
                self.type_from_typedef(name)

    def add_function(self, c: cindex.Cursor) -> None:
        name = c.spelling
        fn = m.Function(
            name=name,
            returns=self.ctype(c.result_type, c),
            params=[m.Param(a.spelling or f"arg{i}", self.ctype(a.type, a)) for i, a in enumerate(c.get_arguments())],
            variadic=c.type.kind == TypeKind.FUNCTIONPROTO and c.type.is_function_variadic(),
            location=self.location(c),
            doc=_doc(c),
        )
        if name in self.functions:
            prev = self.functions[name]
            same = _signature(prev) == _signature(fn)
            self.quirks.append(m.Quirk(
                "duplicate_declaration", name,
                f"declared at {prev.location} and again at {fn.location}" + ("" if same else " with a different signature")))
            if not same:
                self.errors.append(f"{self.where(c)}: {name} redeclared with a different signature")
            return
        self.functions[name] = fn

    # -- types --
    def ctype(self, t: cindex.Type, where: cindex.Cursor) -> m.CType:
        const = t.is_const_qualified()
        k = t.kind
        if k == TypeKind.ELABORATED:
            inner = self.ctype(t.get_named_type(), where)
            inner.const = inner.const or const
            return inner
        if k == TypeKind.TYPEDEF:
            name = t.get_declaration().spelling
            if name in m.SCALAR_SIZES:
                return m.CType(m.SCALAR, name, const)
            resolved = self.type_from_typedef(name)
            if resolved is None:
                # A plain alias (typedef of a typedef or of a builtin): bind the target type.
                inner = self.ctype(t.get_declaration().underlying_typedef_type, where)
                inner.const = inner.const or const
                return inner
            return m.CType(resolved, name, const)
        if k in _BUILTINS:
            return m.CType(m.SCALAR, _BUILTINS[k], const)
        if k == TypeKind.VOID:
            return m.CType(m.VOID, None, const)
        if k in (TypeKind.LONG, TypeKind.ULONG, TypeKind.LONGDOUBLE):
            self.unsupported(where, f"type '{t.spelling}' in {where.spelling} (its width differs between LP64 and LLP64)")
            return m.CType(m.SCALAR, "int64_t", const)
        if k == TypeKind.POINTER:
            return m.CType(m.POINTER, None, const, pointee=self.ctype(t.get_pointee(), where))
        if k == TypeKind.CONSTANTARRAY:
            return m.CType(m.ARRAY, None, const, pointee=self.ctype(t.element_type, where), count=t.element_count)
        if k == TypeKind.INCOMPLETEARRAY:
            return m.CType(m.POINTER, None, const, pointee=self.ctype(t.element_type, where))
        if k == TypeKind.FUNCTIONPROTO:
            if t.is_function_variadic():
                self.unsupported(where, f"variadic function pointer in {where.spelling}")
            params = [m.Param(f"arg{i}", self.ctype(a, where)) for i, a in enumerate(t.argument_types())]
            # Parameter names of an inline function pointer are on the declaring cursor's children.
            names = [ch.spelling for ch in where.get_children() if ch.kind == CursorKind.PARM_DECL]
            if len(names) == len(params):
                for p, n in zip(params, names):
                    p.name = n or p.name
            return m.CType(m.FUNCTION, None, const, returns=self.ctype(t.get_result(), where), params=params)
        if k == TypeKind.FUNCTIONNOPROTO:
            self.unsupported(where, f"function type without prototype in {where.spelling}")
            return m.CType(m.VOID)
        if k in (TypeKind.RECORD, TypeKind.ENUM):
            decl = t.get_declaration()
            if decl.kind == CursorKind.UNION_DECL:
                self.unsupported(where, f"union '{t.spelling}' in {where.spelling}")
                return m.CType(m.VOID)
            tag = decl.spelling
            typedef = self.tag_to_typedef.get(tag)
            if typedef:
                resolved = self.type_from_typedef(typedef)
                return m.CType(resolved or m.VOID, typedef, const)
            if k == TypeKind.ENUM and tag and not decl.is_anonymous():
                if tag not in self.enums:
                    self.enums[tag] = self.enum_from_decl(tag, decl, decl)
                    self.enums[tag].tag_only = True
                return m.CType(m.ENUM, tag, const, tag="enum")
            self.unsupported(where, f"'{t.spelling}' has no typedef name in {where.spelling}")
            return m.CType(m.VOID)
        self.unsupported(where, f"type '{t.spelling}' (clang kind {k.spelling}) in {where.spelling}")
        return m.CType(m.VOID)

    def type_from_typedef(self, name: str) -> Optional[str]:
        """Build the model entry for a typedef name on first use; return its kind, None for aliases."""
        if name in self.handles:
            return m.HANDLE
        if name in self.enums:
            return m.ENUM
        if name in self.structs:
            return m.STRUCT
        if name in self.callbacks:
            return m.CALLBACK
        c = self.typedef_cursors.get(name)
        if c is None:
            return None
        under = c.underlying_typedef_type
        while under.kind == TypeKind.ELABORATED:
            under = under.get_named_type()
        if under.kind == TypeKind.POINTER and under.get_pointee().kind in (TypeKind.FUNCTIONPROTO, TypeKind.FUNCTIONNOPROTO):
            fn = self.ctype(under.get_pointee(), c)
            self.callbacks[name] = m.Callback(name, fn.returns or m.CType(m.VOID), fn.params, self.location(c), _doc(c))
            return m.CALLBACK
        if under.kind == TypeKind.ENUM:
            self.enums[name] = self.enum_from_decl(name, under.get_declaration(), c)
            return m.ENUM
        if under.kind == TypeKind.RECORD:
            decl = under.get_declaration()
            if decl.kind == CursorKind.UNION_DECL:
                self.unsupported(c, f"union typedef {name}")
                return None
            definition = decl.get_definition()
            if definition is None:
                self.handles[name] = m.Handle(name, decl.spelling, self.location(c), _doc(c))
                return m.HANDLE
            if decl.spelling and self.tag_to_typedef.get(decl.spelling, name) != name:
                return None  # a second typedef name for a struct already bound: alias
            placeholder = m.Struct(name, [], under.get_size(), under.get_align(), self.location(c), _doc(c))
            self.structs[name] = placeholder  # registered before fields, so self-references resolve
            for fc in definition.get_children():
                if fc.kind != CursorKind.FIELD_DECL:
                    continue
                if fc.is_bitfield():
                    self.unsupported(fc, f"bit-field {name}.{fc.spelling}")
                    continue
                offset_bits = under.get_offset(fc.spelling)
                placeholder.fields.append(m.Field(fc.spelling, self.ctype(fc.type, fc), offset_bits // 8))
            return m.STRUCT
        return None  # alias of a scalar or another typedef

    def enum_from_decl(self, name: str, decl: cindex.Cursor, at: cindex.Cursor) -> m.Enum:
        members = [m.EnumMember(ch.spelling, ch.enum_value) for ch in decl.get_children()
                   if ch.kind == CursorKind.ENUM_CONSTANT_DECL]
        return m.Enum(name, members, decl.type.get_size(), self.location(at), _doc(at))

    def build(self) -> m.API:
        self.index()
        fns = sorted(self.functions.values(), key=lambda f: (f.location.file, f.location.line, f.name))
        by_loc = lambda x: (x.location.file, x.location.line, x.name)  # noqa: E731
        return m.API(
            library=self.library.name,
            version=self.version,
            headers=list(self.headers.api_headers),
            handles=sorted(self.handles.values(), key=by_loc),
            enums=sorted(self.enums.values(), key=by_loc),
            structs=sorted(self.structs.values(), key=by_loc),
            callbacks=sorted(self.callbacks.values(), key=by_loc),
            functions=fns,
            variables=sorted(self.variables.values(), key=by_loc),
            quirks=sorted(self.quirks, key=lambda q: (q.kind, q.name, q.detail)),
        )


def _doc(cursor: cindex.Cursor) -> Optional[str]:
    """The doc comment of a declaration. Comments are not code: like gcc, accept any bytes in them
    (cindex would raise UnicodeDecodeError on a non-UTF-8 byte; it is kept as U+FFFD instead)."""
    try:
        return cursor.raw_comment  # type: ignore[no-any-return]
    except UnicodeDecodeError:
        raw = _raw_comment_bytes(cursor)
        return None if raw is None else raw.decode("utf-8", "replace")


def _raw_comment_bytes(cursor: cindex.Cursor) -> Optional[bytes]:
    # The same libclang calls cindex makes, with the text returned as bytes (fresh function objects,
    # so cindex's own decoding wrappers are left as they are).
    lib = cindex.conf.lib
    get_comment = lib["clang_Cursor_getRawCommentText"]
    get_comment.argtypes = [cindex.Cursor]
    get_comment.restype = cindex._CXString  # disposed by its __del__
    get_text = lib["clang_getCString"]
    get_text.argtypes = [cindex._CXString]
    get_text.restype = ctypes.c_char_p
    text = get_comment(cursor)
    return get_text(text)  # type: ignore[no-any-return]


def _first_non_utf8(paths: Iterable[Path]) -> Optional[str]:
    """`file:line:col: ...` of the first byte that is not UTF-8 in these files, or None."""
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
            return f"{path}:{line}:{col}: byte 0x{data[exc.start]:02x} is not UTF-8 text ({exc.reason})"
    return None


def _signature(fn: m.Function) -> tuple:
    def t(ct: m.CType) -> str:
        return ct.c_spelling()
    return (t(fn.returns), tuple(t(p.type) for p in fn.params), fn.variadic)


def parse(headers: HeaderSet, library: Library, version: Optional[str] = None,
          defines: Iterable[str] = ()) -> m.API:
    source = "".join(f'#include "{h}"\n' for h in headers.api_headers)
    args = ["-x", "c", "-std=c11", f"--target={TARGET}", "-nostdinc",
            "-isystem", str(CLANG_INCLUDE)]
    for d in headers.include_dirs:
        args += ["-I", str(d)]
    # libc headers (stdio.h is pulled in by the core API) after ours, so ours win for builtins.
    for sysdir in ("/usr/include/x86_64-linux-gnu", "/usr/include"):
        if os.path.isdir(sysdir):
            args += ["-idirafter", sysdir]
    args += [f"-D{d}" for d in defines]
    index = cindex.Index.create()
    try:
        tu = index.parse("bindgen_input.c", args=args, unsaved_files=[("bindgen_input.c", source)],
                         options=cindex.TranslationUnit.PARSE_SKIP_FUNCTION_BODIES
                         | cindex.TranslationUnit.PARSE_INCLUDE_BRIEF_COMMENTS_IN_CODE_COMPLETION)
    except cindex.TranslationUnitLoadError as exc:
        raise ParseError([f"bindgen_input.c:1:1: libclang could not parse the header set: {exc}"]) from exc
    try:
        diags = [d for d in tu.diagnostics if d.severity >= cindex.Diagnostic.Warning]
        if diags:
            raise ParseError([_format_diag(d) for d in diags])
        builder = _Builder(tu, headers, library, version)
        api = builder.build()
    except UnicodeDecodeError as exc:
        # Text libclang hands back (a name, a diagnostic quoting the source) that is not UTF-8:
        # name the byte in the headers rather than the codec's position in some string.
        files = [Path(inc.include.name) for inc in tu.get_includes()]
        where = _first_non_utf8(files)
        raise ParseError([where or f"bindgen_input.c:1:1: libclang returned text that is not UTF-8: {exc}"]) from None
    if builder.errors:
        raise ParseError(sorted(dict.fromkeys(builder.errors), key=_message_position))
    return api


_POSITION = re.compile(r"^(.*?):(\d+):(\d+): ")


def _message_position(message: str) -> tuple:
    """Sort key putting `file:line:col: ...` messages in source order (line 5 before line 10)."""
    match = _POSITION.match(message)
    if match is None:
        return (message, 0, 0, message)
    return (match.group(1), int(match.group(2)), int(match.group(3)), message)


def _format_diag(d: cindex.Diagnostic) -> str:
    loc = d.location
    name = loc.file.name if loc.file else "<input>"
    return f"{name}:{loc.line}:{loc.column}: {d.spelling}"
