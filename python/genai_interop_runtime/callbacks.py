"""Callbacks from native code into Python, and the iterator form of streaming calls.

One trampoline per callback struct and loaded library: `ffi.def_extern` in API mode, an
`ffi.callback` kept alive for the library's lifetime in ABI mode. The struct's user-data
pointer carries an `ffi.new_handle` to the `Invocation` of the current call, so calls on
several threads at once each reach their own Python function. cffi takes the GIL when the
library calls back on a thread of its own.

An exception raised by the user's function (KeyboardInterrupt included) is stored, the
library is told to cancel (or stop), the user's function is not called again during that call
(the library's final flush is absorbed), and the exception is re-raised once the native call
has returned.
"""
from __future__ import annotations

import codecs
import contextlib
import os
import queue
import signal
import threading
import time
import weakref
from typing import Any, Callable, Generic, Iterator, Optional, Sequence, TypeVar

from . import shutdown
from . import handles as _handles
from ._docs import documented
from .handles import Prepared
from .library import CallbackSpec
from .native import Native

R = TypeVar("R")


@documented  # its docs: bindgen/libraries/docs/runtime.toml [StreamerBase]
class StreamerBase:
    def write(self, chunk: str) -> Any:
        raise NotImplementedError(f"{type(self).__name__}.write(chunk) must be implemented")

    def end(self) -> None:
        pass


class Invocation:
    """The callback of one native call: the user's function, its pending error, and the C struct to pass."""

    __slots__ = ("spec", "function", "end", "error", "handle", "struct", "_decoders", "_text_only", "_on_error",
                 "_to_c", "sigint_fd", "sigint_next")

    def __init__(self, native: Native, spec: CallbackSpec, function: object, name: str) -> None:
        self.end: Optional[Callable[[], Any]] = None
        if isinstance(function, StreamerBase):
            self.end = function.end
            function = function.write
        if not callable(function):
            raise TypeError(f"{name}: expected a callable or a StreamerBase, got {type(function).__name__}")
        self.spec = spec
        self.function: Callable[..., Any] = function
        self.error: Optional[BaseException] = None
        self.handle = native.ffi.new_handle(self)
        self.struct = native.ffi.new(f"{spec.struct} *")
        setattr(self.struct, spec.function_field, native.trampolines[spec.struct])
        setattr(self.struct, spec.user_data_field, self.handle)
        # Incremental decoding: a UTF-8 sequence split across two calls still decodes whole.
        self._decoders = [codecs.getincrementaldecoder("utf-8")("replace") if how == "string" else None
                          for how in spec.params]
        # The streamer's shape, one text and the user data, takes a shorter path: it runs once per token.
        texts = [i for i, how in enumerate(spec.params) if how == "string"]
        self._text_only: Optional[tuple[int, Any]] = None
        if len(texts) == 1 and all(how in ("string", "user_data") for how in spec.params):
            self._text_only = (texts[0], self._decoders[texts[0]])
        self._on_error = spec.on_error
        self._to_c = spec.to_c
        # Read end of the signal wakeup pipe while the main thread waits inside the call (see interruptible),
        # and when to look at it next (time.monotonic()).
        self.sigint_fd: Optional[int] = None
        self.sigint_next = 0.0

    def invoke(self, ffi: Any, args: tuple[Any, ...]) -> Any:
        if self.error is not None:
            # The library may call once more after being told to stop: don't run user code again.
            return self._on_error
        if _EXITING.exiting:
            # Exit waits for this call (see shutdown): stop it; the call then raises this.
            self.error = shutdown.ExitingError("stopped: the interpreter is exiting")
            return self._on_error
        fd = self.sigint_fd
        if fd is not None:
            # Reading the pipe is a system call that fails when it is empty (3 us under load, against ~0.5 ms
            # per token of a tiny model): look at most every SIGINT_POLL_SECONDS, at every chunk of a slower stream.
            now = time.monotonic()
            if now >= self.sigint_next:
                self.sigint_next = now + SIGINT_POLL_SECONDS
                if _sigint_arrived(fd):
                    # Ctrl-C while the main thread is inside the native call: stop now (the main thread raises
                    # KeyboardInterrupt once the call has returned).
                    self.error = KeyboardInterrupt()
                    return self._on_error
        text_only = self._text_only
        if text_only is not None:
            try:
                arg = args[text_only[0]]
                return self._to_c(self.function(text_only[1].decode(ffi.string(arg)) if arg else ""))
            except BaseException as exc:  # noqa: B036 - KeyboardInterrupt too: re-raised after the call
                self.error = exc
                return self._on_error
        try:
            values: list[Any] = []
            for i, how in enumerate(self.spec.params):
                if how == "user_data":
                    continue
                arg = args[i]
                if how == "string":
                    decoder = self._decoders[i]
                    assert decoder is not None
                    values.append("" if arg == ffi.NULL else decoder.decode(ffi.string(arg)))
                else:
                    values.append(arg)
            return self._to_c(self.function(*values))
        except BaseException as exc:  # noqa: B036 - KeyboardInterrupt too: re-raised after the call
            self.error = exc
            return self._on_error

    def raise_pending(self) -> None:
        """After the call: re-raise what the user's function raised during it, if anything; else call a
        streamer object's `end()`."""
        error, self.error = self.error, None
        if error is not None:
            raise error
        end, self.end = self.end, None
        if end is not None:
            end()


