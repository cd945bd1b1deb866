"""The tiny Whisper and Qwen2-VL models (tests/support/tiny_speech_vision.py) as Python openvino_genai
sees them: they load, their output is printable and depends on the input, timestamps and word
timestamps work, and the cache makes a second request free.

Making them needs a separate environment (~1.6 GB, ~2 min once), so these run only where the models
are needed anyway: with OPENVINO_GENAI_DIR (the real-library tests use them) or with
GENAI_INTEROP_TINY_MODELS=1."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from support import real_speech_vision as rsv
from support import tiny_speech_vision

F32 = {"INFERENCE_PRECISION_HINT": "f32"}


@pytest.fixture(scope="module", autouse=True)
def wanted() -> None:
    if not (os.environ.get("OPENVINO_GENAI_DIR") or os.environ.get("GENAI_INTEROP_TINY_MODELS") == "1"):
        pytest.skip("makes tiny Whisper/VLM models in a separate 1.6 GB environment: runs with "
                    "OPENVINO_GENAI_DIR or GENAI_INTEROP_TINY_MODELS=1")
    pytest.importorskip("openvino_genai", reason="Python openvino_genai runs the models")


def test_cached_by_content(tiny_whisper: Path, tiny_qwen2_vl: Path) -> None:
    start = time.monotonic()
    assert tiny_speech_vision.tiny_model_dir("tiny_whisper") == tiny_whisper
    assert tiny_speech_vision.tiny_model_dir("tiny_qwen2_vl") == tiny_qwen2_vl
    assert time.monotonic() - start < 5, "a cached model is not made again"
    for folder, recipe in ((tiny_whisper, "tiny_whisper"), (tiny_qwen2_vl, "tiny_qwen2_vl")):
        assert folder.name == f"{recipe}-{tiny_speech_vision.recipe_hash(recipe)}"
        assert (folder / "openvino_tokenizer.xml").exists() and (folder / "openvino_detokenizer.xml").exists()
    with pytest.raises(ValueError, match="unknown tiny model"):
        tiny_speech_vision.tiny_model_dir("tiny_bert")


def test_whisper_transcribes_with_timestamps_and_words(tiny_whisper: Path) -> None:
    audios = {"short": {"seconds": 3, "seed": 1}, "silence": {"seconds": 3, "seed": 2, "amplitude": 0}, "long": {"seconds": 40, "seed": 3}}
    runs = [{"audio": "short", "config": {}}, {"audio": "silence", "config": {}},
            {"audio": "short", "config": {"return_timestamps": True}},
            {"audio": "long", "config": {"return_timestamps": True}},
            {"audio": "short", "config": {"language": "<|de|>", "task": "translate"}}]
    plain, silence, stamped, long, german = rsv.reference(
        {"kind": "whisper", "model": str(tiny_whisper), "properties": F32, "audios": audios, "runs": runs})
    assert plain["text"] and plain["text"].isprintable(), plain
    assert silence["text"] != plain["text"], "the text depends on the audio"
    assert german["text"] != plain["text"], "the language and task tokens change the text"
    assert plain["chunks"] == [] and stamped["chunks"], stamped
    assert all(0 <= start <= end for start, end, _ in stamped["chunks"]), stamped
    assert max(end for _, end, _ in long["chunks"]) > 30, "audio over 30 s is decoded in more than one window"
    [words] = rsv.reference({"kind": "whisper", "model": str(tiny_whisper), "properties": {**F32, "word_timestamps": True},
                             "audios": audios, "runs": [{"audio": "short", "config": {"word_timestamps": True}}]})
    assert words["words"] and words["text"] == plain["text"], words


def test_qwen2_vl_answers_with_and_without_images(tiny_qwen2_vl: Path) -> None:
    images = {"small": {"shape": [56, 84, 3], "seed": 1}, "big": {"shape": [1, 112, 112, 3], "seed": 2}}
    conversations = [{"chat": False, "turns": [{"prompt": "Describe", "images": names}]}
                     for names in ([], ["small"], ["big"], ["small", "big"])]
    conversations.append({"chat": True, "turns": [{"prompt": "Hi", "images": ["small"]},
                                                  {"prompt": "More", "images": []}]})
    result = rsv.reference({"kind": "vlm", "model": str(tiny_qwen2_vl), "properties": F32,
                            "config": {"max_new_tokens": 12}, "images": images, "conversations": conversations})
    texts = [turns[0]["text"] for turns in result[:4]]
    for [turn] in result[:4]:
        assert turn["text"].isprintable() and "".join(turn["chunks"]) == turn["text"], turn
        assert turn["num_generated_tokens"] == 12, turn
    assert len(set(texts)) == 4, f"the answer depends on the images: {texts}"
    inputs = [turns[0]["num_input_tokens"] for turns in result[:4]]
    assert inputs[0] < inputs[1] < inputs[2] < inputs[3], inputs
    assert result[4][1]["num_input_tokens"] > result[4][0]["num_input_tokens"], "a chat turn sees the history"
