"""The binding model: what every target language exposes, decided once and language-neutral.

`bind(conventions)` turns the convention pass's per-function facts into the surface a binding
shows: per handle a class with its lifetime, constructors, factories, properties (scalar,
string and array get/set pairs), methods and streaming forms; per parameter its role; per
callback which return values mean continue / stop / cancel; per status enum the member that
means "no value"; which functions stay internal; where error text comes from; and the first
version of every member (`since`, filled into the API model by the driver's version step).

Names are snake_case and neutral: each emitter spells them in its language (PascalCase for
C#, identifiers for Python) and handles its own reserved words, but no emitter adds, drops or
reshapes a member. What names cannot decide comes from the library description
(`libraries/*.toml`): `callback_returns`, `absent_statuses`, `error_text`, ...
"""
from __future__ import annotations

import re

import enum
import re
from dataclasses import dataclass, field
from typing import Any, Optional

from . import conventions as conv
from . import docs as docs_mod
from . import model as m


class Role(enum.Enum):
    """What one C parameter is to the caller of the binding."""

    SELF = "self"  # the owner handle of a method
    INPUT = "input"  # a value the caller passes as is (scalar, enum, string, handle, struct)
    PATH = "path"  # a `const char*` naming a file or directory (accepts path objects where a language has them)
    WIDE_STRING = "wide_string"  # `const wchar_t*`: encoded per platform
    ARRAY = "array"  # `const T*` read as `count` items; `count` names the length parameter
    ARRAY_COUNT = "array_count"  # the length of one or more ARRAY parameters: set from them
    CALLBACK = "callback"  # a struct of a function pointer and the user data passed back to it
    FUNCTION = "function"  # a plain function pointer (no user data)
    OUT_HANDLE = "out_handle"  # `H**`: a new object
    OUT_VALUE = "out_value"  # `T*` with T scalar, enum or struct: a value written by the callee
    OUT_STRING = "out_string"  # `char**`: a new string the binding copies and frees
    OUT_ADDRESS = "out_address"  # `void**`: an address (e.g. a tensor's data)
    STRING_BUFFER = "string_buffer"  # two-call string: the buffer (NULL first, to ask for the size)
    STRING_SIZE = "string_size"  # two-call string: the size in/out
    ARRAY_BUFFER = "array_buffer"  # count-then-fill array: the buffer
    ARRAY_BUFFER_COUNT = "array_buffer_count"  # count-then-fill array: its length
    VARIADIC_COUNT = "variadic_count"  # the count of the trailing variadic arguments


class Variadic(enum.Enum):
    """What the trailing `...` of a variadic function takes (conventions.VARIADIC_*)."""

    KEY_VALUE = conv.VARIADIC_KEY_VALUE  # properties: key/value string pairs, counted
    PAIR = conv.VARIADIC_PAIR  # exactly one key and one value
    STRINGS = conv.VARIADIC_STRINGS  # a counted list of strings


class Lifetime(enum.Enum):
    RESOURCE = "resource"  # an opaque handle the binding owns and frees (IDisposable / close())
    FOREIGN = "foreign"  # a handle of another library: borrowed, never freed here


class MemberKind(enum.Enum):
    CONSTRUCTOR = "constructor"  # `<stem>_create`
    FACTORY = "factory"  # any other creator: a static/class method returning a new object
    PROPERTY = "property"  # getter and/or setter of one value
    METHOD = "method"  # anything else taking the object first
    STATIC = "static"  # a function of no object (the library class / module level)


class PropertyValue(enum.Enum):
    """What a property carries; every property is a copy in and out (objects are methods, see `bind`)."""

    VALUE = "value"  # a scalar, enum or plain struct
    STRING = "string"
    ARRAY = "array"  # an input array set, a count-then-fill array read
    VALUES = "values"  # several values read together (a record / tuple), read-only


class ValueForm(enum.Enum):
    """How a plain struct (passed by value, filled through an out-param, an array element) is shown."""

    LIST = "list"  # it holds only a counted array and its length: the array itself
    RECORD = "record"  # any other: an immutable record of its fields


class FieldSource(enum.Enum):
    """Where one field of a value class ([conventions.results] / [conventions.metrics]) comes from."""

    STRING = "string"  # the text form (str()/ToString())
    VALUE = "value"  # one getter, read once: a number, bool or string (a pair for metrics: mean and std)
    OBJECT = "object"  # a getter making another handle, read into that handle's value class
    LIST = "list"  # `count` items of an item-at-index getter (values or objects)
    FROM_STRING = "from_string"  # recovered from the text form (`part`: "texts" or "scores")


# Units a value may carry: durations (ms, s), a count (tokens), a rate (tokens/s).
UNITS = ("ms", "s", "tokens", "tokens/s")
STRING_FORMS = ("scored_lines",)
FROM_STRING_PARTS = ("texts", "scores")


@dataclass(frozen=True)
class ResultField:
    name: str  # neutral snake_case: "texts", "perf_metrics", "ttft"
    source: FieldSource
    getter: Optional[str] = None  # C function (the item getter of a LIST)
    count: Optional[str] = None  # LIST: the count getter
    present: Optional[str] = None  # LIST: a bool getter; false: the field is None/null
    handle: Optional[str] = None  # OBJECT / LIST of objects: the handle read into its value class
    unit: Optional[str] = None  # one of UNITS, None: a plain value
    pair: bool = False  # VALUE: the getter gives a mean and a standard deviation
    part: Optional[str] = None  # FROM_STRING: which part of the text form
    type: Optional[m.CType] = None  # VALUE / LIST of values: the C type of the value read
    doc: str = ""  # what it is, in a few words (the unit is added by each language)


@dataclass(frozen=True)
class ResultClass:
    """A handle shown as a plain value: results read once (the native object freed at once), or metrics
    (values read once, the native object kept only to `add`)."""

    handle: str
    kind: str  # "results" | "metrics"
    fields: tuple[ResultField, ...]
    string_form: Optional[str] = None  # results: how several texts are joined in the text form
    add: Optional[str] = None  # metrics: the in-place add function
    missing: tuple[str, ...] = ()  # fields whose functions this version of the API lacks (left out)

    def field(self, name: str) -> Optional[ResultField]:
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class ValueStruct:
    struct: str
    form: ValueForm
    counted: dict[str, str]  # pointer field holding an array -> field path of its length
    hidden: tuple[str, ...]  # length fields set from the arrays' lengths, not shown (sorted)


@dataclass(frozen=True)
class Param:
    name: str  # C name
    role: Role
    type: m.CType
    nullable: bool = False  # NULL (None/null) means "not given"
    retained: bool = False  # the library keeps using it after the call returns
    image_tensors: bool = False  # an array of foreign tensors read as images (shapes checked before the call)
    # ARRAY the library fails on when it holds too few items: (more_than, unit, note); refused before the call.
    shortest: Optional[tuple[int, str, str]] = None
    count: Optional[str] = None  # ARRAY: its length parameter; ARRAY_COUNT: the (last) array it counts
    callback: Optional[str] = None  # CALLBACK: the callback struct
    shown: Optional[str] = None  # the name bindings show when not the C name ([conventions.calls] rename)


