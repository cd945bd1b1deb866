"""API model <-> deterministic JSON ("snapshot").

Byte-identical output for the same model: fixed key order, declaration order for lists,
LF line endings, trailing newline. Doc comments are never written (they are upstream text).
"""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, Optional, Union, get_args, get_origin, get_type_hints

from . import model as m

SCHEMA = 1
SNAPSHOT_DIR = Path(__file__).with_name("snapshots")
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


def _decode(cls: Any, data: Any) -> Any:
    origin = get_origin(cls)
    if origin is Union:  # Optional[X]
        args = [a for a in get_args(cls) if a is not type(None)]
        return None if data is None else _decode(args[0], data)
    if origin is list:
        (item,) = get_args(cls)
        return [_decode(item, v) for v in data]
    if dataclasses.is_dataclass(cls):
        hints = get_type_hints(cls, vars(m))
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"snapshot: unknown fields for {cls.__name__}: {sorted(unknown)}")
        return cls(**{k: _decode(hints[k], v) for k, v in data.items()})
    return data


def loads(text: str) -> m.API:
    """A model from snapshot text; ValueError (never a TypeError deep inside) when malformed."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError(f"snapshot: expected a JSON object, found {type(data).__name__}")
    schema = data.pop("schema", None)
    if schema != SCHEMA:
        raise ValueError(f"snapshot schema {schema!r} is not the supported {SCHEMA}")
    try:
        return _decode(m.API, data)
    except (TypeError, AttributeError) as exc:
        raise ValueError(f"snapshot: malformed content: {exc}") from exc


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
