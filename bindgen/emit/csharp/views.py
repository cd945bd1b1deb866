"""View objects the C# templates render (bindgen/templates/csharp/*.j2)."""
from __future__ import annotations

from ...docs import ClassDoc, MemberDoc
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Optional, Union


# Typed view data: each template branches on one of these (a StrEnum compares equal to its value
# in a template); mypy checks every place the emitter sets one.

class Conversion(StrEnum):
    """How a raw value becomes the safe one (or back): see bindgen/templates/csharp/macros.j2."""

    DIRECT = "direct"  # same type in both layers
    BOOL = "bool"  # C bool (a byte) <-> bool
    SIZE = "size"  # size_t (UIntPtr) <-> ulong
    SSIZE = "ssize"  # ptrdiff_t/intptr_t (IntPtr) <-> long
    STRING = "string"  # UTF-8 bytes <-> string
    OWNED_STRING = "owned_string"  # a new string from the library: decoded, then freed
    HANDLE = "handle"  # a new handle: wrapped in its SafeHandle and class
    STRUCT = "struct"  # a plain struct: copied into its managed value (and freed when caller-owned)
    FOREIGN = "foreign"  # any binding's NativeObject holding another library's C type


class ParamKind(StrEnum):
    """How a safe parameter is marshalled to its raw argument(s)."""

    VALUE = "value"
    STRING = "string"
    WSTRING = "wstring"
    HANDLE = "handle"
    FOREIGN = "foreign"
    STRUCT = "struct"
    STRUCT_ARRAY = "struct_array"
    STRING_ARRAY = "string_array"
    HANDLE_ARRAY = "handle_array"
    ARRAY = "array"
    VARIADIC = "variadic"
    VALUE_CLASS = "value_class"  # a value class object, made native at call time (OpenVINO.Interop.ValueObject)
    HAND_VALUE = "hand_value"  # a hand-written value class object ([csharp] hand_values): its ForCall(caller) leases the native


class ArgKind(StrEnum):
    """A raw argument that is not a safe parameter passed through."""

    SELF = "self"
    CALLBACK = "callback"
    OUT = "out"
    COUNT = "count"
    VARIADIC_COUNT = "variadic_count"
    STRING_BUFFER = "string_buffer"
    STRING_SIZE = "string_size"
    ARRAY_BUFFER = "array_buffer"
    ARRAY_COUNT = "array_count"


class Result(StrEnum):
    """What a call gives back."""

    VOID = "void"
    OUT = "out"  # its one out-param
    OUTS = "outs"  # several out-params, as a result struct
    HANDLE = "handle"  # a new object through an out-param
    CREATE = "create"  # a constructor or factory: the new object is this one
    STRING = "string"  # a two-call string
    ARRAY = "array"  # a count-then-fill array
    VALUE = "value"  # the C return value


class MemberKind(StrEnum):
    CTOR = "ctor"
    FACTORY = "factory"
    METHOD = "method"
    CALLBACK_METHOD = "callback_method"
    PROPERTY = "property"


class FieldHow(StrEnum):
    """How a field of a plain struct converts: see bindgen/templates/csharp/ValueTypes.g.cs.j2."""

    VALUE = "value"
    BOOL = "bool"
    SIZE = "size"
    SSIZE = "ssize"
    ENUM = "enum"
    STRING = "string"
    STRUCT = "struct"
    COUNTED = "counted"


class ValueForm(StrEnum):
    LIST = "list"  # a struct holding only a counted array: the array
    RECORD = "record"  # any other: an immutable class


@dataclass
class EnumView:
    name: str
    c_name: str
    underlying: str
    members: list[tuple[str, str, int]]  # (C# name, C name, value)
    is_status: bool = False
    ok_member: Optional[str] = None
    text: Optional[ClassDoc] = None  # from the library's docs
    member_docs: dict[str, str] = field(default_factory=dict)  # C name -> its docs text

    @property
    def distinct(self) -> list[tuple[str, str, int]]:
        """The first member of each value (C enums may repeat a value; a switch can't)."""
        seen: set[int] = set()
        out = []
        for mem in self.members:
            if mem[2] not in seen:
                seen.add(mem[2])
                out.append(mem)
        return out


@dataclass
class FieldView:
    name: str
    c_name: str
    type: str
    offset: int
    fixed_count: Optional[int] = None


