"""Library descriptions: per-library data (bindgen/libraries/*.toml) that names alone can't give."""
from __future__ import annotations

import keyword
import re
import tomllib
from dataclasses import MISSING, dataclass, field
from typing import Any, get_args, get_origin, get_type_hints
from pathlib import Path

LIBRARIES_DIR = Path(__file__).with_name("libraries")


@dataclass(frozen=True)
class Library:
    name: str
    title: str
    api_headers: list[str]
    marker: str
    search_prefixes: list[str]
    requires: list[str]
    native_library: str
    csharp_namespace: str
    python_package: str
    prefix: str
    status_enum: str
    oldest_version: str
    status_enums: dict[str, str] = field(default_factory=dict)
    free_functions: dict[str, str] = field(default_factory=dict)
    release_with: dict[str, str] = field(default_factory=dict)
    array_getters: dict[str, str] = field(default_factory=dict)
    variadic: dict[str, str] = field(default_factory=dict)
    properties: dict[str, dict[str, str]] = field(default_factory=dict)
    renames: dict[str, str] = field(default_factory=dict)
    # Function releasing strings the library hands to the caller (`char**` outs, owned returns).
    string_free: str = ""
    # Functions whose `const char*` return value is a new string the caller frees with `string_free`
    # (a returned `const char*` may as well be static, so names cannot decide).
    owned_string_returns: list[str] = field(default_factory=list)
    # Caller-owned structs whose free function is not named `<struct stem>_free`: struct -> function.
    struct_free: dict[str, str] = field(default_factory=dict)
    # Functions whose owner handle their name does not show: function -> {handle, member}.
    owners: dict[str, dict[str, str]] = field(default_factory=dict)
    # Input arrays the `const T* p, size_t n` pattern misses: function -> {pointer param: count param}.
    input_arrays: dict[str, dict[str, str]] = field(default_factory=dict)
    # Parameters the library keeps using after the call returns: function -> [param, ...].
    # Bindings must keep what they point to alive (and rooted) for as long as the library may use it.
    retains: dict[str, list[str]] = field(default_factory=dict)
    # Struct pointer fields holding arrays whose length is not the struct's only integer field:
    # struct -> {pointer field: length field path, e.g. "rank.max"}.
    counted_fields: dict[str, dict[str, str]] = field(default_factory=dict)
    # Hand-written Python mixins a generated class inherits (what C# partial classes are to C#):
    # handle -> "module:Class", the module living in the generated package's folder.
    python_mixins: dict[str, str] = field(default_factory=dict)
    # Where the library keeps the text of an error, for exception messages:
    #   last_message: function() -> the last failure's message (freed with string_free when listed
    #                 in owned_string_returns);
    #   last_message_statuses: status members after which that message belongs to the failed call;
    #   status_description: function(status) -> a static description of a status value.
    error_text: dict[str, Any] = field(default_factory=dict)
    # What a callback's enum return value means: enum -> {continue, stop, cancel} -> member
    # (a callback without an entry is given no meaning: bindings pass its value through).
    callback_returns: dict[str, dict[str, str]] = field(default_factory=dict)
    # The status member meaning "no value" rather than a failure: status enum -> member. A string
    # property whose setter accepts NULL reads as null/None when its getter reports it.
    absent_statuses: dict[str, str] = field(default_factory=dict)
    # Pointer parameters that may be NULL (the implementation checks before using them):
    # function -> [param, ...]. Bindings reject a null argument before the native call otherwise.
    nullable: dict[str, list[str]] = field(default_factory=dict)
    # How a runtime asks the loaded library (or a library it depends on) for its version, to tell
    # apart versions that export the same symbols (versions.py): {function, free}. Empty: symbols only.
    version_query: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_toml(cls, path: Path) -> "Library":
        try:
            with path.open("rb") as f:
                data = tomllib.load(f)
        except tomllib.TOMLDecodeError as exc:
            # tomllib says "... (at line L, column C)": report it as file:line:col like the parser does.
            text = str(exc)
            at = re.search(r"\s*\(at line (\d+), column (\d+)\)$", text)
            if at:
                raise ValueError(f"{path}:{at.group(1)}:{at.group(2)}: {text[:at.start()]}") from None
            raise ValueError(f"{path}: {text}") from None
        except UnicodeDecodeError as exc:
            raise ValueError(f"{path}: not UTF-8 text (byte {exc.start})") from None
        known = set(cls.__dataclass_fields__)
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"{path}: unknown keys {sorted(unknown)}")
        required = {n for n, f in cls.__dataclass_fields__.items()
                    if f.default is MISSING and f.default_factory is MISSING}
        missing = required - set(data)
        if missing:
            raise ValueError(f"{path}: missing keys {sorted(missing)}")
        hints = get_type_hints(cls)
        for key, value in data.items():
            problem = _type_problem(value, hints[key])
            if problem:
                raise ValueError(f"{path}: {key}: {problem}")
        # Values emitted verbatim into code (namespace, package, string literals, identifiers).
        for key, pattern, what in _SPELLINGS:
            value = data.get(key, "")
            if not re.fullmatch(pattern, value) or (key == "python_package" and keyword.iskeyword(value)):
                raise ValueError(f"{path}: {key}: {value!r} is not {what}")
        return cls(**data)


_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"
_SPELLINGS = (
    ("csharp_namespace", rf"{_IDENTIFIER}(\.{_IDENTIFIER})*", "a C# namespace (dotted identifiers)"),
    ("python_package", _IDENTIFIER, "a Python package name (an identifier)"),
    ("native_library", r"[A-Za-z0-9_.+-]+", "a library file name stem (letters, digits, _ . + -)"),
    ("prefix", r"[A-Za-z0-9_]*", "a C name prefix (letters, digits, _)"),
)


def _type_problem(value: Any, expected: Any) -> str:
    """Why `value` (read from TOML) is not of the annotated type, or "" when it is."""
    origin = get_origin(expected)
    if expected is Any:
        return ""
    if expected is str:
        return "" if isinstance(value, str) else f"expected a string, found {type(value).__name__} {value!r}"
    if origin is list:
        if not isinstance(value, list):
            return f"expected an array, found {type(value).__name__} {value!r}"
        (item,) = get_args(expected)
        for i, v in enumerate(value):
            problem = _type_problem(v, item)
            if problem:
                return f"[{i}]: {problem}"
        return ""
    if origin is dict:
        if not isinstance(value, dict):
            return f"expected a table, found {type(value).__name__} {value!r}"
        _, item = get_args(expected)
        for k, v in value.items():
            problem = _type_problem(v, item)
            if problem:
                return f"{k}: {problem}"
        return ""
    return ""


def available() -> list[str]:
    return sorted(p.stem for p in LIBRARIES_DIR.glob("*.toml"))


def load(name_or_path: str) -> Library:
    """A library description by name (`genai`, `core`) or by path to a .toml file."""
    path = Path(name_or_path)
    if path.suffix == ".toml" and path.exists():
        return Library.from_toml(path)
    candidate = LIBRARIES_DIR / f"{name_or_path}.toml"
    if not candidate.exists():
        raise ValueError(f"unknown library {name_or_path!r}; known: {', '.join(available())}")
    return Library.from_toml(candidate)
