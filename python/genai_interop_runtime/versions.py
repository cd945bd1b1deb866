"""Which version of a library is loaded, and which version each function needs.

One algorithm for every generated package, driven by the table the package carries (rendered
from bindgen/versions.py's `ProbeTable`; `tests/test_versions_runtime.py` checks that it agrees
with `bindgen.versions.detect`):

1. A known version is present when all its probes (functions first declared there and still
   declared by every later version) resolve in the library.
2. The loaded version is at least the newest version whose probes are all present. Later
   versions with no probes of their own can't be told apart by symbols; the library's version
   query (OpenVINO's version, which GenAI releases match) picks among them, and without it the
   oldest candidate is assumed: a call is refused rather than made with a signature the library
   might not have.
3. No version present: the library is older than the oldest known version, refused at load.

`require` refuses a call to a function newer than the loaded library with `NeedsNewerLibrary`
(a NotImplementedError) instead of a missing-symbol error or a call with the wrong signature.
"""
from __future__ import annotations

import ctypes
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Optional

from .errors import NeedsNewerLibrary, UnsupportedLibraryVersion


@dataclass(frozen=True)
class VersionTable:
    """What a generated package knows about the versions of its library."""

    title: str  # "OpenVINO GenAI": the name in "needs OpenVINO GenAI >= X"
    known: tuple[str, ...]  # known versions, oldest first
    probes: tuple[tuple[str, ...], ...]  # per known version: functions that prove it is present
    since: Mapping[str, int]  # function -> index into `known` of the first version with it, as called
    version_query: Optional[tuple[str, str]] = None  # (function, free) reading OpenVINO's version
    # File name stem of the library holding the query ("openvino_c"), looked for beside the library.
    version_library: Optional[str] = None

    def __post_init__(self) -> None:
        if not self.known or len(self.probes) != len(self.known):
            raise ValueError("VersionTable: one probe list per known version, at least one version")

    @property
    def oldest(self) -> str:
        return self.known[0]

    @property
    def newest(self) -> str:
        return self.known[-1]

    def since_version(self, function: str) -> Optional[str]:
        """The first version with this function as the bindings call it, or None if unknown."""
        index = self.since.get(function)
        return None if index is None else self.known[index]


@dataclass
class Detection:
    """What `detect` found: `index` into the table's versions (-1: older than the oldest), the
    versions symbols can't tell apart, what OpenVINO said its version is, and (when too old)
    the probes not found."""

    table: VersionTable
    index: int
    candidates: list[str]
    queried: Optional[str] = None
    missing: list[str] = field(default_factory=list)
    unknown: bool = False  # the library could not be probed: nothing is refused

    @property
    def version(self) -> Optional[str]:
        return self.table.known[self.index] if self.index >= 0 else None

    @property
    def exact(self) -> bool:
        return len(self.candidates) == 1

    def describe(self) -> str:
        if self.index < 0:
            return f"older than {self.table.oldest}"
        return " or ".join(self.candidates)

    def __repr__(self) -> str:
        return f"<Detection {self.describe()}{'' if self.queried is None else ' (OpenVINO ' + self.queried + ')'}>"


def release_key(version: Optional[str]) -> Optional[tuple[int, int, int]]:
    """(year, minor, patch) of "2026.3.0.0" or an OpenVINO build number "2026.3.0-19215-abc"."""
    if not version:
        return None
    parts = version.strip().replace("-", ".").replace(" ", ".").split(".")
    if len(parts) < 3 or not all(p.isdigit() for p in parts[:3]):
        return None
    return int(parts[0]), int(parts[1]), int(parts[2])


def detect(table: VersionTable, has_symbol: Callable[[str], bool],
           query_version: Optional[Callable[[], Optional[str]]] = None) -> Detection:
    """The loaded version, from which symbols resolve and, where they can't tell, the version query."""
    present = [all(has_symbol(n) for n in probes) for probes in table.probes]
    floor = max((i for i, ok in enumerate(present) if ok and table.probes[i]), default=-1)
    if floor < 0:
        return Detection(table, -1, [], None, [n for n in table.probes[0] if not has_symbol(n)])
    ceiling = floor
    while ceiling + 1 < len(table.known) and not table.probes[ceiling + 1]:
        ceiling += 1
    index, queried = floor, None
    if ceiling > floor and query_version is not None:
        try:
            queried = query_version()
        except Exception:  # an unreadable version leaves the oldest candidate: refusing beats a wrong call
            queried = None
        core = release_key(queried)
        if core is not None:
            for i in range(floor, ceiling + 1):
                key = release_key(table.known[i])
                if key is not None and key <= core:
                    index = i
            floor = ceiling = index
    return Detection(table, index, list(table.known[floor:ceiling + 1]), queried)


