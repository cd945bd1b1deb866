"""Interpreter exit while native calls run on other threads.

Exiting while another thread is inside the library crashes it: `exit()` unloads code and data the
running call still uses (measured with the real GenAI library: SIGSEGV, or SIGABRT when Python ends
the thread the library calls back on). So at exit the calls that take callbacks (the generations,
run through `handles.Prepared`) are told to stop, at their next callback, and waited for, for at
most `WAIT_SECONDS`; a call with no callback (a generate without a streamer) can only be waited
for. Once exit has begun, no new such call starts. If the wait gives up, the process ends at once
(`os._exit`, after flushing stdout and stderr) with status 1 and says why on stderr: letting the exit
go on would run the library's clean-up under the running call (a crash). Python gives an exit hook
no way to read the status the program asked for, hence 1: the exit was not the clean one asked for.

The hook is an `atexit` one: it runs after Python has waited for non-daemon threads (whose calls
end normally) and before anything is torn down, so what is left are daemon threads and the
library's own.
"""
from __future__ import annotations

import atexit
import os
import sys
import threading
import time
from typing import Callable

# How long exit waits for running calls.
WAIT_SECONDS = 10.0


class _State:
    __slots__ = ("exiting", "running")

    def __init__(self) -> None:
        self.exiting = False  # read by every callback: answer stop
        self.running = 0  # calls taking callbacks inside the library now


STATE = _State()
_CHANGED = threading.Condition(threading.Lock())
# Called first at exit (e.g. waking streams whose callbacks wait for their consumer).
_STOPPERS: list[Callable[[], None]] = []


class ExitingError(RuntimeError):
    """A native call stopped, or refused, because the interpreter is exiting."""


def on_exit(stop: Callable[[], None]) -> None:
    """Have `stop` called when exit begins, before waiting for running calls."""
    _STOPPERS.append(stop)


def enter() -> None:
    """A call taking callbacks starts (refused once exit has begun)."""
    with _CHANGED:
        if STATE.exiting:
            raise ExitingError("no new native call once the interpreter is exiting (the library is about to be unloaded)")
        STATE.running += 1


def leave() -> None:
    with _CHANGED:
        STATE.running -= 1
        _CHANGED.notify_all()


def _at_exit() -> None:
    with _CHANGED:
        STATE.exiting = True
    for stop in _STOPPERS:
        stop()
    deadline = time.monotonic() + WAIT_SECONDS
    with _CHANGED:
        while STATE.running and time.monotonic() < deadline:
            _CHANGED.wait(deadline - time.monotonic())
        left = STATE.running
    if left:
        print(f"genai_interop_runtime: {left} native call(s) still running {WAIT_SECONDS:g} s after exit began "
              "(a call without a callback cannot be told to stop): the process ends now with status 1, without "
              "the library's exit-time clean-up, which would crash under them", file=sys.stderr)
        _end_now(1)


def _end_now(status: int) -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except Exception:  # noqa: BLE001 - ending anyway; nothing more to say
            pass
    os._exit(status)


atexit.register(_at_exit)
