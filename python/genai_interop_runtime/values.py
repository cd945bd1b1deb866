"""Value classes: plain objects a user reads and writes, made into a native object at call time.

A generated value class (`GenerationConfig`, ...) derives from `ValueObject` and describes itself
with a `ClassSpec` rendered from the binding model (bindgen/binding.py, `ValueClass`): its fields,
upstream's defaults, the rules upstream's validate() enforces, and how to make its native object.

An object remembers where it came from (its `Origin`: the library's defaults, a JSON file, or a
pipeline's own config) and which fields were assigned. At call time (`c_value`) the native object is
made from that origin and every assigned field is set on it. Reading a field the user did not assign
gives what the library uses: the default, the JSON file's value, or (from a pipeline) the native
getter where the C API has one; where nothing can tell, reading raises `UnknownValueError` rather
than guessing.

A pipeline's config can change (`set_generation_config`). An object read from a pipeline earlier
still describes the config of that moment; the runtime remembers which fields every later change
assigned, and when such a change touched a field the object did not assign itself, it refuses to
use the object (`StaleValueError`) instead of silently mixing two configs.
"""
from __future__ import annotations

import copy as _copy
import enum
import json
import math
import os
import struct
import threading
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Iterable, Mapping, Optional, Sequence, TypeVar

from . import convert, diagnosis
from ._docs import documented
from .errors import InteropError
from .handles import Handle, Keep
from .native import Native
from .results import Results

V = TypeVar("V", bound="ValueObject")
RS = TypeVar("RS", bound=Results)


# The error classes' docs: bindgen/libraries/docs/runtime.toml (one text with their C# twins in OpenVINO.Interop).

@documented
class InvalidValueError(InteropError, ValueError, RuntimeError):
    def __init__(self, message: str, cls: str, field_name: str, value: object, rule: str) -> None:
        super().__init__(message)
        self.cls = cls
        self.field = field_name
        self.value = value
        self.rule = rule


@documented
class NoTokenLimitError(InvalidValueError):
    pass


@documented
class UnknownValueError(InteropError, LookupError):
    pass


@documented
class StaleValueError(InteropError, ValueError):
    pass


@dataclass(frozen=True)
class FieldSpec:
    """One field (binding model `ValueField`): kind, upstream's default, range, JSON key."""

    name: str
    kind: str  # int | float | bool | string | enum | int_list | string_list
    default: Any  # canonical value (enum fields: a member); None: an unset optional string
    unset: Any = None  # the value meaning "not set", None when the field has none
    lo: int = 0
    hi: int = 0
    single: bool = True  # a float field is a C float (values are rounded to it)
    enum: Optional[type[enum.IntEnum]] = None
    json: str = ""
    json_if: str = ""
    json_values: Mapping[str, str] = field(default_factory=dict)
    as_set: bool = False
    readable: bool = False  # the native object has a getter for it
    update_adds_to: str = ""  # update_generation_config also adds the value (unless unset) to this list field
    json_first: bool = False  # a JSON list gives its first item (other scalar fields ignore a list)
    set_keeps: bool = False  # a pipeline's set_generation_config keeps its previous value when this one is the default


@dataclass(frozen=True)
class Rule:
    field: str
    check: tuple[tuple[str, Any], ...]
    when: tuple[tuple[str, str, Any], ...]
    says: str


@dataclass(frozen=True)
class ClassSpec:
    """What a generated value class tells the runtime."""

    name: str  # the class name, for messages
    fields: tuple[FieldSpec, ...]
    rules: tuple[Rule, ...]
    create: Callable[[], Handle]  # the library's defaults
    from_json: Optional[Callable[[str], Handle]]  # a JSON file
    token_limit: tuple[str, ...] = ()
    # On a probe copy of the native object, setting `probe_field` to `probe_value` makes `validate`
    # fail exactly when no token limit is set: how a limit the C API cannot read back is found.
    probe_field: str = ""
    probe_value: Any = None
    validate: str = ""  # method of the native object
    unreachable: tuple[str, ...] = ()  # upstream's fields the C API cannot reach, and why
    unreachable_reason: str = ""
    # A pipeline's own config starts from this file in the folder the pipeline was created from.
    pipeline_json: str = ""
    # (field, list field): validate passes exactly when the field is unset or its value is in the list.
    member_probe: Optional[tuple[str, str]] = None

    def field(self, name: str) -> FieldSpec:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


# -- origins --

class Origin:
    """Where an object's unassigned values come from, and how its native object starts."""

    def native(self, spec: ClassSpec) -> Handle:
        raise NotImplementedError

    def value(self, spec: ClassSpec, f: FieldSpec) -> tuple[bool, Any]:
        """(known, value) of an unassigned field."""
        raise NotImplementedError

    def unknown(self, spec: ClassSpec, f: FieldSpec) -> str:
        return f"{spec.name}.{f.name} is unknown"


class Defaults(Origin):
    """The library's defaults (the constructor)."""

    def native(self, spec: ClassSpec) -> Handle:
        return spec.create()

    def value(self, spec: ClassSpec, f: FieldSpec) -> tuple[bool, Any]:
        return True, f.default

    def __repr__(self) -> str:
        return "defaults"


def _json_lookup(data: Mapping[str, Any], key: str) -> tuple[bool, Any]:
    node: Any = data
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False, None
        node = node[part]
    return True, node


