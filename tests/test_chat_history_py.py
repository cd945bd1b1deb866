"""Upstream's dict-based ChatHistory members in the Python shim (python/openvino_genai_cffi/_chat_history.py,
mixed into the generated class), against the test double: `append(dict)`, `pop()`, `len()`, truth value,
and the messages the library sees are exactly the dicts appended."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import openvino_genai_cffi as g
from support.double import build_double, live_objects


@pytest.fixture(scope="module")
def double() -> Path:
    path = build_double()
    g.load(path)
    return path


def test_append_pop_len(double: Path) -> None:
    before = live_objects(double)
    history = g.ChatHistory()
    assert len(history) == 0 and not history
    history.append({"role": "system", "content": "Be brief."})
    history.append({"role": "user", "content": "Héllo 世界", "extra": [1, {"nested": True}]})
    assert len(history) == 2 and history
    with history.get_messages() as messages:
        assert json.loads(messages.to_json_string()) == [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Héllo 世界", "extra": [1, {"nested": True}]},
        ]
    assert history.pop() == {"role": "user", "content": "Héllo 世界", "extra": [1, {"nested": True}]}
    assert history.pop() == {"role": "system", "content": "Be brief."}
    assert len(history) == 0
    with pytest.raises(IndexError, match="empty"):
        history.pop()
    history.close()
    assert live_objects(double) == before, "native objects leaked"


def test_append_refuses_what_is_not_a_json_object(double: Path) -> None:
    with g.ChatHistory() as history:
        for bad, message in ((["user", "Hi"], "expected a dict"), ("Hi", "expected a dict"),
                             ({"content": float("nan")}, "not JSON"), ({"content": object()}, "not JSON")):
            with pytest.raises(TypeError, match=message):
                history.append(bad)
        assert len(history) == 0