@dataclass
class StructView:
    name: str
    c_name: str
    size: int
    align: int
    fields: list[FieldView]


@dataclass
class DelegateView:
    name: str
    origin: str  # what C declares it (typedef name or struct.field)
    returns: str
    params: list[tuple[str, str]]  # (type, name)


@dataclass
class RawParam:
    type: str
    name: str
    c_name: str


@dataclass
class RawFunction:
    c_name: str
    returns: str
    params: list[RawParam]
    variadic: Optional[str] = None
    # Fixed-arity overloads: list of extra parameter lists.
    overloads: list[list[RawParam]] = field(default_factory=list)


@dataclass
class VariableView:
    c_name: str
    name: str
    kind: str  # "string" (const char*); nothing else is bound


@dataclass
class HandleClassView:
    """A SafeHandle subclass: one per (handle, release function)."""

    name: str
    base: str  # "SafeHandle" or the handle's own class
    free: Optional[str]  # raw function releasing it; None: abstract
    sealed: bool
    c_handle: str


@dataclass
class SafeParam:
    name: str  # C# identifier
    c_name: str
    type: str  # C# type
    kind: ParamKind
    nullable: bool = False
    optional: bool = False
    elem: Optional[str] = None  # element type of arrays
    count: Optional[str] = None  # C name of the count parameter for arrays
    conversion: Conversion = Conversion.DIRECT
    default: str = "null"
    raw: str = ""  # struct, struct_array: the raw struct type built in native memory
    native_type: Optional[str] = None  # foreign handle (array): its C type, checked at the call
    image_tensors: bool = False  # foreign handle array: tensors read as images, their shapes checked before the call
    shortest: Optional[tuple[int, str, str]] = None  # array: (more_than, unit, note), shorter ones refused before the call
    own_config: str = ""  # value_class: the owner's public method giving its own config ("" none)
    generates: bool = False  # value_class: the call generates (the token limit is checked)


@dataclass
class RawArg:
    kind: Union[ArgKind, ParamKind]
    name: str = ""  # safe parameter / local name
    type: str = ""  # raw type (for null / conversions)
    conversion: Conversion = Conversion.DIRECT
    local: str = ""  # C name the marshalled locals are named after


@dataclass
class OutView:
    local: str
    raw_type: str  # type of the local the callee writes
    safe_type: str
    conversion: Conversion  # how the local becomes the safe value
    handle_class: Optional[str] = None  # SafeHandle class wrapping a new handle
    wrapper: Optional[str] = None  # safe class wrapping that handle
    field_name: Optional[str] = None  # member of a multi-value result struct
    result_cls: str = ""  # a handle shown as a value class: the handle's object is read into it


@dataclass
class CallView:
    """One native call with everything around it."""

    c_name: str
    params: list[SafeParam]
    args: list[RawArg]
    outs: list[OutView] = field(default_factory=list)
    status: Optional[str] = None  # status enum C# name
    returns: str = "void"  # C# return type of the member
    scratch: bool = False  # needs a NativeScratch for struct arguments built in native memory
    # (slot expression, parameter) per object the library keeps after the call: kept by this object.
    # Parameters the library keeps after the call, and the (name, by_value) parts of the key of the
    # slot it occupies (the template turns them into a string key).
    retains: list[str] = field(default_factory=list)
    slot_parts: list[tuple[str, bool]] = field(default_factory=list)
    string_free: Optional[str] = None  # raw function releasing library-allocated strings
    result: Result = Result.VOID
    result_struct: Optional[str] = None
    raw_return: Optional[str] = None  # raw return type when the C function returns a value
    return_conversion: Conversion = Conversion.DIRECT
    string_buffer: Optional[tuple[str, str]] = None
    array_buffer: Optional[dict[str, str]] = None
    variadic: Optional[str] = None  # dispatched over fixed-arity overloads (key/value pairs or strings)
    variadic_per_case: int = 2  # strings per unit counted by the switch
    variadic_param: Optional[SafeParam] = None
    callback: Optional["CallbackUse"] = None
    first_call: bool = False  # creators: explain library load failures
    absent_status: Optional[str] = None  # status member meaning "no value" (string getter -> null)
    owner: bool = False
    # C# names of array parameters sharing one C count: the library reads that many items of each,
    # so they must be equally long (checked before the call).
    same_length: list[list[str]] = field(default_factory=list)
    # ([conventions.calls] lone_score) (C# conditions literal, C# float literal): the results' lone score
    # where the call's config meets them; None: none.
    lone_score: Optional[tuple[str, str]] = None

    @property
    def has_self(self) -> bool:
        return any(a.kind is ArgKind.SELF for a in self.args)


