"""Convention inference: a pass over the API model that says how each C function is meant to be used.

The parser only says what the headers declare. This pass decides, per function, which handle
owns it, whether it creates or frees one, which parameters are outputs, which pairs form a
two-call string getter, a count-then-fill array, an input array, variadic key/value properties
or a callback with user data, and which status enum it returns. Names decide where they can;
the library description (libraries/*.toml) decides where they can't.

Emitters read `Conventions` and never re-derive any of this.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from . import model as m
from .library import Library

# Function kinds.
CREATE = "create"  # makes a new handle through a trailing `H**` out-param
FREE = "free"  # `void f(H*)` releasing a handle
GETTER = "getter"  # reads value(s) through trailing scalar/enum out-pointers
SETTER = "setter"  # `set_x(H*, value)`
STRING_GETTER = "string_getter"  # `(..., char* buf, size_t* size)`: call with NULL for the size, then fill
ARRAY_GETTER = "array_getter"  # `(..., T* buf, size_t n)` filled after a `<name>_count` call
METHOD = "method"  # anything else taking the owner handle first
STATIC = "static"  # no owner handle (e.g. `ov_get_error_info`)

# Variadic conventions.
VARIADIC_KEY_VALUE = "key_value"  # a `*_args_size` count of `const char*` keys and values (2 per pair)
VARIADIC_PAIR = "pair"  # exactly one `const char*` key and one value, no count
VARIADIC_STRINGS = "strings"  # a count of `const char*` strings


class ConventionError(Exception):
    """The model has something no convention covers; names the functions concerned."""


@dataclass
class InputArray:
    pointer: str  # `const T* values` / `const char** strings`
    count: str  # the `size_t` length right after it


@dataclass
class CallbackParam:
    param: str  # name of the `const S*` parameter carrying the callback struct
    struct: str  # the callback struct type


@dataclass
class CallbackStruct:
    """A struct of one function pointer plus the `void*` user data passed back to it."""

    name: str
    function_field: str
    user_data_field: str
    signature: m.CType  # FUNCTION type of the callback
    user_data_param: int  # index of the `void*` parameter in the callback signature


@dataclass
class FunctionInfo:
    function: m.Function
    kind: str
    owner: Optional[str]  # handle name, None for STATIC
    member: str  # snake_case member name with owner prefix removed: "generate", "max_new_tokens"
    status_enum: Optional[str]  # the return enum when it is a status code
    ok_member: Optional[str]  # its success member
    out_params: list[str] = field(default_factory=list)  # trailing outputs, in order
    creates: Optional[str] = None  # handle made through the out-param (CREATE, or a method returning one)
    releases: Optional[str] = None  # for FREE: the handle released
    release_with: Optional[str] = None  # free function for the handle returned through an out-param
    string_buffer: Optional[tuple[str, str]] = None  # (buffer, size) for STRING_GETTER
    array_buffer: Optional[tuple[str, str, str]] = None  # (buffer, count param, count function) for ARRAY_GETTER
    input_arrays: list[InputArray] = field(default_factory=list)
    callbacks: list[CallbackParam] = field(default_factory=list)
    variadic: Optional[str] = None  # one of VARIADIC_*
    variadic_count: Optional[str] = None  # name of the count parameter
    nullable: list[str] = field(default_factory=list)  # pointer params documented as may-be-NULL
    image_tensors: list[str] = field(default_factory=list)  # arrays of foreign tensors read as images
    # Input arrays the library fails on when they hold too few items: param -> (more_than, unit, note).
    shortest_arrays: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    # `char**` outputs receiving a new string the caller frees with `library.conventions.string_free` (also in out_params).
    string_outs: list[str] = field(default_factory=list)
    owned_string_return: bool = False  # the returned `const char*` is new; free it with `library.conventions.string_free`
    # Out-params filling a caller-owned struct (it holds library memory): param -> free function.
    struct_outs: dict[str, str] = field(default_factory=dict)
    releases_struct: Optional[str] = None  # this function frees the library memory inside that struct
    value_owner: Optional[str] = None  # the value struct this function belongs to (`ov_shape_create` -> ov_shape_t)
    retains: list[str] = field(default_factory=list)  # params the library keeps using after the call returns
    wide_strings: list[str] = field(default_factory=list)  # `const wchar_t*` params (2 bytes on Windows, 4 elsewhere)

    @property
    def name(self) -> str:
        return self.function.name

    @property
    def in_params(self) -> list[m.Param]:
        """Parameters the caller supplies (not the owner, outputs, counts or buffers)."""
        skip = set(self.out_params)
        if self.owner is not None and self.function.params and self.kind != CREATE:
            skip.add(self.function.params[0].name)
        if self.string_buffer:
            skip.update(self.string_buffer)
        if self.array_buffer:
            skip.update(self.array_buffer[:2])
        for arr in self.input_arrays:
            skip.add(arr.count)
        if self.variadic_count:
            skip.add(self.variadic_count)
        return [p for p in self.function.params if p.name not in skip]


@dataclass
class Property:
    owner: str
    name: str  # snake_case
    type: m.CType  # the value type
    getter: Optional[str] = None
    setter: Optional[str] = None


@dataclass
class HandleInfo:
    handle: m.Handle
    stem: str  # C prefix of its functions: "ov_genai_llm_pipeline", "ov_core" for ov_core_t
    member: str  # snake_case name without library prefix: "llm_pipeline", "core"
    free: Optional[str]  # its own free function
    foreign: bool  # declared outside this library's API headers (e.g. ov_tensor_t in GenAI)
    creators: list[str] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)  # every function it owns, declaration order
    properties: list[Property] = field(default_factory=list)


@dataclass
class CountedField:
    """A struct's pointer field that holds an array, with the field giving its length."""

    pointer: str  # field name, e.g. "dims"
    count: str  # field path, e.g. "rank", "size", "rank.max" (a negative length means none)


