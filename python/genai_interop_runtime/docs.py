"""Docstrings of hand-written classes from a package's rendered docs table.

A generated package may have hand-written public classes beside its generated ones (GenAI's ChatHistory,
ChatSession, StreamerBase). What they say is data, the same entries the C# twins' XML docs are rendered
from; the emitter renders those entries as docstrings into the package's `_docs.py` table
(`"Class"` / `"Class.member"` -> text), and each hand-written class applies it with `document`, so the
two languages cannot drift apart. Nothing here knows any API.
"""
from __future__ import annotations

import inspect
from typing import Mapping, TypeVar

T = TypeVar("T", bound=type)


def document(cls: T, table: Mapping[str, str]) -> T:
    """Gives `cls` the docstring `table[cls.__name__]` and each of its members (methods, properties,
    static and class methods defined in `cls`) the one of `table["<class>.<member>"]`. An entry naming no
    member of `cls` is an instance attribute (set in `__init__`): it is listed under "Attributes:" in the
    class docstring. Returns `cls` (use it as a class decorator)."""
    attributes = []
    prefix = cls.__name__ + "."
    for key, text in table.items():
        if not key.startswith(prefix):
            continue
        member = key[len(prefix):]
        target = vars(cls).get(member)
        if isinstance(target, (staticmethod, classmethod)):
            target = target.__func__
        if target is None:
            attributes.append((member, text))
        else:
            target.__doc__ = text
    doc = table.get(cls.__name__)
    if doc is not None:
        if attributes:
            lines = [f"    {name}: " + inspect.cleandoc(text).strip().replace("\n", "\n        ") for name, text in attributes]
            doc = inspect.cleandoc(doc).strip() + "\n\nAttributes:\n" + "\n".join(lines)
        cls.__doc__ = doc
    return cls