@dataclass
class Call:
    """One C function as a binding calls it."""

    function: str
    params: list[Param]
    status: Optional[str]  # the status enum it returns (failures raise), None: no status
    variadic: Optional[Variadic] = None
    since: Optional[str] = None  # first version declaring it with this signature (None: unknown)
    # A status member meaning "no value" (the result is null/None, not an error), e.g. a string
    # getter whose setter accepts NULL reports NOT_FOUND when unset.
    absent_status: Optional[str] = None
    # The value-class parameter keyword config fields apply to (Python **config_fields), if any.
    fields: Optional[str] = None
    # Python also takes a list of prompts as the first input ([conventions.calls] batch).
    batch: bool = False
    # ([conventions.calls] text_result) Python returns the results' one text (a str) instead of the results
    # object when its own first input is given (not a joined one, not a batch) and the call's effective
    # config has field == value: (field, value); None: always the results object.
    text_result: Optional[tuple[str, Any]] = None
    # ([conventions.calls] single) Python also takes one item of an array parameter under another keyword
    # (upstream's `image=` beside `images=`): C parameter -> that keyword. The array wins when both are given.
    singles: dict[str, str] = field(default_factory=dict)
    # ([conventions.calls] upstream_only) Python parameters of upstream's that the C API cannot carry: name ->
    # why. Accepted when empty (None, "", []), so upstream's calls that leave them empty run; refused otherwise.
    upstream_only: dict[str, str] = field(default_factory=dict)
    # ([conventions.calls] keyword) A method joining another (`joins`): Python also takes its first input under
    # that input's own shown name, as a keyword of the joined method that takes this kind of input only
    # (upstream's overloads name them apart: VLM `prompt=` a str, `history=` a ChatHistory).
    keyword: bool = False
    # ([conventions.calls] lone_score) The score of a result whose text form holds none (one text), when the
    # call's effective config meets every (field, op, operand) condition: (conditions, score); None: NaN.
    lone_score: Optional[tuple[tuple[tuple[str, str, Any], ...], float]] = None

    def role(self, role: Role) -> list[Param]:
        return [p for p in self.params if p.role is role]

    @property
    def inputs(self) -> list[Param]:
        """What the caller supplies, in C order."""
        return [p for p in self.params if p.role in _CALLER_ROLES]


_CALLER_ROLES = (Role.INPUT, Role.PATH, Role.WIDE_STRING, Role.ARRAY, Role.CALLBACK, Role.FUNCTION)


@dataclass
class Member:
    kind: MemberKind
    name: str  # neutral snake_case name: "generate", "max_new_tokens", "from_widget"
    call: Optional[Call] = None  # constructors, factories, methods, statics
    getter: Optional[Call] = None  # properties
    setter: Optional[Call] = None
    value: Optional[PropertyValue] = None  # properties
    # The iterator form of a method taking one streaming callback ("stream_with_history" for
    # "generate_with_history"); None when it has none.
    stream: Optional[str] = None
    doc: Optional[docs_mod.MemberDoc] = None  # from the library's docs file (bindgen/docs.py)
    stream_doc: Optional[docs_mod.MemberDoc] = None  # the iterator form's
    # This method overloads another one of the class (its name): same call shape, another first input
    # (a chat history instead of a prompt). Python shows one method dispatching on the input's type.
    joins: Optional[str] = None
    # The methods joining this one (their names), in declaration order.
    alternatives: list[str] = field(default_factory=list)

    @property
    def calls(self) -> list[Call]:
        return [c for c in (self.call, self.getter, self.setter) if c is not None]

    @property
    def since(self) -> Optional[str]:
        """The newest first version among its functions: the member works from there on."""
        known = [c.since for c in self.calls if c.since]
        return max(known, key=_version_key) if known else None


@dataclass
class ClassBinding:
    handle: str  # C handle name
    name: str  # neutral snake_case: "llm_pipeline"
    lifetime: Lifetime
    free: Optional[str]  # its own free function
    alternate_frees: list[str] = field(default_factory=list)  # frees for objects obtained elsewhere
    members: list[Member] = field(default_factory=list)
    doc: Optional[docs_mod.ClassDoc] = None

    def of(self, kind: MemberKind) -> list[Member]:
        return [mem for mem in self.members if mem.kind is kind]

    def member(self, name: str) -> Member:
        return next(mem for mem in self.members if mem.name == name)


@dataclass(frozen=True)
class CallbackBinding:
    """A callback struct; for an enum return, which members mean continue / stop / cancel."""

    struct: str
    returns: Optional[str]  # the return enum, None for void (or another type)
    continue_value: Optional[str] = None  # C member names
    stop_value: Optional[str] = None
    cancel_value: Optional[str] = None
    # One string argument and a way to stop: usable as an iterator of chunks.
    streams: bool = False

    @property
    def error_value(self) -> Optional[str]:
        """What a bridge answers once user code threw: cancel (so a chat turn is not kept), else stop."""
        return self.cancel_value or self.stop_value


@dataclass(frozen=True)
class ErrorText:
    """Where the library keeps the text of an error ([conventions.error_text] of the library description)."""

    status_enum: str
    last_message: Optional[str]  # function() -> message of the last failure
    last_message_owned: bool  # that message is a new string, freed with `string_free`
    last_message_statuses: tuple[str, ...]  # statuses after which the message belongs to the failed call
    status_description: Optional[str]  # function(status) -> static description
    string_free: Optional[str]


@dataclass(frozen=True)
class ModelKind:
    """What a model of one kind is ([diagnosis.model_kinds])."""

    key: str
    title: str  # "an LLM"
    folder_sets: tuple[tuple[str, ...], ...]  # a folder holds every file of one of these sets
    files: tuple[tuple[str, str], ...]  # (suffix, magic): a single file accepted
    pairs: tuple[tuple[str, str], ...] = ()  # (suffix, suffix): a file with the first needs the second beside it


@dataclass(frozen=True)
class Diagnosis:
    """What the bindings look at when a call fails with a status that carries no text ([diagnosis] of the
    library description): per function, which parameters are model paths (and of which kind) and devices,
    and which calls load the helper library; how to list devices; properties refused before the call."""

    status_enum: str
    status: str  # the member meaning "an exception was thrown, its text is lost"
    model_paths: dict[str, tuple[str, ModelKind]]  # function -> (param, kind)
    devices: dict[str, str]  # function -> device param
    meta_devices: tuple[str, ...]
    device_query: Optional[dict[str, str]]  # {library, create, free, list, free_list}
    helper_library_users: tuple[str, ...]
    helper_library: Optional[dict[str, str]]  # {name, env, beside}
    refused_properties: dict[str, str]  # key -> why
    model_files_at_call: dict[str, tuple[str, ...]] = field(default_factory=dict)  # function -> files

    def params(self, function: str) -> list[str]:
        """The parameters a failed call of `function` hands to the diagnosis (C names, in this order:
        model path, device); empty when the function is not diagnosed by its arguments."""
        out = []
        if function in self.model_paths:
            out.append(self.model_paths[function][0])
        if function in self.devices:
            out.append(self.devices[function])
        return out

    def kinds(self) -> list[ModelKind]:
        seen: dict[str, ModelKind] = {}
        for _, kind in self.model_paths.values():
            seen.setdefault(kind.key, kind)
        return list(seen.values())
class FieldKind(enum.Enum):
    """What one field of a value class holds (from its setter's C type)."""

    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    STRING = "string"  # a string, or an unset optional one (None / null)
    ENUM = "enum"
    INT_LIST = "int_list"
    STRING_LIST = "string_list"


RULE_OPS = ("==", "!=", "<", "<=", ">", ">=", "multiple_of", "contains", "each>=", "in", "set", "unset")