@dataclass
class ValueStructInfo:
    """A struct passed by value or filled through an out-param, with functions named after it."""

    struct: m.Struct
    stem: str  # "ov_shape" for ov_shape_t
    member: str  # "shape"
    free: Optional[str] = None  # releases the library memory it points to (None: plain data)
    creators: list[str] = field(default_factory=list)  # functions filling a new one through an out-param
    functions: list[str] = field(default_factory=list)  # every function named after it, declaration order


@dataclass
class Conventions:
    api: m.API
    library: Library
    functions: dict[str, FunctionInfo]
    handles: dict[str, HandleInfo]
    callback_structs: dict[str, CallbackStruct]
    status_enums: dict[str, str]  # enum name -> OK member
    value_structs: dict[str, ValueStructInfo] = field(default_factory=dict)
    # struct -> its pointer fields holding arrays (`{T* items; size_t size;}` and declared ones).
    counted_fields: dict[str, list[CountedField]] = field(default_factory=dict)

    def info(self, name: str) -> FunctionInfo:
        return self.functions[name]

    def owned_by(self, handle: str) -> list[FunctionInfo]:
        return [self.functions[n] for n in self.handles[handle].functions]

    def statics(self) -> list[FunctionInfo]:
        return [i for i in self.functions.values() if i.owner is None]


def handle_stem(name: str) -> str:
    return name[:-2] if name.endswith("_t") else name


def strip_prefix(name: str, prefix: str) -> str:
    return name[len(prefix):] if prefix and name.startswith(prefix) else name


def _is_size(t: m.CType) -> bool:
    return t.kind == m.SCALAR and t.name == "size_t"


def _is_size_ptr(t: m.CType) -> bool:
    return t.kind == m.POINTER and t.pointee is not None and _is_size(t.pointee) and not t.pointee.const


def _is_char_buffer(t: m.CType) -> bool:
    return t.is_string() and t.pointee is not None and not t.pointee.const


def _is_value_out(t: m.CType) -> bool:
    """`T*` with T a non-const scalar or enum: a value written by the callee."""
    if t.kind != m.POINTER or t.pointee is None or t.pointee.const:
        return False
    return t.pointee.kind in (m.SCALAR, m.ENUM, m.STRUCT) and not (t.pointee.kind == m.SCALAR and t.pointee.name == "char")


def _is_string_out(t: m.CType) -> bool:
    """`char**`: the callee stores a pointer to a new string."""
    return t.pointer_depth() == 2 and t.pointee is not None and not t.pointee.const and t.pointee.is_string() \
        and t.pointee.pointee is not None and not t.pointee.pointee.const