@dataclass
class CallbackView:
    """A struct of a function pointer plus user data, bridged to a managed delegate."""

    struct: str  # raw struct C# name
    function_field: str
    user_data_field: str
    delegate: str  # raw delegate type
    bridge: str  # C# bridge class name
    managed_type: str  # Func<...> / Action<...>
    params: list[tuple[str, str, str, Conversion]]  # raw (type, name), safe type, conversion
    returns: str  # raw/safe return type ("void" allowed)
    stop_value: Optional[str]  # enum member returned after user code threw
    continue_value: Optional[str]  # value an Action-form callback returns
    cancel_value: Optional[str]
    streaming: bool  # one string argument, continue/stop/cancel: Stream/StreamAsync forms
    action_type: Optional[str] = None
    all_params: list[tuple[str, str]] = field(default_factory=list)  # the C signature, user data as `userData`
    # Every value of an enum return the C API defines: user code answering anything else is an error.
    valid_values: list[str] = field(default_factory=list)

    @property
    def error_value(self) -> Optional[str]:
        """What the bridge answers once user code threw: CANCEL (the caller never sees this turn's
        answer, so in chat mode it must not stay in the history), else STOP."""
        return self.cancel_value or self.stop_value


@dataclass
class CallbackUse:
    view: CallbackView
    c_param: str
    nullable: bool


@dataclass
class MemberView:
    kind: MemberKind
    name: str
    doc: str
    call: Optional[CallView] = None
    getter: Optional[CallView] = None
    setter: Optional[CallView] = None
    type: str = ""
    static: bool = False
    stream: Optional[str] = None  # name of the iterator form (and its Async) of a streaming method
    # From the library's docs (bindgen/docs.py): what it says, its iterator form's, its parameters' (by C#
    # parameter name, `callback` for the streamer), and the version it needs when newer than the oldest.
    text: Optional[MemberDoc] = None
    stream_text: Optional[MemberDoc] = None
    param_docs: dict[str, str] = field(default_factory=dict)
    since: str = ""
    key: str = ""  # its docs key (the neutral / Python name)
    value_result: str = ""  # a getter of a value class's handle: returns that value class (origin: this object)
    stream_key: str = ""  # its iterator form's


@dataclass
class ClassView:
    name: str
    c_handle: str
    handle_class: str  # the handle's base SafeHandle class
    text: Optional[ClassDoc] = None  # from the library's docs
    # Names docs text may quote in backticks (as Python spells them: `generate`, `LLMPipeline.generate`,
    # `StreamingStatus.RUNNING`) -> the C# name to link (<see cref>).
    refs: dict[str, str] = field(default_factory=dict)
    members: list[MemberView] = field(default_factory=list)
    raw_only: list[tuple[str, str]] = field(default_factory=list)  # (function, reason)
    static: bool = False
    internal: bool = False  # the class of a native object read into a value class: not public


class ResultHow(StrEnum):
    """How a value class reads one field from its native object (binding.FieldSource)."""

    STRING = "string"
    VALUE = "value"
    OBJECT = "object"
    LIST = "list"
    FROM_STRING = "from_string"


@dataclass
class ResultFieldView:
    name: str  # the C# property
    key: str  # the neutral name (metrics: the key its value is kept under)
    how: ResultHow
    type: str  # the property's type
    read: str  # C# expression reading it from the native object `h` (LIST: one item at index `i`)
    item_type: str = ""  # LIST: the item type
    count: str = ""  # LIST: expression of the count (a ulong)
    present: str = ""  # LIST: expression that is false when the list is absent
    part: str = ""  # FROM_STRING: texts | scores
    doc: str = ""  # fallback when the library's docs say nothing
    convert: str = ""  # C# expression turning the native value `__v` into `type` ("" : as it is)
    text: Any = None  # what the library's docs say (bindgen.docs.MemberDoc)
    c_names: list[str] = field(default_factory=list)  # the C functions it reads


