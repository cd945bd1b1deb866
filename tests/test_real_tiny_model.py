"""The tiny GGUF model the real-library tests use: deterministic, and loadable by Python
openvino_genai (the reference side), so it is checked even where no C library is installed."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from support import real_genai
from support.tiny_model import (
    BYTE_TO_CHAR,
    SPECIAL_TOKENS,
    VOCAB_SIZE,
    make_tiny_gguf,
    token_bytes,
    tokenizer_vocabulary,
)

pytest.importorskip("gguf", reason="the gguf package writes the tiny model (pip install -e .[test])")


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    first = make_tiny_gguf(tmp_path / "a" / "tiny.gguf", seed=0).read_bytes()
    again = make_tiny_gguf(tmp_path / "b" / "tiny.gguf", seed=0).read_bytes()
    other = make_tiny_gguf(tmp_path / "c" / "tiny.gguf", seed=1).read_bytes()
    assert first == again
    assert first != other
    assert first[:4] == b"GGUF"


def test_vocabulary_covers_every_byte_and_has_no_duplicates() -> None:
    tokens, types, merges = tokenizer_vocabulary()
    assert len(tokens) == VOCAB_SIZE == len(types)
    assert len(set(tokens)) == len(tokens)
    assert tokens[: len(SPECIAL_TOKENS)] == list(SPECIAL_TOKENS)
    assert set(BYTE_TO_CHAR.values()) <= set(tokens)
    for merge in merges:
        left, right = merge.split(" ")
        assert left + right in tokens
    assert "世".encode() in {token_bytes(t) for t in tokens[len(SPECIAL_TOKENS):]}


@pytest.fixture(scope="module")
def tiny_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_gguf(tmp_path_factory.mktemp("tiny") / "tiny.gguf")


def test_python_openvino_genai_generates_whole_printable_characters(tiny_gguf: Path) -> None:
    pytest.importorskip("openvino_genai", reason="Python openvino_genai gives the reference text")
    prompts = ["Hello world", "Café 世界 🚀", "x", "Tell me more"]
    runs = real_genai.reference_conversations(tiny_gguf, [[p] for p in prompts], {"max_new_tokens": 40})
    texts = [turn.text for [turn] in runs]
    for prompt, [turn] in zip(prompts, runs):
        assert turn.text, prompt
        assert "".join(turn.chunks) == turn.text, prompt
        assert "\ufffd" not in turn.text, prompt
        assert all(c == "\n" or unicodedata.category(c) != "Cc" for c in turn.text), repr(turn.text)
    assert len(set(texts)) == len(texts), "different prompts should give different text"
    assert any(ord(c) > 0x7F for text in texts for c in text), "some output should hold multi-byte characters"


def test_max_new_tokens_bounds_the_output(tiny_gguf: Path) -> None:
    pytest.importorskip("openvino_genai", reason="Python openvino_genai gives the reference text")
    short = real_genai.reference_text(tiny_gguf, "Hello world", {"max_new_tokens": 3})
    long = real_genai.reference_text(tiny_gguf, "Hello world", {"max_new_tokens": 30})
    assert long.startswith(short)
    assert len(long) > len(short)
