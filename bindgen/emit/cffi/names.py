"""Python names: identifiers, prefixes, the names every generated class and member claims."""
from __future__ import annotations

import keyword
import re

from ... import binding as bd
from ... import model as m
from ...conventions import Conventions
from .. import pascal
from .views import CallbackView, EnumView, ErrorView, StructView, TupleView

# Names the handle base class uses; a C member of the same name gets a trailing underscore.
RESERVED_MEMBERS = {"close", "closed", "c_pointer"}


def py_name(name: str) -> str:
    """A C parameter/member name usable as a Python identifier."""
    name = re.sub(r"\W", "_", name)
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return name + "_"
    return name


def _strip_library_prefix(c_name: str, prefix: str) -> str:
    """`ov_genai_x_e` -> `x_e`; `ov_status_e` (a core name seen by GenAI) -> `status_e`: drops the longest
    run of whole `_`-separated segments shared with the library prefix."""
    if prefix and c_name.startswith(prefix):
        return c_name[len(prefix):]
    segments = [s for s in prefix.split("_") if s]
    out = c_name
    for s in segments:
        if out.startswith(s + "_"):
            out = out[len(s) + 1:]
        else:
            break
    return out


def _snake(name: str) -> str:
    """`buildNumber` -> `build_number`; snake_case names stay as they are."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _common_prefix(names: list[str]) -> str:
    first = names[0]
    i = 0
    while all(len(n) > i and n[i] == first[i] for n in names):
        i += 1
    prefix = first[:i]
    cut = prefix.rfind("_")
    return prefix[:cut + 1] if cut >= 0 else ""


class NameBuilder:
    """State shared by every step of the cffi emitter, and the names it hands out."""

    def __init__(self, api: m.API, c: Conventions) -> None:
        self.api, self.c, self.lib = api, c, c.library
        self.enums: dict[str, EnumView] = {}
        self.errors: dict[str, ErrorView] = {}
        self.classes: dict[str, str] = {}  # handle -> python class
        self.result_names: dict[str, str] = {}  # handle shown as a value class -> that class
        self.callbacks: dict[str, CallbackView] = {}
        self.tuples: dict[tuple[str, ...], TupleView] = {}
        self.structs: dict[str, StructView] = {}
        self.base_error = self.rename(pascal(self.lib.title) + "Error")
        self.binding = bd.bind(c)
        self.model_calls = self.binding.calls()  # function -> how the binding model calls it

    def rename(self, name: str) -> str:
        return self.lib.conventions.renames.get(name, name)

    def unique(self, name: str, used: set[str]) -> str:
        while name in used:
            name += "_"
        used.add(name)
        return name