@dataclass(frozen=True)
class ValueField:
    """One field of a value class: a settable property of its handle, with upstream's default."""

    name: str
    kind: FieldKind
    ctype: m.CType  # the value's C type (an array's item type)
    default: object  # upstream's default: int, float, bool, str, enum member name, list; None: unset optional
    setter: str  # C function setting it on the native object
    getter: Optional[str]  # C function reading it back, when the API has one
    unset: object = None  # the value meaning "not set" (C#: null), None when the field has none
    optional: bool = False  # a string that may be unset (None / null)
    wide: bool = False  # a size_t shown as a 64-bit integer in C#
    as_set: bool = False  # upstream shows a set
    enum: Optional[str] = None  # C enum name of an ENUM field
    lo: int = 0  # range of an INT field (or of list items): the C type's
    hi: int = 0
    json: str = ""  # key in a JSON file ("" never read from JSON); "a.b" is nested
    json_if: str = ""  # read from JSON only when this bool field is true
    json_values: tuple[tuple[str, str], ...] = ()  # JSON value as text -> enum member name
    update_adds_to: str = ""  # update_generation_config also adds the value to this list field
    json_first: bool = False  # a JSON list gives its first item (other scalar fields ignore a list)
    set_keeps: bool = False  # a pipeline's set_generation_config keeps its previous value when this one is the default


@dataclass(frozen=True)
class Rule:
    """One check of upstream's validate(), in our words: `field` passes every `check` whenever all `when` hold."""

    field: str
    check: tuple[tuple[str, object], ...]  # (op, operand); an operand "@name" is field `name`'s value
    when: tuple[tuple[str, str, object], ...]  # (field, op, operand)
    says: str  # "<Class>.<field> <says> (got <value>)"


def predicate_text(alternatives: tuple[tuple[tuple[str, str, object], ...], ...]) -> str:
    """A predicate in words: `num_beams > 1`, alternatives joined with "or"."""
    def show(v: object) -> str:
        return str(v).lower() if isinstance(v, bool) else str(v)
    return " or ".join(" and ".join(f"{f} {op} {show(v)}" for f, op, v in alt) for alt in alternatives)


@dataclass
class ValueClass:
    """A handle shown as a plain value class ([conventions.value_classes]): fields read and written
    freely; the native object is made at call time from the origin plus the assigned fields."""

    handle: str
    name: str  # neutral snake_case, the handle's: "generation_config"
    native_name: str  # the internal class of the handle: "generation_config_native"
    fields: list[ValueField]  # in the order their setters are called
    rules: list[Rule]
    constructor: str  # C function making the library's defaults
    json: Optional[str]  # C function reading a JSON file (None: no JSON origin)
    token_limit: tuple[str, ...] = ()  # fields of which one must be set for a generate (point 4)
    validate: Optional[str] = None  # C function validating the native object, when the API has one
    # (field, value): on a copy with it set, `validate` fails exactly when no token limit is set.
    token_limit_probe: Optional[tuple[str, object]] = None
    # name -> alternatives (any), each conditions (all) as in Rule.when: upstream's is_beam_search() etc.
    predicates: dict[str, tuple[tuple[tuple[str, str, object], ...], ...]] = field(default_factory=dict)
    unreachable: tuple[str, ...] = ()  # upstream's fields the C API cannot reach
    unreachable_reason: str = ""
    # method -> (field, parameter name): a method assigning that field as update_generation_config does
    # (upstream's set_eos_token_id(tokenizer_eos_token_id))
    setters: dict[str, tuple[str, str]] = field(default_factory=dict)
    # A pipeline's own config starts from this file in the folder the pipeline was created from ("": unknown start)
    pipeline_json: str = ""
    # (field, list field): `validate` passes exactly when the field is unset or its value is in the list field,
    # which finds a pipeline's value of a field the C API cannot read back
    member_probe: Optional[tuple[str, str]] = None


@dataclass
class Binding:
    conventions: conv.Conventions
    classes: dict[str, ClassBinding]  # handle -> class (foreign handles included, without members)
    statics: list[Member]
    callbacks: dict[str, CallbackBinding]
    internal: dict[str, str]  # function -> why no binding exposes it
    absent_statuses: dict[str, str]  # status enum -> member meaning "no value"
    error_text: Optional[ErrorText]
    value_structs: dict[str, ValueStruct] = field(default_factory=dict)  # every plain (non-callback) struct
    value_classes: dict[str, ValueClass] = field(default_factory=dict)  # handle -> its value class
    docs: Optional[docs_mod.Docs] = None  # the library's docs file, attached to classes and members
    diagnosis: Optional[Diagnosis] = None
    result_classes: dict[str, ResultClass] = field(default_factory=dict)  # handle -> its value class, if shown so

    def owned(self) -> list[ClassBinding]:
        return [c for c in self.classes.values() if c.lifetime is Lifetime.RESOURCE]

    def calls(self) -> dict[str, Call]:
        """Every function a binding exposes -> how it is called."""
        out = {c.function: c for mem in self.statics for c in mem.calls}
        out.update({c.function: c for cls in self.classes.values() for mem in cls.members for c in mem.calls})
        return out


class BindingError(Exception):
    """The library description names something the API does not have."""


def _version_key(v: str) -> tuple[int, ...]:
    return tuple(int(x) if x.isdigit() else -1 for x in v.split("."))


def bind(c: conv.Conventions) -> Binding:
    """The binding model for `c` (see module doc). `since` comes from the API model as the driver's
    version step filled it (bindgen.versions); without that step it stays None."""
    lib = c.library
    problems: list[str] = []
    callbacks = {name: _callback(c, cs, problems) for name, cs in c.callback_structs.items()}
    absent = _absent_statuses(c, problems)
    internal: dict[str, str] = {}
    for info in c.functions.values():
        if info.kind == conv.FREE:
            internal[info.name] = f"releases {info.releases}: called when the object is closed/disposed"
        elif info.releases_struct:
            internal[info.name] = (f"frees what a {info.releases_struct} holds: the safe layer copies such "
                                   f"structs and frees them itself")
        elif info.name == lib.conventions.string_free:
            internal[info.name] = ("frees strings the library allocated; the safe layer copies and frees them "
                                   "itself")
    classes: dict[str, ClassBinding] = {}
    for hname, hi in c.handles.items():
        if hi.foreign:
            classes[hname] = ClassBinding(hname, hi.member, Lifetime.FOREIGN, None)
            for f in hi.functions:
                internal.setdefault(f, f"belongs to the foreign handle {hname}")
            continue
        alternates = [f for f, target in lib.conventions.free_functions.items()
                      if target == hname and f != hi.free and f in c.functions]
        cls = ClassBinding(hname, hi.member, Lifetime.RESOURCE, hi.free, alternates)
        _members(c, hi, cls, callbacks, absent)
        classes[hname] = cls
    statics = []
    for info in c.statics():
        if info.name in internal:
            continue
        statics.append(Member(MemberKind.STATIC, _method_name(info), call=_call(c, info)))
    _joins(c, classes, problems)
    error_text = _error_text(c)
    diagnosis = _diagnosis(c, problems)
    values = _value_classes(c, classes, problems)
    _check_text_results(classes, values, c.library.conventions.value_classes, problems)
    results = _result_classes(c, problems)
    if problems:
        raise BindingError("\n".join(problems))
    out = Binding(c, classes, statics, callbacks, internal, absent, error_text, _value_structs(c),
                  value_classes=values, diagnosis=diagnosis, result_classes=results)
    docs_mod.attach(out, lib)
    return out


# -- value classes ([conventions.results], [conventions.metrics]) --