class JsonFile(Origin):
    """A generation_config.json: read here as the library reads it, made natively from the file at call time."""

    def __init__(self, spec: ClassSpec, path: str) -> None:
        self.path = path
        try:
            data = load_library_json(path)
        except OSError as exc:
            raise FileNotFoundError(f"{spec.name}: cannot open {path!r}: {exc.strerror or exc}") from None
        except ValueError as exc:
            raise ValueError(f"{spec.name}: {path!r} is not valid JSON: {exc}") from None
        try:
            self.values = read_json_values(spec, data)
        except ValueError as exc:
            raise ValueError(f"{spec.name}: {path!r}: {exc}") from None

    def native(self, spec: ClassSpec) -> Handle:
        assert spec.from_json is not None
        return spec.from_json(self.path)

    def value(self, spec: ClassSpec, f: FieldSpec) -> tuple[bool, Any]:
        if f.name in self.values:
            return True, _copy.copy(self.values[f.name])
        return True, f.default

    def __repr__(self) -> str:
        return f"json file {self.path!r}"


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is no JSON value (the library refuses it)")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"number overflow parsing {text!r} (the library refuses it)")
    return value


def load_library_json(path: str) -> Any:
    """A JSON file as the library parses it (measured, 2026.3): a byte order mark is skipped; NaN, Infinity
    and a number beyond a double are errors (Python's json would take them)."""
    with open(path, encoding="utf-8-sig") as stream:
        try:
            return json.load(stream, parse_constant=_no_constant, parse_float=_finite)
        except RecursionError:
            raise ValueError("nested deeper than Python's json reads") from None


def read_json_values(spec: ClassSpec, data: Any) -> dict[str, Any]:
    """The fields a generation config JSON document sets, read as the library reads it (measured on 2026.3):
    a document that is no object sets nothing; null is absent; a list into a scalar field (unless `json_first`:
    its first item) or a scalar into a list field is ignored; an enum takes only the JSON values it lists;
    a float into an integer field is truncated, a negative into an unsigned one wraps; any other type is a
    ValueError naming the key. A value set in a field with `update_adds_to` joins that list."""
    values: dict[str, Any] = {}
    if not isinstance(data, Mapping):
        return values
    for f in spec.fields:
        if not f.json:
            continue
        if f.json_if and not values.get(f.json_if, spec.field(f.json_if).default):
            continue
        found, raw = _json_lookup(data, f.json)
        if not found or raw is None:
            continue
        try:
            value = _from_json(f, raw)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{f.json}: {exc}") from None
        if value is not _IGNORED:
            values[f.name] = value
    for f in spec.fields:
        if f.update_adds_to and f.name in values and values[f.name] != f.unset:
            target = spec.field(f.update_adds_to)
            items = values.get(target.name, target.default)
            values[target.name] = set(items) | {values[f.name]} if target.as_set else \
                list(items) + ([values[f.name]] if values[f.name] not in items else [])
    return values


_IGNORED = object()
_INT64_MIN = -(1 << 63)
_UINT64_MAX = (1 << 64) - 1


def _from_json(f: FieldSpec, raw: Any) -> Any:
    if f.json_values:
        text = json.dumps(raw)
        if text not in f.json_values:
            return _IGNORED
        assert f.enum is not None
        return f.enum[f.json_values[text]]
    if f.kind in ("int_list", "string_list"):
        if not isinstance(raw, list):
            return _IGNORED
        value = [_scalar(f, item) for item in raw]
        return set(value) if f.as_set else value
    if isinstance(raw, list):
        if not f.json_first or not raw:
            return _IGNORED
        items = [_scalar(f, item) for item in raw]  # every item must fit, as the library reads them all
        return items[0]
    return _scalar(f, raw)


def _scalar(f: FieldSpec, raw: Any) -> Any:
    number = isinstance(raw, (int, float)) and not isinstance(raw, bool)
    if f.kind in ("int", "int_list"):
        if not number:
            raise TypeError(f"expected a number, found {raw!r}")
        value = int(raw)  # a float is truncated
        # The library's integer casts are defined from a 64-bit integer (wrapping) but not from a double beyond
        # the target type (the library parses an integer beyond 64 bits as a double): refused, never guessed.
        beyond = value < _INT64_MIN or value > _UINT64_MAX or (isinstance(raw, float) and not
                                                               min(f.lo, _INT64_MIN) <= value <= f.hi)
        if beyond:
            raise ValueError(f"{raw!r} is beyond the field's range [{f.lo}, {f.hi}] (the library's conversion of "
                             f"it is undefined)")
        span = f.hi - f.lo + 1
        return (value - f.lo) % span + f.lo  # as a C cast from a 64-bit integer: wraps
    if f.kind == "float":
        if not number:
            raise TypeError(f"expected a number, found {raw!r}")
        return _single(float(raw)) if f.single else float(raw)
    if f.kind == "bool":
        if not isinstance(raw, bool):
            raise TypeError(f"expected true or false, found {raw!r}")
        return raw
    if not isinstance(raw, str):
        raise TypeError(f"expected a string, found {raw!r}")
    return raw


