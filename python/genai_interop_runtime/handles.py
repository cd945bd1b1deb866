"""Ownership of native objects, shared by every generated package.

`Handle` is the one base class of every generated class that owns a native pointer, whichever
package generated it: a GenAI call taking an OpenVINO tensor borrows an `openvino_cffi.Tensor`
the same way it borrows its own objects (closing it meanwhile waits for the call).
"""
from __future__ import annotations

import sys
import threading
import weakref
from types import FrameType
from typing import Any, Callable, ClassVar, Generic, Optional, Protocol, Sequence, TypeVar

from . import shutdown
from ._docs import documented
from .native import Native

# Guards the borrow counts and close state of every handle (short critical sections only).
_LOCK = threading.Lock()

H = TypeVar("H", bound="Handle")
R = TypeVar("R")


@documented  # its docs: bindgen/libraries/docs/runtime.toml [Handle]
class Handle:
    # Owns one native object: freed by `close()`, by leaving a `with` block, or when garbage collected.
    # The pointer is wrapped with `ffi.gc`; `close()` runs that same destructor through `ffi.release`, which
    # detaches it, so the object is freed exactly once whichever comes first. A `close()` while another thread
    # is inside a native call on the object is deferred until that call returns.

    __slots__ = ("_native", "_raw", "_gc", "_busy", "_close_pending", "_owner", "_retained", "_calls", "_dependents",
                 "__weakref__")
    _c_type: ClassVar[str] = ""  # the C pointer type, e.g. "ov_tensor_t *"

    _native: Native
    _raw: Any
    _gc: Any
    _busy: int
    _close_pending: bool
    _owner: Optional[object]
    _retained: Optional[list[Any]]
    _calls: Optional[list[Running]]  # calls taking callbacks (generations) running on this object now
    _dependents: Optional[weakref.WeakSet[Handle]]  # closed with this object (see _release_with)

    def __init__(self) -> None:
        raise TypeError(f"{type(self).__name__} objects are returned by other calls; they have no constructor")

    def _adopt(self, native: Native, pointer: Any, release: Optional[Callable[[Any], None]],
               owner: Optional[object] = None) -> None:
        self._native = native
        self._gc = native.ffi.gc(pointer, release) if release is not None else None
        self._raw = self._gc if self._gc is not None else pointer
        self._busy = 0
        self._close_pending = False
        # A child keeps the object it came from alive (it may point into it).
        self._owner = owner
        self._retained = None
        self._calls = None
        self._dependents = None

    @classmethod
    def _wrap(cls: type[H], native: Native, pointer: Any, release: Optional[Callable[[Any], None]],
              owner: Optional[object] = None) -> H:
        obj = cls.__new__(cls)
        obj._adopt(native, pointer, release, owner)
        return obj

    @property
    def closed(self) -> bool:
        return getattr(self, "_raw", None) is None

    @property
    def c_pointer(self) -> Any:
        raw = getattr(self, "_raw", None)
        if raw is None:
            raise ValueError(f"{type(self).__name__} is closed")
        return raw

    def close(self) -> None:
        # Idempotent; objects tied to it (`_release_with`) are closed too.
        with _LOCK:
            if getattr(self, "_raw", None) is None:
                return
            dependents, self._dependents = getattr(self, "_dependents", None), None
        for dependent in list(dependents or ()):
            dependent.close()
        with _LOCK:
            if getattr(self, "_raw", None) is None:
                return
            if self._busy:
                self._close_pending = True
                return
            gc_pointer = self._gc
            # `_retained` stays until this object is collected: the library may still use what it
            # holds through another object (a request keeps a tensor this one wrapped).
            self._gc = self._raw = self._owner = None
        if gc_pointer is not None:
            self._native.ffi.release(gc_pointer)

    def _release_with(self, producer: Handle) -> None:
        """Close this object (a native object a plain value keeps between calls, such as a ChatHistory's native
        history) at the latest when `producer` is closed; at once when it already is. Held weakly: this object
        is still freed when nothing else references it."""
        with _LOCK:
            if getattr(producer, "_raw", None) is not None:
                dependents = getattr(producer, "_dependents", None)
                if dependents is None:
                    dependents = producer._dependents = weakref.WeakSet()
                dependents.add(self)
                return
        self.close()

    def _borrow(self) -> Any:
        with _LOCK:
            raw = getattr(self, "_raw", None)
            if raw is None or self._close_pending:
                raise ValueError(f"{type(self).__name__} is closed")
            self._busy += 1
            return raw

    def _unborrow(self) -> None:
        with _LOCK:
            self._busy -= 1
            pending = self._busy == 0 and self._close_pending
        if pending:
            self._close_pending = False
            self.close()

    def _retain(self, value: Any, slot: Optional[tuple[Any, ...]] = None) -> None:
        """Keep `value` alive as long as this object: the library holds on to it. With `slot` (the
        call and the arguments saying where it went), a later value for the same slot replaces it,
        so setting a tensor again and again does not keep every earlier one."""
        if self._retained is None:
            self._retained = []
        if slot is not None:
            self._retained = [held for held in self._retained if not (isinstance(held, _Slot) and held.key == slot)]
            value = _Slot(slot, value)
        self._retained.append(value)

    def __enter__(self: H) -> H:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else f"at {int(self._native.ffi.cast('uintptr_t', self._raw)):#x}"
        return f"<{type(self).__name__} {state}>"


