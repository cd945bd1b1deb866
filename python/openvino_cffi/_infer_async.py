"""Hand-written (not generated): futures for asynchronous inference, mixed into `InferRequest`.

Declared in bindgen/libraries/core.toml ([python.mixins]). The C API reports completion by
calling the request's callback (`ov_infer_request_set_callback`) on an OpenVINO worker
thread; `infer_async()` installs one dispatcher per request that completes the oldest pending
`concurrent.futures.Future`. With asyncio, `await asyncio.wrap_future(request.infer_async())`.

The completion callback carries no error: a failed inference completes its future too, and
`wait()` (which rethrows the failure as an exception with OpenVINO's message) tells.
Calling `request.set_callback()` yourself replaces the dispatcher; pending futures then never complete.
"""
from __future__ import annotations

import collections
import concurrent.futures
import threading
import weakref
from typing import Any, Deque, Optional


class _Dispatch:
    __slots__ = ("lock", "pending")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: Deque["concurrent.futures.Future[None]"] = collections.deque()

    def completed(self) -> None:
        with self.lock:
            future = self.pending.popleft() if self.pending else None
        if future is not None and not future.done():
            future.set_result(None)


# Request -> its dispatcher (the request's retained callback refers to the dispatcher, not back).
_DISPATCH: "weakref.WeakKeyDictionary[Any, _Dispatch]" = weakref.WeakKeyDictionary()
_GUARD = threading.Lock()


class AsyncInference:
    """`infer_async()` for the generated `InferRequest`."""

    __slots__ = ()

    def infer_async(self) -> "concurrent.futures.Future[None]":
        """Start inference (ov_infer_request_start_async); the future completes, on an OpenVINO worker
        thread, when it ends. Read outputs after that, or call `wait()` to surface a failure."""
        with _GUARD:
            dispatch = _DISPATCH.get(self)
            if dispatch is None:
                dispatch = _Dispatch()
                getattr(self, "set_callback")(dispatch.completed)  # the generated method
                _DISPATCH[self] = dispatch
        future: "concurrent.futures.Future[None]" = concurrent.futures.Future()
        future.set_running_or_notify_cancel()
        with dispatch.lock:
            dispatch.pending.append(future)
        try:
            self.start_async()  # type: ignore[attr-defined]
        except BaseException:
            with dispatch.lock:
                if future in dispatch.pending:
                    dispatch.pending.remove(future)
            raise
        return future

    def infer_async_wait(self, timeout: Optional[float] = None) -> None:
        """Start inference and block until its future completes, then `wait()` for its outcome."""
        self.infer_async().result(timeout)
        self.wait()  # type: ignore[attr-defined]
