"""Issue 11: a ChatHistory written the idiomatic way in C# (Append(role, content), dictionaries of objects and of
strings, anonymous objects nested and in arrays, lists, Extend with an array of anonymous objects, tools, extra
context: csharp/tests/ChatHistoryJson) and the same conversation written with Python dicts give the library the
same JSON: the same text per message, byte for byte, and the same messages, tools and extra context read back from
the native history. Against the test double always (Mono, CoreCLR; cffi ABI), and the real library when
OPENVINO_GENAI_DIR is set (its own JSON implementation reads them back)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from support import double

REPO = Path(__file__).resolve().parent.parent
SOURCE = REPO / "csharp" / "tests" / "ChatHistoryJson" / "ChatHistoryJson.cs"
RUNTIMES = ["mono", "coreclr"]

# The conversation of ChatHistoryJson.cs, as a Python program writes it.
_PYTHON = r'''
import json, sys
import openvino_genai_cffi as g
g.load(sys.argv[1])
history = g.ChatHistory([{"role": "system", "content": "Be brief."}])
history.append({"role": "user", "content": "héllo ✓ \"quoted\"\n\ttab \u0001 世界"})
history.append({"role": "assistant", "content": "", "tool_calls": [{"id": "call_1", "type": "function", "function": {
    "name": "get_weather", "arguments": {"city": "Paris", "days": 3, "metric": True, "note": None}}}]})
history.append({"role": "tool", "tool_call_id": "call_1", "content": "{\"temp\": 21.5}"})
history.append({"role": "user", "content": [{"type": "text", "text": "What is in it?"}, {"type": "image"}]})
history.append({"role": "user", "content": "numbers",
                "values": [1, -2, 1.5, 0.1, 1e-7, 1e16, 123456789.125, 2.5, 0.0001, 1e22, "c",
                           -0.0, 5e-324, 1.7976931348623157e308, 0.1 + 0.2, 1.0 / 3, 1e15, 123456789012345678.0]})
history.extend(({"role": "assistant", "content": "a"}, {"role": "user", "content": "b"}))
history.set_tools([{"type": "function", "function": {"name": "get_weather", "parameters": {
    "type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}])
history.set_extra_context({"enable_thinking": False})
from openvino_genai_cffi import _bindings
native = history._to_native(_bindings._ChatHistoryNative)
for text in history._native_state[1]:
    print("SENT " + text)
for label, read in (("NATIVE", native.get_messages), ("TOOLS", native.get_tools), ("EXTRA", native.get_extra_context)):
    container = read()
    print(label + " " + container.to_json_string())
    container.close()
native.close()
'''


def _library() -> tuple[Path, dict[str, str]]:
    """The real library when OPENVINO_GENAI_DIR names one (with its environment), else the test double."""
    if os.environ.get("OPENVINO_GENAI_DIR"):
        from support import real_genai
        install = real_genai.install_or_skip(pipelines=False)
        return install.library, install.environment()
    return double.build_double(), dict(os.environ)


def _python(library: Path, base: dict[str, str]) -> list[str]:
    env = {**base, "PYTHONPATH": str(REPO / "python"), "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-c", _PYTHON, str(library)], env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.splitlines()


@pytest.fixture(scope="module")
def program(dotnet_toolchain: None) -> Path:
    from support import dotnet

    library = dotnet.build_library()
    return dotnet.build_exe([SOURCE], [library], library.parent / "ChatHistoryJson.exe")


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_the_same_conversation_gives_the_library_the_same_json(program: Path, runtime: str) -> None:
    from support import dotnet

    library, base = _library()
    expected = _python(library, base)
    sent = [json.loads(line[len("SENT "):]) for line in expected if line.startswith("SENT ")]
    assert len(sent) == 8 and sent[2]["tool_calls"][0]["function"]["arguments"]["metric"] is True  # not vacuous
    done = dotnet.RUNNERS[runtime](program, [], dotnet.native_env(library, base))
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.splitlines() == expected


def test_python_messages_are_kept_as_json_holds_them() -> None:
    # As upstream's ChatHistory (measured, 2026.3: it keeps messages as JSON): tuples read back as lists, keys as
    # strings; what JSON cannot hold is refused when appended, naming the call (upstream: at append too).
    sys.path.insert(0, str(REPO / "python"))
    import openvino_genai_cffi as g

    history = g.ChatHistory(({"role": "user", "content": ("a", "b")},))
    history.append({1: "x", "nested": {"t": (1, 2.5)}})
    assert history.get_messages() == [{"role": "user", "content": ["a", "b"]}, {"1": "x", "nested": {"t": [1, 2.5]}}]
    with pytest.raises(ValueError, match="ChatHistory.append: a message: JSON cannot hold it"):
        history.append({"role": "user", "content": float("nan")})
    with pytest.raises(TypeError, match="ChatHistory.append: a message: must be JSON-serialisable"):
        history.append({"role": "user", "content": {1, 2}})
    with pytest.raises(TypeError, match="ChatHistory.set_tools: expected a list of tool definitions, got dict"):
        history.set_tools({"type": "function"})
    with pytest.raises(TypeError, match="ChatHistory.set_extra_context: expected a dict, got list"):
        history.set_extra_context([("a", 1)])  # type: ignore[arg-type]
    # Measured on the official package too: a lone surrogate and an integer beyond a double are refused at once,
    # one beyond 64 bits reads back a double. An extend with one bad message keeps none of them.
    with pytest.raises(ValueError, match=r"ChatHistory.append: a message: a string holds a lone surrogate '\\ud800'"):
        history.append({"role": "user", "content": "a\ud800"})
    with pytest.raises(ValueError, match="ChatHistory.append: a message: JSON cannot hold it: the number .* is beyond a "
                                         "double"):
        history.append({"role": "user", "content": 10 ** 400})
    cyclic: dict[str, Any] = {"role": "user"}
    cyclic["content"] = cyclic
    with pytest.raises(ValueError, match=r"ChatHistory.extend\[1\]: a message: JSON cannot hold it: Circular"):
        history.extend([{"role": "user", "content": "kept?"}, cyclic])
    deep: list[Any] = []
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(ValueError, match="ChatHistory.append: a message: JSON cannot hold it: nested deeper"):
        history.append({"role": "user", "content": deep})  # (was: a RecursionError; C# stops at 1000 levels)
    assert len(history) == 2
    assert g.ChatHistory([{"content": 2 ** 64, "id": 2 ** 64 - 1}]).messages == [{"content": 2.0 ** 64, "id": 2 ** 64 - 1}]
    history.messages[0]["content"] = float("inf")  # the live list: checked when a call takes the history
    with pytest.raises(ValueError, match=r"ChatHistory\[0\]: JSON cannot hold it"):
        history._checked_text(history.messages[0], "ChatHistory[0]")