class _VersionRecord(ctypes.Structure):
    _fields_ = [("build_number", ctypes.c_char_p), ("description", ctypes.c_char_p)]


def sibling_library(path: str, stem: str) -> Optional[Path]:
    """The library called `stem` in the folder of the library file at `path` (libX.so, else the
    shortest versioned name libX.so.NNNN as wheels ship them), or None."""
    if sys.platform == "win32":
        names = [f"{stem}.dll"]
    elif sys.platform == "darwin":
        names = [f"lib{stem}.dylib"]
    else:
        names = [f"lib{stem}.so"]
    folder = Path(path).parent
    for name in names:
        if (folder / name).is_file():
            return folder / name
        versioned = sorted((p for p in folder.glob(name + ".*") if p.is_file()), key=lambda p: (len(p.name), p.name))
        if versioned:
            return versioned[0]
    return None


def query_version(table: VersionTable, library: ctypes.CDLL, path: Optional[str] = None) -> Optional[str]:
    """OpenVINO's version, or None: from the library that holds the query (`table.version_library`),
    loaded from the folder of the library at `path`, else through the library's own handle (which
    finds it only when it is a dependency: a GenAI library linked with --as-needed has none)."""
    if table.version_query is None:
        return None
    holders: list[Any] = []
    sibling = sibling_library(path, table.version_library) if path and table.version_library else None
    if sibling is not None:
        try:
            holders.append(ctypes.CDLL(str(sibling)))
        except OSError:
            pass  # e.g. its own dependencies are not found: ask through the library's handle
    holders.append(library)
    for holder in holders:
        version = _ask(table.version_query, holder)
        if version is not None:
            return version
    return None


def _ask(query: tuple[str, str], library: ctypes.CDLL) -> Optional[str]:
    function, free = (getattr(library, name, None) for name in query)
    if function is None or free is None:
        return None
    function.argtypes, function.restype = [ctypes.POINTER(_VersionRecord)], ctypes.c_int
    free.argtypes, free.restype = [ctypes.POINTER(_VersionRecord)], None
    record = _VersionRecord()
    if function(ctypes.byref(record)) != 0:
        return None
    try:
        raw = record.build_number
        return raw.decode("utf-8", "replace") if raw else None
    finally:
        free(ctypes.byref(record))


def detect_library(table: VersionTable, path: str) -> Detection:
    """Detect the version of the library file at `path` (opened with ctypes, for probing only)."""
    library = ctypes.CDLL(path)
    return detect(table, lambda name: hasattr(library, name), lambda: query_version(table, library, path))


def unknown(table: VersionTable) -> Detection:
    """What a library that could not be probed counts as: the newest version, nothing refused."""
    return Detection(table, len(table.known) - 1, [table.newest], unknown=True)


def check_supported(found: Detection) -> None:
    """Raise UnsupportedLibraryVersion when the library is older than the oldest known (call at load)."""
    if found.index < 0:
        table = found.table
        raise UnsupportedLibraryVersion(
            f"the loaded {table.title} library is older than {table.oldest}, the oldest version these bindings support"
            f" (missing: {', '.join(found.missing)})", None, table.oldest, None)


def require(found: Detection, function: str) -> None:
    """Refuse a call to `function` when the loaded library is older than the version it needs."""
    table = found.table
    need = table.since.get(function, len(table.known) - 1)
    if found.index >= need:
        return
    message = f"{function} needs {table.title} >= {table.known[need]}; the loaded library is {found.describe()}"
    cls = UnsupportedLibraryVersion if found.index < 0 else NeedsNewerLibrary
    raise cls(message, function, table.known[need], found.version)

