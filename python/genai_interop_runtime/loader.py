"""Finding and loading a native library, in ABI or API mode.

ABI mode (the default) opens the library with `ffi.dlopen` and needs no compiler. API mode
compiles a small extension module against the headers (the real ones of an install, or any
compatible set given with `include_dirs`) and links it to the library; the C compiler then
checks every declaration, and callbacks use `ffi.def_extern`. Both expose the same Python layer.

One `Loader` per generated package (its `_native` module) keeps the loaded copies and the one
new objects use; the mode comes from `load(mode=...)` or <PREFIX>_MODE (`abi` | `api`).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import importlib.util
import os
import re
import sys
import sysconfig
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable, Optional, Sequence, Union

from . import callbacks, linkage, versions
from .errors import InteropError, LibraryNotFoundError
from .library import Library
from .native import Native

PathLike = Union[str, "os.PathLike[str]"]
MODES = ("abi", "api")

_LIBRARY_SUBDIRS = ("runtime/lib/intel64", "runtime/lib/aarch64", "runtime/lib/arm64", "runtime/bin/intel64/Release",
                    "runtime/lib", "lib", "lib64", "bin", "")
_INCLUDE_SUBDIRS = ("runtime/include", "include")


def library_file_names(name: str) -> list[str]:
    """File names a library called `name` has on this platform (unversioned first)."""
    if sys.platform == "win32":
        return [f"{name}.dll"]
    if sys.platform == "darwin":
        return [f"lib{name}.dylib"]
    return [f"lib{name}.so"]


def preload_dependencies(library: Path) -> list[Any]:
    """Load what `library` needs from its own folder first, for installs whose libraries carry no
    RUNPATH (their dependencies are otherwise found only through LD_LIBRARY_PATH). The dynamic
    loader then matches them by soname. Returns the handles (kept by the caller)."""
    handles: list[Any] = []
    for _ in range(64):
        try:
            handles.append(ctypes.CDLL(str(library)))
            return handles
        except OSError as exc:
            missing = re.search(r"([^\s:/]+): cannot open shared object file", str(exc))
            candidate = library.parent / missing.group(1) if missing else None
            if candidate is None or not candidate.exists() or candidate.resolve() == library.resolve():
                raise
            handles.extend(preload_dependencies(candidate))
    return handles


def _loaded_files() -> list[Path]:
    """The files of the shared objects in this process (Linux: /proc/self/maps)."""
    try:
        with open("/proc/self/maps") as maps:
            return [Path(parts[5]) for parts in (line.split(maxsplit=5) for line in maps)
                    if len(parts) == 6 and parts[5].startswith("/")]
    except OSError:
        return []


def point_companions(library: Library, loaded_from: Path) -> None:
    """For each (variable, file, dependency) of `library.companions`: when the copy of the dependency the
    library just loaded from `loaded_from` is bound to has no `file` beside it (another package loaded its
    own copy first and the library bound to that one by soname) and the variable is unset, point the
    variable at the `file` already in the process (the other package's), else at the one the Python
    package `package_dir` ships, else at the one beside `loaded_from`, where the install's own copy of the
    dependency would have found it. A second copy of the file crashed the process when its objects were
    freed. A library that does not need the dependency (the test double) leaves the variable alone,
    whatever copies of it other packages loaded."""
    for variable, stem, dependency, package_dir in library.companions:
        if os.environ.get(variable):
            continue
        try:
            bound = linkage.dependency(str(loaded_from), dependency)
        except linkage.UnknownLinkage:
            continue
        if bound is None or any((bound.parent / n).exists() for n in library_file_names(stem)):
            continue
        # A copy already in the process first (the other package loaded it for its own copy of the
        # dependency: a second copy of the same library beside it crashed here when objects were freed).
        loaded = [p for p in _loaded_files() if p.name in library_file_names(stem)]
        # Then the copy of the Python package that ships it (the one the other package uses; a copy
        # it loaded may have been unloaded with its last object, while the library keeps state from it).
        packaged = []
        if package_dir:
            top, _, sub = package_dir.partition("/")
            try:
                spec = importlib.util.find_spec(top)
            except (ImportError, ValueError):
                spec = None
            for location in (spec.submodule_search_locations or []) if spec is not None else []:
                packaged += [Path(location) / sub / n for n in library_file_names(stem) if (Path(location) / sub / n).exists()]
        beside_us = [loaded_from.parent / n for n in library_file_names(stem) if (loaded_from.parent / n).exists()]
        for candidate in loaded + packaged + beside_us:
            os.environ[variable] = str(candidate)
            break


class Loader:
    """The loaded copies of one library (once per path and mode) and the one new objects use."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self._lock = threading.RLock()
        self._current: Optional[Native] = None
        self._loaded: dict[tuple[str, ...], Native] = {}

    # -- finding --
    def library_file_names(self) -> list[str]:
        return library_file_names(self.library.native_library)

    def _candidates_in(self, directory: Path) -> list[Path]:
        found = []
        for file_name in self.library_file_names():
            exact = directory / file_name
            if exact.is_file():
                found.append(exact)
            else:
                # Wheels ship versioned names only (libX.so.2630); take the shortest.
                versioned = sorted(directory.glob(file_name + ".*"), key=lambda p: (len(p.name), p.name))
                found.extend(p for p in versioned if p.is_file())
        return found

    def find_library(self, path: Optional[PathLike] = None) -> Optional[Path]:
        """The library file to load: from `path` (a file, or a directory searched like an install root)
        when given, else from the install root in the library's directory variable when set, else
        None (the caller asks the system loader). A path or variable that leads nowhere is an error
        naming every place looked at, never a silent fall-back to some other copy of the library.
        """
        dir_env = self.library.dir_env
        tried: list[str] = []
        if path is not None:
            given = Path(os.fspath(path))
            if given.is_file():
                return given
            label = "given path"
            root = given
        elif os.environ.get(dir_env):
            label = f"${dir_env}"
            root = Path(os.environ[dir_env])
        else:
            return None
        if not root.exists():
            tried.append(f"{root} ({label}: does not exist)")
        elif not root.is_dir():
            tried.append(f"{root} ({label}: not a library file or a directory)")
        else:
            for sub in _LIBRARY_SUBDIRS:
                directory = root / sub if sub else root
                hits = self._candidates_in(directory) if directory.is_dir() else []
                if hits:
                    return hits[0]
                tried.append(f"{directory}/{self.library_file_names()[0]} ({label}: not found)")
        raise self._not_found(tried)

    def _system_library(self, ffi: Any, tried: list[str]) -> tuple[Any, str]:
        names = self.library_file_names()
        found = ctypes.util.find_library(self.library.native_library)
        if found and found not in names:
            names.append(found)
        for name in names:
            try:
                return ffi.dlopen(name), name
            except OSError as exc:
                tried.append(f"{name} (system loader: {exc})")
        raise self._not_found(tried)

    def _not_found(self, tried: list[str]) -> LibraryNotFoundError:
        lines = "\n  ".join(tried) or "(nothing)"
        return self.library.not_found(
            f"cannot load the {self.library.title} C library ({self.library_file_names()[0]}); tried:\n  {lines}\n"
            f"pass load(path=...) or set {self.library.dir_env} to an install directory "
            f"(archive layout runtime/lib/<arch>, or lib/)",
            tried)

    # -- loading --
    def default_mode(self) -> str:
        mode_env = self.library.mode_env
        mode = os.environ.get(mode_env, "abi").strip().lower() or "abi"
        if mode not in MODES:
            raise ValueError(f"{mode_env}={mode!r}: expected one of {', '.join(MODES)}")
        return mode

    def load(self, path: Optional[PathLike] = None, mode: Optional[str] = None,
             include_dirs: Optional[Sequence[PathLike]] = None, build_dir: Optional[PathLike] = None) -> Native:
        """Load the library (once per path and mode) and make it the one new objects use.

        `path`: the library file or an install directory (default: the install root variable, then
        the system loader). `mode`: "abi" (default, or <PREFIX>_MODE) or "api". API mode only:
        `include_dirs` with the C API headers (default: <PREFIX>_INCLUDE, then the install's
        include directory), `build_dir` for the compiled module (default: <PREFIX>_BUILD_DIR,
        then a per-user cache directory).
        """
        chosen = (mode or self.default_mode()).lower()
        if chosen not in MODES:
            raise ValueError(f"mode={mode!r}: expected one of {', '.join(MODES)}")
        with self._lock:
            native = self._load_abi(path) if chosen == "abi" else self._load_api(path, include_dirs, build_dir)
            # Which version it is; a library older than the oldest known one is refused here.
            self._attach_version(native)
            self._current = native
            return native

    def load_beside(self, folder: PathLike) -> Optional[Native]:
        """Load this library from `folder` when nothing is loaded yet and its directory variable names no
        install; otherwise (or when `folder` holds no copy, or that copy fails to load) do nothing and
        return None, leaving the usual search to `current()`. Another binding calls this with the folder
        its own library came from: an install keeps them together (libopenvino_c beside
        libopenvino_genai_c, which needs it), so a user who named only that binding's folder gets the copy
        the process already uses."""
        with self._lock:
            if self._current is not None or os.environ.get(self.library.dir_env):
                return None
            directory = Path(os.fspath(folder))
            if not directory.is_dir() or not self._candidates_in(directory):
                return None
            try:
                return self.load(directory)
            except InteropError:
                return None

    def current(self) -> Native:
        """The library new objects use; loaded with the defaults on first use."""
        native = self._current
        if native is not None:
            return native
        with self._lock:
            return self._current if self._current is not None else self.load()

    def _attach_version(self, native: Native) -> None:
        """Detect the version of a loaded library (once) and keep it on it as `api_version`; a
        library older than the oldest known version raises UnsupportedLibraryVersion here."""
        found = native.api_version
        if found is None:
            try:
                found = versions.detect_library(self.library.versions, native.path)
            except OSError:
                # Loaded by cffi but not reopenable here: calls go ahead unchecked.
                found = versions.unknown(self.library.versions)
            native.api_version = found
        versions.check_supported(found)

    def _new_ffi(self, extra: str = "") -> Any:
        import cffi

        ffi = cffi.FFI()
        ffi.cdef(self.library.cdef.cdef + extra)
        return ffi

    def _load_abi(self, path: Optional[PathLike]) -> Native:
        found = self.find_library(path)
        tried: list[str] = []
        key = ("abi", str(found) if found else "")
        if key in self._loaded:
            return self._loaded[key]
        ffi = self._new_ffi()
        preloaded: list[Any] = []
        if found is not None:
            try:
                if sys.platform.startswith("linux"):
                    preloaded = preload_dependencies(found)
                lib = ffi.dlopen(str(found))
            except OSError as exc:
                tried.append(f"{found} (dlopen failed: {exc})")
                raise self._not_found(tried) from exc
            where = str(found)
        else:
            lib, where = self._system_library(ffi, tried)
        if found is not None and sys.platform.startswith("linux"):
            point_companions(self.library, found)
        native = Native(self.library, "abi", where, ffi, lib)
        native.preloaded = preloaded
        callbacks.install(native)
        self._loaded[key] = native
        return native

    def _include_dirs(self, library: Path, given: Optional[Sequence[PathLike]]) -> list[str]:
        cdef = self.library.cdef
        include_env = self.library.include_env
        # Absolute: the compiler runs in a temporary directory.
        dirs: list[Path] = [Path(os.fspath(d)).resolve() for d in given] if given is not None else []
        if given is None:
            env = os.environ.get(include_env)
            if env:
                dirs = [Path(d).resolve() for d in env.split(os.pathsep) if d]
        if not dirs:
            dir_env = self.library.dir_env
            roots = [Path(os.environ[dir_env])] if os.environ.get(dir_env) else []
            # An install root above the library: <root>/runtime/lib/intel64/libX.so or <root>/lib/libX.so.
            roots += [library.parent.parent.parent.parent, library.parent.parent.parent, library.parent.parent]
            partial: list[Path] = []  # an install's headers lacking some of ours: an older release
            for root in roots:
                for sub in _INCLUDE_SUBDIRS:
                    present = [(root / sub / h).is_file() for h in cdef.headers]
                    if all(present):
                        dirs.append(root / sub)
                        break
                    if any(present) and not partial:
                        partial.append(root / sub)
                if dirs:
                    break
            if not dirs:
                dirs = partial
        missing = [h for h in cdef.headers if not any((d / h).is_file() for d in dirs)]
        if missing:
            table = self.library.versions
            older = (f" (the headers there are of an older release than {table.newest}, the one this package was "
                     f"generated for: API mode needs that release's headers and library; ABI mode, the default, "
                     f"runs on older libraries)") if dirs and len(missing) < len(cdef.headers) else ""
            raise self.library.build_error(
                f"API mode needs the C API headers of {table.title} {table.newest}: {missing[0]} is not in "
                f"{[str(d) for d in dirs] or 'any include directory'}{older}; pass include_dirs= or set {include_env}")
        for required in cdef.required_headers:
            if not any((d / required).is_file() for d in dirs):
                wheel = _openvino_wheel_include()
                if wheel is None or not (wheel / required).is_file():
                    raise self.library.build_error(f"API mode: {required} (included by the API headers) is not in "
                                                   f"{[str(d) for d in dirs]} nor in an installed openvino wheel")
                dirs.append(wheel)
        return [str(d) for d in dirs]

    def _default_build_dir(self) -> Path:
        env = os.environ.get(self.library.build_dir_env)
        if env:
            return Path(env)
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        return Path(base) / self.library.package

    def _load_api(self, path: Optional[PathLike], include_dirs: Optional[Sequence[PathLike]],
                  build_dir: Optional[PathLike]) -> Native:
        cdef = self.library.cdef
        found = self.find_library(path)
        tried: list[str] = []
        if found is None:
            system = ctypes.util.find_library(self.library.native_library)
            if not system or not Path(system).is_file():
                tried.append(f"{self.library.native_library} (system loader: API mode needs a library file to link)")
                raise self._not_found(tried)
            found = Path(system)
        library = found.resolve()
        preloaded: list[Any] = []
        if sys.platform.startswith("linux"):
            # Loaded before the module is built against it: a file the dynamic loader refuses (a corrupt
            # library, a missing dependency) is reported with the loader's reason, as in ABI mode, not as a
            # link error of the build.
            try:
                preloaded = preload_dependencies(library)
            except OSError as exc:
                tried.append(f"{library} (dlopen failed: {exc})")
                raise self._not_found(tried) from exc
        includes = self._include_dirs(library, include_dirs)
        digest = hashlib.sha256()
        for part in (cdef.cdef, cdef.python_externs, cdef.enum_check_source, str(library), sys.version,
                     sysconfig.get_platform()):
            digest.update(part.encode("utf-8") + b"\0")
        for header in cdef.headers:
            for directory in includes:
                candidate = Path(directory) / header
                if candidate.is_file():
                    digest.update(str(candidate).encode("utf-8") + candidate.read_bytes())
                    break
        module_name = f"_{self.library.package}_api_{digest.hexdigest()[:16]}"
        key = ("api", module_name)
        if key in self._loaded:
            return self._loaded[key]
        out_dir = Path(os.fspath(build_dir)) if build_dir is not None else self._default_build_dir()
        module_path = self._compiled(module_name, out_dir, library, includes)
        spec = importlib.util.spec_from_file_location(module_name, module_path)
        if spec is None or spec.loader is None:
            raise self.library.build_error(f"cannot import {module_path}")
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except Exception as exc:  # ImportError, or cffi's check of the declarations against the headers
            raise self.library.build_error(f"API mode: importing {module_path} failed: {exc}") from exc
        prefix = cdef.enum_check_prefix
        mismatched = [f"{name} is {getattr(module.lib, prefix + name)} in the headers, {value} in the model"
                      for name, value in cdef.enum_values.items()
                      if getattr(module.lib, prefix + name) != value]
        if mismatched:
            raise self.library.build_error(f"API mode: the headers in {includes} disagree with these bindings "
                                           f"({cdef.api_version}): " + "; ".join(mismatched))
        sys.modules[module_name] = module
        if sys.platform.startswith("linux"):
            point_companions(self.library, library)
        native = Native(self.library, "api", str(library), module.ffi, module.lib, includes)
        native.preloaded = preloaded
        callbacks.install(native)
        self._loaded[key] = native
        return native

    def _compiled(self, module_name: str, out_dir: Path, library: Path, includes: list[str]) -> Path:
        cdef = self.library.cdef
        suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
        target = out_dir / (module_name + suffix)
        if target.is_file():
            return target
        out_dir.mkdir(parents=True, exist_ok=True)
        ffi = self._new_ffi(cdef.python_externs + cdef.enum_check_cdef)
        source = "".join(f"#include <{h}>\n" for h in cdef.headers) + cdef.enum_check_source
        link_args = [] if sys.platform == "win32" else [f"-Wl,-rpath,{library.parent}"]
        ffi.set_source(module_name, source, include_dirs=includes, extra_objects=[str(library)],
                       extra_link_args=link_args)
        with tempfile.TemporaryDirectory(prefix=module_name, dir=out_dir) as tmp:
            built, log = _capturing_output(lambda: ffi.compile(tmpdir=tmp, verbose=False))
            if built is None:
                messages = [line for line in log.splitlines() if "error" in line.lower()] or log.splitlines()[-20:]
                raise self.library.build_error(
                    f"API mode: compiling {module_name} against {includes} failed:\n" + "\n".join(messages))
            # Atomic: a concurrent build of the same module never sees half a file.
            os.replace(built, target)
        return target


def _openvino_wheel_include() -> Optional[Path]:
    spec = importlib.util.find_spec("openvino")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "include"
        if candidate.is_dir():
            return candidate
    return None


def _capturing_output(build: Callable[[], object]) -> tuple[Optional[str], str]:
    """Run the compiler with stdout/stderr (file descriptors 1 and 2) sent to a log, so its
    messages end up in the error instead of on the console."""
    with tempfile.TemporaryFile() as log:
        sys.stdout.flush()
        sys.stderr.flush()
        saved = [os.dup(1), os.dup(2)]
        result: Optional[str] = None
        try:
            os.dup2(log.fileno(), 1)
            os.dup2(log.fileno(), 2)
            try:
                result = str(build())
            except Exception as exc:  # cffi raises VerificationError or a setuptools/distutils error
                log.write(f"\n{type(exc).__name__}: {exc}\n".encode("utf-8"))
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
        log.seek(0)
        return result, log.read().decode("utf-8", "replace")