# How often, at most, a callback looks for a Ctrl-C that arrived while the main thread waits inside the
# native call: a Ctrl-C stops the call at the first chunk after it, or up to this much later.
SIGINT_POLL_SECONDS = 0.01


_EXITING = shutdown.STATE


def _sigint_arrived(fd: int) -> bool:
    try:
        received = os.read(fd, 512)
    except OSError:  # nothing arrived (non-blocking), or the pipe is gone
        return False
    return int(signal.SIGINT) in received


@contextlib.contextmanager
def interruptible(invocations: Sequence[Optional[Invocation]]) -> Iterator[None]:
    """Around a native call made from the main thread: Python runs signal handlers on the main thread
    only, which is inside the call while the library calls back on its own thread, so Ctrl-C would
    wait for the whole generation. A signal wakeup pipe lets those callbacks see it and cancel. Left
    alone when SIGINT has another handler, or the wakeup fd is already in use (e.g. by asyncio)."""
    active = [invocation for invocation in invocations if invocation is not None]
    if not active or threading.current_thread() is not threading.main_thread() \
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield
        return
    try:
        read_fd, write_fd = os.pipe()
    except OSError:
        yield
        return
    installed = False
    try:
        os.set_blocking(read_fd, False)
        os.set_blocking(write_fd, False)
        previous = signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
        installed = previous == -1
        if not installed:
            signal.set_wakeup_fd(previous)  # someone else listens: theirs stays
    except (OSError, ValueError):  # e.g. Windows wants a socket
        pass
    try:
        if installed:
            for invocation in active:
                invocation.sigint_fd = read_fd
        yield
    finally:
        for invocation in active:
            invocation.sigint_fd = None
        if installed:
            signal.set_wakeup_fd(-1)
        os.close(read_fd)
        os.close(write_fd)


def install(native: Native) -> None:
    """Create the trampolines of every callback struct of the library for one loaded copy."""
    ffi = native.ffi
    for spec in native.library.callbacks.values():
        trampoline = _trampoline(ffi, spec)
        kwargs: dict[str, Any] = {"onerror": _escaped(ffi, spec)}
        if spec.on_error is not None:
            kwargs["error"] = spec.on_error
        if native.mode == "api":
            ffi.def_extern(name=spec.extern, **kwargs)(trampoline)
            native.trampolines[spec.struct] = getattr(native.lib, spec.extern)
        else:
            native.trampolines[spec.struct] = ffi.callback(spec.cdecl, trampoline, **kwargs)


