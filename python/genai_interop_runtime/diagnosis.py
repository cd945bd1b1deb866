"""What went wrong when a call fails with a status that carries no text.

GenAI's C layer turns every C++ exception into one status (UNKNOW_EXCEPTION) and drops its
message, so a missing model, an unknown device, a missing tokenizers library and a busy pipeline
all read the same. Before raising, the bindings look at what the failed call was given, as the
library description's `[diagnosis]` table says (rendered into the package's `Library.diagnosis`),
and the exception's message says what they found:

- a model path that does not exist, is not a folder or file of the model kind the function loads,
  or lacks files (which were expected, which were found);
- a device that is not among those OpenVINO's core C library lists (its library sits beside
  the loaded one);
- a helper library (the tokenizers library) missing where the loaded library looks for it (beside the
  copy of the library it sits beside that the loaded library is bound to: `linkage`);
- the object the call was made on busy with another call taking callbacks (a generation on
  another thread, or a stream not finished), named with where it was called;
- (before any call) property keys whose value the library does not read as a string.

Everything here only reads: the file system, the environment, and the device list.
"""
from __future__ import annotations

import ctypes
import os
import sys
import threading
import time
import weakref
from pathlib import Path
from typing import Any, Mapping, Optional

from . import linkage, versions
from .handles import Handle, current_call, running_on
from .library import Diagnosis, ModelKind
from .native import Native

# How many entries of a folder a message lists.
_SHOWN = 12


def refuse_properties(native: Native, keys: list[str], name: str) -> None:
    """Refuse, before the call, property keys the library reads as something other than a string."""
    spec = native.library.diagnosis
    if spec is None:
        return
    for key in keys:
        why = spec.refused_properties.get(key)
        if why is not None:
            raise ValueError(f"{name}: the property {key!r} is not supported: {why}")


def explain(native: Optional[Native], status: int, function: str, args: Optional[Mapping[str, Any]]) -> Optional[str]:
    """What was found about a failure of `function` with the diagnosed status, or None when the status
    is another one or nothing is diagnosed for this library. `args`: the call's diagnosed parameters."""
    spec = native.library.diagnosis if native is not None else None
    if native is None or spec is None or int(status) != spec.status:
        return None
    found: list[str] = []
    args = args or {}
    for probe in (_model_path, _model_files_at_call, _device, _helper_library, _busy):
        try:
            found.extend(probe(native, spec, function, args))
        except Exception as exc:  # a diagnosis never hides the failure it explains
            found.append(f"(looking for the cause failed: {type(exc).__name__}: {exc})")
    if not found:
        return "the library reports no further detail"
    return "the library reports no detail; found: " + "; ".join(found)


# -- model path --

def _model_path(native: Native, spec: Diagnosis, function: str, args: Mapping[str, Any]) -> list[str]:
    entry = spec.model_paths.get(function)
    if entry is None or args.get(entry[0]) is None:
        return []
    return check_model_path(os.fspath(args[entry[0]]), entry[1])


EMPTY_MODEL_PATH = "the model path is empty (name a model folder or a model file)"


def check_model_path(given: str | os.PathLike[str], kind: ModelKind) -> list[str]:
    """What is wrong with `given` as a model of `kind` (empty: it looks like one)."""
    if os.fspath(given) == "":
        return [EMPTY_MODEL_PATH]  # Path("") would be the current folder, which is not what was passed
    path = Path(given)
    shown = str(path)
    if not path.exists():
        parent = path.parent
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent
        return [f"the model path {shown!r} does not exist (the nearest existing folder is {str(parent)!r})"]
    if path.is_file():
        suffix = next((s for s in kind.files if path.name.lower().endswith(s.lower())), None)
        if suffix is None:
            accepted = ", ".join(f"a {s} file" for s in kind.files)
            return [f"the model path {shown!r} is a file; {kind.title} is loaded from a folder"
                    + (f" or {accepted}" if accepted else "")]
        magic = kind.files[suffix].encode("utf-8")
        try:
            with path.open("rb") as f:
                head = f.read(len(magic))
        except OSError as exc:
            return [f"the model file {shown!r} cannot be read: {exc.strerror or exc}"]
        if head != magic:
            return [f"the model file {shown!r} is not a {suffix} file (it does not start with {kind.files[suffix]!r})"]
        return []
    if not path.is_dir():
        return [f"the model path {shown!r} is neither a folder nor a file"]
    try:
        present = sorted(p.name for p in path.iterdir())
    except OSError as exc:
        return [f"the model folder {shown!r} cannot be listed: {exc.strerror or exc}"]
    unpaired = [f"{name} is there without {name[:-len(first)] + second}"
                for name in present for first, second in kind.pairs.items()
                if name.endswith(first) and name[:-len(first)] + second not in present]
    if unpaired:
        unpaired_text = (f"in the model folder {shown!r}, " + ", ".join(unpaired)
                         + " (the library reads them together)")
    if any(all(name in present for name in files) for files in kind.folder_sets):
        return [unpaired_text] if unpaired else []
    expected = " or ".join("[" + ", ".join(files) + "]" for files in kind.folder_sets)
    found = ", ".join(present[:_SHOWN]) + (f", ... ({len(present)} entries)" if len(present) > _SHOWN else "")
    files = " or ".join(f"a {s} file" for s in kind.files)
    closest = min(([name for name in names if name not in present] for names in kind.folder_sets), key=len)
    return [f"the folder {shown!r} is not {kind.title}: {', '.join(closest)} missing (expected {expected}"
            + (f", or the path of {files}" if files else "") + ")"
            + f"; found {found if present else 'nothing (empty folder)'}"] + ([unpaired_text] if unpaired else [])