def _is_address_out(t: m.CType) -> bool:
    """`void**`: the callee stores an address (e.g. a tensor's data pointer)."""
    return t.pointer_depth() == 2 and t.base().kind == m.VOID and t.pointee is not None and not t.pointee.const


def _is_wide_string(t: m.CType) -> bool:
    return t.kind == m.POINTER and t.pointee is not None and t.pointee.kind == m.SCALAR and t.pointee.name == "wchar_t"


def _is_handle_out(t: m.CType) -> bool:
    return t.pointer_depth() == 2 and t.base().kind == m.HANDLE and not t.pointee.const  # type: ignore[union-attr]


def _is_const_input_pointer(t: m.CType) -> bool:
    return t.kind == m.POINTER and t.pointee is not None and (t.pointee.const or t.pointee.kind == m.POINTER and t.pointee.pointee is not None and t.pointee.pointee.const)


def _is_input_array(t: m.CType) -> bool:
    return _is_const_input_pointer(t) and not t.is_string() and not t.is_handle_ptr(1)


def infer(api: m.API, library: Library) -> Conventions:
    status_enums = dict(library.conventions.status_enums)
    for name in status_enums:
        if not any(e.name == name for e in api.enums):
            status_enums = {k: v for k, v in status_enums.items() if any(e.name == k for e in api.enums)}
    problems: list[str] = []
    # Every status enum needs the success member the library description names: bindings compare
    # each returned status against it. Without one, no status could be read as success.
    for enum in api.enums:
        if enum.name in status_enums and not any(mem.name == status_enums[enum.name] for mem in enum.members):
            problems.append(f"{enum.location}: status enum {enum.name} has no member {status_enums[enum.name]} "
                            f"(the success value [conventions.status_enums] names for it; members: "
                            f"{', '.join(mem.name for mem in enum.members) or 'none'})")
    callback_structs = {s.name: cs for s in api.structs if (cs := _callback_struct(s)) is not None}
    api_files = set(api.headers)

    handles: dict[str, HandleInfo] = {}
    for h in api.handles:
        stem = handle_stem(h.name)
        handles[h.name] = HandleInfo(h, stem, strip_prefix(stem, library.conventions.prefix), None,
                                     foreign=h.location.file not in api_files)
    # Longest stems first so `ov_genai_whisper_decoded_results_*` is not taken by a shorter stem.
    stems = sorted(handles.values(), key=lambda hi: -len(hi.stem))
    names = {f.name for f in api.functions}

    infos: dict[str, FunctionInfo] = {}
    for fn in api.functions:
        info = _classify(fn, library, stems, status_enums, callback_structs, names, problems)
        infos[fn.name] = info
        if info.owner:
            handles[info.owner].functions.append(fn.name)
            if info.kind == CREATE:
                handles[info.owner].creators.append(fn.name)
            if info.kind == FREE and fn.name == handles[info.owner].stem + "_free":
                handles[info.owner].free = fn.name
    for fname, handle in library.conventions.free_functions.items():
        if fname in infos and handle in handles:
            infos[fname].releases = handle
    # Which free function releases each handle produced through an out-param.
    for info in infos.values():
        if info.creates:
            declared_free = library.conventions.release_with.get(info.name)
            if declared_free and declared_free not in infos:
                problems.append(f"{info.function.location}: {info.name}: [conventions.release_with] names unknown function "
                                f"{declared_free!r}")
            info.release_with = declared_free or handles[info.creates].free
    _properties(infos, handles)
    value_structs = _value_structs(api, library, infos, problems)
    for fname in library.conventions.owned_string_returns:
        if fname not in infos:
            problems.append(f"[conventions] owned_string_returns: unknown function {fname}")
    counted = _counted_fields(api, library, problems)
    for key in ("last_message", "status_description"):
        text_fn = library.conventions.error_text.get(key)
        if text_fn and text_fn not in infos:
            problems.append(f"[conventions.error_text] {key}: unknown function {text_fn}")
    statuses = library.conventions.error_text.get("last_message_statuses", [])
    if statuses:
        members = {mem.name for e in api.enums if e.name == library.conventions.status_enum for mem in e.members}
        for status in statuses:
            if status not in members:
                problems.append(f"[conventions.error_text] last_message_statuses: {status} is no member of {library.conventions.status_enum}")
    if problems:
        raise ConventionError("\n".join(problems))
    return Conventions(api, library, infos, handles, callback_structs, status_enums, value_structs, counted)


