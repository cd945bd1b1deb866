"""Argument and result conversion for the generated classes.

Every argument conversion runs before the native call, so a wrong argument raises TypeError or
ValueError and the library never sees it. Conversions that allocate keep their buffers in the
call's `Keep`.
"""
from __future__ import annotations

import importlib

import enum
import math
import os
from typing import Any, Callable, Iterable, Mapping, Optional, Protocol, TypeVar, Union

from . import diagnosis
from .errors import NativeStatusError
from .handles import Handle, Keep
from .native import Native

H = TypeVar("H", bound=Handle)


class SupportsCPointer(Protocol):
    """Anything that exposes a native pointer as a cffi cdata (e.g. another cffi binding's object)."""

    @property
    def c_pointer(self) -> Any:
        """The native pointer, as a cffi cdata."""
        ...


# A foreign handle argument: an object with `c_pointer`, or a cffi pointer cdata itself.
ForeignPointer = Union[SupportsCPointer, Any]
PropertyValue = Union[str, bool, int, float]


def _type_error(name: str, expected: str, value: object) -> TypeError:
    return TypeError(f"{name}: expected {expected}, got {type(value).__name__}")


def c_string(native: Native, keep: Keep, value: object, name: str, optional: bool = False) -> Any:
    if value is None:
        if optional:
            return native.ffi.NULL
        raise _type_error(name, "str", value)
    if not isinstance(value, str):
        raise _type_error(name, "str", value)
    return keep.hold(native.ffi.new("char[]", _utf8(value, name)))


def _utf8(value: str, name: str) -> bytes:
    if "\0" in value:
        raise ValueError(f"{name}: embedded NUL character (C strings end at the first NUL)")
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"{name}: not encodable as UTF-8: {exc}") from None


def c_path(native: Native, keep: Keep, value: object, name: str, optional: bool = False) -> Any:
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
        if isinstance(value, bytes):
            value = os.fsdecode(value)
    if value is not None and not isinstance(value, str):
        raise _type_error(name, "str or os.PathLike", value)
    return c_string(native, keep, value, name, optional)


def c_wstring(native: Native, keep: Keep, value: object, name: str, optional: bool = False) -> Any:
    if value is None:
        if optional:
            return native.ffi.NULL
        raise _type_error(name, "str", value)
    if isinstance(value, os.PathLike):
        value = os.fsdecode(os.fspath(value))
    if not isinstance(value, str):
        raise _type_error(name, "str", value)
    if "\0" in value:
        raise ValueError(f"{name}: embedded NUL character (C strings end at the first NUL)")
    return keep.hold(native.ffi.new("wchar_t[]", value))


