"""Which copy of a library a loaded library uses (Linux).

A process can hold several files of one library: the GenAI C library's own libopenvino_genai and the
one the official `openvino_genai` Python package loaded, say. What a library does (where the GenAI
library looks for the tokenizers library, for one) depends on the copy the C library is bound to,
never on whichever copy happens to be in the process. That copy is found as the dynamic loader found
it: the library's DT_NEEDED entries (read with pyelftools), each resolved by asking the loader for
the object it holds under that name (`dlopen(name, RTLD_NOLOAD)`: the first loaded object with that
name or soname, as when the library's dependencies were bound) and where it was loaded from (`dlinfo`).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from pathlib import Path
from typing import Any, Optional

from elftools.common.exceptions import ELFError
from elftools.elf.dynamic import DynamicSegment
from elftools.elf.elffile import ELFFile

# <dlfcn.h> on Linux (glibc and musl alike).
_RTLD_LAZY = 0x1
_RTLD_NOLOAD = 0x4
_RTLD_DI_LINKMAP = 2


class UnknownLinkage(LookupError):
    """What a library is bound to cannot be told here (not Linux, not loaded, not an ELF file)."""


class _LinkMap(ctypes.Structure):
    # The public head of glibc's and musl's struct link_map.
    _fields_ = [("l_addr", ctypes.c_void_p), ("l_name", ctypes.c_char_p)]


_dl: Optional[Any] = None


def _dl_functions() -> Any:
    global _dl
    if _dl is None:
        if not sys.platform.startswith("linux"):
            raise UnknownLinkage("only the Linux dynamic loader is asked")
        for name in (None, ctypes.util.find_library("dl")):
            lib = ctypes.CDLL(name)
            if all(hasattr(lib, f) for f in ("dlopen", "dlinfo", "dlclose")):
                lib.dlopen.argtypes, lib.dlopen.restype = [ctypes.c_char_p, ctypes.c_int], ctypes.c_void_p
                lib.dlinfo.argtypes, lib.dlinfo.restype = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p], ctypes.c_int
                lib.dlclose.argtypes, lib.dlclose.restype = [ctypes.c_void_p], ctypes.c_int
                _dl = lib
                break
        else:
            raise UnknownLinkage("dlopen/dlinfo not found")
    return _dl


def loaded_file(name: str) -> Optional[Path]:
    """The file of the object the process holds under `name` (a path, a file name or a soname, matched
    as the dynamic loader matches a dependency), without loading anything; None when none is loaded."""
    dl = _dl_functions()
    handle = dl.dlopen(os.fsencode(name), _RTLD_LAZY | _RTLD_NOLOAD)
    if not handle:
        return None
    try:
        link_map = ctypes.POINTER(_LinkMap)()
        if dl.dlinfo(handle, _RTLD_DI_LINKMAP, ctypes.byref(link_map)) != 0 or not link_map or not link_map.contents.l_name:
            return None
        return Path(os.fsdecode(link_map.contents.l_name))
    finally:
        dl.dlclose(handle)  # the lookup took a reference


def needed(path: Path) -> list[str]:
    """The DT_NEEDED entries of the ELF file at `path` (from its dynamic segment, as the loader reads it)."""
    try:
        with open(path, "rb") as stream:
            elf = ELFFile(stream)
            # pyelftools sets `needed` on a DT_NEEDED tag (the string it names).
            return [str(getattr(tag, "needed")) for segment in elf.iter_segments() if isinstance(segment, DynamicSegment)
                    for tag in segment.iter_tags() if tag.entry.d_tag == "DT_NEEDED"]
    except (OSError, ELFError) as exc:
        raise UnknownLinkage(f"{path}: {exc}") from exc


def _is_file_of(name: str, stem: str) -> bool:
    return name == f"lib{stem}.so" or name.startswith(f"lib{stem}.so.")


def dependency(library: str, stem: str) -> Optional[Path]:
    """The file (symlinks resolved) of the library `stem` (lib<stem>.so[.N]) that the loaded library
    `library` (the path or name it was loaded by) is bound to; None when it does not need one.
    Raises UnknownLinkage when that cannot be told."""
    own = loaded_file(library)
    if own is None:
        raise UnknownLinkage(f"{library} is not loaded")
    for name in needed(own):
        if _is_file_of(os.path.basename(name), stem):
            bound = loaded_file(name)
            if bound is None:
                raise UnknownLinkage(f"{name}, needed by {own}, is not loaded")
            return Path(os.path.realpath(bound))
    return None