@dataclass
class HandDocView:
    """The docs of one hand-written class or member (bindgen/docs.py `hand_written`), as XML for
    Generated/HandWrittenDocs.g.xml: `key` is what the hand-written code's `<include>` selects
    ("ChatHistory", "ChatHistory.append"); texts are already XML."""

    key: str
    summary: str
    params: list[tuple[str, str]] = field(default_factory=list)  # (C# parameter name, XML)
    returns: str = ""
    remarks: list[str] = field(default_factory=list)  # XML paragraphs: facts, when it fails


@dataclass
class ResultClassView:
    c_name: str
    name: str  # the public value class
    native: str  # the internal class of the native object
    kind: str  # results | metrics
    fields: list[ResultFieldView]
    string_form: str = ""
    add: str = ""  # metrics: the native class's in-place add method
    text: Any = None  # what the library's docs say about the class (bindgen.docs.ClassDoc)
    refs: dict[str, str] = field(default_factory=dict)  # names in docs text -> crefs (as ClassView.refs)


@dataclass
class ValueClassFieldView:
    """One field of a value class in C#: its spec (OpenVINO.Interop.ValueFieldSpec) and its .NET type."""

    name: str  # neutral: max_new_tokens
    prop: str  # MaxNewTokens
    kind: str  # ValueKind member
    kept: str  # the kept form: the native property's type (ulong, long, float, bool, string, long[], string[], enum)
    dotnet: str  # the property's type: int?, long, float, IReadOnlyList<string>, ...
    default: str  # C# literal (kept form)
    unset: str  # C# literal (kept form) or "null"
    readable: bool
    json: str
    json_if: str
    json_values: dict[str, str]  # JSON text (a C# literal) -> enum member (C# spelling)
    as_set: bool
    update_adds_to: str
    text: Optional[MemberDoc] = None
    c_names: list[str] = field(default_factory=list)
    param_docs: dict[str, str] = field(default_factory=dict)  # (for the docs macro)
    since: str = ""
    json_first: bool = False
    set_keeps: bool = False


@dataclass
class ValueClassView:
    name: str
    native: str  # the internal native class
    c_handle: str
    fields: list[ValueClassFieldView]
    rules: list[tuple[str, str, str, str]]  # (field, check, when, says) as C# expressions / text
    token_limit: list[str]
    probe: Optional[tuple[str, str]]  # (field, C# literal)
    json: bool
    json_text: Optional[MemberDoc]
    validate: bool
    validate_text: Optional[MemberDoc]
    init_text: Optional[MemberDoc]
    text: Optional[ClassDoc]
    refs: dict[str, str] = field(default_factory=dict)
    predicates: list[tuple[str, str, str, str]] = field(default_factory=list)  # (method, C# literal, in words, upstream name)
    unreachable: list[str] = field(default_factory=list)
    unreachable_reason: str = ""
    setters: list[tuple[str, str, str, str, str]] = field(default_factory=list)  # (method, upstream name, field, parameter, its type)
    pipeline_json: str = ""
    member_probe: Optional[tuple[str, str]] = None  # (field, list field)
    validate_c: str = ""  # the C function of the library's own validation


@dataclass
class ForeignView:
    c_name: str
    reference: str
    library_title: str


@dataclass
class ResultStructView:
    name: str
    fields: list[tuple[str, str]]  # (type, name)


@dataclass
class ValueFieldView:
    """One field of a plain C struct as the safe layer sees it (or the element of a counted array)."""

    name: str  # C# property name ("" for elements)
    c_name: str  # raw field name
    type: str  # C# type
    how: FieldHow
    raw: str = ""  # raw C# type of the field / element
    marshal: str = ""  # struct: the nested value type's marshal class
    count: str = ""  # counted: raw field path of the length ("size", "rank.max")
    count_raw: str = ""  # counted: raw type of that length field (for the cast)
    hidden_count: bool = False  # counted: the length field is set from the array
    item: Optional["ValueFieldView"] = None  # counted: element conversion


@dataclass
class ValueTypeView:
    """A plain C struct turned into a managed value: an array (`{T* items; n}`) or an immutable class."""

    c_name: str
    raw: str  # "Native.Shape"
    form: ValueForm
    type: str  # C# type the safe layer shows: "long[]" or "PartialShape"
    name: str  # record class name ("" for lists)
    marshal: str  # internal static class converting both ways
    fields: list[ValueFieldView]
    hidden: list[str] = field(default_factory=list)  # raw length fields set from array lengths


class Unsupported(Exception):
    """The safe layer has no faithful wrapper for this function (it stays raw only)."""
