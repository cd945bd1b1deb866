"""Image tensors checked before the call: a library that reads OpenVINO tensors as images
(`[conventions.image_tensors]` in the library description) may crash on one with no pixels; the
GenAI 2026.3 C library dies with SIGFPE on an image of height or width 0 (tests/double/MEASURED.md).

Each tensor's shape is asked of OpenVINO's C library, the copy of `libopenvino_c` already loaded in
the process (a real tensor was made by one; when none is loaded the pointers cannot be OpenVINO
tensors and nothing is checked), so the check sees what the library will read, whatever object holds
the tensor.
"""
from __future__ import annotations

import ctypes
import os
import sys
from typing import Any, Optional

# OpenVINO's C API: ov_status_e ov_tensor_get_shape(const ov_tensor_t*, ov_shape_t*); void ov_shape_free(ov_shape_t*).
_CORE_STEM = "openvino_c"


class _Shape(ctypes.Structure):
    _fields_ = [("rank", ctypes.c_int64), ("dims", ctypes.POINTER(ctypes.c_int64))]


_core: Optional[ctypes.CDLL] = None


def _loaded_core() -> Optional[ctypes.CDLL]:
    """The libopenvino_c this process has loaded, or None (never loads one)."""
    global _core
    if _core is not None:
        return _core
    found: Optional[ctypes.CDLL] = None
    try:
        if sys.platform.startswith("linux"):
            with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
                paths = {line.split(None, 5)[5].strip() for line in maps if len(line.split(None, 5)) == 6}
            for path in sorted(paths):
                if os.path.basename(path).startswith(f"lib{_CORE_STEM}.so"):
                    found = ctypes.CDLL(path, mode=os.RTLD_NOW | os.RTLD_NOLOAD)
                    break
        elif sys.platform == "win32":
            kernel32 = ctypes.WinDLL("kernel32")  # type: ignore[attr-defined,unused-ignore]
            kernel32.GetModuleHandleW.restype = ctypes.c_void_p
            if kernel32.GetModuleHandleW(f"{_CORE_STEM}.dll"):
                found = ctypes.CDLL(f"{_CORE_STEM}.dll")
        else:
            found = ctypes.CDLL(f"lib{_CORE_STEM}.dylib", mode=os.RTLD_NOW | os.RTLD_NOLOAD)
    except OSError:
        found = None
    if found is not None:
        found.ov_tensor_get_shape.argtypes = [ctypes.c_void_p, ctypes.POINTER(_Shape)]
        found.ov_tensor_get_shape.restype = ctypes.c_int
        found.ov_shape_free.argtypes = [ctypes.POINTER(_Shape)]
        found.ov_shape_free.restype = ctypes.c_int
        _core = found
    return found


def tensor_shape(address: int) -> Optional[list[int]]:
    """The shape of the OpenVINO tensor at `address`, or None when it cannot be asked."""
    core = _loaded_core()
    if core is None or not address:
        return None
    shape = _Shape()
    if core.ov_tensor_get_shape(ctypes.c_void_p(address), ctypes.byref(shape)) != 0:
        return None
    try:
        return [shape.dims[i] for i in range(shape.rank)]
    finally:
        core.ov_shape_free(ctypes.byref(shape))


def empty_image(dims: list[int]) -> bool:
    """A u8 [N,]H,W,C image with no pixels: height or width 0 (a batch of N = 0 images is no image)."""
    if len(dims) == 3:
        return dims[0] == 0 or dims[1] == 0
    if len(dims) == 4:
        return dims[0] != 0 and (dims[1] == 0 or dims[2] == 0)
    return False  # other ranks: the library refuses them with an error of its own


def check_image_tensors(native: Any, pointers: Any, count: int, name: str) -> None:
    """ValueError naming `name[i]` for the first image tensor with no pixels."""
    for i in range(count):
        dims = tensor_shape(int(native.ffi.cast("uintptr_t", pointers[i])))
        if dims is not None and empty_image(dims):
            raise ValueError(f"{name}[{i}]: an image of shape {dims} has no pixels (height or width 0); "
                             "the library would crash on it")
