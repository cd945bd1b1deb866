"""Hand-written (not generated): `StreamerBase`, the base class of streamer objects, as this package names it.

It is the runtime's streamer base (genai_interop_runtime.callbacks.StreamerBase, which every call taking a
streamer accepts) with GenAI's docs, as C#'s OpenVINO.GenAI.StreamerBase derives from OpenVINO.Interop's
StreamerBase<StreamingStatus>. Its docstrings are the entries [StreamerBase] of bindgen/libraries/docs/genai.toml
(the same text as C#'s XML docs), set by `@documented`.
"""
from __future__ import annotations

from typing import Any

from genai_interop_runtime import callbacks

from ._docs import documented


@documented
class StreamerBase(callbacks.StreamerBase):
    def write(self, chunk: str) -> Any:
        return super().write(chunk)  # raises NotImplementedError: a subclass overrides it

    def end(self) -> None:
        super().end()