def _counted_fields(api: m.API, library: Library, problems: list[str]) -> dict[str, list[CountedField]]:
    """A struct of one data pointer and one integer holds an array and its length; the library
    description names the others (`[conventions.counted_fields]`, e.g. a length inside a nested struct)."""
    out: dict[str, list[CountedField]] = {}
    for s in api.structs:
        pointers = [f for f in s.fields if f.type.kind == m.POINTER and f.type.pointee is not None
                    and f.type.pointee.kind not in (m.VOID, m.FUNCTION) and not f.type.is_string()]
        counts = [f for f in s.fields if f.type.kind == m.SCALAR and f.type.name in m.SCALAR_SIZES
                  and f.type.name not in ("bool", "float", "double", "char")]
        if len(s.fields) == 2 and len(pointers) == 1 and len(counts) == 1:
            out[s.name] = [CountedField(pointers[0].name, counts[0].name)]
    structs = {s.name: s for s in api.structs}
    for sname, fields in library.conventions.counted_fields.items():
        if sname not in structs:
            problems.append(f"[conventions.counted_fields] unknown struct {sname}")
            continue
        for pointer, path in fields.items():
            if not _field_path_ok(structs, sname, pointer) or not _field_path_ok(structs, sname, path):
                problems.append(f"[conventions.counted_fields] {sname}: unknown field {pointer!r} or {path!r}")
                continue
            out.setdefault(sname, [])
            out[sname] = [cf for cf in out[sname] if cf.pointer != pointer] + [CountedField(pointer, path)]
    return out


def _field_path_ok(structs: dict[str, m.Struct], sname: str, path: str) -> bool:
    struct: Optional[m.Struct] = structs[sname]
    for part in path.split("."):
        if struct is None:
            return False
        f = next((f for f in struct.fields if f.name == part), None)
        if f is None:
            return False
        struct = structs.get(f.type.name) if f.type.kind == m.STRUCT and f.type.name else None
    return True


def _callback_struct(s: m.Struct) -> Optional[CallbackStruct]:
    fn_fields = [f for f in s.fields if _function_type(f.type) is not None]
    data_fields = [f for f in s.fields if f.type.kind == m.POINTER and f.type.pointee is not None and f.type.pointee.kind == m.VOID]
    if len(fn_fields) != 1 or len(data_fields) != 1 or len(s.fields) != 2:
        return None
    sig = _function_type(fn_fields[0].type)
    assert sig is not None
    user = [i for i, p in enumerate(sig.params) if p.type.kind == m.POINTER and p.type.pointee is not None and p.type.pointee.kind == m.VOID]
    if len(user) != 1:
        return None
    return CallbackStruct(s.name, fn_fields[0].name, data_fields[0].name, sig, user[0])


def _function_type(t: m.CType) -> Optional[m.CType]:
    if t.kind == m.POINTER and t.pointee is not None and t.pointee.kind == m.FUNCTION:
        return t.pointee
    return None