class _Slot:
    """A retained value and the slot it fills (see Handle._retain)."""

    __slots__ = ("key", "value")

    def __init__(self, key: tuple[Any, ...], value: Any) -> None:
        self.key = key
        self.value = value


class Keep:
    """What one native call borrows: handles (closing them waits) and cdata buffers (kept alive)."""

    __slots__ = ("handles", "objects")

    def __init__(self) -> None:
        self.handles: list[Handle] = []
        self.objects: list[Any] = []

    def borrow(self, handle: Handle) -> Any:
        raw = handle._borrow()
        self.handles.append(handle)
        return raw

    def hold(self, value: Any) -> Any:
        self.objects.append(value)
        return value

    def release(self) -> None:
        handles, self.handles = self.handles, []
        self.objects = []
        for handle in handles:
            handle._unborrow()


class Occupant(Protocol):
    """A call that may sit paused on a handle (a stream waiting for its consumer to ask for more)."""

    def give_way(self) -> None:
        """Stop now if paused (no consumer waiting for the next chunk), and wait until the call returned."""


# Paused-able calls per handle they use: a new call on the handle makes them give way first.
_OCCUPANTS: "weakref.WeakKeyDictionary[Handle, list[Occupant]]" = weakref.WeakKeyDictionary()


def occupy(handles: Sequence[Handle], occupant: Occupant) -> None:
    with _LOCK:
        for handle in handles:
            _OCCUPANTS.setdefault(handle, []).append(occupant)


def vacate(handles: Sequence[Handle], occupant: Occupant) -> None:
    with _LOCK:
        for handle in handles:
            occupants = _OCCUPANTS.get(handle)
            if occupants is not None and occupant in occupants:
                occupants.remove(occupant)
                if not occupants:
                    del _OCCUPANTS[handle]


def give_way(handles: Sequence[Handle]) -> None:
    """Before a call on `handles` starts: paused streams on them stop (a stream left with `break` and never
    closed would otherwise keep its pipeline busy for good, and this call would fail)."""
    with _LOCK:
        waiting = [occupant for handle in handles for occupant in _OCCUPANTS.get(handle, ())]
    for occupant in waiting:
        occupant.give_way()


