"""View objects the cffi templates render (bindgen/templates/cffi/*.j2)."""
from __future__ import annotations

from ...docs import ClassDoc, MemberDoc
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Optional


# Typed view data: each template branches on one of these (a StrEnum compares equal to its value
# in a template, and `pystr` renders it as a plain string); mypy checks every value the emitter sets.

class How(StrEnum):
    """How a Python argument becomes C argument(s): macro `convert` in bindgen/templates/cffi/_bindings.py.j2."""

    STRING = "string"
    PATH = "path"  # a string or os.PathLike
    WSTRING = "wstring"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    ENUM = "enum"
    STRUCT = "struct"
    HANDLE = "handle"
    VALUE = "value"  # a value class object, made native at call time (genai_interop_runtime.values)
    HAND_VALUE = "hand_value"  # a hand-written value class object ([python] hand_values), made native at call time
    FOREIGN = "foreign"  # another binding's object (an ov_tensor_t*)
    FUNCTION = "function"  # a plain function pointer
    CALLBACK = "callback"  # a callback struct with user data
    STRING_ARRAY = "string_array"
    HANDLE_ARRAY = "handle_array"
    FOREIGN_ARRAY = "foreign_array"
    STRUCT_ARRAY = "struct_array"
    FLOAT_ARRAY = "float_array"
    INT_ARRAY = "int_array"
    BYTES = "bytes"
    RAW = "raw"  # passed as is (cdata)
    PROPERTIES = "properties"  # variadic key/value pairs
    PAIR = "pair"  # variadic single key/value pair
    STRINGS = "strings"  # variadic strings


class OutHow(StrEnum):
    """How an out-param becomes the Python result: macro `out_value`."""

    VALUE = "value"
    BOOL = "bool"
    ENUM = "enum"
    HANDLE = "handle"
    OWNED_STRING = "owned_string"
    STRUCT = "struct"
    RAW_STRUCT = "raw_struct"
    RAW = "raw"


class FunctionKind(StrEnum):
    METHOD = "method"
    INIT = "init"
    CLASSMETHOD = "classmethod"
    STATIC = "static"
    GETTER = "getter"  # a property read through value out-params
    METHOD_GETTER = "method_getter"  # a property read through another kind of function (string, array)
    SETTER = "setter"


class Returns(StrEnum):
    STATUS = "status"
    VOID = "void"
    VALUE = "value"
    STRING = "string"
    OWNED_STRING = "owned_string"
    RAW = "raw"


class ItemHow(StrEnum):
    VALUE = "value"
    BOOL = "bool"
    ENUM = "enum"


class FieldHow(StrEnum):
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    ENUM = "enum"
    STRING = "string"
    STRUCT = "struct"
    COUNTED = "counted"


class StructForm(StrEnum):
    LIST = "list"
    RECORD = "record"


@dataclass
class EnumView:
    c_name: str
    py: str
    members: list[tuple[str, str, int]]  # (python name, C name, value)
    tag_only: bool
    text: Optional[ClassDoc] = None  # from the library's docs; members by Python name


@dataclass
class ErrorView:
    enum: EnumView
    py: str
    ok: int


@dataclass
class ParamView:
    """One Python-visible parameter and how it turns into C argument(s)."""

    name: str  # python name
    c_name: str
    how: How
    annotation: str
    ctype: str = ""  # cffi type text (element type for arrays)
    cls: str = ""  # python class: handle, enum or callback spec
    count: str = ""  # C count parameter for arrays
    lo: int = 0
    hi: int = 0
    optional: bool = False  # None accepted (passes NULL)
    struct: str = ""  # callback struct, for callback params
    default: bool = False  # rendered with `= None` (optional and only optional ones after it)
    label: str = ""  # what error messages call it, when not `name` (a property setter's value: "Class.prop")
    takes_fields: bool = False  # the value-class parameter keyword config fields (**config_fields) apply to
    image_tensors: bool = False  # foreign_array: tensors read as images, their shapes checked before the call
    shortest: Optional[tuple[int, str, str]] = None  # arrays: (more_than, unit, note), shorter ones refused before the call
    fetch: str = ""  # VALUE: the owner's method reading its own config natively ("" when it has none)
    generates: bool = False  # VALUE: the call generates (the token limit is checked)