def _escaped(ffi: Any, spec: CallbackSpec) -> Callable[..., Any]:
    """cffi's handler of an exception that escaped the trampoline itself. Ctrl-C does that: when the
    library calls back on the main thread after it waited inside the native call (the final flush), a
    pending SIGINT is raised on the trampoline's first line, before `invoke` can catch it, and cffi
    would print and drop it. It is handed to the call's Invocation instead, re-raised after the call."""

    def onerror(exc_type: Any, exc_value: Optional[BaseException], traceback: Any) -> Any:
        invocation = None
        while traceback is not None and invocation is None:
            frame_args = traceback.tb_frame.f_locals.get("args") if traceback.tb_frame.f_code.co_name == "trampoline" else None
            if isinstance(frame_args, tuple) and len(frame_args) > spec.user_data_index:
                try:
                    invocation = ffi.from_handle(frame_args[spec.user_data_index])
                except BaseException:  # noqa: B036 - not ours: nothing to attach the error to
                    invocation = None
            traceback = traceback.tb_next
        if not isinstance(invocation, Invocation):
            return None  # cffi's default: print it, answer the error value
        if invocation.error is None:
            invocation.error = exc_value if exc_value is not None else exc_type()
        return spec.on_error

    return onerror


def _trampoline(ffi: Any, spec: CallbackSpec) -> Callable[..., Any]:
    index = spec.user_data_index

    def trampoline(*args: Any) -> Any:
        invocation: Invocation = ffi.from_handle(args[index])
        return invocation.invoke(ffi, args)

    return trampoline


_CHUNK, _DONE, _ERROR, _CLOSED = "chunk", "done", "error", "closed"


class _StreamState:
    """What the worker thread shares with the consumer; it never refers to the Stream itself, so a
    dropped Stream is collected (and stops its call) even while the call runs.

    Hand-over is pull-based, like a generator: the callback waits until the consumer asks for
    the next chunk, so when the consumer leaves after chunk N the library is told to stop at
    its very next callback, and generation never runs ahead of what is read. Once stopped, every
    callback (the library's final flush included) answers STOP at once.
    """

    def __init__(self) -> None:
        self.queue: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self._changed = threading.Condition(threading.Lock())
        self._asked = 0  # chunks the consumer asked for and has not received
        self.stopped = False
        self.gave_way = False  # stopped because another call on its objects began while it was paused
        self.thread: Optional[threading.Thread] = None
        _active.add(self)

    def give_way(self) -> None:
        """Another call on the same pipeline begins: if the consumer is not waiting for a chunk (it left
        the loop, or is busy elsewhere), stop this call and wait for it to return."""
        thread = self.thread
        if thread is None or thread is threading.current_thread():
            return
        with self._changed:
            if self._asked or self.stopped:
                return
            self.stopped = self.gave_way = True
            self._changed.notify_all()
        while thread.is_alive():
            thread.join(0.1)

    def ask(self) -> None:
        """The consumer wants one more chunk."""
        with self._changed:
            self._asked += 1
            self._changed.notify()

    def stop(self) -> None:
        """The consumer went away: the waiting callback and every later one answer STOP."""
        with self._changed:
            self.stopped = True
            self._changed.notify_all()

    def on_chunk(self, chunk: str) -> bool:
        with self._changed:
            # No timeout (it used to poll every 0.1 s, which every early exit paid for in the final
            # flush): ask() and stop() wake this wait, and the library's thread has no signal to handle.
            while not self._asked and not self.stopped:
                self._changed.wait()
            if self.stopped:
                return True  # ask the library to stop
            self._asked -= 1
        self.queue.put((_CHUNK, chunk))
        return False

    def run(self, prepared: Prepared[Any], handles: list[Any]) -> None:
        try:
            result = prepared()
        except BaseException as exc:  # noqa: B036 - handed to the consumer thread
            self.queue.put((_ERROR, exc))
        else:
            self.queue.put((_DONE, result))
        finally:
            _handles.vacate(handles, self)


# Streams whose calls may still run: at interpreter exit they are told to stop before Python
# waits for their threads (else an abandoned stream would keep the process alive), and again
# when exit begins (streams of daemon threads; see shutdown).
_active: weakref.WeakSet[_StreamState] = weakref.WeakSet()