def c_int(value: object, name: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        index = getattr(value, "__index__", None)
        if index is None or isinstance(value, bool):
            raise _type_error(name, "int", value)
        value = index()
    assert isinstance(value, int)
    if not lo <= value <= hi:
        raise ValueError(f"{name}: {value} is out of range [{lo}, {hi}]")
    return int(value)


# The smallest magnitude that rounds to infinity as a C float (2**128 minus half an ulp).
_FLOAT_OVERFLOW = 2.0 ** 128 - 2.0 ** 103


def c_float(value: object, name: str, single: bool = False) -> float:
    """A Python number as a C float (`single`) or double. A finite number too large for a C float is
    an error: cffi would silently turn it into infinity."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if not hasattr(value, "__float__") or isinstance(value, (bool, str, bytes)):
            raise _type_error(name, "float", value)
    try:
        result = float(value)
    except OverflowError:
        raise ValueError(f"{name}: {value} is too large for a C {'float' if single else 'double'}") from None
    if single and math.isfinite(result) and abs(result) >= _FLOAT_OVERFLOW:
        raise ValueError(f"{name}: {result} is too large for a C float (at most about 3.4e38)")
    return result


def c_bool(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise _type_error(name, "bool", value)
    return value


def c_enum(value: object, name: str, enum_class: type[enum.IntEnum]) -> int:
    if isinstance(value, enum.Enum) and not isinstance(value, enum_class):
        raise _type_error(name, enum_class.__name__, value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _type_error(name, enum_class.__name__, value)
    if value not in enum_class._value2member_map_:
        raise ValueError(f"{name}: {value} is not a {enum_class.__name__} value")
    return int(value)


def c_handle(native: Native, keep: Keep, value: object, cls: type[Handle], name: str,
             optional: bool = False) -> Any:
    if value is None:
        if optional:
            return native.ffi.NULL
        raise _type_error(name, cls.__name__, value)
    if not isinstance(value, cls):
        raise _type_error(name, cls.__name__, value)
    raw = keep.borrow(value)
    if value._native.ffi is not native.ffi:
        # Loaded in the other mode: same library, another ffi instance.
        return native.ffi.cast(cls._c_type, native.ffi.cast("uintptr_t", raw))
    return raw


def c_function(native: Native, keep: Keep, value: object, name: str, cdecl: str,
               kinds: tuple[str, ...]) -> Any:
    """A C function pointer for a plain callback typedef: a Python callable (wrapped with
    ffi.callback; its exceptions are printed, never passed to C), a cffi function pointer, or None."""
    if value is None:
        return native.ffi.NULL
    if isinstance(value, native.ffi.CData):
        return keep.hold(value)
    if not callable(value):
        raise _type_error(name, "a callable, a cffi function pointer or None", value)
    function = value

    def call(*args: Any) -> None:
        converted = [to_str(native, a) if kind == "string" else a for a, kind in zip(args, kinds)]
        function(*converted)

    return keep.hold(native.ffi.callback(cdecl, call))


def c_foreign(native: Native, keep: Keep, value: object, ctype: str, name: str, optional: bool = False) -> Any:
    """A pointer to an object of another library (e.g. an OpenVINO tensor): an object of any
    generated package (a `Handle`: borrowed for the call, so closing it meanwhile waits, as for
    this package's own objects), any other object with `c_pointer`, or a cffi pointer itself."""
    if value is None:
        if optional:
            return native.ffi.NULL
        raise _type_error(name, f"an object with c_pointer ({ctype})", value)
    keep.hold(value)
    if isinstance(value, Handle):
        pointer = keep.borrow(value)
    else:
        pointer = getattr(value, "c_pointer") if hasattr(value, "c_pointer") else value
    if not _is_cdata_pointer(native, pointer):
        raise _type_error(name, f"an object with c_pointer or a cffi pointer ({ctype})", value)
    _check_pointee(native, pointer, ctype, name)
    address = int(native.ffi.cast("uintptr_t", pointer))
    if address == 0:
        if optional:
            return native.ffi.NULL
        raise ValueError(f"{name}: NULL pointer")
    return native.ffi.cast(ctype, address)


def _check_pointee(native: Native, pointer: Any, ctype: str, name: str) -> None:
    """A pointer to a struct this library knows under another name is the wrong object (e.g. a
    GenerationConfig passed as an image): the library would read it as a `ctype`. A pointer to a type
    it does not declare (void*, another library's struct) is taken on trust."""
    item = native.ffi.typeof(pointer).item
    if item.kind not in ("struct", "union"):
        return
    try:
        known = native.ffi.typeof(item.cname + " *").cname
    except (native.ffi.error, TypeError, ValueError):
        return
    expected = native.ffi.typeof(ctype).cname
    if known != expected:
        raise TypeError(f"{name}: expected {expected}, got a pointer to {item.cname}")


def _is_cdata_pointer(native: Native, value: object) -> bool:
    # ffi.CData is the backend's base class: it covers cdata of every FFI instance.
    return isinstance(value, native.ffi.CData) and native.ffi.typeof(value).kind in ("pointer", "array")


def _empty_array(native: Native, keep: Keep, ctype: str) -> tuple[Any, int]:
    """A valid pointer with a count of 0 for an empty sequence: C functions of these libraries
    reject a NULL array even when its count is 0 (measured: GenAI's set_stop_strings, whisper's
    generate), as C# passes a one-element dummy too."""
    return keep.hold(native.ffi.new(f"{ctype}[1]")), 0


def c_string_array(native: Native, keep: Keep, values: object, name: str) -> tuple[Any, int]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise _type_error(name, "a sequence of str", values)
    strings = []
    for i, item in enumerate(list(values)):
        if not isinstance(item, str):
            raise _type_error(f"{name}[{i}]", "str", item)
        strings.append(keep.hold(native.ffi.new("char[]", _utf8(item, f"{name}[{i}]"))))
    if not strings:
        return _empty_array(native, keep, "char *")
    return keep.hold(native.ffi.new("char *[]", strings)), len(strings)


def c_int_array(native: Native, keep: Keep, values: object, name: str, ctype: str, lo: int, hi: int) -> tuple[Any, int]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise _type_error(name, "a sequence of int", values)
    items = [c_int(v, f"{name}[{i}]", lo, hi) for i, v in enumerate(values)]
    if not items:
        return _empty_array(native, keep, ctype)
    return keep.hold(native.ffi.new(f"{ctype}[]", items)), len(items)


def c_bytes(native: Native, keep: Keep, value: object, name: str) -> tuple[Any, int]:
    """A byte buffer and its length: bytes-like objects as they are (no copy), str as UTF-8."""
    if isinstance(value, str):
        value = value.encode("utf-8")
    try:
        view = memoryview(value)  # type: ignore[arg-type]  # TypeError for what is no buffer
    except TypeError:
        raise _type_error(name, "bytes, bytearray, memoryview or str", value) from None
    if view.nbytes == 0:
        return _empty_array(native, keep, "char")
    return keep.hold(native.ffi.from_buffer("char[]", value)), view.nbytes


def c_float_array(native: Native, keep: Keep, values: object, name: str, ctype: str) -> tuple[Any, int]:
    """A float array: a buffer of that exact C type is passed without copying, anything else is converted."""
    itemsize = native.ffi.sizeof(ctype)
    code = {4: "f", 8: "d"}[itemsize]
    try:
        view: Optional[memoryview] = memoryview(values)  # type: ignore[arg-type]  # TypeError: no buffer
    except TypeError:
        view = None
    if view is not None and view.format == code and view.itemsize == itemsize and view.c_contiguous and view.ndim == 1:
        if view.nbytes == 0:
            return _empty_array(native, keep, ctype)
        return keep.hold(native.ffi.from_buffer(f"{ctype}[]", values)), len(view)
    if view is not None:
        values = view.tolist()
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise _type_error(name, "a sequence of float or a float buffer", values)
    items = [c_float(v, f"{name}[{i}]", itemsize == 4) for i, v in enumerate(values)]
    if not items:
        return _empty_array(native, keep, ctype)
    return keep.hold(native.ffi.new(f"{ctype}[]", items)), len(items)


def check_shortest(count: int, more_than: int, unit: str, note: str, name: str) -> None:
    """Refuses an input array the library fails on, with no message, when it holds `more_than` items or fewer
    (`[conventions.shortest_arrays]` in the library description): ValueError saying how many were given."""
    if count <= more_than:
        raise ValueError(f"{name}: {count} {unit} given; the library needs more than {more_than} {unit}"
                         + (f" ({note})" if note else ""))


def c_handle_array(native: Native, keep: Keep, values: object, cls: type[Handle], name: str, ctype: str) -> tuple[Any, int]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise _type_error(name, f"a sequence of {cls.__name__}", values)
    pointers = [c_handle(native, keep, v, cls, f"{name}[{i}]") for i, v in enumerate(values)]
    if not pointers:
        return _empty_array(native, keep, ctype)
    return keep.hold(native.ffi.new(f"{ctype}[]", pointers)), len(pointers)


# Makers of another library's objects from plain values (a numpy array -> an OpenVINO tensor), by the C
# pointer type they give; the package binding that type registers its maker when imported (see
# Library.foreign_packages for which package that is).
_FOREIGN_MAKERS: dict[str, Callable[[object], object]] = {}


def register_foreign_maker(ctype: str, maker: Callable[[object], object]) -> None:
    """`maker(value)` turns a plain value (e.g. a numpy array) into an object with c_pointer of `ctype`."""
    _FOREIGN_MAKERS[ctype] = maker


def _is_array_like(value: object) -> bool:
    return hasattr(value, "__array_interface__") or hasattr(value, "__array__")


def _foreign_value(native: Native, value: object, ctype: str, name: str) -> object:
    """`value`, or the object of `ctype` made from it when it is a plain array (numpy; an object whose
    `data` is one, as upstream's `openvino.Tensor`). (An image with no pixels is refused where the
    call's image tensors are checked: genai.toml [conventions.image_tensors].)"""
    if isinstance(value, Handle) or hasattr(value, "c_pointer") or _is_cdata_pointer(native, value):
        return value
    data = getattr(value, "data", None)
    array = value if _is_array_like(value) else data if data is not None and _is_array_like(data) else None
    if array is None:
        return value
    if not tuple(getattr(array, "shape", ())):
        raise ValueError(f"{name}: a scalar cannot be passed as {ctype.rstrip(' *')}")
    maker = _FOREIGN_MAKERS.get(ctype)
    package = native.library.foreign_packages.get(ctype.rstrip(" *"))
    if maker is None and package:
        importlib.import_module(package)  # registers its maker
        maker = _FOREIGN_MAKERS.get(ctype)
    if maker is not None and package:
        # That package's library, unless loaded or named already, from beside this one (Loader.load_beside).
        load_beside = getattr(getattr(importlib.import_module(f"{package}._native"), "_LOADER", None), "load_beside", None)
        if load_beside is not None and os.path.isabs(native.path):
            load_beside(os.path.dirname(native.path))
    if maker is None:
        raise TypeError(f"{name}: got an array, but no package that makes {ctype.rstrip(' *')} objects from arrays "
                        f"is known" + (f" ({package} did not register one)" if package else ""))
    return maker(array)


def c_hand_value(native: Native, keep: Keep, value: object, cls: type, native_cls: type[Handle], name: str,
                 optional: bool = False, caller: Optional[Handle] = None) -> Any:
    """A hand-written value class object (e.g. a ChatHistory) as the native object a call on `caller` takes:
    made (or reused) now by `value._to_native(native_cls, caller)`, kept for the call; the value may keep it
    for later calls, tied to `caller` (closed with it at the latest, see Handle._release_with)."""
    if value is None:
        if optional:
            return native.ffi.NULL
        raise _type_error(name, cls.__name__, value)
    if not isinstance(value, cls):
        raise _type_error(name, cls.__name__, value)
    handle = value._to_native(native_cls, caller)  # type: ignore[attr-defined]
    keep.hold(handle)
    return c_handle(native, keep, handle, native_cls, name)


def c_foreign_array(native: Native, keep: Keep, values: object, name: str, ctype: str,
                    optional: bool = False) -> tuple[Any, int]:
    """Objects of another library: a sequence of them (or of arrays they can be made from), or one alone;
    None (when optional) passes none."""
    if values is None and optional:
        return _empty_array(native, keep, ctype)
    if isinstance(values, Handle) or hasattr(values, "c_pointer") or _is_array_like(values) \
            or _is_array_like(getattr(values, "data", None)):
        values = [values]  # one object (upstream's `image=`), or one N-image array
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise _type_error(name, f"a sequence of objects with c_pointer ({ctype})", values)
    pointers = [c_foreign(native, keep, _foreign_value(native, v, ctype, f"{name}[{i}]"), ctype, f"{name}[{i}]")
                for i, v in enumerate(values)]
    if not pointers:
        return _empty_array(native, keep, ctype)
    return keep.hold(native.ffi.new(f"{ctype}[]", pointers)), len(pointers)


def c_key_values(native: Native, keep: Keep, properties: Optional[Mapping[str, PropertyValue]],
                 extra: Mapping[str, PropertyValue], name: str = "properties") -> list[Any]:
    """Key/value properties as the `char*` cdata pairs a variadic C function reads (cffi needs cdata there)."""
    merged: dict[str, Any] = {}
    if properties is not None:
        if not isinstance(properties, Mapping):
            raise _type_error(name, "a mapping of str to str/int/float", properties)
        merged.update(properties)
    for key, value in extra.items():
        if key in merged:
            raise ValueError(f"{name}: {key!r} given twice")
        merged[key] = value
    diagnosis.refuse_properties(native, [k for k in merged if isinstance(k, str)], name)
    args: list[Any] = []
    for key, value in merged.items():
        if not isinstance(key, str):
            raise _type_error(f"{name} key", "str", key)
        if not isinstance(value, (str, int, float)):
            raise TypeError(f"{name}[{key!r}]: expected str, bool, int or float, got {type(value).__name__}")
        # A bool is OpenVINO's string spelling of one, as upstream's Python API accepts True/False
        # (e.g. prompt_lookup=True); str(True) would be "True".
        # An IntEnum member goes as its number (its str() is "Class.MEMBER", as upstream's enums print).
        text_value = (("YES" if value else "NO") if isinstance(value, bool)
                      else str(int(value)) if isinstance(value, enum.IntEnum) else str(value))
        for text, label in ((key, f"{name} key {key!r}"), (text_value, f"{name}[{key!r}]")):
            args.append(keep.hold(native.ffi.new("char[]", _utf8(text, label))))
    return args


def c_strings_varargs(native: Native, keep: Keep, values: object, name: str) -> list[Any]:
    array, count = c_string_array(native, keep, values, name)
    return [array[i] for i in range(count)]


# -- results --

def remember_model(handle: Handle, path: Any) -> None:
    """`handle` was created from the model at `path` (a later failure is diagnosed with it)."""
    diagnosis.remember_model(handle, path)


def check(status: int, error: type[NativeStatusError], ok: int, function: str,
          native: Optional[Native] = None, args: Optional[Mapping[str, Any]] = None) -> None:
    """Raise `error` unless `status` is `ok`. `args`: the parameters the library's diagnosis looks at
    when the status carries no text (see diagnosis.explain)."""
    if status != ok:
        detail = error_detail(native, error, status)
        spec = native.library.diagnosis if native is not None else None
        if not detail and spec is not None and error.status_enum is spec.enum:
            detail = diagnosis.explain(native, status, function, args)
        raise error(status, function, detail)


def error_detail(native: Optional[Native], error: type[NativeStatusError], status: int) -> Optional[str]:
    """The library's own text about a failed call, read right after it returned `status`
    (where the library keeps one: its description's `error_text`)."""
    spec = native.library.error_text if native is not None else None
    if native is None or spec is None or error.status_enum is not spec.enum:
        return None
    text: Optional[str] = None
    # Only these statuses come with a message of this call; after others it is an older one.
    if spec.last_message is not None and status in spec.statuses:
        pointer = getattr(native.lib, spec.last_message)()
        if spec.owned:
            message = owned_str(native, pointer, getattr(native.lib, spec.free) if spec.free else None)
        else:
            message = to_str(native, pointer)
        text = message.strip() if message else None
    if not text and spec.description is not None:
        text = to_str(native, getattr(native.lib, spec.description)(status))
    return text or None


def to_str(native: Native, pointer: Any) -> Optional[str]:
    if pointer == native.ffi.NULL:
        return None
    return bytes(native.ffi.string(pointer)).decode("utf-8")


def owned_str(native: Native, pointer: Any, free: Optional[Callable[[Any], None]]) -> Optional[str]:
    """A string the library allocated for the caller: copied, then freed."""
    if pointer == native.ffi.NULL:
        return None
    try:
        return bytes(native.ffi.string(pointer)).decode("utf-8")
    finally:
        if free is not None:
            free(pointer)


def adopt(cls: type[H], native: Native, pointer: Any, release: Optional[Callable[[Any], None]],
          owner: Optional[object]) -> Optional[H]:
    """Own a returned handle right after the call, so it is freed even if the call then fails."""
    if pointer == native.ffi.NULL:
        return None
    return cls._wrap(native, pointer, release, owner)


def present(native: Native, value: Optional[H], function: str, what: str) -> H:
    if value is None:
        raise native.library.base_error(f"{function} reported success but returned no {what}")
    return value


def non_null(native: Native, pointer: Any, function: str, what: str) -> Any:
    if pointer == native.ffi.NULL:
        raise native.library.base_error(f"{function} reported success but returned no {what}")
    return pointer


def read_string(native: Native, call: Callable[[Any, Any], int], error: type[NativeStatusError],
                ok: int, function: str) -> str:
    """A two-call string getter: ask for the size with a NULL buffer, then fill a buffer of that size."""
    ffi = native.ffi
    size = ffi.new("size_t *")
    for _ in range(4):
        check(call(ffi.NULL, size), error, ok, function, native)
        capacity = size[0]
        if capacity == 0:
            return ""
        buf = ffi.new("char[]", capacity)
        status = call(buf, size)
        if status == ok:
            return bytes(ffi.string(buf, capacity)).decode("utf-8")
        # Failed: if the value grew between the two calls, ask again; otherwise report the failure.
        probe = ffi.new("size_t *")
        if call(ffi.NULL, probe) != ok or probe[0] <= capacity:
            check(status, error, ok, function, native)
    raise native.library.base_error(f"{function}: the value kept changing size between calls")


def read_array(native: Native, ctype: str, count: Callable[[Any], int], fill: Callable[[Any, int], int],
               count_error: Optional[type[NativeStatusError]], error: type[NativeStatusError], ok: int,
               count_function: str, function: str) -> list[Any]:
    """A count-then-fill array getter."""
    ffi = native.ffi
    n = ffi.new("size_t *")
    status = count(n)
    if count_error is not None:
        check(status, count_error, ok, count_function, native)
    if n[0] == 0:
        return []
    buf = ffi.new(f"{ctype}[]", n[0])
    check(fill(buf, n[0]), error, ok, function, native)
    return list(buf)


def one_item(values: object, item: object) -> object:
    """An array parameter also given as one item under its own keyword (upstream's `image=` beside
    `images=`): the item as a list of one, unless the array was given too, which then wins and the item is
    not used (what the official openvino_genai 2026.3 does, measured: `images=[b], image=a` reads only b)."""
    if values is None and item is not None:
        return [item]
    return values


def keyword_input(owner: object, method: str, given: object, name: str,
                  keywords: tuple[tuple[object, str, type], ...]) -> Any:
    """The first input of a method that also takes it under other keywords, each for one kind of input (upstream's
    VLM `generate(prompt="...")` / `generate(history=ChatHistory)`): `given` (positional or `name=`) or the one
    keyword given. TypeError, as upstream's, when none or several are given, or a keyword gets another kind."""
    where = f"{type(owner).__name__}.{method}()"
    chosen = [(value, keyword, cls) for value, keyword, cls in keywords if value is not None]
    if not chosen:
        if given is None:
            raise TypeError(f"{where} needs its input: `{name}`"
                            + "".join(f" or `{keyword}` ({cls.__name__})" for _, keyword, cls in keywords))
        return given
    if given is not None or len(chosen) > 1:
        names = ([name] if given is not None else []) + [keyword for _, keyword, _ in chosen]
        raise TypeError(f"{where} takes one input, got {' and '.join(f'`{n}`' for n in names)}")
    value, keyword, cls = chosen[0]
    if not isinstance(value, cls):
        raise TypeError(f"{where}: `{keyword}` takes a {cls.__name__}, got {type(value).__name__}")
    return value


def upstream_only(owner: object, method: str, value: object, name: str, why: str) -> None:
    """A parameter upstream's API has and the C API cannot carry: fine when left empty (None, "", an empty
    sequence), so upstream's calls that do not use it run; NotImplementedError with the reason otherwise."""
    if value is None or (isinstance(value, (str, bytes, list, tuple, dict)) and not value):
        return
    raise NotImplementedError(f"{type(owner).__name__}.{method}: {name} is not supported: {why}")