_MODELS: "weakref.WeakKeyDictionary[Handle, str]" = weakref.WeakKeyDictionary()
_LOADED: "weakref.WeakKeyDictionary[Handle, tuple[str, int]]" = weakref.WeakKeyDictionary()
_MODELS_LOCK = threading.Lock()


def remember_model(handle: Handle, path: Any) -> None:
    """`handle` was created from the model at `path` (just now)."""
    with _MODELS_LOCK:
        _MODELS[handle] = os.fspath(path)
        _LOADED[handle] = (os.path.abspath(os.fspath(path)), time.time_ns())


def model_of(handle: object) -> Optional[tuple[str, int]]:
    """(absolute path, when in time.time_ns()) of the model `handle` was created from, or None."""
    with _MODELS_LOCK:
        if not isinstance(handle, Handle) or handle not in _LOADED:
            return None
        return _LOADED[handle]


def _model_files_at_call(native: Native, spec: Diagnosis, function: str, args: Mapping[str, Any]) -> list[str]:
    files = spec.model_files_at_call.get(function)
    this = current_call()
    target = args.get("self") if isinstance(args.get("self"), Handle) else this.target if this is not None else None
    if not files or target is None:
        return []
    with _MODELS_LOCK:
        origin = _MODELS.get(target)
    if origin is None or not os.path.isdir(origin):
        return []
    missing = [name for name in files if not os.path.exists(os.path.join(origin, name))]
    if not missing:
        return []
    return [f"this {type(target).__name__} was created from the folder {origin!r}, which has no "
            f"{', '.join(missing)}: {function} needs {'it' if len(missing) == 1 else 'them'} (creating the pipeline did not)"]


# -- device --

def _device(native: Native, spec: Diagnosis, function: str, args: Mapping[str, Any]) -> list[str]:
    param = spec.devices.get(function)
    if param is None or not isinstance(args.get(param), str) or spec.device_query is None:
        return []
    device = str(args[param])
    available = available_devices(native, spec.device_query)
    if available is None:
        return []
    missing = [d for d in requested_devices(device, spec.meta_devices) if not device_available(d, available)]
    if not missing:
        return []
    listed = ", ".join(available) if available else "none"
    if missing == [device]:
        return [f"device {device!r} is not available here (available: {listed})"]
    return [f"device {device!r} names {', '.join(repr(d) for d in missing)}, not available here (available: {listed})"]


def requested_devices(device: str, meta: tuple[str, ...]) -> list[str]:
    """The devices a device string uses: `AUTO:GPU,CPU` -> GPU, CPU; a bare meta device -> none."""
    head, sep, rest = device.partition(":")
    if head.upper() in meta:
        inner = [d.strip() for d in rest.split(",") if d.strip()] if sep else []
        return [d for part in inner for d in requested_devices(part.split("(")[0], meta)]
    return [device]


def device_available(device: str, available: list[str]) -> bool:
    """`GPU` matches GPU.0 as well; `GPU.1` only GPU.1."""
    if device in available:
        return True
    if "." not in device:
        return any(a.split(".")[0] == device for a in available)
    return False