@dataclass
class OutView:
    c_name: str
    how: OutHow
    ctype: str  # the pointee type for ffi.new("<ctype> *")
    annotation: str
    cls: str = ""  # handle or enum class
    release: Optional[str] = None  # free function for handle outs / strings
    foreign: bool = False
    result_cls: str = ""  # a handle shown as a value class: read into it (binding.ResultClass)

    @property
    def new_type(self) -> str:
        """The cffi type to allocate for this out-param: a pointer to `ctype`."""
        return self.ctype + ("*" if self.ctype.endswith("*") else " *")


@dataclass
class FunctionView:
    c_name: str
    py: str
    kind: FunctionKind
    params: list[ParamView]
    c_args: list[str]  # Python expression for every C parameter, in order
    outs: list[OutView]
    returns: Returns
    return_annotation: str
    error: Optional[str] = None  # error class for status returns
    ok: int = 0
    variadic: Optional[str] = None  # key_value | pair | strings
    variadic_param: Optional[ParamView] = None
    string_buffer: Optional[tuple[str, str]] = None
    array_buffer: Optional[tuple[str, str, str, str]] = None  # (buffer, count param, count function, ctype)
    array_count_error: Optional[str] = None
    array_item: ItemHow = ItemHow.VALUE  # conversion of array items
    callbacks: list[ParamView] = field(default_factory=list)
    retains: list[str] = field(default_factory=list)  # python param names the library keeps
    # (expression to keep alive, slot expression or "None") per retained parameter: the Python object
    # for handles and callbacks, the converted cdata for buffers; a slot makes a later call replace it.
    retain_exprs: list[tuple[str, bool]] = field(default_factory=list)  # (what is held, whether it has a slot)
    slot_parts: list[tuple[str, bool]] = field(default_factory=list)  # (argument, by value) keying that slot
    tuple_class: Optional[str] = None  # NamedTuple for several outs
    result_cls: str = ""  # class wrapping a returned handle
    result_release: Optional[str] = None
    string_free: Optional[str] = None
    self_handle: bool = True
    stream: Optional[str] = None  # name of the iterator form, for methods taking a streaming callback
    stream_callback: Optional[ParamView] = None
    absent: Optional[int] = None  # a status meaning "no value": the getter returns None
    # Python names of array parameters that share one C count: the library reads that many items of
    # each, so they must have the same length (checked before the call).
    same_length: list[list[str]] = field(default_factory=list)
    # From the library's docs (bindgen/docs.py): what it says, its iterator form's, its parameters' (by
    # Python name), and the version it needs when newer than the oldest supported one.
    text: Optional[MemberDoc] = None
    stream_text: Optional[MemberDoc] = None
    param_docs: dict[str, str] = field(default_factory=dict)
    since: str = ""
    # A getter of a value class's handle: rendered as `_native_<py>` and a public `<py>` returning the
    # value class (this class) whose origin is the owner.
    value_result: str = ""
    # The value-class parameter keyword config fields apply to (the method takes **config_fields).
    fields: Optional[str] = None
    # Methods joining this one (their views): the public method dispatches on the first input's type.
    alternatives: list["FunctionView"] = field(default_factory=list)
    joined: bool = False  # this method joins another: only its _prepare_ form is rendered
    batch: bool = False  # the first input may also be a list of prompts (one call each, results combined)
    text_result: Optional[tuple[str, Any]] = None  # (config field, value): a str input returns the text then
    lone_score: Optional[tuple[tuple[tuple[str, str, Any], ...], float]] = None  # (conditions, score) for one text
    singles: list[tuple[str, str]] = field(default_factory=list)  # (array param, keyword taking one item of it)
    aliases: list[str] = field(default_factory=list)  # more names of the public method ([python] aliases)
    upstream_only: list[tuple[str, str]] = field(default_factory=list)  # (upstream's parameter, why the C API has none)
    keyword: bool = False  # joining another: its first input is also a keyword of the joined method
    # The joined method's keyword-only inputs of joining methods ([conventions.calls] keyword): (name, annotation, class).
    keywords: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class PropertyView:
    py: str
    annotation: str
    getter: Optional[FunctionView]
    setter: Optional[FunctionView]
    text: Optional[MemberDoc] = None  # from the library's docs
    since: str = ""