# Per pipeline: what every set_* of its config assigned, in order (None: a whole other config).
_HISTORY: "weakref.WeakKeyDictionary[object, list[Optional[frozenset[str]]]]" = weakref.WeakKeyDictionary()
_HISTORY_LOCK = threading.Lock()


@dataclass(frozen=True)
class Known:
    """What the binding knows of a pipeline's current config, for the fields the C API cannot read back:
    `values` (a list field that a probed field adds to holds the rest of its items), the fields found by
    `member_probe` on the live config (`probed`), and why each other field is unknown."""

    values: Mapping[str, Any]
    probed: frozenset[str] = frozenset()
    unknown: Mapping[str, str] = field(default_factory=dict)
    # After a set_generation_config that left the probed field and the list it adds to empty: pipelines differ
    # (measured, 2026.3: LLM pipelines and the VLM's SDPA backend keep their own, the VLM's paged-attention
    # backend takes the config as it is), so the live probed field decides: list -> (its items if kept, without
    # the probed value; its value if taken as set; the probed field's value before the set, None if unknown).
    kept_or_set: Mapping[str, tuple[Any, Any, Any]] = field(default_factory=dict)


# Per pipeline and value class: what is known of its config now.
_KNOWN: "weakref.WeakKeyDictionary[object, dict[str, Known]]" = weakref.WeakKeyDictionary()

# Per pipeline: member_probe results, by (class, field, number of sets so far): the live config they were
# found on does not change until the next set.
_PROBED: "weakref.WeakKeyDictionary[object, dict[tuple[str, str, int], Optional[int]]]" = weakref.WeakKeyDictionary()

# member_probe looks for the value among 0 .. _PROBE_LIMIT - 1 (token ids), in growing ranges.
_PROBE_LIMIT = 1 << 20
_PROBE_FIRST = 1 << 8


def _no_source(spec: ClassSpec, why: str) -> Known:
    return Known({}, frozenset(), {f.name: why for f in spec.fields if not f.readable})


def _initial(spec: ClassSpec, pipeline: object) -> Known:
    """What a pipeline's config is right after its creation: `pipeline_json` in its model folder as the
    library reads it (the defaults when there is none), the `member_probe` field left to the probe when the
    file does not set it (the pipeline takes it from its tokenizer)."""
    cant = "the C API cannot read it back"
    if not spec.pipeline_json:
        return _no_source(spec, cant)
    model = diagnosis.model_of(pipeline)
    if model is None:
        return _no_source(spec, cant + " and the binding does not know which model the pipeline was created from")
    path, created = model
    values: dict[str, Any] = {}
    try:
        if os.path.isdir(path):
            if os.stat(path).st_mtime_ns > created:
                return _no_source(spec, f"{cant}, and the model folder {path!r} changed after the pipeline was created "
                                        f"(so its {spec.pipeline_json} may not be what the pipeline read)")
            file = os.path.join(path, spec.pipeline_json)
            if os.path.exists(file):
                if os.stat(file).st_mtime_ns > created:
                    return _no_source(spec, f"{cant}, and {file!r} changed after the pipeline was created")
                values = read_json_values(spec, load_library_json(file))
    except (OSError, ValueError) as exc:
        return _no_source(spec, f"{cant}, and reading the model's {spec.pipeline_json} failed: {exc}")
    full = {f.name: values.get(f.name, _copy.copy(f.default)) for f in spec.fields if not f.readable}
    probed: set[str] = set()
    if spec.member_probe:
        name = spec.member_probe[0]
        if name in full and full[name] == spec.field(name).unset:
            del full[name]  # the pipeline takes it from its tokenizer: asked of the live config
            probed.add(name)
    return Known(full, frozenset(probed))


def _known(spec: ClassSpec, pipeline: object) -> Known:
    with _HISTORY_LOCK:
        known = _KNOWN.get(pipeline, {}).get(spec.name)
    if known is None:
        known = _initial(spec, pipeline)
        with _HISTORY_LOCK:
            known = _KNOWN.setdefault(pipeline, {}).setdefault(spec.name, known)
    return known


def _carried(source: Known, name: str, probed: set[str], unknown: dict[str, str]) -> tuple[bool, Any]:
    """A field carried over from `source`: (True, its value) where known; else it stays probed or unknown (with
    source's reason) in the config being made, and (False, None)."""
    if name in source.values:
        return True, source.values[name]
    if name in source.probed:
        probed.add(name)
    else:
        unknown[name] = source.unknown.get(name, "")
    return False, None