class Running:
    """One call taking callbacks while it runs, as the user made it: which method of which object, from
    where, and on which thread it runs (a worker thread other than the caller's: a stream)."""

    __slots__ = ("target", "method", "where", "caller", "thread")

    def __init__(self, target: Optional[Handle], method: str, where: str, caller: str) -> None:
        self.target = target  # the object whose method was called (None: a function of no object)
        self.method = method  # "LLMPipeline.stream"
        self.where = where  # "app.py:12" (empty when unknown)
        self.caller = caller  # thread name of the caller
        self.thread: Optional[str] = None  # thread it runs on, once it runs

    @property
    def stream(self) -> bool:
        return self.thread is not None and self.thread != self.caller

    def describe(self) -> str:
        text = f"{self.method}()" + (f" called at {self.where}" if self.where else "")
        if self.stream:
            return text + f" (a stream not finished: iterate it to the end or close it; it runs on thread {self.thread!r})"
        return text + f" on thread {self.thread or self.caller!r}"


_CURRENT = threading.local()  # .calls: the Running records of calls in progress on this thread, innermost last


def current_call() -> Optional[Running]:
    """The call taking callbacks that the current thread is running (innermost), if any."""
    calls: Optional[list[Running]] = getattr(_CURRENT, "calls", None)
    return calls[-1] if calls else None


def running_on(handle: Handle) -> list[Running]:
    """The calls taking callbacks that are running on `handle` now."""
    with _LOCK:
        return list(handle._calls or ())


def _ours(frame: FrameType, packages: set[str]) -> bool:
    return str(frame.f_globals.get("__name__", "")).split(".")[0] in packages


def _call_site(keep: Keep) -> Running:
    """Who made this call: the outermost frame of these bindings (the public method) and its caller."""
    packages = {__name__.split(".")[0]} | {type(h).__module__.split(".")[0] for h in keep.handles}
    frame: Optional[FrameType] = sys._getframe(2)
    api: Optional[FrameType] = None
    while frame is not None and _ours(frame, packages):
        api, frame = frame, frame.f_back
    target: Optional[Handle] = None
    method = "?"
    if api is not None:
        owner = api.f_locals.get("self")
        method = api.f_code.co_name
        if isinstance(owner, Handle):
            target = owner
            method = f"{type(owner).__name__}.{method}"
    where = f"{frame.f_code.co_filename}:{frame.f_lineno}" if frame is not None else ""
    return Running(target, method, where, threading.current_thread().name)


class Prepared(Generic[R]):
    """A native call with its arguments converted and borrowed, run later (possibly on another thread).

    These are the calls taking callbacks (the generations): while one runs it is counted, so that
    interpreter exit can stop it and wait for it (`shutdown`), and recorded on the object it was called
    on, so that a call refused meanwhile can say which call holds the object (`diagnosis`)."""

    __slots__ = ("_keep", "_run", "_site")

    def __init__(self, keep: Keep, run: Callable[[], R]) -> None:
        self._keep = keep
        self._run: Optional[Callable[[], R]] = run
        self._site = _call_site(keep)

    @property
    def handles(self) -> list[Handle]:
        """The handles this call borrowed."""
        return list(self._keep.handles)

    def __call__(self) -> R:
        run, self._run = self._run, None
        if run is None:
            raise RuntimeError("a prepared call runs once")
        site = self._site
        site.thread = threading.current_thread().name
        target = site.target
        if target is not None:
            with _LOCK:
                if target._calls is None:
                    target._calls = []
                target._calls.append(site)
        calls: Optional[list[Running]] = getattr(_CURRENT, "calls", None)
        if calls is None:
            calls = _CURRENT.calls = []
        calls.append(site)
        try:
            give_way(self._keep.handles)
            shutdown.enter()
            try:
                return run()
            finally:
                shutdown.leave()
        finally:
            calls.pop()
            if target is not None:
                with _LOCK:
                    if target._calls is not None:
                        target._calls.remove(site)
            self._keep.release()

    def discard(self) -> None:
        if self._run is not None:
            self._run = None
            self._keep.release()


# What the library keeps after calls that belong to no object (e.g. a process-wide log callback):
# (library instance, slot) -> value; a later call for the same slot replaces it.
_GLOBALLY_RETAINED: dict[tuple[int, tuple[Any, ...]], Any] = {}


def retain_global(native: Native, slot: tuple[Any, ...], value: Any) -> None:
    with _LOCK:
        _GLOBALLY_RETAINED[(id(native), slot)] = value