@dataclass
class ClassView:
    c_name: str
    py: str
    free: Optional[str]
    init: Optional[FunctionView]
    creators: list[FunctionView]
    properties: list[PropertyView]
    methods: list[FunctionView]
    mixins: list[tuple[str, str]] = field(default_factory=list)  # (module, class) of hand-written bases
    text: Optional[ClassDoc] = None  # from the library's docs


@dataclass
class ValueFieldView:
    """One field of a value class: its spec (genai_interop_runtime.values.FieldSpec) and annotation."""

    py: str
    kind: str
    annotation: str
    default: str  # Python expression
    unset: str  # Python expression ("None" for none)
    lo: int
    hi: int
    enum: str  # enum class ("" for none)
    json: str
    json_if: str
    json_values: dict[str, str]
    as_set: bool
    readable: bool
    text: Optional[MemberDoc] = None  # the docs of the handle's property
    c_names: list[str] = field(default_factory=list)  # the C functions setting (and reading) it
    update_adds_to: str = ""
    json_first: bool = False
    set_keeps: bool = False


@dataclass
class ValueClassView:
    """A value class (binding model `ValueClass`): a plain object made native at call time."""

    c_name: str
    py: str
    native: str  # the internal handle class
    json: str  # the native class's factory reading a JSON file ("" for none)
    fields: list[ValueFieldView]
    rules: list[tuple[str, str, str, str]]  # (field, check, when, says) as Python literals
    token_limit: list[str]
    probe: Optional[tuple[str, str]]  # (field, Python expression)
    validate: str  # method of the native class ("" for none)
    text: Optional[ClassDoc] = None  # the docs of the handle's class
    # (C function, docs) of the constructor, the JSON factory and validate, rendered as members too
    init: tuple[str, Optional[MemberDoc]] = ("", None)
    json_member: tuple[str, Optional[MemberDoc]] = ("", None)
    validate_member: tuple[str, Optional[MemberDoc]] = ("", None)
    predicates: list[tuple[str, str, str]] = field(default_factory=list)  # (method, alternatives literal, in words)
    unreachable: list[str] = field(default_factory=list)
    unreachable_reason: str = ""
    setters: list[tuple[str, str, str, str]] = field(default_factory=list)  # (method, field, parameter, its annotation)
    pipeline_json: str = ""
    member_probe: Optional[tuple[str, str]] = None  # (field, list field)


@dataclass
class CallbackView:
    struct: str
    py: str  # type alias for the user callable
    spec: str  # runtime spec variable name
    cdecl: str  # cffi signature of the function pointer
    extern: str  # extern "Python" name in API mode
    function_field: str
    user_data_field: str
    user_data_index: int
    params: list[tuple[str, str]]  # (python name, how: string | value | raw)
    returns: str  # enum | void | value
    return_enum: str = ""
    running: Optional[int] = None
    stop: Optional[int] = None
    cancel: Optional[int] = None
    streams: bool = False  # one string param and a stop value: usable as an iterator
    arg_annotations: list[str] = field(default_factory=list)
    return_annotation: str = "None"
    c_return: str = "void"
    c_param_list: str = "void"
    hows: list[str] = field(default_factory=list)  # per C parameter, user data included


@dataclass
class StructFieldView:
    """How one C struct field (or array element) converts to and from Python."""

    py: str  # python field name ("" for array elements)
    c_name: str
    how: FieldHow
    annotation: str
    cls: str = ""  # enum class, or the spec variable of a nested struct / array element struct
    count: str = ""  # counted: field path of the length ("size", "rank.max")
    item: Optional["StructFieldView"] = None  # counted: how each element converts
    ctype: str = ""  # counted: the C element type, for allocation


