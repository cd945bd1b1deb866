"""Results and metrics as plain values: what a generated package's value classes are built on.

A generated package declares, per value class, which native getters give which field (its library
description's [conventions.results] / [conventions.metrics], rendered into `_bindings.py`); this
module holds what does not depend on the API: the text form several results are joined in
(`scored_lines`), the base of every results class (`Results`: fields set once, `str()` is the text
form, equality by value) and of every metrics class (`Metrics`: values read once, the native object
kept only for adding, freed with the object), and `MeanStdPair`.
"""
from __future__ import annotations

import math
import re
from typing import Any, Callable, Mapping, NamedTuple, Optional, Sequence, TypeVar

from ._docs import documented
from .errors import InteropError

M = TypeVar("M", bound="Metrics")


@documented  # its docs: bindgen/libraries/docs/runtime.toml [MeanStdPair]
class MeanStdPair(NamedTuple):
    mean: float
    std: float


# How std::to_string prints a float: "%f" (6 decimals), or inf / nan with an optional sign.
_SCORE = r"-?(?:\d+\.\d{6}|inf|nan)"
_FIRST = re.compile(rf"({_SCORE}): ")
_NEXT = re.compile(rf"\n({_SCORE}): ")


def split_scored_lines(text: str) -> tuple[list[str], list[float]]:
    """Texts and scores from the text form "scored_lines": one text is given alone (its score is not
    in the form: NaN), several as lines `<score>: <text>` joined by a newline, the score with 6
    decimals. A single text that itself starts like `0.500000: ` and holds a newline followed by the
    same pattern cannot be told apart from several; it reads as several."""
    first = _FIRST.match(text)
    if first is None:
        return [text], [math.nan]
    texts: list[str] = []
    scores: list[float] = [float(first.group(1))]
    start = first.end()
    for m in _NEXT.finditer(text, start):
        texts.append(text[start:m.start()])
        scores.append(float(m.group(1)))
        start = m.end()
    texts.append(text[start:])
    if len(texts) == 1:
        # One text that merely starts like a score: the form never prefixes a lone text.
        return [text], [math.nan]
    return texts, scores


STRING_FORMS: Mapping[str, Callable[[str], tuple[list[str], list[float]]]] = {"scored_lines": split_scored_lines}


class Results:
    """Base of the generated results classes: plain values read once after the call that made them.
    Subclasses list their fields in `_FIELDS`, keep each in the slot `_<field>` and show it as a
    read-only property; `str()` is the library's text form when it has one."""

    __slots__ = ("_string",)
    _FIELDS: tuple[str, ...] = ()

    def __init__(self, string: Optional[str] = None, **fields: Any) -> None:
        self._string = string
        for name in self._FIELDS:
            setattr(self, "_" + name, fields.pop(name, None))
        if fields:
            raise TypeError(f"{type(self).__name__} has no fields {sorted(fields)}")

    def __str__(self) -> str:
        if self._string is not None:
            return self._string
        return repr(self)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._FIELDS if name != "perf_metrics")
        return f"{type(self).__name__}({shown})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(_same(getattr(self, n), getattr(other, n)) for n in self._FIELDS if n != "perf_metrics")

    __hash__ = None  # type: ignore[assignment]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return bool(a == b)


class Metrics:
    """Base of the generated metrics classes. Every value is read once when the object is made (a value
    whose getter the loaded library lacks keeps that error and raises it when asked for); the native
    object is kept only to add metrics and is freed with this object (no close() to call).

    `a + b` hands `a`'s native object to the result (the C API can add in place but not copy), so `a`
    keeps the values it had but cannot be the left side of another `+`; `a += b` adds in place."""

    __slots__ = ("_values", "_handle", "__weakref__")

    def __init__(self) -> None:
        raise TypeError(f"{type(self).__name__} objects come from results (their perf_metrics); they have no constructor")

    @classmethod
    def _read(cls: type[M], handle: Any, getters: Mapping[str, Callable[[], Any]]) -> M:
        self = object.__new__(cls)
        self._handle = handle
        self._values = {}
        self._load(getters)
        return self

    def _load(self, getters: Mapping[str, Callable[[], Any]]) -> None:
        values: dict[str, Any] = {}
        for name, get in getters.items():
            try:
                values[name] = get()
            except InteropError as exc:  # e.g. NeedsNewerLibrary: raised when that value is asked for
                values[name] = exc
        self._values = values

    def _value(self, name: str) -> Any:
        value = self._values[name]
        if isinstance(value, BaseException):
            raise value
        return value

    # What a subclass provides: its getters bound to a native object, and the native in-place add.
    def _getters(self, handle: Any) -> Mapping[str, Callable[[], Any]]:
        raise NotImplementedError

    def _add_native(self, left: Any, right: Any) -> None:
        raise NotImplementedError

    def _take_handle(self) -> Any:
        handle = self._handle
        if handle is None:
            raise InteropError(f"this {type(self).__name__} was already the left side of '+' (its native "
                               f"object went to the sum; the C API cannot copy metrics): use the sum, or '+='")
        return handle

    def __iadd__(self: M, right: Metrics) -> M:
        if not isinstance(right, type(self)):
            return NotImplemented
        handle = self._take_handle()
        right_handle = right._take_handle()
        self._add_native(handle, right_handle)
        self._load(self._getters(handle))
        return self

    def __add__(self: M, right: Metrics) -> M:
        if not isinstance(right, type(self)):
            return NotImplemented
        handle = self._take_handle()
        right_handle = right._take_handle()
        self._add_native(handle, right_handle)
        self._handle = None
        total = object.__new__(type(self))
        total._handle = handle
        total._values = {}
        total._load(total._getters(handle))
        return total

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in self._values.items() if not isinstance(v, BaseException))
        return f"{type(self).__name__}({shown})"


R_ = TypeVar("R_", bound=Results)


def batch(results: Sequence[R_]) -> R_:
    """The results of one generation per prompt of a batch, as one: texts and scores in order, metrics added
    up, the text form `<score>: <text>` lines (upstream's for several texts; a score the single-text form
    did not carry reads as nan)."""
    if not results:
        raise ValueError("a batch needs at least one prompt")
    first = results[0]
    if len(results) == 1:
        return first
    texts = [t for r in results for t in getattr(r, "texts")]
    scores = [s for r in results for s in getattr(r, "scores")]
    fields: dict[str, Any] = {"texts": texts, "scores": scores}
    if "perf_metrics" in type(first)._FIELDS:
        total = getattr(first, "perf_metrics")
        for r in results[1:]:
            total = total + getattr(r, "perf_metrics")
        fields["perf_metrics"] = total
    string = "\n".join(f"{s:f}: {t}" for s, t in zip(scores, texts))
    return type(first)(string, **fields)