def _classify(fn: m.Function, library: Library, stems: list[HandleInfo], status_enums: dict[str, str],
              callback_structs: dict[str, CallbackStruct], names: set[str], problems: list[str]) -> FunctionInfo:
    params = fn.params
    status = fn.returns.name if fn.returns.kind == m.ENUM and fn.returns.name in status_enums else None
    owner_info = next((hi for hi in stems if fn.name.startswith(hi.stem + "_")), None)
    if library.conventions.free_functions.get(fn.name):
        freed = library.conventions.free_functions[fn.name]
        owner_info = next((hi for hi in stems if hi.handle.name == freed), None)
        if owner_info is None:
            problems.append(f"{fn.location}: {fn.name}: [conventions.free_functions] names unknown handle {freed!r}")
    declared_owner = library.conventions.owners.get(fn.name)
    if declared_owner:
        owner_info = next((hi for hi in stems if hi.handle.name == declared_owner["handle"]), None)
        if owner_info is None:
            problems.append(f"{fn.location}: {fn.name}: [conventions.owners] names unknown handle {declared_owner['handle']!r}")
    first_is_owner = bool(params) and owner_info is not None and params[0].type.is_handle_ptr(1) \
        and params[0].type.base().name == owner_info.handle.name
    info = FunctionInfo(fn, STATIC, None, strip_prefix(fn.name, library.conventions.prefix), status,
                        status_enums.get(status) if status else None)
    if owner_info is not None:
        info.owner = owner_info.handle.name
        info.member = fn.name[len(owner_info.stem) + 1:] if fn.name.startswith(owner_info.stem + "_") else fn.name
        if declared_owner:
            info.member = declared_owner.get("member", info.member)

    # Variadic convention: data first, then the `*_args_size` count parameter.
    if fn.variadic:
        declared = library.conventions.variadic.get(fn.name)
        counts = [p.name for p in params if _is_size(p.type) and p.name.endswith("_args_size")]
        if declared == VARIADIC_PAIR:
            info.variadic = VARIADIC_PAIR
        elif declared == VARIADIC_STRINGS:
            sizes = [p.name for p in params if _is_size(p.type) and p.name.endswith("_size")]
            info.variadic, info.variadic_count = VARIADIC_STRINGS, sizes[-1] if sizes else None
        elif counts:
            info.variadic, info.variadic_count = VARIADIC_KEY_VALUE, counts[-1]
        else:
            problems.append(f"{fn.location}: {fn.name}: variadic function with no known convention "
                            f"(add it to [conventions.variadic] in libraries/{library.name}.toml)")

    # Trailing outputs.
    rest = params[1:] if first_is_owner else params
    if len(params) >= 2 and _is_char_buffer(params[-2].type) and _is_size_ptr(params[-1].type):
        info.string_buffer = (params[-2].name, params[-1].name)
        info.kind = STRING_GETTER
    elif fn.name in library.conventions.array_getters or (fn.name + "_count") in names and len(params) >= 2 \
            and _is_size(params[-1].type) and params[-2].type.kind == m.POINTER and not params[-2].type.pointee.const:  # type: ignore[union-attr]
        count_fn = library.conventions.array_getters.get(fn.name, fn.name + "_count")
        if count_fn not in names:
            problems.append(f"{fn.location}: {fn.name}: [conventions.array_getters] names unknown count function {count_fn!r}")
        info.array_buffer = (params[-2].name, params[-1].name, count_fn)
        info.kind = ARRAY_GETTER
    else:
        outs: list[str] = []
        for p in reversed(rest):
            if _is_handle_out(p.type) or _is_value_out(p.type) or _is_string_out(p.type) or _is_address_out(p.type):
                outs.insert(0, p.name)
            else:
                break
        # A handle out-param may also come first: `create_from_x(H** out, const X* from)`.
        if params and not first_is_owner and _is_handle_out(params[0].type) and params[0].name not in outs:
            outs.insert(0, params[0].name)
        info.out_params = outs
        handle_outs = [p for p in params if p.name in outs and _is_handle_out(p.type)]
        if handle_outs:
            info.creates = handle_outs[-1].type.base().name
        if fn.returns.kind == m.VOID and len(params) == 1 and params[0].type.is_handle_ptr(1) and fn.name.endswith("_free"):
            info.kind = FREE
            info.releases = params[0].type.base().name
            if owner_info is None or owner_info.handle.name != info.releases:
                info.owner = info.releases
        elif info.creates and not first_is_owner and owner_info is not None and info.creates == owner_info.handle.name:
            info.kind = CREATE
        elif first_is_owner and outs and all(_is_value_out(next(p for p in params if p.name == o).type) for o in outs) \
                and len(params) == 1 + len(outs) and not info.member.startswith("set_"):
            info.kind = GETTER
            info.member = strip_prefix(info.member, "get_")
        elif first_is_owner and info.member.startswith("set_") and len(params) == 2 and not outs \
                and not fn.variadic:  # `set_property(h, key, ...)` is a method, not a property setter
            info.kind = SETTER
            info.member = info.member[len("set_"):]
        elif first_is_owner:
            info.kind = METHOD
        else:
            info.kind = STATIC if owner_info is None else METHOD
            if not first_is_owner and info.kind == METHOD and not info.creates:
                info.kind = STATIC
    if info.kind == STATIC:
        info.owner = None
        info.member = strip_prefix(fn.name, library.conventions.prefix)

    # Input arrays: `const T* p` (or `const T** p`) followed by its `size_t` length; parallel
    # arrays right before one length share it (`const char** names, const S* shapes, size_t size`).
    for j, b in enumerate(params):
        if j == 0 or not _is_size(b.type) or b.name == info.variadic_count:
            continue
        first = j
        while first > 0 and _is_input_array(params[first - 1].type):
            first -= 1
        for a in params[first:j]:
            info.input_arrays.append(InputArray(a.name, b.name))
    for p in params:
        base = p.type.base()
        if p.type.pointer_depth() == 1 and base.kind == m.STRUCT and base.name in callback_structs:
            info.callbacks.append(CallbackParam(p.name, base.name))

    # Library-described extras: arrays with other count types or order, strings and memory the
    # caller frees, and pointers the library keeps after returning.
    param_names = {p.name for p in params}
    known_arrays = {a.pointer for a in info.input_arrays}
    for pointer, count in library.conventions.input_arrays.get(fn.name, {}).items():
        if pointer not in param_names or count not in param_names:
            problems.append(f"{fn.location}: {fn.name}: [conventions.input_arrays] names unknown parameters {pointer!r}/{count!r}")
        elif pointer not in known_arrays:
            info.input_arrays.append(InputArray(pointer, count))
    info.string_outs = [p.name for p in params if p.name in info.out_params and _is_string_out(p.type)]
    if info.string_outs and not library.conventions.string_free:
        problems.append(f"{fn.location}: {fn.name}: returns a new string through `char**` but "
                        f"libraries/{library.name}.toml names no string_free")
    if fn.name in library.conventions.owned_string_returns:
        if not fn.returns.is_string():
            problems.append(f"{fn.location}: {fn.name}: listed in owned_string_returns but returns no string")
        info.owned_string_return = True
    for retained in library.conventions.retains.get(fn.name, []):
        if retained not in param_names:
            problems.append(f"{fn.location}: {fn.name}: [conventions.retains] names unknown parameter {retained!r}")
        else:
            info.retains.append(retained)
    info.wide_strings = [p.name for p in params if _is_wide_string(p.type)]
    for nullable in library.conventions.nullable.get(fn.name, []):
        if nullable not in param_names:
            problems.append(f"{fn.location}: {fn.name}: [conventions.nullable] names unknown parameter {nullable!r}")
        else:
            info.nullable.append(nullable)
    for images in library.conventions.image_tensors.get(fn.name, []):
        param = next((p for p in params if p.name == images), None)
        elem = param.type.pointee if param is not None else None
        if param is None:
            problems.append(f"{fn.location}: {fn.name}: [conventions.image_tensors] names unknown parameter {images!r}")
        elif not (elem is not None and elem.kind == m.POINTER and elem.pointee is not None and elem.pointee.kind == m.HANDLE
                  and images in {a.pointer for a in info.input_arrays}):
            problems.append(f"{fn.location}: {fn.name}: [conventions.image_tensors] {images!r} is not an array of handles")
        else:
            info.image_tensors.append(images)
    for array, bound in library.conventions.shortest_arrays.get(fn.name, {}).items():
        where = f"{fn.location}: {fn.name}: [conventions.shortest_arrays] {array!r}"
        if array not in {a.pointer for a in info.input_arrays}:
            problems.append(f"{where} is not an input array of the function")
        elif not (isinstance(bound, dict) and set(bound) == {"more_than", "unit", "note"}
                  and type(bound["more_than"]) is int and bound["more_than"] >= 0
                  and isinstance(bound["unit"], str) and bound["unit"] and isinstance(bound["note"], str)):
            problems.append(f"{where}: expected {{ more_than = <items, an integer >= 0>, unit = \"<what the items are>\", "
                            f"note = \"<what that length means>\" }}, found {bound!r}")
        else:
            info.shortest_arrays[array] = (bound["more_than"], bound["unit"], bound["note"])
    return info


