"""Library descriptions: per-library data (bindgen/libraries/*.toml) that names alone can't give."""
from __future__ import annotations

import keyword
import re
import tomllib
from dataclasses import MISSING, dataclass, field
from typing import Any, get_args, get_origin, get_type_hints
from pathlib import Path
from .resources import data_dir

LIBRARIES_DIR = data_dir("libraries")


@dataclass(frozen=True)
class Headers:
    """[headers]: what the parser reads."""

    # Headers (relative to the include root) whose functions form the API.
    api_headers: list[str]
    # A directory given to `bindgen parse` is searched for this file under each prefix.
    marker: str
    search_prefixes: list[str]
    # Headers of other libraries it includes (found in include dirs or the openvino wheel).
    requires: list[str]


@dataclass(frozen=True)
class ConventionData:
    """[conventions]: what the convention pass and the binding model need where names can't decide."""

    prefix: str  # stripped from C names to form target-language names
    status_enum: str  # the library's main status enum
    status_enums: dict[str, str] = field(default_factory=dict)  # status enum -> its OK member
    free_functions: dict[str, str] = field(default_factory=dict)
    release_with: dict[str, str] = field(default_factory=dict)
    array_getters: dict[str, str] = field(default_factory=dict)
    variadic: dict[str, str] = field(default_factory=dict)
    properties: dict[str, dict[str, str]] = field(default_factory=dict)
    # Names every language uses instead of the derived ones (derived PascalCase name or C name -> name).
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
    # Pointer parameters the library checks for NULL and treats as "not given": function -> [param].
    nullable: dict[str, list[str]] = field(default_factory=dict)
    # Arrays of foreign tensors (OpenVINO `ov_tensor_t*`) the library reads as images, u8 [N,]H,W,C:
    # function -> [param]. Bindings ask each tensor's shape of libopenvino_c before the call and refuse an
    # image with no pixels (height or width 0), which the library would crash on.
    image_tensors: dict[str, list[str]] = field(default_factory=dict)
    # Input arrays the library fails on, with no message, when they hold too few items: function ->
    # {array param: {more_than: the most items it fails on (an integer), unit: what the items are ("samples"),
    # note: what that length means to a user ("12.5 ms at 16 kHz")}}. Bindings refuse a shorter array before
    # the call (Python ValueError, C# ArgumentException), saying how many items were given and how many are needed.
    shortest_arrays: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
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
    # Handles shown as plain value classes: handle -> {json, fields, rules, token_limit, ...}; the
    # format is described where the GenAI description uses it (libraries/genai.toml) and checked by
    # the binding model (binding.py, `ValueClass`).
    value_classes: dict[str, Any] = field(default_factory=dict)
    # Handles whose objects are results, read once into plain value objects: handle -> {field -> source}
    # (the sources are described at the table in genai.toml; checked by the binding model).
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Handles shown as metrics (values read once, the native object kept for adding): handle ->
    # {"add": in-place add function, value name -> {getter, unit}}.
    metrics: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Calls shaped after upstream's Python API: function -> {
    #   rename: {C parameter -> the name bindings show (snake_case; C# camelCases it)},
    #   joins: a function of the same object whose method this one overloads: one method takes either
    #          first input (Python dispatches on its type; C# has overloads of one name),
    #   fields: the value-class parameter that keyword config fields (Python **config_fields) apply to,
    #   keyword: (on a function that joins another) Python's joined method also takes this one's first input
    #            under its own shown name, as a keyword taking that kind of input only }.
    calls: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class CSharp:
    """[csharp]: the C# emitter's settings."""

    namespace: str  # of the assembly: "OpenVINO.GenAI"
    # Functions the safe layer leaves raw because hand-written members replace them: function -> why.
    hidden: dict[str, str] = field(default_factory=dict)
    # Handles shown as a hand-written value class of the assembly (csharp/<Assembly>/<Class>.cs): handle ->
    # "Class". The generated class of the handle becomes internal (`<Name>Native`); a parameter of that handle
    # takes the value class, whose `internal Lease ForCall(NativeObject caller)` makes (or reuses) the native
    # object at call time and leases it for the call (the Python twin: [python] hand_values, `_to_native`).
    hand_values: dict[str, str] = field(default_factory=dict)
    # Environment variables of other installs that hold this library too, searched after the library's own
    # (`<TITLE>_DIR`): e.g. OpenVINO's core library is in every OpenVINO GenAI archive (OPENVINO_GENAI_DIR).
    also_search: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Python:
    """[python]: the cffi emitter's settings."""

    package: str  # the generated package: "openvino_genai_cffi"
    # Hand-written mixins a generated class inherits (what C# partial classes are to C#):
    # handle -> "module:Class", the module living in the generated package's folder.
    mixins: dict[str, str] = field(default_factory=dict)
    # C type of another library's objects a call takes -> the Python package binding that library, which
    # makes those objects from plain arrays (numpy) when imported: "ov_tensor_t" -> "openvino_cffi".
    foreign_packages: dict[str, str] = field(default_factory=dict)
    # Handles shown as a hand-written value class of the package: handle -> "module:Class". The generated
    # class of the handle becomes internal (`_<Name>Native`); a parameter of that handle takes the value
    # class, whose `_to_native(native_cls)` makes the native object at call time.
    hand_values: dict[str, str] = field(default_factory=dict)
    # Other hand-written classes of the package it exports: ["module:Class", ...].
    exports: list[str] = field(default_factory=list)
    # More Python names of a public method: C function -> ["__call__", ...] (upstream's `pipe(...)` is
    # `pipe.generate(...)`); Python only, where the name is an idiom C# has no counterpart of.
    aliases: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Diagnosis:
    """[diagnosis]: what the bindings look at when a call fails with a status that carries no text
    (GenAI's C layer turns every C++ exception into one status and drops its message)."""

    # The status member meaning "an exception was thrown, its text is lost" (of [conventions] status_enum).
    status: str = ""
    # Functions taking a model: function -> {param = the path parameter, kind = a [diagnosis.model_kinds] key}.
    model_paths: dict[str, dict[str, str]] = field(default_factory=dict)
    # What a model of each kind is: kind -> {title, folder_sets = [[file, ...], ...] (a folder must hold every
    # file of one set), files = {suffix = magic} (a single file accepted with that suffix, starting with magic)}.
    model_kinds: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Files of the model folder its object was created from that a call needs: function -> [file, ...].
    model_files_at_call: dict[str, list[str]] = field(default_factory=dict)
    # Parameters naming an OpenVINO device: function -> param.
    devices: dict[str, str] = field(default_factory=dict)
    # Devices whose name lists other devices after a colon (AUTO:GPU,CPU): checked by those.
    meta_devices: list[str] = field(default_factory=list)
    # How to list the available devices: {library (file name stem, loaded from the library's folder),
    # create, free (a core object), list (core, {char** devices; size_t size}*), free_list}.
    device_query: dict[str, str] = field(default_factory=dict)
    # Functions that load a helper library the loaded one looks for at run time.
    helper_library_users: list[str] = field(default_factory=list)
    # That helper library: {name (file name stem), env (variable naming the file, which wins),
    # beside (file name stem of the loaded library it is looked for beside, symlinks resolved)}.
    helper_library: dict[str, str] = field(default_factory=dict)
    # Property keys of key/value lists whose value the library reads as something other than a string:
    # key -> why it is refused (the bindings refuse it before the call).
    refused_properties: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Library:
    """A library description: who it is and which binary it is (top level), then one table per
    audience: [headers] (parser), [conventions] (convention pass, binding model), [csharp], [python]."""

    name: str
    title: str
    native_library: str  # the binary every runtime loads: lib<native_library>.so, <native_library>.dll
    oldest_version: str  # oldest upstream version with a snapshot; older libraries are reported at load
    headers: Headers
    conventions: ConventionData
    csharp: CSharp
    python: Python
    # How a runtime asks for the loaded library's version, to tell apart versions that export the same
    # symbols (versions.py): {function, free, library}: `library` (a file name stem) holds the function
    # and is loaded from the folder of the library itself, else the function is looked up through the
    # library's handle (its dependencies). Empty: symbols only.
    version_query: dict[str, str] = field(default_factory=dict)
    # Files a dependency of the library finds beside its own file, or at the path a variable gives:
    # variable -> {file: native library stem of the file, beside: native library stem of the dependency,
    # python_package_dir (optional): "<package>/<folder>" where a Python package ships the file}.
    # When that dependency is already in the process from another folder (another package's copy,
    # matched by soname), it looks beside that copy; runtimes then point the variable at the file
    # beside the library they loaded (unless it is set).
    companions: dict[str, dict[str, str]] = field(default_factory=dict)
    # The docs of every public member (bindgen/docs.py), a TOML file named relative to this one
    # (e.g. "docs/genai.toml"); read as an absolute path. Empty: members say only what they call.
    docs: str = ""
    diagnosis: Diagnosis = field(default_factory=Diagnosis)

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
        values = _section(cls, data, f"{path}", "")
        for key, section in _SECTIONS.items():
            if key not in values and cls.__dataclass_fields__[key].default_factory is not MISSING:
                continue  # an optional table
            values[key] = section(**_section(section, values[key], f"{path}: [{key}]", key))
        docs_given = values.get("docs", "")
        if docs_given:
            values["docs"] = str((path.parent / docs_given).resolve())
        library = cls(**values)
        for variable, companion in library.companions.items():
            if not re.fullmatch(_IDENTIFIER, variable) or not {"beside", "file"} <= set(companion) \
                    or not set(companion) <= {"beside", "file", "python_package_dir"}:
                raise ValueError(f"{path}: [companions] {variable}: expected an environment variable name = "
                                 f"{{ file = \"<library stem>\", beside = \"<library stem>\"[, python_package_dir = "
                                 f"\"<package>/<folder>\"] }}, found {companion!r}")
        # Values emitted verbatim into code (namespace, package, string literals, identifiers).
        for where, value, pattern, what in (
                ("[csharp] namespace", library.csharp.namespace, rf"{_IDENTIFIER}(\.{_IDENTIFIER})*",
                 "a C# namespace (dotted identifiers)"),
                ("[python] package", library.python.package, _IDENTIFIER, "a Python package name (an identifier)"),
                ("native_library", library.native_library, r"[A-Za-z0-9_.+-]+",
                 "a library file name stem (letters, digits, _ . + -)"),
                ("[conventions] prefix", library.conventions.prefix, r"[A-Za-z0-9_]*",
                 "a C name prefix (letters, digits, _)")):
            if not re.fullmatch(pattern, value) or (where.startswith("[python]") and keyword.iskeyword(value)):
                raise ValueError(f"{path}: {where}: {value!r} is not {what}")
        for variable in library.csharp.also_search:
            if not isinstance(variable, str) or not re.fullmatch(_IDENTIFIER, variable):
                raise ValueError(f"{path}: [csharp] also_search: {variable!r} is not an environment variable name")
        if docs_given and not Path(library.docs).is_file():
            raise ValueError(f"{path}: docs: {docs_given!r}: no such file ({library.docs})")
        return library


