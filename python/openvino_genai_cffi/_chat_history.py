"""Hand-written (not generated): upstream's dict-based members of `ChatHistory`, mixed into the generated
class (`[python.mixins]` in bindgen/libraries/genai.toml).

Upstream's Python `ChatHistory` takes and gives messages as dicts (`append({"role": "user", "content":
"Hi"})`, `pop()`, `len(history)`); the C API takes JSON containers. These members convert: a message
is serialised with `json.dumps` and pushed as a JSON container, one read back is parsed with
`json.loads`. The native history is the one the generated class holds, so `pipe.generate(history, ...)`
sees every message appended here. The library does not append the answer to a history it is given:
append it yourself (upstream's chat sample does).
"""
from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any, Mapping


class ChatMessages:
    """`append`, `pop`, `len()` and truth value with dict messages, as upstream's `ChatHistory`."""

    __slots__ = ()

    if TYPE_CHECKING:  # what the generated class provides (JsonContainer: _bindings imports this module)
        def push_back(self, message: Any) -> None: ...
        def pop_back(self) -> None: ...
        def get_last(self) -> Any: ...
        @property
        def size(self) -> int: ...

    def append(self, message: Mapping[str, Any]) -> None:
        """Add one message at the end: a dict such as `{"role": "user", "content": "Hi"}` (any JSON object;
        the chat template decides which keys it reads). Python only, as upstream's Python API.
        TypeError for anything but a mapping, or a value JSON cannot hold."""
        # The generated module holding this class (importing _bindings here would be a circle).
        json_container = sys.modules[type(self).__module__].JsonContainer
        if not isinstance(message, Mapping):
            raise TypeError(f"ChatHistory.append: expected a dict (a JSON object), got {type(message).__name__}")
        try:
            text = json.dumps(dict(message), ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"ChatHistory.append: the message is not JSON: {exc}") from None
        with json_container.from_json_string(text) as container:
            self.push_back(container)

    def pop(self) -> dict[str, Any]:
        """Remove the last message and return it as a dict. Python only, as upstream's Python API.
        IndexError when the history is empty."""
        if self.size == 0:
            raise IndexError("ChatHistory.pop: the history is empty")
        with self.get_last() as last:
            message: dict[str, Any] = json.loads(last.to_json_string())
        self.pop_back()
        return message

    def __len__(self) -> int:
        return self.size

    def __bool__(self) -> bool:
        return self.size > 0