def _result_classes(c: conv.Conventions, problems: list[str]) -> dict[str, ResultClass]:
    """The value classes the library description declares, checked against the API: every function
    named exists (in this version of the API; a table may name functions of newer ones only where the
    class is absent), belongs to the handle and is of the kind its use needs."""
    lib = c.library.conventions
    out: dict[str, ResultClass] = {}
    for kind, table in (("results", lib.results), ("metrics", lib.metrics)):
        for handle, spec in table.items():
            where = f"[conventions.{kind}.{handle}]"
            if handle not in c.handles:
                continue  # a handle of another version of the API
            if not isinstance(spec, dict):
                problems.append(f"{where}: expected a table")
                continue
            fields: list[ResultField] = []
            missing: list[str] = []
            string_form = add = None
            for name, source in spec.items():
                here = f"{where} {name}"
                if kind == "results" and name == "string_form":
                    if source not in STRING_FORMS:
                        problems.append(f"{here}: {source!r} is no known form ({', '.join(STRING_FORMS)})")
                    string_form = source
                    continue
                if kind == "metrics" and name == "add":
                    if _owned(c, handle, source, here, problems):
                        add = source
                    continue
                if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
                    problems.append(f"{here}: a field name is snake_case")
                    continue
                named = [source] if isinstance(source, str) else \
                    [v for k, v in source.items() if k in ("getter", "item", "count", "present")] \
                    if isinstance(source, dict) else []
                if any(isinstance(fn, str) and fn not in c.functions for fn in named):
                    missing.append(name)  # a function of another version of the API: no such field here
                    continue
                f = _result_field(c, handle, kind, name, source, here, problems)
                if f is not None:
                    fields.append(f)
            if kind == "metrics" and add is None:
                problems.append(f"{where}: missing `add` (the in-place add function)")
            if any(f.source is FieldSource.FROM_STRING for f in fields) and string_form is None:
                problems.append(f"{where}: fields read from_string need `string_form`")
            if any(f.source is FieldSource.FROM_STRING for f in fields) and \
                    not any(f.source is FieldSource.STRING for f in fields):
                problems.append(f"{where}: fields read from_string need a `string` field")
            out[handle] = ResultClass(handle, kind, tuple(fields), string_form, add, tuple(missing))
    for vc in out.values():
        for f in vc.fields:
            if f.handle is not None and f.handle not in out:
                problems.append(f"[conventions.{vc.kind}.{vc.handle}] {f.name}: its getter makes {f.handle}, "
                                f"which has no value class ([conventions.results] or [conventions.metrics])")
    return out


def _owned(c: conv.Conventions, handle: str, function: object, where: str, problems: list[str]) -> bool:
    if not isinstance(function, str):
        problems.append(f"{where}: expected a function name, found {function!r}")
        return False
    info = c.functions.get(function)
    if info is None:
        problems.append(f"{where}: {function} is no function of the API")
        return False
    if info.owner != handle:
        problems.append(f"{where}: {function} does not belong to {handle}")
        return False
    return True


def _result_field(c: conv.Conventions, handle: str, kind: str, name: str, source: object, where: str,
                 problems: list[str]) -> Optional[ResultField]:
    spec: dict[str, object] = {"getter": source} if isinstance(source, str) else \
        dict(source) if isinstance(source, dict) else {}
    if not spec:
        problems.append(f"{where}: expected a function name or a table, found {source!r}")
        return None
    allowed = {"getter", "unit", "item", "count", "present", "from_string", "doc"}
    unknown = sorted(set(spec) - allowed)
    if unknown:
        problems.append(f"{where}: unknown keys {unknown} (known: {', '.join(sorted(allowed))})")
        return None
    unit = spec.get("unit")
    doc = str(spec.get("doc", ""))
    if unit is not None and unit not in UNITS:
        problems.append(f"{where}: unit {unit!r} is none of {', '.join(UNITS)}")
        return None
    assert unit is None or isinstance(unit, str)
    if "from_string" in spec:
        if kind != "results" or spec["from_string"] not in FROM_STRING_PARTS:
            problems.append(f"{where}: from_string is one of {', '.join(FROM_STRING_PARTS)} (results only)")
            return None
        return ResultField(name, FieldSource.FROM_STRING, part=str(spec["from_string"]), doc=doc)
    if "item" in spec:
        item, count, present = spec.get("item"), spec.get("count"), spec.get("present")
        if not all(_owned(c, handle, f, where, problems) for f in (item, count) + ((present,) if present else ())):
            return None
        assert isinstance(item, str) and isinstance(count, str)
        ii, ci = c.functions[item], c.functions[count]
        item_outs = 1 if ii.kind == conv.STRING_GETTER else len(ii.out_params)
        if len(ii.in_params) != 1 or item_outs != 1 or ci.kind != conv.GETTER or len(ci.out_params) != 1:
            problems.append(f"{where}: {item} must take one index and give one value, {count} give one count")
            return None
        pi = c.functions[present] if isinstance(present, str) else None
        if pi is not None and (pi.kind != conv.GETTER or len(pi.out_params) != 1):
            problems.append(f"{where}: {present} must give one bool")
            return None
        out_t = _out_type(ii) if ii.kind != conv.STRING_GETTER else m.CType(m.POINTER, pointee=m.CType(m.SCALAR, "char"))
        made = ii.creates
        return ResultField(name, FieldSource.LIST, item, count, present if isinstance(present, str) else None,
                          made, unit, type=None if made else out_t, doc=doc)
    getter = spec.get("getter")
    if not _owned(c, handle, getter, where, problems):
        return None
    assert isinstance(getter, str)
    info = c.functions[getter]
    if info.in_params:
        problems.append(f"{where}: {getter} takes arguments; a field's getter takes only the object")
        return None
    if name == "string":
        if info.kind != conv.STRING_GETTER:
            problems.append(f"{where}: {getter} is no string getter")
            return None
        return ResultField(name, FieldSource.STRING, getter, doc=doc)
    if info.creates:
        return ResultField(name, FieldSource.OBJECT, getter, handle=info.creates, doc=doc)
    if info.kind == conv.STRING_GETTER:
        return ResultField(name, FieldSource.VALUE, getter, unit=unit, doc=doc)
    if info.kind != conv.GETTER or len(info.out_params) not in (1, 2):
        problems.append(f"{where}: {getter} is no getter of one value or of a mean and a deviation")
        return None
    return ResultField(name, FieldSource.VALUE, getter, unit=unit, pair=len(info.out_params) == 2,
                      type=_out_type(info), doc=doc)


def _out_type(info: conv.FunctionInfo) -> Optional[m.CType]:
    """The type a getter writes through its (first) out-param."""
    out = info.out_params[0] if info.out_params else None
    p = next((p for p in info.function.params if p.name == out), None)
    return p.type.pointee if p is not None else None


def _value_structs(c: conv.Conventions) -> dict[str, ValueStruct]:
    out = {}
    for s in c.api.structs:
        if s.name in c.callback_structs:
            continue
        counted = {cf.pointer: cf.count for cf in c.counted_fields.get(s.name, [])}
        hidden = tuple(sorted(count for count in counted.values() if "." not in count))
        form = ValueForm.LIST if len(s.fields) == 2 and len(counted) == 1 and hidden else ValueForm.RECORD
        out[s.name] = ValueStruct(s.name, form, counted, hidden)
    return out


# -- calls and parameters --

