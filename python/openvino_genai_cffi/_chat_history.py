"""Hand-written (not generated): `ChatHistory`, a plain list-like value class of chat messages, and
`ChatSession`, the chat helper that keeps one and appends the assistant's answers.

Declared in bindgen/libraries/genai.toml ([python] hand_values); a pipeline parameter of the C type
`ov_genai_chat_history` takes a `ChatHistory`, and the binding makes the native object at call time
(`_to_native`, through the generated internal class). Nothing here needs closing: the native history a
`ChatHistory` keeps between calls is released when it is replaced, when the pipeline that used it is
closed, or when the `ChatHistory` is dropped (the same as C#'s ChatHistory).

Measured (2026.3, the official package and the C library alike): generating from a history does NOT add
the answer to it. `ChatSession.ask` appends the user's message and the answer itself.

The docstrings of the public classes and members are not written here: they are the entries [ChatHistory]
and [ChatSession] of bindgen/libraries/docs/genai.toml (the same text as C#'s XML docs), set by `@documented`
from the rendered `_docs.py`.
"""
from __future__ import annotations

import copy
import importlib
import inspect
import json
from typing import Any, Iterable, Iterator, List, Mapping, Optional, Union, overload

from ._docs import documented

Message = dict[str, Any]


def _json_text(value: object) -> str:
    """The JSON text the native history gets, written exactly as the C# binding writes it (OpenVINO.Interop
    JsonText.Write): `", "` and `": "` separators, non-ASCII characters as they are, no NaN or infinity."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _library_int(text: str) -> Union[int, float]:
    """An integer as the library's JSON holds it (measured, official 2026.3): within 64 bits as it is, beyond
    them a double (2**64 reads back 1.8446744073709552e+19), beyond a double refused."""
    value = int(text)
    if -(1 << 63) <= value < (1 << 64):
        return value
    try:
        return float(value)
    except OverflowError:
        raise ValueError(f"the number {text[:20]}... is beyond a double (the library refuses it)") from None


def _json_value(value: object, where: str) -> Any:
    """A deep copy of `value` as JSON holds it (what upstream's native ChatHistory gives back: tuples become
    lists, keys strings, integers beyond 64 bits doubles), checked: TypeError for what JSON cannot hold,
    ValueError for NaN, an infinity, a number beyond a double or a lone surrogate (no UTF-8 form; the official
    package refuses both at once too)."""
    try:
        text = _json_text(value)
        text.encode("utf-8")
        return json.loads(text, parse_int=_library_int)
    except RecursionError:
        raise ValueError(f"{where}: JSON cannot hold it: nested deeper than Python's json writes") from None
    except UnicodeEncodeError as exc:
        raise ValueError(f"{where}: a string holds a lone surrogate {exc.object[exc.start:exc.end]!r}, which has no "
                         f"UTF-8 form") from None
    except TypeError as exc:
        raise TypeError(f"{where}: must be JSON-serialisable: {exc}") from None
    except ValueError as exc:
        raise ValueError(f"{where}: JSON cannot hold it: {exc}") from None


def _message(value: object, where: str) -> Message:
    if not isinstance(value, Mapping):
        raise TypeError(f"{where}: a message is a dict such as {{'role': 'user', 'content': 'Hi'}}, "
                        f"got {type(value).__name__}")
    message: Message = _json_value(dict(value), f"{where}: a message")
    return message


@documented
class ChatHistory:
    __slots__ = ("_messages", "_tools", "_extra_context", "_native", "_native_state")

    def __init__(self, messages: Optional[Iterable[Mapping[str, Any]]] = None) -> None:
        self._messages: List[Message] = []
        self._tools: Optional[List[Any]] = None
        self._extra_context: Optional[dict[str, Any]] = None
        # The native history of the last call and what it holds (messages as JSON, tools, extra context).
        # A VLM pipeline keeps state on that native object (the images of earlier turns), so it is reused
        # while the history only grew by new messages, and rebuilt after any other change.
        self._native: Any = None
        self._native_state: Optional[tuple[type, List[str], str, str]] = None
        if messages is not None:
            self.extend(messages)

    # -- list-like --
    def append(self, message: Mapping[str, Any]) -> None:
        self._messages.append(_message(message, "ChatHistory.append"))

    def extend(self, messages: Iterable[Mapping[str, Any]]) -> None:
        if isinstance(messages, (str, bytes, Mapping)):
            raise TypeError("ChatHistory.extend: expected an iterable of message dicts")
        checked = [_message(m, f"ChatHistory.extend[{i}]") for i, m in enumerate(messages)]  # all or none kept
        self._messages.extend(checked)

    def pop(self, index: int = -1) -> Message:
        return self._messages.pop(index)

    def clear(self) -> None:
        self._messages.clear()

    def __len__(self) -> int:
        return len(self._messages)

    def __bool__(self) -> bool:
        return bool(self._messages)

    @overload
    def __getitem__(self, index: int) -> Message: ...

    @overload
    def __getitem__(self, index: slice) -> List[Message]: ...

    def __getitem__(self, index: Union[int, slice]) -> Union[Message, List[Message]]:
        return self._messages[index]

    def __iter__(self) -> Iterator[Message]:
        return iter(self._messages)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ChatHistory):
            return NotImplemented
        return (self._messages, self._tools, self._extra_context) == \
            (other._messages, other._tools, other._extra_context)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ChatHistory({self._messages!r})"

    # -- upstream's accessors --
    @property
    def messages(self) -> List[Message]:
        return self._messages

    def get_messages(self) -> List[Message]:
        return copy.deepcopy(self._messages)

    def set_messages(self, messages: Iterable[Mapping[str, Any]]) -> None:
        self._messages = []
        self.extend(messages)

    def get_tools(self) -> List[Any]:
        return copy.deepcopy(self._tools) if self._tools is not None else []

    def set_tools(self, tools: Iterable[Any]) -> None:
        if isinstance(tools, (str, bytes, Mapping)):
            raise TypeError(f"ChatHistory.set_tools: expected a list of tool definitions, got {type(tools).__name__}")
        self._tools = _json_value(list(tools), "ChatHistory.set_tools")

    def get_extra_context(self) -> dict[str, Any]:
        return copy.deepcopy(self._extra_context) if self._extra_context is not None else {}

    def set_extra_context(self, extra_context: Mapping[str, Any]) -> None:
        if not isinstance(extra_context, Mapping):
            raise TypeError(f"ChatHistory.set_extra_context: expected a dict, got {type(extra_context).__name__}")
        self._extra_context = _json_value(dict(extra_context), "ChatHistory.set_extra_context")

    # -- for the binding --
    def _to_native(self, native_cls: Any, caller: Any = None) -> Any:
        """The native chat history for one call on `caller` (`native_cls`: the generated internal class): the one
        of the previous call with the new messages pushed, when only messages were appended since; else a new
        one (the previous one is closed). It is closed with `caller` at the latest."""
        if not self._messages:  # the library refuses it with UNKNOWN_EXCEPTION and no detail (2026.3: LLM and VLM)
            raise ValueError("the ChatHistory is empty: append a user message first (the library refuses an empty history)")
        native = self._native_for(native_cls)
        if caller is not None:
            native._release_with(caller)
        return native

    @staticmethod
    def _checked_text(message: Message, where: str) -> str:
        """A message's JSON text; the live `messages` list may have been changed since it was checked."""
        try:
            return _json_text(message)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{where}: JSON cannot hold it: {exc}") from None

    def _native_for(self, native_cls: Any) -> Any:
        json_cls = importlib.import_module(native_cls.__module__).JsonContainer
        messages = [self._checked_text(m, f"ChatHistory[{i}]") for i, m in enumerate(self._messages)]
        tools, extra = _json_text(self._tools), _json_text(self._extra_context)
        state = self._native_state
        if (state is not None and state[0] is native_cls and state[2] == tools and state[3] == extra
                and not self._native.closed and messages[:len(state[1])] == state[1]):
            for text in messages[len(state[1]):]:
                self._native.push_back(json_cls.from_json_string(text))
            self._native_state = (native_cls, messages, tools, extra)
            return self._native
        if self._native is not None:
            self._native.close()  # replaced: released at once (closing waits for a call still using it)
            self._native, self._native_state = None, None
        native = native_cls.from_json_container(json_cls.from_json_string("[" + ", ".join(messages) + "]"))
        if self._tools is not None:
            native.set_tools(json_cls.from_json_string(tools))
        if self._extra_context is not None:
            native.set_extra_context(json_cls.from_json_string(extra))
        self._native, self._native_state = native, (native_cls, messages, tools, extra)
        return native


@documented
class ChatSession:
    def __init__(self, pipeline: Any, system_message: str = "", history: Optional[ChatHistory] = None) -> None:
        self.pipeline = pipeline
        self.history = history if history is not None else ChatHistory()
        if system_message:
            self.history.append({"role": "system", "content": system_message})

    def ask(self, message: str, generation_config: Any = None, streamer: Any = None, *, images: Any = None,
            **config_fields: Any) -> Any:
        if not isinstance(message, str):
            raise TypeError(f"ChatSession.ask: expected str, got {type(message).__name__}")
        if images is not None:
            if "images" not in inspect.signature(self.pipeline.generate).parameters:
                raise TypeError(f"ChatSession.ask: {type(self.pipeline).__name__}.generate takes no images")
            config_fields = {**config_fields, "images": images}
        self.history.append({"role": "user", "content": message})
        try:
            results = self.pipeline.generate(self.history, generation_config=generation_config, streamer=streamer,
                                             **config_fields)
        except BaseException:
            self.history.pop()
            raise
        self.history.append({"role": "assistant", "content": str(results)})
        return results