def _after_set(spec: ClassSpec, pipeline: object, before: Known, value: "ValueObject") -> Known:
    """What a pipeline's config is after set_generation_config(value) succeeded: value's fields; the
    `member_probe` field left at its default is read from the live config, the list it adds to left empty
    is decided by it (`Known.kept_or_set`), other `set_keeps` fields at their default keep the value before;
    then a field's value joins the list it adds to."""
    values: dict[str, Any] = {}
    probed: set[str] = set()
    unknown: dict[str, str] = {}
    alternatives: dict[str, tuple[Any, Any, Any]] = {}
    origin = value._origin
    same = isinstance(origin, FromPipeline) and origin.known is not None and origin.pipeline() is pipeline
    member, through = spec.member_probe if spec.member_probe else ("", "")
    for f in spec.fields:
        if f.readable:
            continue
        if f.name not in value._assigned and same:
            assert isinstance(origin, FromPipeline) and origin.known is not None
            found, v = _carried(origin.known, f.name, probed, unknown)  # the pipeline's config it was read from
            if not found:
                continue
        else:
            try:
                ok, v = value._effective(f.name)
            except InteropError as exc:
                ok, v = False, str(exc)
            if not ok:
                unknown[f.name] = f"the config set with set_generation_config did not know it ({value._origin!r})"
                continue
        if f.set_keeps and v == f.default:
            if f.name == member:
                probed.add(f.name)  # whatever the pipeline did, the live config tells
                continue
            if f.name == through:
                if through not in before.values:
                    unknown[f.name] = before.unknown.get(f.name, "")
                    continue
                alternatives[f.name] = (_copy.copy(before.values[through]), _copy.copy(v), before.values.get(member))
                continue
            found, v = _carried(before, f.name, probed, unknown)
            if not found:
                continue
        values[f.name] = _copy.copy(v)
    for f in spec.fields:
        target = f.update_adds_to
        if target and target in values and f.name in values and values[f.name] != f.unset:
            t = spec.field(target)
            items = values[target]
            values[target] = set(items) | {values[f.name]} if t.as_set else \
                list(items) + ([values[f.name]] if values[f.name] not in items else [])
    return Known(values, frozenset(probed), unknown, alternatives)


class FromPipeline(Origin):
    """A pipeline's own config at the time it was read (`get_generation_config()`)."""

    def __init__(self, pipeline: object, fetch: Callable[[], Handle], spec: Optional[ClassSpec] = None) -> None:
        if getattr(pipeline, "closed", False):  # refused now, not at a later read of the fields it would fetch
            raise ValueError(f"{type(pipeline).__name__} is closed")
        self.pipeline = weakref.ref(pipeline)
        self.fetch = fetch
        self.read: Optional[dict[str, Any]] = None  # the readable fields, read once
        if spec is not None:
            self.read = self._read(spec)  # now: a config read before its pipeline closed still answers (a value)
        self.known = _known(spec, pipeline) if spec is not None else None
        self.probes: dict[str, Optional[int]] = {}  # member_probe results, found once
        with _HISTORY_LOCK:
            self.epoch = len(_HISTORY.get(pipeline, []))

    def __reduce__(self) -> Any:
        # pickle would otherwise fail on the weak reference ("cannot pickle 'weakref.ReferenceType' object").
        raise TypeError("a config read from a pipeline (get_generation_config) cannot be pickled: its unassigned "
                        "fields are that pipeline's; copy() it, or pickle a config made with its class "
                        "(GenerationConfig(**fields)) instead")

    def check(self, spec: ClassSpec, assigned: Iterable[str]) -> None:
        pipeline = self.pipeline()
        if pipeline is None:
            raise StaleValueError(f"{spec.name}: the pipeline this config was read from is gone")
        with _HISTORY_LOCK:
            later = _HISTORY.get(pipeline, [])[self.epoch:]
        mine = set(assigned)
        for changed in later:
            if changed is None or not changed <= mine:
                what = "replaced it" if changed is None else f"changed {', '.join(sorted(changed - mine))}"
                raise StaleValueError(
                    f"{spec.name}: this config was read from the pipeline before set_generation_config "
                    f"{what}; read it again with get_generation_config()")

    def native(self, spec: ClassSpec) -> Handle:
        return self._fetch_live(spec)

    def _fetch_live(self, spec: ClassSpec) -> Handle:
        """The pipeline's native config, which needs the pipeline open: when it is closed, say what to do instead."""
        pipeline = self.pipeline()
        if pipeline is not None and getattr(pipeline, "closed", False):
            raise ValueError(f"{type(pipeline).__name__} is closed: this {spec.name} was read from it and needs it "
                             f"(for the native config a call makes, or a field read from its live config); read "
                             f"the config again with get_generation_config() of an open pipeline, or start from "
                             f"{spec.name}()")
        return self.fetch()

    def value(self, spec: ClassSpec, f: FieldSpec) -> tuple[bool, Any]:
        if f.readable:
            self.check(spec, ())  # (a later set_generation_config changed what generate would start from)
            if self.read is None:
                self.read = self._read(spec)
            return True, _copy.copy(self.read[f.name])
        known = self.known
        if known is None:
            return False, None
        if f.name in known.probed:
            self.check(spec, ())
            found = self._probe(spec, f)
            return (found is not None), found
        if f.name in known.kept_or_set:
            self.check(spec, ())
            kept, taken, before = known.kept_or_set[f.name]
            assert spec.member_probe is not None
            g = spec.field(spec.member_probe[0])
            found = self._probe(spec, g)
            if found is None:
                return False, None
            if found != g.unset:  # kept: taking the config as set would have left it unset
                return True, set(kept) | {found} if f.as_set else list(kept) + ([found] if found not in kept else [])
            if before is not None and before != g.unset:  # it was set before and is not now: taken as set
                return True, _copy.copy(taken)
            return False, None
        if f.name not in known.values:
            return False, None
        value = _copy.copy(known.values[f.name])
        for g in spec.fields if known.probed and f.kind in ("int_list", "string_list") else ():
            if g.update_adds_to == f.name and g.name in known.probed:
                self.check(spec, ())
                found = self._probe(spec, g)
                if found is None:
                    return False, None
                if found != g.unset:
                    value = set(value) | {found} if f.as_set else list(value) + ([found] if found not in value else [])
        return True, value

    def _read(self, spec: ClassSpec) -> dict[str, Any]:
        """The fields the C API reads back, from the pipeline's config now."""
        native = self.fetch()
        try:
            return {g.name: _canonical(spec, g, getattr(native, g.name)) for g in spec.fields if g.readable}
        finally:
            native.close()

    def _probe(self, spec: ClassSpec, f: FieldSpec) -> Optional[int]:
        """`f`'s value in the live config, asked of the library's validate (`member_probe`); None when it
        does not answer (the config does not validate, or the value is out of the searched range)."""
        if f.name in self.probes:
            return self.probes[f.name]
        pipeline = self.pipeline()
        key = (spec.name, f.name, self.epoch)
        with _HISTORY_LOCK:
            cache = _PROBED.get(pipeline) if pipeline is not None else None
            if cache is not None and key in cache:
                self.probes[f.name] = cache[key]
                return cache[key]
        assert spec.member_probe is not None and spec.validate
        through = spec.member_probe[1]

        def passes(first: int, end: int) -> bool:
            native = self._fetch_live(spec)
            try:
                setattr(native, through, list(range(first, end)))
                getattr(native, spec.validate)()
                return True
            except InteropError:
                return False
            finally:
                native.close()

        found: Optional[int] = None
        end = _PROBE_FIRST
        while end <= _PROBE_LIMIT and not passes(0, end):
            end *= 16
        if end <= _PROBE_LIMIT:
            first = 0
            while end - first > 1:
                middle = (first + end) // 2
                if passes(first, middle):
                    end = middle
                else:
                    first = middle
            # Membership decides only when the field is set: with it unset, any list passes.
            found = f.unset if passes(first + 1, first + 2) else first
        self.probes[f.name] = found
        if pipeline is not None:
            with _HISTORY_LOCK:
                _PROBED.setdefault(pipeline, {})[key] = found
        return found

    def unknown(self, spec: ClassSpec, f: FieldSpec) -> str:
        known = self.known
        why = known.unknown.get(f.name, "") if known is not None else ""
        if known is not None and f.name in known.kept_or_set:
            why = (f"after set_generation_config left {f.name} empty, the pipeline kept its own or took the empty "
                   f"one (pipelines differ), and the library's validate did not tell which")
        elif known is not None and (f.name in known.probed or any(
                g.update_adds_to == f.name and g.name in known.probed for g in spec.fields)):
            why = (f"the pipeline takes {spec.member_probe[0] if spec.member_probe else f.name} from its tokenizer, "
                   f"and the library's validate did not confirm one value for it (the pipeline's config does not "
                   f"validate, or the token id is not below {_PROBE_LIMIT})")
        return (f"{spec.name}.{f.name} was not assigned and comes from the pipeline's own config: "
                f"{why or 'the C API cannot read it back'}; assign it to know its value")

    def __repr__(self) -> str:
        return "pipeline"