def _call(c: conv.Conventions, info: conv.FunctionInfo, absent_status: Optional[str] = None) -> Call:
    fn = info.function
    arrays = {a.pointer: a.count for a in info.input_arrays}
    counts = {a.count: a.pointer for a in info.input_arrays}  # shared by parallel arrays: the last one
    callbacks = {cp.param: cp.struct for cp in info.callbacks}
    shape = c.library.conventions.calls.get(fn.name, {})
    renames = shape.get("rename", {}) if isinstance(shape.get("rename"), dict) else {}
    self_param = fn.params[0].name if info.owner and info.kind != conv.CREATE and fn.params \
        and fn.params[0].type.is_handle_ptr(1) and fn.params[0].type.base().name == info.owner else None
    params = []
    for p in fn.params:
        count: Optional[str] = None
        callback: Optional[str] = None
        t = p.type
        if p.name == self_param:
            role = Role.SELF
        elif p.name in callbacks:
            role, callback = Role.CALLBACK, callbacks[p.name]
        elif p.name in info.out_params:
            if t.pointer_depth() == 2 and t.base().kind == m.HANDLE:
                role = Role.OUT_HANDLE
            elif p.name in info.string_outs:
                role = Role.OUT_STRING
            elif t.pointer_depth() == 2 and t.base().kind == m.VOID:
                role = Role.OUT_ADDRESS
            else:
                role = Role.OUT_VALUE
        elif p.name in counts:
            role, count = Role.ARRAY_COUNT, counts[p.name]
        elif p.name == info.variadic_count:
            role = Role.VARIADIC_COUNT
        elif info.string_buffer and p.name == info.string_buffer[0]:
            role = Role.STRING_BUFFER
        elif info.string_buffer and p.name == info.string_buffer[1]:
            role = Role.STRING_SIZE
        elif info.array_buffer and p.name == info.array_buffer[0]:
            role = Role.ARRAY_BUFFER
        elif info.array_buffer and p.name == info.array_buffer[1]:
            role = Role.ARRAY_BUFFER_COUNT
        elif p.name in arrays:
            role, count = Role.ARRAY, arrays[p.name]
        elif p.name in info.wide_strings:
            role = Role.WIDE_STRING
        elif t.kind == m.CALLBACK:
            role = Role.FUNCTION
        elif t.is_string() and _names_a_path(p.name):
            role = Role.PATH
        else:
            role = Role.INPUT
        params.append(Param(p.name, role, t, nullable=p.name in info.nullable, retained=p.name in info.retains,
                            image_tensors=p.name in info.image_tensors, shortest=info.shortest_arrays.get(p.name),
                            count=count, callback=callback, shown=renames.get(p.name)))
    fields = shape.get("fields")
    text_result = shape.get("text_result")
    return Call(fn.name, params, info.status_enum, Variadic(info.variadic) if info.variadic else None,
                fn.since, absent_status, fields if isinstance(fields, str) else None, shape.get("batch") is True,
                (text_result["field"], text_result["equals"]) if isinstance(text_result, dict) and _is_text_result(text_result)
                else None, dict(shape["single"]) if isinstance(shape.get("single"), dict) else {},
                dict(shape["upstream_only"]) if isinstance(shape.get("upstream_only"), dict) else {},
                shape.get("keyword") is True, _lone_score(shape.get("lone_score")))


_CALL_KEYS = {"rename", "joins", "fields", "batch", "text_result", "single", "upstream_only", "keyword", "lone_score"}


def _lone_score(shape: object) -> Optional[tuple[tuple[tuple[str, str, Any], ...], float]]:
    """[conventions.calls] lone_score as (conditions, score), None when absent or malformed (reported by _joins)."""
    if not isinstance(shape, dict) or set(shape) != {"when", "score"} or not isinstance(shape["score"], (int, float)) \
            or isinstance(shape["score"], bool) or not isinstance(shape["when"], list) or not shape["when"]:
        return None
    conds = []
    for c in shape["when"]:
        if not isinstance(c, list) or len(c) != 3 or not isinstance(c[0], str) or c[1] not in RULE_OPS:
            return None
        conds.append((c[0], c[1], c[2]))
    return tuple(conds), float(shape["score"])


def _is_text_result(shape: object) -> bool:
    return isinstance(shape, dict) and set(shape) == {"field", "equals"} and isinstance(shape["field"], str) \
        and shape["field"].isidentifier() and isinstance(shape["equals"], (bool, int, float, str))


def _joins(c: conv.Conventions, classes: dict[str, ClassBinding], problems: list[str]) -> None:
    """[conventions.calls]: checks every entry, and links methods joining another one."""
    methods = {mem.call.function: (cls, mem) for cls in classes.values() for mem in cls.of(MemberKind.METHOD)
               if mem.call is not None}
    for fname, shape in c.library.conventions.calls.items():
        where = f"[conventions.calls] {fname}"
        if fname not in c.functions:
            continue  # another version of the API
        if not isinstance(shape, dict) or set(shape) - _CALL_KEYS:
            problems.append(f"{where}: expected a table of {', '.join(sorted(_CALL_KEYS))}, found {shape!r}")
            continue
        params = {p.name for p in c.functions[fname].function.params}
        rename = shape.get("rename", {})
        if not isinstance(rename, dict) or not all(isinstance(v, str) and v.isidentifier() and v.islower()
                                                   for v in rename.values()):
            problems.append(f"{where}: rename must map parameters to snake_case names, found {rename!r}")
        elif set(rename) - params:
            problems.append(f"{where}: rename names no parameter of it: {sorted(set(rename) - params)}")
        if "fields" in shape and shape["fields"] not in params:
            problems.append(f"{where}: fields = {shape['fields']!r} is no parameter of it")
        single = shape.get("single", {})
        arrays = {a.pointer for a in c.functions[fname].input_arrays}
        if not isinstance(single, dict) or not all(isinstance(v, str) and v.isidentifier() and v.islower()
                                                   for v in single.values()):
            problems.append(f"{where}: single must map array parameters to snake_case keywords, found {single!r}")
        elif set(single) - arrays:
            problems.append(f"{where}: single names no array parameter of it: {sorted(set(single) - arrays)}")
        upstream_only = shape.get("upstream_only", {})
        shown = {rename.get(p, p) for p in params} if isinstance(rename, dict) else params
        if not isinstance(upstream_only, dict) or not all(
                isinstance(k, str) and k.isidentifier() and k.islower() and k not in shown and isinstance(v, str) and v
                for k, v in upstream_only.items()):
            problems.append(f"{where}: upstream_only must map new snake_case parameter names to the reason the C API "
                            f"cannot carry them, found {upstream_only!r}")
        if "text_result" in shape:
            if not _is_text_result(shape["text_result"]):
                problems.append(f"{where}: text_result must be {{ field = \"<config field>\", equals = <value> }}, "
                                f"found {shape['text_result']!r}")
            elif "fields" not in shape:
                problems.append(f"{where}: text_result needs fields (the config whose field decides)")
        if "lone_score" in shape:
            if _lone_score(shape["lone_score"]) is None:
                problems.append(f"{where}: lone_score must be {{ when = [[\"<config field>\", \"<op>\", <operand>], ...], "
                                f"score = <number> }} with ops {', '.join(RULE_OPS)}, found {shape['lone_score']!r}")
            elif "fields" not in shape:
                problems.append(f"{where}: lone_score needs fields (the config whose fields decide)")
        target = shape.get("joins")
        if "keyword" in shape and (shape["keyword"] not in (True, False) or target is None):
            problems.append(f"{where}: keyword must be true or false, on a function that joins another, "
                            f"found {shape['keyword']!r}")
        if target is None:
            continue
        if fname not in methods or target not in methods or methods[target][0] is not methods[fname][0]:
            problems.append(f"{where}: joins = {target!r}: both must be methods of the same class")
            continue
        _, mem = methods[fname]
        _, joined = methods[target]
        mem.joins = joined.name
        joined.alternatives.append(mem.name)
        if shape.get("keyword") is True and mem.call is not None and joined.call is not None:
            first, taken = mem.call.inputs[0], {p.shown or p.name for p in joined.call.inputs}
            name = first.shown or first.name
            if name in taken or name in joined.call.singles.values() or name in joined.call.upstream_only:
                problems.append(f"{where}: keyword: {target}'s method already has a parameter {name!r}")


