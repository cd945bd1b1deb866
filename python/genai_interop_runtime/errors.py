"""Exception classes every generated package builds on.

Each generated package has its own base class (``OpenVINOGenAIError``, ``OpenVINOError``) that
derives from `InteropError`, and its own ``LibraryNotFoundError``, ``NativeBuildError`` and
``NativeStatusError`` deriving from both its base class and the class of the same name here,
so ``except openvino_genai_cffi.NativeStatusError`` and ``except
genai_interop_runtime.errors.NativeStatusError`` both work. The runtime raises the package's
classes, which the package names in its `Library` description.
"""
from __future__ import annotations

import enum
from typing import ClassVar, Mapping, Optional

from ._docs import documented


# The classes' docs: bindgen/libraries/docs/runtime.toml (one text with their C# twins in OpenVINO.Interop).

@documented
class InteropError(Exception):
    pass


@documented
class LibraryNotFoundError(InteropError, OSError):
    def __init__(self, message: str, tried: list[str]) -> None:
        super().__init__(message)
        self.tried = tried


@documented
class NativeBuildError(InteropError):
    pass


@documented
class NativeStatusError(InteropError, RuntimeError):
    # `status` is the returned value (a member of `status_enum` when known), `status_name` its C enum member name,
    # `function` the C function that returned it. A generated subclass per status enum sets `status_enum` and
    # `c_names` (value -> C member name).

    status_enum: ClassVar[Optional[type[enum.IntEnum]]] = None
    c_names: ClassVar[Mapping[int, str]] = {}

    def __init__(self, status: int, function: str, detail: Optional[str] = None) -> None:
        enum_class = self.status_enum
        member = enum_class(status) if enum_class is not None and status in enum_class._value2member_map_ else None
        self.status: int = member if member is not None else status
        self.status_name: Optional[str] = self.c_names.get(status) if enum_class is not None else None
        self.function = function
        # The library's own words about this failure, when it keeps any (None otherwise).
        self.detail = detail
        shown = f"{self.status_name} ({status})" if self.status_name else f"unknown status {status}"
        super().__init__(f"{function} returned {shown}" + (f": {detail}" if detail else ""))

    def __reduce__(self) -> tuple[type, tuple[int, str, Optional[str]]]:
        return (type(self), (int(self.status), self.function, self.detail))


@documented
class NeedsNewerLibrary(NotImplementedError):
    def __init__(self, message: str, function: Optional[str], required: str, installed: Optional[str]) -> None:
        super().__init__(message)
        self.function = function
        self.required = required
        self.installed = installed


@documented
class UnsupportedLibraryVersion(NeedsNewerLibrary):
    pass