def _resolve_probed(own: "ValueObject") -> None:
    """Before `own`'s pipeline's config is replaced: find the fields it reads from the live config now
    (the probe cannot find their values before the change afterwards), so what a set keeps is known."""
    origin, spec = own._origin, own._spec
    if not isinstance(origin, FromPipeline) or origin.known is None or not spec.member_probe:
        return
    known = origin.known
    member, through = spec.member_probe
    if member not in known.probed:
        return
    values = dict(known.values)
    kept_or_set = dict(known.kept_or_set)
    unknown = dict(known.unknown)
    for name in (member, through):
        if name not in known.probed and name not in known.kept_or_set and name not in known.values:
            continue
        ok, value = origin.value(spec, spec.field(name))
        if not ok:
            return  # the probe does not answer: nothing to learn
        values[name] = value
        kept_or_set.pop(name, None)
        unknown.pop(name, None)
    resolved = Known(values, known.probed - {member, through}, unknown, kept_or_set)
    pipeline = origin.pipeline()
    with _HISTORY_LOCK:
        table = _KNOWN.get(pipeline) if pipeline is not None else None
        if table is not None and table.get(spec.name) is known:
            table[spec.name] = resolved


def record_set(pipeline: object, value: "ValueObject") -> None:
    """`pipeline`'s config becomes `value`: objects read from it before no longer describe it."""
    origin = value._origin
    changed: Optional[frozenset[str]]
    if isinstance(origin, FromPipeline) and origin.pipeline() is pipeline:
        changed = frozenset(value._assigned)
    else:
        changed = None
    spec = value._spec
    after = _after_set(spec, pipeline, _known(spec, pipeline), value)
    with _HISTORY_LOCK:
        _HISTORY.setdefault(pipeline, []).append(changed)
        _KNOWN.setdefault(pipeline, {})[spec.name] = after


# -- values --

def _single(value: float) -> float:
    """`value` rounded to a C float, as the library stores it."""
    if not math.isfinite(value):
        return value
    return float(struct.unpack("f", struct.pack("f", value))[0])


