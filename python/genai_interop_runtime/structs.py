"""Plain C structs as Python values, copied in both directions.

A struct holding just an array and its length is a Python list (`ov_shape_t`-like: a list of
ints); any other is a NamedTuple of its fields, where array fields are lists and their length
fields are set from those lists. Structs the library fills for the caller are copied and then
released with their free function at once, so no Python object ever points into library memory.
A generated package describes each struct with a `StructSpec`.
"""
from __future__ import annotations

from typing import Any, Callable, Literal, NamedTuple, Optional, Sequence

from . import convert
from .handles import Keep
from .native import Native

# How one field (or array element) converts.
FieldHow = Literal["int", "float", "bool", "enum", "string", "struct", "counted"]


class FieldSpec(NamedTuple):
    """How one field (or array element) converts: see `to_py` and `fill`."""

    name: str  # C field name ("" for an element)
    how: FieldHow
    cls: Any = None  # enum class or nested StructSpec
    count: str = ""  # type: ignore[assignment]  # counted: field path of the length (shadows tuple.count)
    item: Optional["FieldSpec"] = None  # counted: element conversion
    ctype: str = ""  # counted: C element type


class StructSpec(NamedTuple):
    c_name: str
    form: Literal["list", "record"]
    cls: Any  # NamedTuple class, or None for the list form
    fields: tuple[FieldSpec, ...]
    hidden: tuple[str, ...]  # length fields set from list lengths


def _get_path(struct: Any, path: str) -> Any:
    for part in path.split("."):
        struct = getattr(struct, part)
    return struct


def _set_path(struct: Any, path: str, value: int) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        struct = getattr(struct, part)
    setattr(struct, parts[-1], value)


def _value_to_py(native: Native, value: Any, f: FieldSpec) -> Any:
    if f.how == "string":
        return convert.to_str(native, value)
    if f.how == "enum":
        try:
            return f.cls(value)
        except ValueError:
            return int(value)  # a newer library may send members this binding does not know
    if f.how == "bool":
        return bool(value)
    if f.how == "struct":
        return to_py(native, value, f.cls)
    return value


def to_py(native: Native, struct: Any, spec: StructSpec) -> Any:
    """A Python copy of a struct cdata (a value or the object a pointer points to)."""
    values: list[Any] = []
    for f in spec.fields:
        raw = getattr(struct, f.name)
        if f.how == "counted":
            length = int(_get_path(struct, f.count))
            if length <= 0 or raw == native.ffi.NULL:
                values.append([])
            else:
                assert f.item is not None
                values.append([_value_to_py(native, raw[i], f.item) for i in range(length)])
        else:
            values.append(_value_to_py(native, raw, f))
    if spec.form == "list":
        return values[0]
    return spec.cls(*values)


def take(native: Native, pointer: Any, spec: StructSpec, free: Optional[Callable[[Any], None]]) -> Any:
    """Copy a struct the library filled for the caller, then release what it points to."""
    try:
        return to_py(native, pointer[0], spec)
    finally:
        if free is not None:
            free(pointer)


def _fill_value(native: Native, keep: Keep, target: Any, attr: Any, value: Any, f: FieldSpec, name: str) -> None:
    """Store `value` into `target[attr]` (an index) or `target.attr` (a field name)."""
    if f.how == "string":
        converted: Any = convert.c_string(native, keep, value, name, True)
    elif f.how == "enum":
        converted = convert.c_enum(value, name, f.cls)
    elif f.how == "bool":
        converted = convert.c_bool(value, name)
    elif f.how == "float":
        converted = convert.c_float(value, name)
    elif f.how == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name}: expected int, got {type(value).__name__}")
        converted = value
    elif f.how == "struct":
        if isinstance(attr, int):
            fill(native, keep, target + attr, value, f.cls, name)
        else:
            fill(native, keep, native.ffi.addressof(target, attr), value, f.cls, name)
        return
    else:
        raise TypeError(f"{name}: cannot convert a {f.how} field")
    try:
        if isinstance(attr, int):
            target[attr] = converted
        else:
            setattr(target, attr, converted)
    except OverflowError as exc:
        raise ValueError(f"{name}: {value!r} does not fit the C field ({exc})") from None


def fill(native: Native, keep: Keep, pointer: Any, value: Any, spec: StructSpec, name: str) -> None:
    """Write a Python value into the struct `pointer` points to; arrays it needs are kept in `keep`."""
    if spec.form == "list":
        if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
            raise TypeError(f"{name}: expected a sequence, got {type(value).__name__}")
        items = [value]
    else:
        if not isinstance(value, tuple) or len(value) != len(spec.fields):
            raise TypeError(f"{name}: expected {spec.cls.__name__}({', '.join(f.name for f in spec.fields)}), "
                            f"got {type(value).__name__}")
        items = list(value)
    struct = pointer[0]
    for f, item in zip(spec.fields, items):
        if f.how != "counted":
            _fill_value(native, keep, pointer, f.name, item, f, f"{name}.{f.name}")
    for f, item in zip(spec.fields, items):
        if f.how != "counted":
            continue
        assert f.item is not None
        if isinstance(item, (str, bytes)) or not isinstance(item, Sequence):
            raise TypeError(f"{name}.{f.name}: expected a sequence, got {type(item).__name__}")
        if f.count in spec.hidden:
            _set_path(struct, f.count, len(item))
        else:
            declared = int(_get_path(struct, f.count))
            if len(item) != max(declared, 0):
                raise ValueError(f"{name}.{f.name}: {len(item)} items, but {f.count} says {declared}")
        if not item:
            setattr(struct, f.name, native.ffi.NULL)
            continue
        array = keep.hold(native.ffi.new(f.ctype + "[]", len(item)))
        for i, element in enumerate(item):
            _fill_value(native, keep, array, i, element, f.item, f"{name}.{f.name}[{i}]")
        setattr(struct, f.name, array)


def to_c(native: Native, keep: Keep, value: Any, spec: StructSpec, name: str) -> Any:
    """A struct cdata (pass it by value) holding `value`; the memory it points to lives in `keep`."""
    pointer = keep.hold(native.ffi.new(spec.c_name + " *"))
    fill(native, keep, pointer, value, spec, name)
    return pointer[0]


def to_c_array(native: Native, keep: Keep, values: Any, spec: StructSpec, name: str) -> tuple[Any, int]:
    """An array of structs for a `const S* items, size_t n` parameter."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"{name}: expected a sequence, got {type(values).__name__}")
    array = keep.hold(native.ffi.new(spec.c_name + "[]", max(len(values), 1)))
    for i, value in enumerate(values):
        fill(native, keep, array + i, value, spec, f"{name}[{i}]")
    return array, len(values)