def _check_text_results(classes: dict[str, ClassBinding], values: dict[str, "ValueClass"],
                        described: dict[str, Any], problems: list[str]) -> None:
    """[conventions.calls] text_result names a field of the value class its `fields` parameter takes."""
    for cls in classes.values():
        for mem in cls.of(MemberKind.METHOD):
            call = mem.call
            if call is None or (call.text_result is None and call.lone_score is None):
                continue
            param = next((p for p in call.params if p.name == call.fields), None)
            handle = param.type.base().name if param is not None else None
            value = values.get(handle or "")
            names = {f.name for f in value.fields} if value is not None else set()
            if call.lone_score is not None and handle:
                # A field the library description declares but this API version lacks: the score cannot be known.
                spec = described.get(handle, {})
                declared = set(spec.get("fields", {})) if isinstance(spec, dict) else set()
                if any(c[0] in declared and c[0] not in names for c in call.lone_score[0]):
                    call.lone_score = None
            for key, used in (("text_result", [call.text_result[0]] if call.text_result else []),
                              ("lone_score", [c[0] for c in call.lone_score[0]] if call.lone_score else [])):
                for name in used:
                    if name not in names:
                        problems.append(f"[conventions.calls] {call.function}: {key} field {name!r} is no "
                                        f"field of the value class its {call.fields!r} parameter takes")


def _names_a_path(name: str) -> bool:
    """A string parameter named `*path*` (`models_path`, `bin_path`) names a file or directory."""
    return "path" in name.lower()


# -- classes --

def _members(c: conv.Conventions, hi: conv.HandleInfo, cls: ClassBinding, callbacks: dict[str, CallbackBinding],
             absent: dict[str, str]) -> None:
    infos = c.owned_by(hi.handle.name)
    by_member = {i.member: i for i in infos}
    consumed: set[str] = set()
    for fname in hi.creators:
        info = c.functions[fname]
        consumed.add(fname)
        if info.member == "create" and not cls.of(MemberKind.CONSTRUCTOR):
            cls.members.append(Member(MemberKind.CONSTRUCTOR, "create", call=_call(c, info)))
        else:
            rest = info.member[len("create_"):] if info.member.startswith("create_from_") else info.member
            cls.members.append(Member(MemberKind.FACTORY, rest, call=_call(c, info)))
    consumed.update(i.name for i in infos if i.kind == conv.FREE)
    # Properties: a value copied in and out. A getter making a new object per read (or a setter
    # taking one) stays a get_x()/set_x() pair of methods in every language: a property would hide
    # that `obj.config.x = 1` changes a copy.
    for prop in hi.properties:
        getter = c.functions[prop.getter] if prop.getter else None
        setter = c.functions[prop.setter] if prop.setter else None
        if getter is not None and getter.creates or setter is not None and setter.function.params[1].type.is_handle_ptr(1):
            continue
        if setter is not None and (setter.callbacks or setter.function.params[1].type.kind == m.CALLBACK):
            continue  # code is registered, not a value stored: set_x(callable)
        if getter is not None and getter.kind == conv.GETTER and len(getter.out_params) != 1:
            continue
        value = PropertyValue.STRING if (getter and getter.kind == conv.STRING_GETTER
                                         or prop.type.is_string()) else PropertyValue.VALUE
        gcall = _call(c, getter) if getter else None
        scall = _call(c, setter) if setter else None
        if gcall is not None and scall is not None and value is PropertyValue.STRING \
                and scall.inputs and scall.inputs[0].nullable and gcall.status in absent:
            gcall.absent_status = absent[gcall.status]
        cls.members.append(Member(MemberKind.PROPERTY, prop.name, getter=gcall, setter=scall, value=value))
        consumed.update(f.name for f in (getter, setter) if f is not None)
    # Array properties: `set_x(h, const T* items, size_t n)` with a count-then-fill `get_x`, or alone.
    for i in infos:
        if i.kind == conv.METHOD and i.member.startswith("set_") and i.name not in consumed \
                and len(i.input_arrays) == 1 and len(i.in_params) == 1 and not i.out_params and not i.retains:
            array_getter = by_member.get("get_" + i.member[4:])
            if array_getter is not None and (array_getter.kind != conv.ARRAY_GETTER or array_getter.name in consumed):
                array_getter = None
            cls.members.append(Member(MemberKind.PROPERTY, i.member[4:], value=PropertyValue.ARRAY,
                                      getter=_call(c, array_getter) if array_getter else None, setter=_call(c, i)))
            consumed.update(f.name for f in (array_getter, i) if f is not None)
    used = {mem.name for mem in cls.members}
    for i in infos:
        if i.name in consumed:
            continue
        if i.kind == conv.GETTER and not i.in_params:
            # Values read together (`get_ttft(h, &mean, &std)`), or one with no setter: read-only.
            value = PropertyValue.VALUES if len(i.out_params) > 1 else PropertyValue.VALUE
            cls.members.append(Member(MemberKind.PROPERTY, i.member, getter=_call(c, i), value=value))
            used.add(i.member)
            continue
        call = _call(c, i)
        mem = Member(MemberKind.METHOD, _method_name(i), call=call)
        cls.members.append(mem)
        used.add(mem.name)
    for mem in cls.of(MemberKind.METHOD):
        assert mem.call is not None
        streaming = [p for p in mem.call.role(Role.CALLBACK) if p.callback and callbacks[p.callback].streams]
        if len(mem.call.role(Role.CALLBACK)) == 1 and streaming:
            words = mem.name.split("_", 1)
            stream = "stream" + ("_" + words[1] if len(words) > 1 else "")
            if stream in used:
                stream = mem.name + "_stream"
            mem.stream = stream
            used.add(stream)


def _method_name(info: conv.FunctionInfo) -> str:
    """The member name of a function bound as a method: getters and setters not paired into a
    property keep their verb (`get_x`, `set_x`)."""
    member = info.member
    if info.kind == conv.GETTER and not member.startswith(("get_", "is_", "has_")):
        return "get_" + member
    if info.kind == conv.SETTER:
        return "set_" + member
    return member


# -- callbacks, statuses, error text --

_RETURN_MEANINGS = ("continue", "stop", "cancel")


def _callback(c: conv.Conventions, cs: conv.CallbackStruct, problems: list[str]) -> CallbackBinding:
    ret = cs.signature.returns
    assert ret is not None
    args = [p for i, p in enumerate(cs.signature.params) if i != cs.user_data_param]
    one_string = len(args) == 1 and args[0].type.is_string()
    if ret.kind != m.ENUM or not ret.name:
        return CallbackBinding(cs.name, None)
    declared = c.library.conventions.callback_returns.get(ret.name)
    if declared is None:
        return CallbackBinding(cs.name, ret.name)
    enum_ = c.api.enum(ret.name)
    members = {mem.name for mem in enum_.members}
    for meaning, member in declared.items():
        if meaning not in _RETURN_MEANINGS:
            problems.append(f"[conventions.callback_returns] {ret.name}: unknown meaning {meaning!r} "
                            f"(expected {', '.join(_RETURN_MEANINGS)})")
        elif member not in members:
            problems.append(f"[conventions.callback_returns] {ret.name}: {meaning} = {member!r} is no member of {ret.name}")
    values = {k: v for k, v in declared.items() if v in members}
    cont, stop = values.get("continue"), values.get("stop")
    return CallbackBinding(cs.name, ret.name, cont, stop, values.get("cancel"),
                           streams=one_string and cont is not None and stop is not None)