def _value_structs(api: m.API, library: Library, infos: dict[str, FunctionInfo],
                   problems: list[str]) -> dict[str, ValueStructInfo]:
    """Structs with functions named after them, and the free functions of caller-owned structs.

    A struct is caller-owned when a function `<struct stem>_free(S*)` (or one named in
    `[conventions.struct_free]`) releases the library memory it points to; every out-param filling such a
    struct then records that free function in `struct_outs`.
    """
    structs = {s.name: ValueStructInfo(s, handle_stem(s.name), strip_prefix(handle_stem(s.name), library.conventions.prefix))
               for s in api.structs}
    frees: dict[str, str] = {}
    for struct, fname in library.conventions.struct_free.items():
        if struct not in structs or fname not in infos:
            problems.append(f"[conventions.struct_free] {struct} = {fname}: unknown struct or function")
            continue
        frees[struct] = fname
    for fname, info in infos.items():
        params = info.function.params
        if fname.endswith("_free") and len(params) == 1 and params[0].type.pointer_depth() == 1 \
                and params[0].type.base().kind == m.STRUCT and not params[0].type.base().const:
            struct = params[0].type.base().name or ""
            if struct in structs and (fname == structs[struct].stem + "_free" or frees.get(struct) == fname):
                frees.setdefault(struct, fname)
    for struct, fname in frees.items():
        structs[struct].free = fname
        info = infos[fname]
        info.releases_struct = struct
        info.out_params = []  # the struct is released in place, not written
    # Which struct each function belongs to: the longest struct stem prefixing its name.
    by_stem = sorted(structs.values(), key=lambda vi: -len(vi.stem))
    for fname, info in infos.items():
        for pname in info.out_params:
            t = next(p.type for p in info.function.params if p.name == pname)
            out_struct = t.base().name or ""
            if t.pointer_depth() == 1 and t.base().kind == m.STRUCT and out_struct in frees \
                    and info.releases_struct is None:
                info.struct_outs[pname] = frees[out_struct]
        owner = next((vi for vi in by_stem if fname.startswith(vi.stem + "_")), None)
        if owner is None or info.owner is not None:
            continue
        info.value_owner = owner.struct.name
        owner.functions.append(fname)
        params = info.function.params
        by_value_first = bool(params) and params[0].type.kind == m.STRUCT and params[0].type.name == owner.struct.name
        fills_own = any(next(p.type for p in params if p.name == o).base().name == owner.struct.name
                        for o in info.out_params)
        if fills_own and not by_value_first and info.releases_struct is None:
            owner.creators.append(fname)
    return {name: vi for name, vi in structs.items() if vi.functions or vi.free}