def _stop_all() -> None:
    for state in list(_active):
        state.stop()


_register_atexit = getattr(threading, "_register_atexit", None)
if _register_atexit is not None:
    _register_atexit(_stop_all)
shutdown.on_exit(_stop_all)


@documented  # its docs: bindgen/libraries/docs/runtime.toml [Stream]
class Stream(Generic[R]):
    # The chunks of a streaming call as they come. Nothing runs before the first chunk is asked for (the
    # arguments are checked when the stream is made). The native call then runs on a worker thread and hands
    # each chunk over through a queue, so this works whichever thread the library calls back on. Breaking out
    # of the loop (or `close()`, or leaving a `with` block) tells the library to stop at its next callback and
    # joins the thread. A stream left paused (after `break`, not closed) is stopped when another call on the
    # same pipeline begins, so that call never finds the pipeline busy; iterating it again then raises
    # RuntimeError saying so. Ctrl-C while waiting stops the call too, then propagates.

    def __init__(self, name: str = "stream") -> None:
        self._state = _StreamState()
        self._name = name  # of the worker thread
        self._thread: Optional[threading.Thread] = None
        self._prepared: Optional[Prepared[R]] = None  # the call, until the first chunk is asked for
        self._finished = False
        self.results: Optional[R] = None
        self.error: Optional[BaseException] = None  # an error that arrived after close()

    @property
    def callback(self) -> Callable[[str], bool]:
        return self._state.on_chunk

    def start(self, prepared: Prepared[R]) -> None:
        self._prepared = prepared

    def _launch(self) -> None:
        prepared, self._prepared = self._prepared, None
        if prepared is None:
            return
        handles = prepared.handles
        thread = threading.Thread(target=self._state.run, args=(prepared, handles), name=self._name)
        self._state.thread = thread
        _handles.occupy(handles, self._state)
        try:
            thread.start()
        except BaseException:
            _handles.vacate(handles, self._state)
            self._state.thread = None
            prepared.discard()
            raise
        self._thread = thread

    def __iter__(self) -> Stream[R]:
        return self

    def __next__(self) -> str:
        if self._finished:
            raise StopIteration
        if self._state.gave_way:
            self._finished = True
            self.close()
            raise RuntimeError("this stream was stopped when another call on the same pipeline began while it "
                               "was paused (left with `break` and not closed); its partial results are in `results`")
        self._state.ask()
        if self._prepared is not None:
            self._launch()
        try:
            kind, value = self._get()
        except BaseException:
            self.close()
            raise
        if kind == _CHUNK:
            chunk: str = value
            return chunk
        self._finished = True
        self._join()
        if kind == _DONE:
            self.results = value
            raise StopIteration
        if kind == _CLOSED:  # close() on another thread took the call's outcome
            raise StopIteration
        raise value

    def _get(self) -> tuple[str, Any]:
        while True:
            try:
                # A timeout keeps the wait interruptible by Ctrl-C on every platform.
                return self._state.queue.get(timeout=0.1)
            except queue.Empty:
                continue

    def _join(self) -> None:
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            while thread.is_alive():
                thread.join(0.1)

    def close(self) -> None:
        prepared, self._prepared = self._prepared, None
        if prepared is not None:
            prepared.discard()
            self._finished = True
            return
        self._state.stop()  # the callback waiting for the consumer, and every later one, answer STOP
        self._join()
        self._finished = True
        while True:
            try:
                kind, value = self._state.queue.get_nowait()
            except queue.Empty:
                break
            if kind == _DONE:
                self.results = value
            elif kind == _ERROR:
                self.error = value
        # The call's outcome was taken here: wake a consumer waiting for it inside next() (it used
        # to wait forever).
        self._state.queue.put((_CLOSED, None))

    def __enter__(self) -> Stream[R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_prepared", None) is not None or \
                (getattr(self, "_thread", None) is not None and not self._finished):
            self.close()