def _absent_statuses(c: conv.Conventions, problems: list[str]) -> dict[str, str]:
    out = {}
    enums = {e.name: e for e in c.api.enums}
    for status, member in c.library.conventions.absent_statuses.items():
        if status not in enums:
            continue  # another version of the API; status_enums are filtered the same way
        if status not in c.status_enums:
            problems.append(f"[conventions.absent_statuses] {status} is no status enum ([conventions.status_enums])")
        elif not any(mem.name == member for mem in enums[status].members):
            problems.append(f"[conventions.absent_statuses] {status}: {member!r} is no member of it")
        else:
            out[status] = member
    return out


def _error_text(c: conv.Conventions) -> Optional[ErrorText]:
    lib = c.library
    spec = lib.conventions.error_text
    if not spec or lib.conventions.status_enum not in c.status_enums:
        return None
    last = spec.get("last_message")
    return ErrorText(lib.conventions.status_enum, last, bool(last) and last in lib.conventions.owned_string_returns and bool(lib.conventions.string_free),
                     tuple(spec.get("last_message_statuses", [])), spec.get("status_description"),
                     lib.conventions.string_free or None)


def _diagnosis(c: conv.Conventions, problems: list[str]) -> Optional[Diagnosis]:
    """[diagnosis] checked against the API: functions of another version of the API are left out."""
    spec = c.library.diagnosis
    if not spec.status:
        return None
    where = "[diagnosis]"
    status_enum = c.library.conventions.status_enum
    enums = {e.name: e for e in c.api.enums}
    if status_enum not in enums or not any(mem.name == spec.status for mem in enums[status_enum].members):
        problems.append(f"{where} status: {spec.status!r} is no member of {status_enum}")
        return None
    kinds: dict[str, ModelKind] = {}
    for key, kind_spec in spec.model_kinds.items():
        kind = kind_spec
        sets, files, title = kind.get("folder_sets", []), kind.get("files", {}), kind.get("title", "")
        pairs = kind.get("pairs", {})
        if not re.fullmatch(r"[a-z][a-z0-9]*", key):
            problems.append(f"{where} model_kinds.{key}: a kind's name is lower-case letters and digits (it names code)")
            continue
        unknown = set(kind) - {"title", "folder_sets", "files", "pairs"}
        if unknown:
            problems.append(f"{where} model_kinds.{key}: unknown keys {sorted(unknown)}")
        if not isinstance(title, str) or not title:
            problems.append(f"{where} model_kinds.{key}: title must be a non-empty string")
        if not (isinstance(sets, list) and all(isinstance(s, list) and s and all(isinstance(f, str) for f in s)
                                               for s in sets)):
            problems.append(f"{where} model_kinds.{key}: folder_sets must be a list of non-empty lists of file names")
            continue
        if not (isinstance(files, dict) and all(isinstance(v, str) for v in files.values())):
            problems.append(f"{where} model_kinds.{key}: files must map a suffix to the bytes a file starts with")
            continue
        if not (isinstance(pairs, dict) and all(isinstance(v, str) for v in pairs.values())):
            problems.append(f"{where} model_kinds.{key}: pairs must map a suffix to the suffix of the file needed beside it")
            continue
        kinds[key] = ModelKind(key, str(title), tuple(tuple(s) for s in sets), tuple(sorted(files.items())),
                               tuple(sorted(pairs.items())))

    def param_of(function: str, param: str, table: str) -> bool:
        fn = c.functions.get(function)
        if fn is None:
            return False  # another version of the API
        if not any(p.name == param for p in fn.function.params):
            problems.append(f"{where} {table}.{function}: it has no parameter {param!r}")
            return False
        return True

    model_paths: dict[str, tuple[str, ModelKind]] = {}
    for function, entry in spec.model_paths.items():
        param, kind_key = entry.get("param", ""), entry.get("kind", "")
        if kind_key not in kinds:
            problems.append(f"{where} model_paths.{function}: unknown kind {kind_key!r} (not in [diagnosis.model_kinds])")
        elif param_of(function, param, "model_paths"):
            model_paths[function] = (param, kinds[kind_key])
    devices = {f: p for f, p in spec.devices.items() if param_of(f, p, "devices")}
    query = dict(spec.device_query) or None
    if query is not None:
        missing = {"library", "create", "free", "list", "free_list"} - set(query)
        if missing:
            problems.append(f"{where} device_query: missing keys {sorted(missing)}")
    helper = dict(spec.helper_library) or None
    if helper is not None and "name" not in helper:
        problems.append(f"{where} helper_library: missing key 'name'")
    users = tuple(f for f in spec.helper_library_users if f in c.functions)
    at_call = {f: tuple(files) for f, files in spec.model_files_at_call.items() if f in c.functions}
    return Diagnosis(status_enum, spec.status, model_paths, devices, tuple(spec.meta_devices), query, users, helper,
                     dict(spec.refused_properties), at_call)
# -- value classes --

_FIELD_KEYS = {"default", "unset", "optional", "wide", "json", "json_if", "json_values", "set", "update_adds_to",
               "json_first", "set_keeps"}
_CLASS_KEYS = {"json", "fields", "rules", "token_limit", "token_limit_probe", "predicates", "unreachable", "setters",
               "pipeline_json", "member_probe"}


_UNSIGNED = {"unsigned char", "uint8_t", "unsigned short", "uint16_t", "unsigned int", "uint32_t", "uint64_t",
             "unsigned long long", "size_t", "uintptr_t"}


def _int_range(t: m.CType) -> tuple[int, int]:
    """The values a C integer type holds."""
    bits = 8 * m.SCALAR_SIZES.get(t.name or "", 8)
    if (t.name or "") in _UNSIGNED:
        return 0, (1 << bits) - 1
    return -(1 << (bits - 1)), (1 << (bits - 1)) - 1


