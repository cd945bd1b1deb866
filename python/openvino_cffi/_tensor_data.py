"""Hand-written (not generated): numpy and buffer access for `Tensor`, mixed into the generated class.

Declared in bindgen/libraries/core.toml ([python.mixins]); the generated `Tensor` inherits
`TensorData`, so everything here works on the generated methods (`from_host_ptr`, `data`,
`shape`, `element_type`, `byte_size`).

Copies happen only where asked for or unavoidable:
- `Tensor.from_numpy(a)` wraps the array's own memory (ov_tensor_create_from_host_ptr); the
  tensor keeps the array alive. A non-contiguous or read-only array is copied once first.
- `t.as_numpy()` is a view onto the tensor's memory (ov_tensor_data); while any such view
  lives, `t.close()` and a shape change raise BufferError instead of leaving it dangling.
- `t.to_numpy()` / `np.asarray(t)` copy out; `t.copy_from(a)` copies in.
"""
from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any, Dict, Optional, Sequence, Type, TypeVar

from genai_interop_runtime import convert as _rconvert

from . import _native
from ._enums import ElementType

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

T = TypeVar("T", bound="TensorData")

# OpenVINO element type -> numpy dtype name. Types numpy has no dtype for (bf16, i4, u1, nf4,
# f8 ...) and string tensors are refused by name rather than reinterpreted.
_DTYPES: Dict[ElementType, str] = {
    ElementType.OV_BOOLEAN: "bool",
    ElementType.F16: "float16",
    ElementType.F32: "float32",
    ElementType.F64: "float64",
    ElementType.I8: "int8",
    ElementType.I16: "int16",
    ElementType.I32: "int32",
    ElementType.I64: "int64",
    ElementType.U8: "uint8",
    ElementType.U16: "uint16",
    ElementType.U32: "uint32",
    ElementType.U64: "uint64",
}

# Tensor -> the live views onto its memory (weak on both sides: a view keeps its tensor alive).
_VIEWS: "weakref.WeakKeyDictionary[Any, weakref.WeakSet[_View]]" = weakref.WeakKeyDictionary()


def _numpy() -> Any:
    try:
        import numpy
    except ImportError as exc:  # pragma: no cover - numpy is a test dependency
        raise ImportError("Tensor numpy access needs numpy (pip install numpy)") from exc
    return numpy


def dtype_of(element_type: int) -> str:
    """The numpy dtype name for an OpenVINO element type; TypeError when numpy has none."""
    try:
        return _DTYPES[ElementType(element_type)]
    except (KeyError, ValueError):
        name = ElementType(element_type).name if element_type in ElementType._value2member_map_ else str(element_type)
        raise TypeError(f"element type {name} has no numpy equivalent; supported: "
                        f"{', '.join(e.name for e in _DTYPES)}") from None


def element_type_of(dtype: Any) -> ElementType:
    """The OpenVINO element type for a numpy dtype; TypeError when there is none."""
    npm = _numpy()
    name = npm.dtype(dtype).name
    for element, dname in _DTYPES.items():
        if dname == name:
            return element
    raise TypeError(f"numpy dtype {name} has no OpenVINO element type; supported: {', '.join(_DTYPES.values())}")


class _View:
    """Exposes a tensor's memory through `__array_interface__` and keeps the tensor alive."""

    __slots__ = ("tensor", "__array_interface__", "__weakref__")

    def __init__(self, tensor: Any, address: int, shape: Sequence[int], typestr: str) -> None:
        self.tensor = tensor
        self.__array_interface__ = {"version": 3, "shape": tuple(shape), "typestr": typestr,
                                    "data": (address, False), "strides": None}