_SECTIONS: dict[str, Any] = {"headers": Headers, "conventions": ConventionData, "csharp": CSharp, "python": Python,
                             "diagnosis": Diagnosis}


def _section(cls: Any, data: Any, where: str, name: str) -> dict[str, Any]:
    """The keys of one table checked against the fields of `cls`: unknown, missing, wrongly typed."""
    if not isinstance(data, dict):
        raise ValueError(f"{where}: expected a table, found {type(data).__name__} {data!r}")
    known = set(cls.__dataclass_fields__)
    unknown = set(data) - known
    if unknown:
        hints = []
        for key in sorted(unknown):
            home = next((s for s, sc in _SECTIONS.items() if s != name and key in sc.__dataclass_fields__), None)
            if home:
                hints.append(f"{key} belongs in [{home}]")
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}" + (f" ({'; '.join(hints)})" if hints else ""))
    required = {n for n, f in cls.__dataclass_fields__.items()
                if f.default is MISSING and f.default_factory is MISSING}
    missing = required - set(data)
    if missing:
        raise ValueError(f"{where}: missing keys {sorted(missing)}")
    hints_ = get_type_hints(cls)
    for key, value in data.items():
        if key in _SECTIONS and not name:
            continue  # a table of its own, checked by the caller
        problem = _type_problem(value, hints_[key])
        if problem:
            raise ValueError(f"{where}: {key}: {problem}")
    return dict(data)


_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"
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