_SNAKE = re.compile(r"[^0-9a-zA-Z]+")


def _properties(infos: dict[str, FunctionInfo], handles: dict[str, HandleInfo]) -> None:
    """Pair getters and setters of one handle into properties (set-only ones included)."""
    for hname, hi in handles.items():
        getters = {infos[n].member: infos[n] for n in hi.functions if infos[n].kind == GETTER and len(infos[n].out_params) == 1}
        setters = {infos[n].member: infos[n] for n in hi.functions if infos[n].kind == SETTER}
        # `get_x` returning a string or a new handle pairs with `set_x` taking the same type.
        for n in hi.functions:
            i = infos[n]
            name = i.member[len("get_"):]
            if not i.member.startswith("get_") or name not in setters:
                continue
            if i.kind == STRING_GETTER and len(i.function.params) == 3 or \
                    i.kind == METHOD and i.creates and len(i.function.params) == 2:
                getters[name] = i
        for name in sorted(set(getters) | set(setters), key=lambda x: _first_index(x, getters, setters, hi)):
            g, s = getters.get(name), setters.get(name)
            if g is not None and g.kind == GETTER:
                out = next(p for p in g.function.params if p.name == g.out_params[0])
                assert out.type.pointee is not None
                vtype = m.CType(out.type.pointee.kind, out.type.pointee.name)
            elif g is not None and s is not None:
                v = s.function.params[1].type
                vtype = m.CType(v.kind, v.name, pointee=v.pointee)
            else:
                assert s is not None
                v = s.function.params[1].type
                vtype = m.CType(v.kind, v.name, pointee=v.pointee)
            if g is not None and g.kind == GETTER and s is not None:
                sv = s.function.params[1].type
                if (sv.kind, sv.name) != (vtype.kind, vtype.name):
                    continue  # types differ: keep them as separate methods
            hi.properties.append(Property(hname, name, vtype, g.name if g else None, s.name if s else None))


def _first_index(name: str, getters: dict[str, FunctionInfo], setters: dict[str, FunctionInfo], hi: HandleInfo) -> int:
    fn = (setters.get(name) or getters[name]).name
    return hi.functions.index(fn)