class TensorData:
    """Numpy access for the generated `Tensor` (see the module documentation)."""

    __slots__ = ()

    # -- creation --
    @classmethod
    def from_numpy(cls: Type[T], array: Any, copy: bool = False) -> T:
        """A tensor over `array`'s memory (no copy), or over a copy when `copy` is true or the array
        is not C-contiguous and writable. The tensor keeps the memory alive."""
        npm = _numpy()
        source = npm.asarray(array)
        element = element_type_of(source.dtype)
        shape = [int(d) for d in source.shape]
        if copy or source.size == 0:
            # An empty array has no address OpenVINO accepts: allocate (nothing to copy then).
            tensor = cls(element, shape)  # type: ignore[call-arg]
            if source.size:
                tensor.copy_from(source)
            return tensor
        if not source.flags.c_contiguous or not source.flags.writeable:
            # The library may write into host memory (an output tensor): give it a private copy.
            source = npm.ascontiguousarray(source).copy()
        native = _native.current()
        return cls.from_host_ptr(element, shape, native.ffi.from_buffer(source))  # type: ignore[attr-defined, no-any-return]

    # -- reading and writing --
    def as_numpy(self) -> "np.ndarray":
        """A view onto the tensor's memory (writes go to the tensor). While a view lives, `close()`
        and shape changes raise BufferError."""
        npm = _numpy()
        dtype = npm.dtype(dtype_of(self.element_type))  # type: ignore[attr-defined]
        shape = self.shape  # type: ignore[attr-defined]
        count = 1
        for d in shape:
            count *= d
        if count == 0:
            empty: "np.ndarray" = npm.zeros(shape, dtype=dtype)
            return empty
        native = self._native  # type: ignore[attr-defined]
        address = int(native.ffi.cast("uintptr_t", self.data()))  # type: ignore[attr-defined]
        if address == 0:
            raise ValueError("the tensor has no data (ov_tensor_data returned NULL)")
        view = _View(self, address, shape, dtype.str)
        views = _VIEWS.get(self)
        if views is None:
            views = _VIEWS[self] = weakref.WeakSet()
        views.add(view)
        array: "np.ndarray" = npm.asarray(view)
        return array

    def to_numpy(self) -> "np.ndarray":
        """A copy of the tensor's contents."""
        view = self.as_numpy()
        copied = view.copy()
        del view
        return copied

    def copy_from(self, array: Any) -> None:
        """Copy `array` into the tensor (same shape; values converted to the tensor's element type)."""
        npm = _numpy()
        source = npm.asarray(array)
        target = self.as_numpy()
        if tuple(source.shape) != tuple(target.shape):
            raise ValueError(f"shape {list(source.shape)} does not match the tensor's {list(target.shape)}")
        npm.copyto(target, source, casting="same_kind")

    def __array__(self, dtype: Any = None, copy: Optional[bool] = None) -> "np.ndarray":
        result = self.to_numpy()
        return result if dtype is None else result.astype(dtype, copy=False)

    # -- guarding views --
    def _live_views(self) -> int:
        views = _VIEWS.get(self)
        return len(views) if views is not None else 0

    def close(self) -> None:
        """Free the native tensor now; BufferError while views from `as_numpy()` are alive."""
        live = self._live_views()
        if live:
            raise BufferError(f"Tensor.close(): {live} numpy view(s) of its memory still exist; "
                              f"delete them (or use to_numpy() copies) first")
        super().close()  # type: ignore[misc]

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "shape" and self._live_views():
            raise BufferError("Tensor.shape: numpy views of its memory exist and a new shape may move it")
        super().__setattr__(name, value)


def _tensor_from_array(array: Any) -> Any:
    """A `Tensor` over a numpy array, for calls of other bindings taking OpenVINO tensors (e.g. the GenAI
    VLM pipeline's images given as numpy arrays): see genai_interop_runtime.convert.register_foreign_maker."""
    # The generated Tensor is the class mixing this one in (importing _bindings here would be a circle).
    tensor_cls = next(cls for cls in TensorData.__subclasses__() if cls.__module__.endswith("._bindings"))
    return tensor_cls.from_numpy(array)


_rconvert.register_foreign_maker("ov_tensor_t *", _tensor_from_array)