@dataclass
class StructView:
    """A plain C struct seen from Python: a list (a counted array and its length, nothing else)
    or a NamedTuple of its fields (length fields of counted arrays left out)."""

    c_name: str
    py: str  # NamedTuple class; "" for the list form
    spec: str  # module-level spec variable in _structs.py
    form: StructForm
    annotation: str
    fields: list[StructFieldView]  # record: every python field; list: the one counted field
    hidden: list[str] = field(default_factory=list)  # C fields set from list lengths


@dataclass
class TupleView:
    py: str
    fields: list[tuple[str, str]]


def without_param(f: FunctionView, param: ParamView) -> FunctionView:
    """A copy of `f` without one parameter (the iterator form of a streaming call drops its callback)."""
    from dataclasses import replace

    return replace(f, params=[p for p in f.params if p.name != param.name])


class ResultHow(StrEnum):
    """How a value class reads one field from its native object (binding.FieldSource)."""

    STRING = "string"
    VALUE = "value"
    OBJECT = "object"
    LIST = "list"
    FROM_STRING = "from_string"


@dataclass
class ResultFieldView:
    py: str  # attribute name (results) or value name (metrics: get_<py>())
    how: ResultHow
    annotation: str
    read: str  # Python expression reading it from the native object `h` (LIST: one item, index `i`)
    count: str = ""  # LIST: expression of the count
    present: str = ""  # LIST: expression that is false when the list is absent
    pair: bool = False  # a mean and a deviation: MeanStdPair
    part: str = ""  # FROM_STRING: texts | scores
    unit: str = ""  # "ms", "s", "tokens", "tokens/s" or ""
    doc: str = ""  # fallback when the library's docs say nothing
    text: Any = None  # what the library's docs say (bindgen.docs.MemberDoc)
    c_names: list[str] = field(default_factory=list)  # the C functions it reads


@dataclass
class ResultClassView:
    c_name: str
    py: str  # the public value class
    native: str  # the private class of the native handle it is read from
    kind: str  # results | metrics
    fields: list[ResultFieldView]
    string_form: str = ""
    add: str = ""  # metrics: the native class's in-place add method
    text: Any = None  # what the library's docs say about the class (bindgen.docs.ClassDoc)


def without_fields(f: FunctionView) -> FunctionView:
    """A copy of `f` whose signature has no **config_fields (its _prepare_ form takes them as a mapping)."""
    from dataclasses import replace

    return replace(f, fields=None, singles=[], upstream_only=[], keywords=[])


def joined(f: FunctionView) -> FunctionView:
    """The public form of a method others join: its first input also takes theirs (dispatched on type)."""
    from dataclasses import replace

    if not f.alternatives or not f.params:
        return f
    first = f.params[0]
    union = ", ".join([first.annotation] + [a.params[0].annotation for a in f.alternatives if a.params])
    if f.keywords:  # the first input may come by keyword instead: none given positionally is fine then
        return replace(f, params=[replace(first, annotation=f"Optional[Union[{union}]]", optional=True, default=True)]
                       + f.params[1:])
    return replace(f, params=[replace(first, annotation=f"Union[{union}]")] + f.params[1:])


def batched(f: FunctionView) -> FunctionView:
    """The public generate of a call taking a batch: its first input may also be a list of prompts."""
    from dataclasses import replace

    if not f.batch or not f.params:
        return f
    first = f.params[0]
    inner = first.annotation[len("Union["):-1] if first.annotation.startswith("Union[") else first.annotation
    return replace(f, params=[replace(first, annotation=f"Union[{inner}, List[str]]")] + f.params[1:])


def text_overloads(f: FunctionView) -> list[tuple[FunctionView, str]]:
    """The typing overloads of a public method whose own first input returns a plain text
    ([conventions.calls] text_result): that input gives `str | results`, joined inputs and batches the
    results object."""
    from dataclasses import replace

    if f.text_result is None or not f.params:
        return []
    first = f.params[0]
    out = [(f, f"Union[str, {f.return_annotation}]")]
    others = [a.params[0].annotation for a in f.alternatives if a.params] + (["List[str]"] if f.batch else [])
    if others:
        ann = others[0] if len(others) == 1 else f"Union[{', '.join(others)}]"
        out.append((replace(f, params=[replace(first, annotation=ann)] + f.params[1:]), f.return_annotation))
    return out