def _canonical(spec: ClassSpec, f: FieldSpec, value: object, label: Optional[str] = None) -> Any:
    """`value` checked for field `f` and in the form the object keeps (raises TypeError/ValueError)."""
    name = label or f"{spec.name}.{f.name}"
    if f.kind == "int":
        return convert.c_int(value, name, f.lo, f.hi)
    if f.kind == "float":
        result = convert.c_float(value, name, single=f.single)
        return _single(result) if f.single else result
    if f.kind == "bool":
        return convert.c_bool(value, name)
    if f.kind == "enum":
        assert f.enum is not None
        return f.enum(convert.c_enum(value, name, f.enum))
    if f.kind == "string":
        if value is None and f.unset is None and f.default is None:
            return None
        if not isinstance(value, str):
            raise TypeError(f"{name}: expected str{' or None' if f.default is None else ''}, got {type(value).__name__}")
        return value
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise TypeError(f"{name}: expected a {'set' if f.as_set else 'list'} of "
                        f"{'str' if f.kind == 'string_list' else 'int'}, got {type(value).__name__}")
    items: list[Any] = []
    for i, item in enumerate(value):
        if f.kind == "string_list":
            if not isinstance(item, str):
                raise TypeError(f"{name}[{i}]: expected str, got {type(item).__name__}")
            items.append(item)
        else:
            items.append(convert.c_int(item, f"{name}[{i}]", f.lo, f.hi))
    return set(items) if f.as_set else items


def _show(value: object) -> str:
    if isinstance(value, float):
        return format(value, "g")
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(_show(v) for v in sorted(value, key=repr)) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, str):
        return repr(value)
    return str(value)