class _Devices(ctypes.Structure):
    _fields_ = [("devices", ctypes.POINTER(ctypes.c_char_p)), ("size", ctypes.c_size_t)]


_DEVICE_CACHE: dict[str, list[str]] = {}
_DEVICE_LOCK = threading.Lock()


def available_devices(native: Native, query: Mapping[str, str]) -> Optional[list[str]]:
    """The devices OpenVINO lists (its core C library beside the loaded library, else through the loaded
    library's own dependencies), once per process and library; None when it cannot be asked."""
    with _DEVICE_LOCK:
        if native.path in _DEVICE_CACHE:
            return _DEVICE_CACHE[native.path]
    holders: list[Any] = []
    sibling = versions.sibling_library(native.path, query["library"]) if os.path.isabs(native.path) else None
    # Its real path: its own dependencies are found beside it (RUNPATH $ORIGIN) when it is a symlink.
    for candidate in ([os.path.realpath(sibling)] if sibling is not None else []) + [native.path]:
        try:
            holders.append(ctypes.CDLL(candidate))
        except OSError:
            continue
    for holder in holders:
        names = _ask_devices(holder, query)
        if names is not None:
            with _DEVICE_LOCK:
                _DEVICE_CACHE[native.path] = names
            return names
    return None


def _ask_devices(library: Any, query: Mapping[str, str]) -> Optional[list[str]]:
    create, free, list_, free_list = (getattr(library, query[k], None) for k in ("create", "free", "list", "free_list"))
    if create is None or free is None or list_ is None or free_list is None:
        return None
    create.argtypes, create.restype = [ctypes.POINTER(ctypes.c_void_p)], ctypes.c_int
    free.argtypes, free.restype = [ctypes.c_void_p], None
    list_.argtypes, list_.restype = [ctypes.c_void_p, ctypes.POINTER(_Devices)], ctypes.c_int
    free_list.argtypes, free_list.restype = [ctypes.POINTER(_Devices)], None
    core = ctypes.c_void_p()
    if create(ctypes.byref(core)) != 0 or not core.value:
        return None
    try:
        found = _Devices()
        if list_(core, ctypes.byref(found)) != 0:
            return None
        try:
            return [bytes(found.devices[i] or b"").decode("utf-8", "replace") for i in range(found.size)]
        finally:
            free_list(ctypes.byref(found))
    finally:
        free(core)


# -- helper library --

def _helper_library(native: Native, spec: Diagnosis, function: str, args: Mapping[str, Any]) -> list[str]:
    helper = spec.helper_library
    if helper is None or function not in spec.helper_library_users:
        return []
    file_name = _file_name(helper["name"])
    env = helper.get("env")
    named = os.environ.get(env) if env else None
    if named:
        if not os.path.isfile(named):
            return [f"the {helper['name']} library is looked for at {named!r} (${env}), which is not a file"]
        return []
    beside = helper.get("beside")
    if not beside:
        return []
    # The copy the failing library uses, never another copy some other package loaded into the process.
    try:
        bound = linkage.dependency(native.path, beside)
    except linkage.UnknownLinkage:
        sibling = versions.sibling_library(native.path, beside) if os.path.isabs(native.path) else None
        bound = Path(os.path.realpath(sibling)) if sibling is not None else None
    else:
        if bound is None:
            return []  # the library does not use lib<beside>: it is not what looks for the helper
    folder = bound.parent if bound is not None else None
    if folder is None or (folder / file_name).is_file():
        return []  # not known where it is looked for (the library it sits beside is not loaded)
    text = (f"the {helper['name']} library is not where the library looks for it: "
            f"{str(folder / file_name)!r} does not exist")
    return [text + (f" (put it there, or name the file in ${env})" if env else "")]


def _file_name(stem: str) -> str:
    if sys.platform == "win32":
        return f"{stem}.dll"
    if sys.platform == "darwin":
        return f"lib{stem}.dylib"
    return f"lib{stem}.so"


# -- busy --

def _busy(native: Native, spec: Diagnosis, function: str, args: Mapping[str, Any]) -> list[str]:
    this = current_call()
    if this is None or this.target is None:
        return []
    others = [call for call in running_on(this.target) if call is not this]
    if not others:
        return []
    name = type(this.target).__name__
    return [f"this {name} is busy with another generation: " + "; ".join(call.describe() for call in others)
            + f" (one {name} runs one generation at a time)"]
