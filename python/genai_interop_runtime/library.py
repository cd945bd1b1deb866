"""What a generated package tells the runtime about its library: plain data, no behaviour
beyond small conversions. Everything here varies by library; everything that does not lives
in the other runtime modules."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Literal, Mapping, Optional, Sequence

from .errors import InteropError, LibraryNotFoundError, NativeBuildError
from .versions import VersionTable

# How one C parameter of a callback reaches the Python function.
CallbackArg = Literal["string", "value", "raw", "user_data"]
# What the callback's C function returns: a status enum, a plain value, nothing.
CallbackReturn = Literal["enum", "value", "void"]


class CallbackSpec:
    """How one callback struct (function pointer + user data) is filled, and how its function's
    arguments and result convert."""

    def __init__(self, struct: str, extern: str, cdecl: str, function_field: str, user_data_field: str,
                 user_data_index: int, params: Sequence[CallbackArg], returns: CallbackReturn,
                 running: Optional[int], stop: Optional[int], cancel: Optional[int], valid: Sequence[int]) -> None:
        self.struct = struct
        self.extern = extern
        self.cdecl = cdecl
        self.function_field = function_field
        self.user_data_field = user_data_field
        self.user_data_index = user_data_index
        self.params: list[CallbackArg] = list(params)
        self.returns: CallbackReturn = returns
        self.running = running
        self.stop = stop
        self.valid = frozenset(valid)
        # What the callback returns after the user's function raised: cancel (the caller never gets
        # this call's answer, so e.g. a chat turn must not stay in the history), else stop.
        self.on_error: Optional[int] = None if returns == "void" else \
            (cancel if cancel is not None else stop if stop is not None else 0)

    def to_c(self, result: object) -> Any:
        """The C return value for what the user's function returned: None/False go on, True stops,
        a valid enum value is passed as is."""
        if self.returns == "void":
            return None
        if self.returns == "value":
            return result
        if result is None or result is False:
            if self.running is None:
                raise TypeError(f"{self.struct} callback returned {result!r}; expected one of {sorted(self.valid)}")
            return self.running
        if result is True:
            if self.stop is None:
                raise TypeError(f"{self.struct} callback returned True but the C API has no stop value")
            return self.stop
        if isinstance(result, int) and int(result) in self.valid:
            return int(result)
        raise TypeError(f"{self.struct} callback returned {result!r}; expected None, a bool or one of {sorted(self.valid)}")


@dataclass(frozen=True)
class ErrorText:
    """Where the library keeps its own words about a failed call (see convert.error_detail)."""

    enum: type[enum.IntEnum]  # statuses of this enum come with text
    statuses: frozenset[int] = frozenset()  # after these, `last_message` holds this call's message
    last_message: Optional[str] = None  # C function returning the last error message
    owned: bool = False  # that message is allocated for the caller, freed with `free`
    free: Optional[str] = None
    description: Optional[str] = None  # C function describing a status (fallback)


@dataclass(frozen=True)
class ModelKind:
    """What a model of one kind is: a folder holding every file of one of `folder_sets` (and, for each
    file ending with a suffix of `pairs`, the file of the same stem with the paired suffix), or a single
    file whose name ends with a suffix of `files` (suffix -> the bytes it starts with)."""

    title: str  # "an LLM"
    folder_sets: tuple[tuple[str, ...], ...]
    files: Mapping[str, str] = field(default_factory=dict)
    pairs: Mapping[str, str] = field(default_factory=dict)  # a file with suffix K needs the same name with suffix V


@dataclass(frozen=True)
class Diagnosis:
    """What to look at when a call fails with `status` and no text (see genai_interop_runtime.diagnosis)."""

    enum: type[enum.IntEnum]  # the status enum `status` belongs to
    status: int
    model_paths: Mapping[str, tuple[str, ModelKind]] = field(default_factory=dict)  # function -> (param, kind)
    devices: Mapping[str, str] = field(default_factory=dict)  # function -> device param
    meta_devices: tuple[str, ...] = ()  # AUTO:GPU,CPU lists the devices it uses
    # {library, create, free, list, free_list}: a core object listing {char** devices; size_t size}.
    device_query: Optional[Mapping[str, str]] = None
    helper_library_users: frozenset[str] = frozenset()  # functions loading the helper library
    helper_library: Optional[Mapping[str, str]] = None  # {name, env, beside}
    refused_properties: Mapping[str, str] = field(default_factory=dict)  # key -> why
    # Files of the model folder its object was created from that a call needs: function -> files.
    model_files_at_call: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class CDef:
    """The C declarations cffi needs (the generated `_cdef` module)."""

    cdef: str  # ABI mode parses this
    headers: Sequence[str]  # headers declaring the API (API mode includes them all)
    required_headers: Sequence[str] = ()  # headers of other libraries they include
    python_externs: str = ""  # API mode: `extern "Python"` trampolines, one per callback struct
    enum_values: Mapping[str, int] = field(default_factory=dict)  # API mode compares them with the headers
    enum_check_prefix: str = ""
    api_version: Optional[str] = None

    @property
    def enum_check_cdef(self) -> str:
        return "".join(f"static const long long {self.enum_check_prefix}{name};\n" for name in self.enum_values)

    @property
    def enum_check_source(self) -> str:
        return "".join(f"static const long long {self.enum_check_prefix}{name} = (long long)({name});\n"
                       for name in self.enum_values)


@dataclass(frozen=True)
class Library:
    """One native library as a generated package binds it."""

    title: str  # "OpenVINO GenAI"
    package: str  # the generated package ("openvino_genai_cffi"): cache folder, thread and module names
    native_library: str  # base name: lib<name>.so, lib<name>.dylib, <name>.dll
    dir_env: str  # install root variable ("OPENVINO_GENAI_DIR")
    env_prefix: str  # "OPENVINO_GENAI_CFFI": <prefix>_MODE, <prefix>_BUILD_DIR, <prefix>_INCLUDE
    cdef: CDef
    versions: VersionTable
    callbacks: Mapping[str, CallbackSpec] = field(default_factory=dict)  # callback struct -> spec
    base_error: type[InteropError] = InteropError  # raised for "reported success but returned nothing"
    not_found: type[LibraryNotFoundError] = LibraryNotFoundError
    build_error: type[NativeBuildError] = NativeBuildError
    error_text: Optional[ErrorText] = None
    # (variable, file, dependency, package dir): the dependency (a native library stem) finds the native
    # library `file` beside its own file or at the path in `variable`; "package/sub/folder" where a Python
    # package ships that file, or "" (see loader.point_companions).
    companions: Sequence[tuple[str, str, str, str]] = ()
    diagnosis: Optional[Diagnosis] = None
    # C type of another library's objects (e.g. "ov_tensor_t") -> the Python package binding it, which
    # makes them from plain arrays when imported (convert.register_foreign_maker).
    foreign_packages: Mapping[str, str] = field(default_factory=dict)

    @property
    def mode_env(self) -> str:
        return f"{self.env_prefix}_MODE"

    @property
    def build_dir_env(self) -> str:
        return f"{self.env_prefix}_BUILD_DIR"

    @property
    def include_env(self) -> str:
        return f"{self.env_prefix}_INCLUDE"