def _value_classes(c: conv.Conventions, classes: dict[str, ClassBinding],
                   problems: list[str]) -> dict[str, ValueClass]:
    out: dict[str, ValueClass] = {}
    for handle, spec in c.library.conventions.value_classes.items():
        where = f"[conventions.value_classes.{handle}]"
        cls = classes.get(handle)
        if cls is None:
            if not any(h.name == handle for h in c.api.handles):
                continue  # another version of the API
            problems.append(f"{where}: {handle} is a foreign handle")
            continue
        if not isinstance(spec, dict) or set(spec) - _CLASS_KEYS:
            problems.append(f"{where}: unknown keys {sorted(set(spec) - _CLASS_KEYS) if isinstance(spec, dict) else spec!r} "
                            f"(expected {', '.join(sorted(_CLASS_KEYS))})")
            continue
        ctors = cls.of(MemberKind.CONSTRUCTOR)
        if not ctors or ctors[0].call is None:
            problems.append(f"{where}: {handle} has no constructor to make the library's defaults")
            continue
        json_fn: Optional[str] = None
        if spec.get("json"):
            factory = next((mem for mem in cls.of(MemberKind.FACTORY) if mem.name == spec["json"]), None)
            if factory is None or factory.call is None:
                problems.append(f"{where}: json = {spec['json']!r} is no factory of {handle}")
            else:
                json_fn = factory.call.function
        props = {mem.name: mem for mem in cls.of(MemberKind.PROPERTY)}
        fields: list[ValueField] = []
        for name, fs in spec.get("fields", {}).items():
            fwhere = f"{where} fields.{name}"
            if not isinstance(fs, dict) or set(fs) - _FIELD_KEYS:
                problems.append(f"{fwhere}: unknown keys (expected {', '.join(sorted(_FIELD_KEYS))})")
                continue
            mem = props.get(name)
            if mem is None and not any(f.endswith("_set_" + name) for f in c.handles[handle].functions):
                continue  # newer than this version of the API
            if mem is None or mem.setter is None:
                problems.append(f"{fwhere}: {handle} has no settable property {name!r}")
                continue
            value_params = mem.setter.inputs
            t = value_params[0].type
            item = t.pointee if value_params[0].role is Role.ARRAY and t.pointee is not None else t
            base = item.base() if item.kind == m.POINTER else item
            if value_params[0].role is Role.ARRAY:
                kind = FieldKind.STRING_LIST if item.is_string() else FieldKind.INT_LIST
            elif t.is_string():
                kind = FieldKind.STRING
            elif base.kind == m.ENUM:
                kind = FieldKind.ENUM
            elif base.name == "bool":
                kind = FieldKind.BOOL
            elif base.name in ("float", "double"):
                kind = FieldKind.FLOAT
            else:
                kind = FieldKind.INT
            lo, hi = _int_range(base) if kind in (FieldKind.INT, FieldKind.INT_LIST) else (0, 0)
            optional = bool(fs.get("optional", False))
            if "default" not in fs and not optional:
                problems.append(f"{fwhere}: no default (give `default`, or `optional = true` for a string)")
                continue
            json_values = fs.get("json_values", {})
            fields.append(ValueField(
                name, kind, base, fs.get("default"), mem.setter.function,
                mem.getter.function if mem.getter else None, unset=fs.get("unset"), optional=optional,
                wide=bool(fs.get("wide", False)), as_set=bool(fs.get("set", False)),
                enum=base.name if kind is FieldKind.ENUM else None, lo=lo, hi=hi,
                json=fs.get("json", name), json_if=fs.get("json_if", ""),
                json_values=tuple((str(k), str(v)) for k, v in json_values.items()),
                update_adds_to=str(fs.get("update_adds_to", "")), json_first=bool(fs.get("json_first", False)),
                set_keeps=bool(fs.get("set_keeps", False))))
        names = {f.name for f in fields}
        for f in fields:
            if f.json_if and f.json_if not in names:
                problems.append(f"{where} fields.{f.name}: json_if = {f.json_if!r} is no field")
        declared = set(spec.get("fields", {}))  # names here may be newer than this version of the API
        rules: list[Rule] = []
        for i, r in enumerate(spec.get("rules", [])):
            rwhere = f"{where} rules[{i}]"
            if not isinstance(r, dict) or set(r) - {"field", "check", "when", "says"} or r.get("field") not in declared:
                problems.append(f"{rwhere}: expected {{field, check, when, says}} naming a field of the class")
                continue
            checks = tuple((str(x[0]), x[1] if len(x) > 1 else None) for x in r.get("check", []))
            whens = tuple((str(x[0]), str(x[1]), x[2] if len(x) > 2 else None) for x in r.get("when", []))
            used = {r["field"]} | {fname for fname, _, _ in whens}
            for op, operand in checks + tuple((op, v) for _, op, v in whens):
                if op not in RULE_OPS:
                    problems.append(f"{rwhere}: unknown op {op!r} (expected {', '.join(RULE_OPS)})")
                if isinstance(operand, str) and operand.startswith("@"):
                    used.add(operand[1:])
            if used - declared:
                problems.append(f"{rwhere}: names no field {', '.join(sorted(used - declared))}")
            elif used <= names:
                rules.append(Rule(r["field"], checks, whens, str(r.get("says", ""))))
        limit = tuple(spec.get("token_limit", []))
        for fname in limit:
            limited = next((x for x in fields if x.name == fname), None)
            if limited is None or limited.unset is None:
                problems.append(f"{where}: token_limit names {fname!r}, which is no field with an `unset` value")
        validate = next((mem.call.function for mem in cls.of(MemberKind.METHOD)
                         if mem.name == "validate" and mem.call is not None and not mem.call.inputs), None)
        probe = spec.get("token_limit_probe")
        probe_pair: Optional[tuple[str, object]] = None
        if probe is not None:
            if not isinstance(probe, dict) or set(probe) != {"field", "value"} or probe["field"] not in names \
                    or validate is None:
                problems.append(f"{where}: token_limit_probe: expected {{field, value}} naming a field, on a "
                                f"handle with a `validate` method")
            else:
                probe_pair = (probe["field"], probe["value"])
        predicates: dict[str, tuple[tuple[tuple[str, str, object], ...], ...]] = {}
        for pname, alternatives in spec.get("predicates", {}).items():
            conds = tuple(tuple((str(c[0]), str(c[1]), c[2] if len(c) > 2 else None) for c in alt) for alt in alternatives)
            used = {c[0] for alt in conds for c in alt}
            bad_ops = {c[1] for alt in conds for c in alt} - set(RULE_OPS)
            if used - declared or bad_ops or not pname.isidentifier():
                problems.append(f"{where}: predicates.{pname}: names no field {sorted(used - declared)} or op {sorted(bad_ops)}")
            elif used <= names:
                predicates[pname] = conds
        setters: dict[str, tuple[str, str]] = {}
        for sname, setter in spec.get("setters", {}).items():
            if not sname.isidentifier() or not isinstance(setter, dict) or set(setter) != {"field", "param"} \
                    or setter["field"] not in declared or not str(setter["param"]).isidentifier():
                problems.append(f"{where}: setters.{sname} = {setter!r}: expected {{ field = <a field of the class>, "
                                f"param = <its parameter's name> }}")
            elif setter["field"] in names:
                setters[sname] = (setter["field"], setter["param"])
        member = spec.get("member_probe")
        member_pair: Optional[tuple[str, str]] = None
        if member is not None:
            kinds = {x.name: x.kind for x in fields}
            if not isinstance(member, dict) or set(member) != {"field", "through"} or validate is None \
                    or kinds.get(member["field"]) is not FieldKind.INT or kinds.get(member["through"]) is not FieldKind.INT_LIST:
                problems.append(f"{where}: member_probe = {member!r}: expected {{ field = <an integer field>, through = "
                                f"<an integer list field> }} on a handle with a `validate` method")
            else:
                member_pair = (str(member["field"]), str(member["through"]))
        pipeline_json = spec.get("pipeline_json", "")
        if not isinstance(pipeline_json, str) or "/" in pipeline_json or "\\" in pipeline_json:
            problems.append(f"{where}: pipeline_json = {pipeline_json!r}: expected a file name")
            pipeline_json = ""
        out[handle] = ValueClass(handle, cls.name, cls.name + "_native", fields, rules, ctors[0].call.function,
                                 json_fn, limit, validate, probe_pair, predicates,
                                 tuple(spec.get("unreachable", {}).get("fields", [])),
                                 str(spec.get("unreachable", {}).get("reason", "")), setters,
                                 pipeline_json, member_pair)
    return out
