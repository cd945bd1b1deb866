"""API model <-> deterministic JSON ("snapshot").

Byte-identical output for the same model: fixed key order, declaration order for lists,
LF line endings, trailing newline. Doc comments are never written (they are upstream text).
"""
from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any, Optional, Union, get_args, get_origin, get_type_hints

from . import model as m
from .resources import data_dir

SCHEMA = 1
SNAPSHOT_DIR = data_dir("snapshots")
_NEVER_WRITTEN = {"doc"}


def _encode(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(obj):
            if f.name in _NEVER_WRITTEN:
                continue
            value = getattr(obj, f.name)
            # Leave out fields at their defaults: keeps snapshots small and diffs readable.
            if f.default is not dataclasses.MISSING and value == f.default:
                continue
            if f.default_factory is not dataclasses.MISSING and value == f.default_factory():
                continue
            out[f.name] = _encode(value)
        return out
    if isinstance(obj, list):
        return [_encode(v) for v in obj]
    return obj


def dumps(api: m.API) -> str:
    data = {"schema": SCHEMA, **_encode(api)}
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def write(api: m.API, path: Path) -> None:
    path.write_text(dumps(api), encoding="utf-8", newline="\n")


def _json_type(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "an integer",
            float: "a number", type(None): "null"}.get(type(value), type(value).__name__)


def _decode(cls: Any, data: Any, where: str = "") -> Any:
    origin = get_origin(cls)
    if origin is Union:  # Optional[X]
        args = [a for a in get_args(cls) if a is not type(None)]
        return None if data is None else _decode(args[0], data, where)
    if origin is list:
        (item,) = get_args(cls)
        if not isinstance(data, list):
            raise ValueError(f"{where}: expected an array, found {_json_type(data)}")
        return [_decode(item, v, f"{where}[{i}]") for i, v in enumerate(data)]
    if isinstance(cls, type) and dataclasses.is_dataclass(cls):
        if not isinstance(data, dict):
            raise ValueError(f"{where or 'snapshot'}: expected an object ({cls.__name__}), found {_json_type(data)}")
        hints = get_type_hints(cls, vars(m))
        fields = {f.name: f for f in dataclasses.fields(cls)}
        unknown = set(data) - set(fields)
        if unknown:
            raise ValueError(f"{where}: unknown fields for {cls.__name__}: {sorted(unknown)}")
        missing = [name for name, f in fields.items() if name not in data
                   and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
        if missing:
            raise ValueError(f"{where or 'snapshot'}: malformed {cls.__name__}: missing {', '.join(missing)}")
        name = data.get("name")
        label = f"{where} ({name})" if isinstance(name, str) and name and where else where
        return cls(**{k: _decode(hints[k], v, f"{label}.{k}" if label else k) for k, v in data.items()})
    if cls is bool:
        if not isinstance(data, bool):
            raise ValueError(f"{where}: expected a boolean, found {_json_type(data)}")
    elif cls is int:
        if isinstance(data, bool) or not isinstance(data, int):
            raise ValueError(f"{where}: expected an integer, found {_json_type(data)}")
    elif cls is str:
        if not isinstance(data, str):
            raise ValueError(f"{where}: expected a string, found {_json_type(data)}")
    return data


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_POWERS_OF_TWO = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096}


def validate(api: m.API) -> None:
    """What emitters rely on and JSON cannot say: C identifiers, one declaration per name, type
    references that resolve, values a C compiler could have produced. A snapshot written by
    `bindgen parse` always passes; a hand-edited one that does not is refused here (ValueError)
    instead of failing deep inside an emitter or rendering code that does not compile."""

    def identifier(name: str, where: str) -> None:
        if not _IDENTIFIER.match(name):
            raise ValueError(f"{where}: {name!r} is not a C identifier")

    declared: dict[str, str] = {}

    def declare(name: str, what: str, where: str) -> None:
        identifier(name, where)
        if name in declared:
            raise ValueError(f"{where}: {name} is declared twice ({declared[name]} and {what})")
        declared[name] = what

    for i, h in enumerate(api.handles):
        declare(h.name, "a handle", f"handles[{i}]")
        identifier(h.tag, f"handles[{i}] ({h.name}).tag")
    for i, e in enumerate(api.enums):
        where = f"enums[{i}] ({e.name})"
        declare(e.name, "an enum", where)
        if e.size not in (1, 2, 4, 8):
            raise ValueError(f"{where}.size: {e.size} is not the size of a C integer type")
        for j, member in enumerate(e.members):
            declare(member.name, f"a member of {e.name}", f"{where}.members[{j}]")
            if not -(2 ** 63) <= member.value < 2 ** 64:
                raise ValueError(f"{where}.members[{j}] ({member.name}): {member.value} does not fit 64 bits")
    for i, st in enumerate(api.structs):
        declare(st.name, "a struct", f"structs[{i}] ({st.name})")
    for i, cb in enumerate(api.callbacks):
        declare(cb.name, "a callback type", f"callbacks[{i}] ({cb.name})")
    for i, fn in enumerate(api.functions):
        declare(fn.name, "a function", f"functions[{i}] ({fn.name})")
    for i, var in enumerate(api.variables):
        declare(var.name, "a variable", f"variables[{i}] ({var.name})")

    kinds = {m.ENUM: {e.name for e in api.enums}, m.STRUCT: {st.name for st in api.structs},
             m.HANDLE: {h.name for h in api.handles}, m.CALLBACK: {cb.name for cb in api.callbacks}}

    def params(items: list[m.Param], where: str) -> None:
        seen: set[str] = set()
        for k, p in enumerate(items):
            identifier(p.name, f"{where}.params[{k}]")
            if p.name in seen:
                raise ValueError(f"{where}.params[{k}]: parameter {p.name} appears twice")
            seen.add(p.name)
            ctype(p.type, f"{where}.params[{k}] ({p.name}).type")

    def ctype(t: m.CType, where: str) -> None:
        if t.kind not in m.KINDS:
            raise ValueError(f"{where}: unknown type kind {t.kind!r}")
        if t.kind == m.SCALAR and t.name not in m.SCALAR_SIZES:
            raise ValueError(f"{where}: unknown scalar type {t.name!r}")
        if t.kind in kinds and t.name not in kinds[t.kind]:
            raise ValueError(f"{where}: {t.kind} {t.name!r} is not declared in this snapshot")
        if t.kind in (m.POINTER, m.ARRAY):
            if t.pointee is None:
                raise ValueError(f"{where}: a {t.kind} without a pointee")
            if t.kind == m.ARRAY and (t.count is None or t.count < 0):
                raise ValueError(f"{where}: an array needs a count >= 0, found {t.count!r}")
            ctype(t.pointee, f"{where}.pointee")
        if t.kind == m.FUNCTION:
            if t.returns is None:
                raise ValueError(f"{where}: a function type without a return type")
            ctype(t.returns, f"{where}.returns")
            params(t.params, where)

    def location(loc: m.Location, where: str) -> None:
        if loc.line < 0:
            raise ValueError(f"{where}.location: line {loc.line} is negative")

    for i, st in enumerate(api.structs):
        where = f"structs[{i}] ({st.name})"
        location(st.location, where)
        if st.size < 0 or st.align not in _POWERS_OF_TWO or st.size % st.align:
            raise ValueError(f"{where}: size {st.size} and alignment {st.align} are not a C struct's")
        fields: set[str] = set()
        for k, f in enumerate(st.fields):
            identifier(f.name, f"{where}.fields[{k}]")
            if f.name in fields:
                raise ValueError(f"{where}.fields[{k}]: field {f.name} appears twice")
            fields.add(f.name)
            if not 0 <= f.offset <= st.size:
                raise ValueError(f"{where}.fields[{k}] ({f.name}): offset {f.offset} is outside the struct")
            ctype(f.type, f"{where}.fields[{k}] ({f.name}).type")
    for i, e in enumerate(api.enums):
        location(e.location, f"enums[{i}] ({e.name})")
    for i, h in enumerate(api.handles):
        location(h.location, f"handles[{i}] ({h.name})")
    def signature(sig: m.Callback | m.Function, where: str) -> None:
        location(sig.location, where)
        ctype(sig.returns, f"{where}.returns")
        params(sig.params, where)

    for i, cb in enumerate(api.callbacks):
        signature(cb, f"callbacks[{i}] ({cb.name})")
    for i, func in enumerate(api.functions):
        signature(func, f"functions[{i}] ({func.name})")
    for i, var in enumerate(api.variables):
        location(var.location, f"variables[{i}] ({var.name})")
        ctype(var.type, f"variables[{i}] ({var.name}).type")


def loads(text: str) -> m.API:
    """A model from snapshot text; ValueError (never a TypeError deep inside) when malformed."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError(f"snapshot: expected a JSON object, found {type(data).__name__}")
    schema = data.pop("schema", None)
    if schema != SCHEMA:
        raise ValueError(f"snapshot schema {schema!r} is not the supported {SCHEMA}")
    try:
        api: m.API = _decode(m.API, data)
    except (TypeError, AttributeError) as exc:
        raise ValueError(f"snapshot: malformed content: {exc}") from exc
    validate(api)
    return api


def load(path: Union[str, Path]) -> m.API:
    return loads(Path(path).read_text(encoding="utf-8"))


def embedded(library: str = "genai", version: Optional[str] = None) -> Path:
    """Path of a committed snapshot; the newest version when none is named."""
    if version:
        path = SNAPSHOT_DIR / f"{library}-{version}.json"
        if not path.exists():
            raise FileNotFoundError(f"no embedded snapshot {path.name}; have: {', '.join(p.name for p in list_embedded(library))}")
        return path
    found = list_embedded(library)
    if not found:
        raise FileNotFoundError(f"no embedded snapshot for library {library!r}")
    return found[-1]


def version_key(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in v.split(".") if x.isdigit())


def list_embedded(library: str) -> list[Path]:
    paths = SNAPSHOT_DIR.glob(f"{library}-*.json")
    return sorted(paths, key=lambda p: version_key(p.stem[len(library) + 1:]))
