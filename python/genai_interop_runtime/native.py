"""One loaded copy of a native library."""
from __future__ import annotations

from typing import Any, Optional, Sequence

from .library import Library
from .versions import Detection, require


class Native:
    """`ffi` and `lib` of cffi for one loaded library, the mode, where it came from, the
    library's description and the version found at load (`api_version`)."""

    def __init__(self, library: Library, mode: str, path: str, ffi: Any, lib: Any,
                 include_dirs: Sequence[str] = ()) -> None:
        self.library = library
        self.mode = mode
        self.path = path
        self.ffi = ffi
        self.lib = lib
        self.include_dirs = list(include_dirs)
        # Callback struct name -> C function pointer of its trampoline (set by callbacks.install).
        self.trampolines: dict[str, Any] = {}
        # Dependencies loaded from the library's folder before it (see loader.preload_dependencies).
        self.preloaded: list[Any] = []
        # Set by the loader (versions.detect_library); None: never checked, nothing is refused.
        self.api_version: Optional[Detection] = None

    def require(self, function: str) -> None:
        """Refuse a call to `function` when the loaded library is older than the version it needs."""
        found = self.api_version
        if found is not None:
            require(found, function)

    def __repr__(self) -> str:
        return f"<Native {self.mode} {self.path}>"