class ValueObject:
    """Base of every generated value class (see the module doc)."""

    __slots__ = ("_origin", "_assigned", "__weakref__")
    _spec: ClassVar[ClassSpec]

    def __init__(self, json_path: "Optional[str | os.PathLike[str]]" = None, **kwargs: Any) -> None:
        spec = self._spec
        if json_path is None:
            self._origin: Origin = Defaults()
        else:
            if spec.from_json is None:
                raise TypeError(f"{spec.name} cannot be read from a JSON file")
            if not isinstance(json_path, (str, os.PathLike)):
                raise TypeError(f"{spec.name}: json_path: expected str or os.PathLike, got {type(json_path).__name__}")
            self._origin = JsonFile(spec, os.fspath(json_path))
        self._assigned: dict[str, Any] = {}
        self.update_generation_config(**kwargs)

    if not TYPE_CHECKING:  # (type checkers still see every unknown attribute as an error)
        def __getattr__(self, name: str) -> Any:
            spec = type(self)._spec
            if name in spec.unreachable:
                raise AttributeError(f"{spec.name}.{name} exists upstream, but {spec.unreachable_reason}")
            raise AttributeError(f"{spec.name} has no attribute {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        spec = type(self)._spec
        if name in spec.unreachable:
            raise AttributeError(f"{spec.name}.{name} exists upstream, but {spec.unreachable_reason}")
        object.__setattr__(self, name, value)

    @classmethod
    def _of(cls: type[V], origin: Origin) -> V:
        obj = cls.__new__(cls)
        obj._origin = origin
        obj._assigned = {}
        return obj

    # -- fields --
    def _get(self, name: str) -> Any:
        spec = self._spec
        if name in self._assigned:
            return _copy.copy(self._assigned[name])
        f = spec.field(name)
        known, value = self._origin.value(spec, f)
        if not known:
            raise UnknownValueError(self._origin.unknown(spec, f))
        # A copy, as for an assigned field (and upstream's getters): the origin's value may be shared (a
        # default set mutated in place changed every later GenerationConfig()).
        return _copy.copy(value)

    def _set(self, name: str, value: object) -> None:
        spec = self._spec
        self._assigned[name] = _canonical(spec, spec.field(name), value)

    def update_generation_config(self, **kwargs: Any) -> None:
        """Assign several fields at once (`max_new_tokens=8, do_sample=False`); unknown names are a TypeError."""
        spec = self._spec
        names = {f.name for f in spec.fields}
        unknown = sorted(set(kwargs) - names)
        unreachable = [k for k in unknown if k in spec.unreachable]
        if unreachable:
            raise TypeError(f"{spec.name}.{unreachable[0]} exists upstream, but {spec.unreachable_reason}")
        if unknown:
            raise TypeError(f"{spec.name} has no field{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
                            f"(fields: {', '.join(f.name for f in spec.fields)})")
        converted = {k: _canonical(spec, spec.field(k), v) for k, v in kwargs.items()}
        self._assigned.update(converted)
        for f in spec.fields:
            if not f.update_adds_to:
                continue
            # As upstream's update, whatever fields it was given: the end-of-sequence token in effect (assigned now,
            # before, or the origin's) joins the stop tokens, so stop_token_ids={7} keeps the pipeline's eos.
            try:
                known_value, value = self._effective(f.name)
                known, items = self._effective(f.update_adds_to)
            except (InteropError, ValueError):  # unknown, or a closed pipeline's: the call will say so
                continue
            if known_value and known and value != f.unset and value not in items:
                target = spec.field(f.update_adds_to)
                self._assigned[f.update_adds_to] = set(items) | {value} if target.as_set else list(items) + [value]

    def assigned_fields(self) -> tuple[str, ...]:
        """The fields assigned on this object (the others come from its origin)."""
        return tuple(f.name for f in self._spec.fields if f.name in self._assigned)

    def copy(self: V) -> V:
        """An independent copy: the same origin and the same assigned fields."""
        other = type(self)._of(self._origin)
        other._assigned = _copy.deepcopy(self._assigned)
        return other

    __copy__ = copy

    def __deepcopy__(self: V, memo: dict[int, Any]) -> V:
        return self.copy()

    def __repr__(self) -> str:
        parts = [f"{k}={_show(self._assigned[k])}" for k in self.assigned_fields()]
        return f"{self._spec.name}({', '.join(parts)}; from {self._origin!r})"

    # -- effective values --
    def _effective(self, name: str) -> tuple[bool, Any]:
        if name in self._assigned:
            return True, self._assigned[name]
        return self._origin.value(self._spec, self._spec.field(name))

    def validate(self) -> None:
        """Check the rules the library enforces on every value this object knows (InvalidValueError)."""
        known: dict[str, Any] = {}
        for f in self._spec.fields:
            try:
                ok, value = self._effective(f.name)
            except InteropError:
                continue
            if ok:
                known[f.name] = value
        _check_rules(self._spec, known)

    def _predicate(self, alternatives: tuple[tuple[tuple[str, str, Any], ...], ...]) -> bool:
        """True when every condition of one alternative holds (upstream's is_beam_search() etc.)."""
        for alternative in alternatives:
            holds = True
            for name, op, operand in alternative:
                known, value = self._effective(name)
                if not known:
                    raise UnknownValueError(self._origin.unknown(self._spec, self._spec.field(name)))
                if not _holds(value, op, operand):
                    holds = False
                    break
            if holds:
                return True
        return False

    # -- the native object --
    def _to_native(self) -> Handle:
        """A new native object: the origin's, with every assigned field set (in the spec's order)."""
        spec = self._spec
        if isinstance(self._origin, FromPipeline):
            self._origin.check(spec, self._assigned)
        native = self._origin.native(spec)
        try:
            for f in spec.fields:
                if f.name in self._assigned:
                    value = self._assigned[f.name]
                    if isinstance(value, (set, frozenset)):
                        value = sorted(value)
                    setattr(native, f.name, value)
        except BaseException:
            native.close()
            raise
        return native


def _operand(known: Mapping[str, Any], operand: Any) -> tuple[bool, Any]:
    if isinstance(operand, str) and operand.startswith("@"):
        name = operand[1:]
        return (name in known), known.get(name)
    return True, operand


def _holds(value: Any, op: str, operand: Any) -> bool:
    if op == "==":
        return bool(value == operand)
    if op == "!=":
        return bool(value != operand)
    if op == "<":
        return bool(value < operand)
    if op == "<=":
        return bool(value <= operand)
    if op == ">":
        return bool(value > operand)
    if op == ">=":
        return bool(value >= operand)
    if op == "multiple_of":
        return bool(operand != 0 and value % operand == 0)
    if op == "contains":
        return operand in value
    if op == "each>=":
        return all(v >= operand for v in value)
    if op == "in":
        return value in operand
    if op == "set":
        return value is not None
    if op == "unset":
        return value is None
    raise ValueError(f"unknown rule op {op!r}")


def _check_rules(spec: ClassSpec, known: Mapping[str, Any]) -> None:
    for rule in spec.rules:
        if rule.field not in known:
            continue
        applies = True
        for name, op, operand in rule.when:
            have, rhs = _operand(known, operand)
            if name not in known or not have:
                applies = False
                break
            if not _holds(known[name], op, rhs):
                applies = False
                break
        if not applies:
            continue
        value = known[rule.field]
        for op, operand in rule.check:
            have, rhs = _operand(known, operand)
            if have and not _holds(value, op, rhs):
                raise InvalidValueError(f"{spec.name}.{rule.field} {rule.says} (got {_show(value)})",
                                        spec.name, rule.field, value, rule.says)


# -- at call time --

def from_pipeline(cls: type[V], pipeline: object, fetch: Callable[[], Handle]) -> V:
    """The pipeline's own config as a value object (`get_generation_config()`)."""
    return cls._of(FromPipeline(pipeline, fetch, cls._spec))


def _no_limit_source(origin: Optional[Origin]) -> str:
    """Why a config has no token limit: where it came from."""
    if isinstance(origin, JsonFile):
        return f"the file {origin.path!r} sets none"
    if isinstance(origin, FromPipeline):
        return "the pipeline's own config, read from its model, sets none: a .gguf file never does"
    return "the library's defaults set none"


def token_limit_message(spec: ClassSpec, origin: Optional[Origin] = None) -> str:
    first = spec.token_limit[0]
    others = " or ".join(spec.token_limit[1:])
    unset = spec.field(first).unset
    return (f"{spec.name} sets no token limit: {' and '.join(spec.token_limit)} are all unset "
            f"({_no_limit_source(origin)}), so generate could run without end. Set {first}"
            f"{' (or ' + others + ')' if others else ''} on the config or in the call, e.g. {first}=256; to "
            f"generate without a limit on purpose, assign {first} = {unset} explicitly")


def check_token_limit(obj: ValueObject) -> None:
    """Issue 11, point 4: refuse a generation that no token limit bounds, unless a limit field was assigned."""
    spec = obj._spec
    if not spec.token_limit or any(name in obj._assigned for name in spec.token_limit):
        return
    unknown = []
    for name in spec.token_limit:
        try:
            known, value = obj._effective(name)
        except InteropError:
            return  # the native call will say what is wrong
        if not known:
            unknown.append(name)
        elif value != spec.field(name).unset:
            return
    if unknown:
        if not (spec.probe_field and spec.validate):
            return
        # The C API cannot read these back: ask the library. With the probe field set, validate
        # fails only when no limit is set (provided the unchanged object validates).
        plain = obj._to_native()
        try:
            getattr(plain, spec.validate)()
        except InteropError:
            return
        finally:
            plain.close()
        probe = obj._to_native()
        try:
            setattr(probe, spec.probe_field, spec.probe_value)
            getattr(probe, spec.validate)()
            return
        except InteropError:
            pass
        finally:
            probe.close()
    f = spec.field(spec.token_limit[0])
    raise NoTokenLimitError(token_limit_message(spec, obj._origin), spec.name, f.name, f.unset,
                            f"one of {', '.join(spec.token_limit)} must be set")


def c_value(native: Native, keep: Keep, value: object, cls: type[V], owner: object,
            fetch: Optional[Callable[[], Handle]], fields: Optional[Mapping[str, Any]], name: str,
            generates: bool) -> Any:
    """The C argument for a value-class parameter of a call on `owner` (a pipeline).

    `value` is an object of `cls` or None (the pipeline's own config: NULL is passed); `fields` are
    keyword fields merged onto a copy of it (or of the pipeline's config, read through `fetch`).
    The result is validated, and a generation (`generates`) must have a token limit. The native
    object made for the call is kept alive by `keep` and freed when collected."""
    if value is not None and not isinstance(value, cls):
        raise TypeError(f"{name}: expected {cls.__name__} or None, got {type(value).__name__}")
    obj: Optional[ValueObject] = value
    if not generates and fetch is not None and isinstance(value, cls):
        _resolve_probed(from_pipeline(cls, owner, fetch))  # the config is about to change
    if fields:
        if obj is None:
            if fetch is None:
                raise TypeError(f"{name}: no config to merge {', '.join(fields)} onto")
            obj = from_pipeline(cls, owner, fetch)
        else:
            obj = obj.copy()
        obj.update_generation_config(**fields)
    if obj is None:
        if generates and cls._spec.token_limit and fetch is not None:
            check_token_limit(from_pipeline(cls, owner, fetch))
        return native.ffi.NULL
    obj.validate()
    if generates:
        check_token_limit(obj)
    handle = obj._to_native()
    keep.hold(handle)
    return convert.c_handle(native, keep, handle, type(handle), name)


R = TypeVar("R")


def effective_field(value: object, cls: type[V], owner: object, fetch: Optional[Callable[[], Handle]],
                    fields: Optional[Mapping[str, Any]], name: str) -> tuple[bool, Any]:
    """(known, value) of field `name` in the config a call on `owner` used: `value` (or the pipeline's
    own config) with the keyword `fields` applied, as `c_value` made it. (False, None) where the C API
    cannot read the field back."""
    obj: Optional[ValueObject] = value if isinstance(value, cls) else None
    if fields and name in fields:
        probe = cls()
        probe.update_generation_config(**{name: fields[name]})
        return True, probe._assigned[name]
    if obj is None:
        if fetch is None:
            return False, None
        obj = from_pipeline(cls, owner, fetch)
    try:
        return obj._effective(name)
    except InteropError:
        return False, None


def text_result(results: R, value: object, cls: type[V], owner: object, fetch: Optional[Callable[[], Handle]],
                fields: Optional[Mapping[str, Any]], name: str, equals: Any) -> "R | str":
    """What a call returns whose own input gives a plain text ([conventions.calls] text_result):
    the results' one text when the call's config had `name` == `equals`, else the results object.
    Where the C API cannot read `name` back, one text is what `name` == `equals` gives (upstream's
    rule for num_return_sequences: one sequence, one text), so the results decide."""
    texts = getattr(results, "texts")
    known, actual = effective_field(value, cls, owner, fetch, fields, name)
    plain = bool(actual == equals) if known else len(texts) == 1
    return str(texts[0]) if plain and len(texts) == 1 else results


def lone_score(results: RS, value: object, cls: type[V], owner: object, fetch: Optional[Callable[[], Handle]],
               fields: Optional[Mapping[str, Any]], when: Sequence[tuple[str, str, Any]], score: float) -> RS:
    """The results of a call ([conventions.calls] lone_score), with the score of a lone text (which the text
    form does not hold: NaN) set to `score` when the call's effective config meets every condition of
    `when` (upstream: greedy decoding without logprobs scores 0.0). A field the C API cannot read back
    leaves the score NaN: never a guess."""
    scores = getattr(results, "scores")
    if len(scores) != 1 or not (isinstance(scores[0], float) and math.isnan(scores[0])):
        return results
    for name, op, operand in when:
        known, actual = effective_field(value, cls, owner, fetch, fields, name)
        if not known or not _holds(actual, op, operand):
            return results
    values = {name: getattr(results, name) for name in type(results)._FIELDS}
    values["scores"] = [float(score)]
    return type(results)(results._string, **values)
