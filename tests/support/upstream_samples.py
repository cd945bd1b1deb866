"""Upstream's Python samples, for the drop-in tests (they are never committed).

The official `openvino_genai` Python API is the shape our shim (`openvino_genai_cffi`) follows for
everything the C API covers. The proof: upstream's own samples, with only their import line
changed, print what they print on the official package. This module knows

- where the sample sources are: a git mirror of openvinotoolkit/openvino.genai (env GENAI_GIT_DIR,
  the same default as tests/support/upstream_headers.py), read with `git show TAG:path`;
- which samples the C API covers (COVERED) and which it does not, with the reason (NOT_COVERED):
  every Python sample of the pinned tag must be in one of the two (tests/test_upstream_samples.py
  checks that, and that every reason still holds: the sample uses the member, the shim lacks it);
- how to change the import line (`to_shim`), and nothing else.

Tests skip, saying why, when the mirror is absent (as in CI without it).
"""
from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from support.upstream_headers import DEFAULT_GIT_DIR, NEWEST_TAG, version_key

SAMPLES_ROOT = "samples/python"
SHIM = "openvino_genai_cffi"
OFFICIAL = "openvino_genai"
SKIP_REASON = (
    "upstream's Python samples are not available (they are never committed): set GENAI_GIT_DIR to a git "
    f"clone of openvinotoolkit/openvino.genai (default {DEFAULT_GIT_DIR})"
)


@dataclass(frozen=True)
class Need:
    """A member a sample uses that the shim lacks: `owner` is a class of the shim ('' for the module
    itself), `name` the attribute; `word` is what to look for in the sample's text (default: name)."""
    owner: str
    name: str
    word: str = ""

    @property
    def text(self) -> str:
        return self.word or self.name

    def __str__(self) -> str:
        return f"{self.owner}.{self.name}" if self.owner else self.name


@dataclass(frozen=True)
class Sample:
    path: str                     # under samples/python
    needs: tuple[Need, ...] = ()  # what the C API lacks; empty: the sample is covered
    reason: str = ""              # in our words, for the list in the README and test output
    helper: bool = False          # a module other samples import, not a program of its own

    @property
    def covered(self) -> bool:
        return not self.needs and not self.helper


def _module(*names: str) -> tuple[Need, ...]:
    return tuple(Need("", name) for name in names)


# The samples the C API covers: run by tests/test_upstream_samples.py with only the import changed.
COVERED = (
    Sample("text_generation/greedy_causal_lm.py"),
    Sample("text_generation/chat_sample.py"),
    Sample("text_generation/beam_search_causal_lm.py"),
    Sample("text_generation/prompt_lookup_decoding_lm.py"),
    Sample("visual_language_chat/visual_language_chat.py"),
)

_PIPELINE_WITHOUT_C_API = "a pipeline kind the C API does not have"
NOT_COVERED = (
    Sample("text_generation/multinomial_causal_lm.py", (Need("LLMPipeline", "get_tokenizer"),),
           "its streamer decodes token ids with the pipeline's Tokenizer: the C API has no Tokenizer and "
           "streams text only"),
    Sample("text_generation/benchmark_genai.py", (Need("", "SchedulerConfig"), Need("LLMPipeline", "get_tokenizer")),
           "SchedulerConfig and the Tokenizer are not in the C API (it prints timings, never equal between two "
           "runs; python/samples/benchmark_genai.py is our version of upstream's C benchmark)"),
    Sample("text_generation/compound_grammar_generation.py", _module("StructuredOutputConfig"),
           "structured output (StructuredOutputConfig) is not in the C API"),
    Sample("text_generation/structural_tags_generation.py", _module("StructuredOutputConfig"),
           "structured output (StructuredOutputConfig) is not in the C API"),
    Sample("text_generation/structured_output_generation.py", _module("StructuredOutputConfig"),
           "structured output (StructuredOutputConfig) is not in the C API"),
    Sample("text_generation/encrypted_model_causal_lm.py", _module("Tokenizer"),
           "builds the pipeline from model bytes in memory and a Tokenizer object: the C API takes a folder"),
    Sample("text_generation/lora_greedy_causal_lm.py", _module("Adapter", "AdapterConfig"),
           "LoRA adapters are not in the C API"),
    Sample("text_generation/speculative_decoding_lm.py", _module("draft_model"),
           "a draft model is an object property the C API's string properties cannot carry"),
    Sample("text_generation/react_sample.py", (Need("LLMPipeline", "get_tokenizer"),),
           "applies the chat template through the Tokenizer (not in the C API), and calls web services"),
    Sample("text_generation/limit_checker.py", _module("ContinuousBatchingPipeline", "SchedulerConfig"),
           "ContinuousBatchingPipeline and SchedulerConfig are not in the C API"),
    Sample("visual_language_chat/benchmark_vlm.py", (Need("", "SchedulerConfig"), Need("VLMPipeline", "get_tokenizer")),
           "SchedulerConfig and the Tokenizer are not in the C API (and it prints timings)"),
    Sample("visual_language_chat/encrypted_model_vlm.py", _module("Tokenizer"),
           "builds the pipeline from model bytes in memory and a Tokenizer object"),
    Sample("visual_language_chat/milebench_eval_vlm.py", _module("ContinuousBatchingPipeline", "SchedulerConfig"),
           "ContinuousBatchingPipeline and SchedulerConfig are not in the C API"),
    Sample("visual_language_chat/video_to_text_chat.py", _module("VideoMetadata"),
           "videos: the C API's VLM generate takes images only"),
    Sample("visual_language_chat/visual_language_lora.py", _module("Adapter", "AdapterConfig"),
           "LoRA adapters are not in the C API"),
    Sample("whisper_speech_recognition/whisper_speech_recognition.py",
           (Need("WhisperGenerationConfig", "word_timestamps"), Need("WhisperDecodedResults", "words")),
           "word timestamps: the C API has no setter for word_timestamps and no getter for the words of a result "
           "(the rest, chunks with timestamps, is covered: python/samples/whisper_speech_recognition.py)"),
    Sample("whisper_speech_recognition/recorder.py", helper=True,
           reason="records from a microphone for the Whisper sample; uses no GenAI"),
    Sample("automatic_speech_recognition/automatic_speech_recognition.py", _module("ASRPipeline"),
           "ASRPipeline (2026.3's successor of the Whisper sample) is " + _PIPELINE_WITHOUT_C_API),
    Sample("automatic_speech_recognition/recorder.py", helper=True,
           reason="records from a microphone for the ASR sample; uses no GenAI"),
    Sample("image_generation/benchmark_image_gen.py", _module("Text2ImagePipeline"), _PIPELINE_WITHOUT_C_API),
    Sample("image_generation/denoising_process.py", _module("Text2ImagePipeline"), _PIPELINE_WITHOUT_C_API),
    Sample("image_generation/encrypted_stable_diffusion.py", _module("Text2ImagePipeline"), _PIPELINE_WITHOUT_C_API),
    Sample("image_generation/heterogeneous_stable_diffusion.py", _module("Text2ImagePipeline"), _PIPELINE_WITHOUT_C_API),
    Sample("image_generation/image2image.py", _module("Image2ImagePipeline"), _PIPELINE_WITHOUT_C_API),
    Sample("image_generation/inpainting.py", _module("InpaintingPipeline"), _PIPELINE_WITHOUT_C_API),
    Sample("image_generation/lora_text2image.py", _module("Text2ImagePipeline"), _PIPELINE_WITHOUT_C_API),
    Sample("image_generation/stable_diffusion_export_import.py", _module("Text2ImagePipeline"), _PIPELINE_WITHOUT_C_API),
    Sample("image_generation/taylorseer_text2image.py", _module("Text2ImagePipeline"), _PIPELINE_WITHOUT_C_API),
    Sample("image_generation/text2image.py", _module("Text2ImagePipeline"), _PIPELINE_WITHOUT_C_API),
    Sample("video_generation/lora_text2video.py", _module("Text2VideoPipeline"), _PIPELINE_WITHOUT_C_API),
    Sample("video_generation/taylorseer_text2video.py", _module("Text2VideoPipeline"), _PIPELINE_WITHOUT_C_API),
    Sample("video_generation/text2video.py", _module("Text2VideoPipeline"), _PIPELINE_WITHOUT_C_API),
    Sample("video_generation/video_utils.py", helper=True, reason="writes video files for the video samples"),
    Sample("speech_generation/text2speech.py", _module("Text2SpeechPipeline"), _PIPELINE_WITHOUT_C_API),
    Sample("speech_generation/kokoro_phonemize_fallback.py", _module("Text2SpeechPipeline"), _PIPELINE_WITHOUT_C_API),
    Sample("speech_generation/create_speaker_embedding.py", helper=True,
           reason="makes a speaker embedding for text2speech with other libraries; uses no GenAI"),
    Sample("rag/text_embeddings.py", _module("TextEmbeddingPipeline"), _PIPELINE_WITHOUT_C_API),
    Sample("rag/text_rerank.py", _module("TextRerankPipeline"), _PIPELINE_WITHOUT_C_API),
    Sample("rag/image_video_embedding.py", _module("EmbeddingPipeline"), _PIPELINE_WITHOUT_C_API),
    Sample("omni/qwen3_omni_chat.py", _module("OmniPipeline"), _PIPELINE_WITHOUT_C_API),
)

ALL = COVERED + NOT_COVERED


def by_path(path: str) -> Sample:
    for sample in ALL:
        if sample.path == path:
            return sample
    raise KeyError(path)


class UpstreamSamples:
    """Reads sample sources out of the upstream mirror, each at the newest tag up to NEWEST_TAG that has it
    (the Whisper sample left the tree in 2026.3, replaced by the ASR one; its last version is used)."""

    def __init__(self) -> None:
        git_dir = Path(os.environ.get("GENAI_GIT_DIR", DEFAULT_GIT_DIR))
        found = (git_dir / "HEAD").is_file() or (git_dir / ".git").exists()
        self.git_dir: Optional[Path] = git_dir if found else None
        self._tags: Optional[list[str]] = None
        self._paths: dict[str, list[str]] = {}

    @property
    def available(self) -> bool:
        return self.git_dir is not None and NEWEST_TAG in self.tags()

    def _git(self, *args: str) -> str:
        assert self.git_dir is not None
        return subprocess.run(["git", "--git-dir", str(self.git_dir), *args], check=True, capture_output=True,
                              text=True).stdout

    def tags(self) -> list[str]:
        if self._tags is None:
            tags = [t for t in self._git("tag", "--list").split() if re.fullmatch(r"\d+\.\d+\.\d+\.\d+", t)]
            self._tags = sorted((t for t in tags if version_key(t) <= version_key(NEWEST_TAG)), key=version_key)
        return self._tags

    def paths(self, tag: str = NEWEST_TAG) -> list[str]:
        """Every Python file under samples/python at `tag`, relative to it."""
        if tag not in self._paths:
            out = self._git("ls-tree", "-r", "--name-only", tag, SAMPLES_ROOT)
            self._paths[tag] = sorted(p[len(SAMPLES_ROOT) + 1:] for p in out.splitlines() if p.endswith(".py"))
        return self._paths[tag]

    def tag_of(self, path: str) -> str:
        """The newest tag up to NEWEST_TAG that has samples/python/<path>."""
        for tag in reversed(self.tags()):
            if path in self.paths(tag):
                return tag
        raise FileNotFoundError(f"{SAMPLES_ROOT}/{path} is in no tag up to {NEWEST_TAG}")

    def source(self, path: str) -> tuple[str, str]:
        """(tag, text) of samples/python/<path>."""
        tag = self.tag_of(path)
        return tag, self._git("show", f"{tag}:{SAMPLES_ROOT}/{path}")


_IMPORT = re.compile(rf"^import {OFFICIAL}(?: as (\w+))?[ \t]*$", re.M)
_FROM = re.compile(rf"^from {OFFICIAL} import\b", re.M)


def to_shim(text: str) -> str:
    """The sample with its import of the official package changed to the shim, and nothing else:
    `import openvino_genai [as x]` -> `import openvino_genai_cffi as openvino_genai|x`,
    `from openvino_genai import ...` -> `from openvino_genai_cffi import ...`. Raises ValueError when the
    sample imports it in any other way (so a change upstream is noticed, not half-substituted)."""
    changed, count = _IMPORT.subn(lambda m: f"import {SHIM} as {m.group(1) or OFFICIAL}", text)
    changed, more = _FROM.subn(f"from {SHIM} import", changed)
    if count + more == 0:
        raise ValueError(f"the sample does not import {OFFICIAL} in a form to_shim knows")
    leftover = [line for line in changed.splitlines()
                if re.match(rf"\s*(import|from)\s+{OFFICIAL}\b", line)]
    if leftover:
        raise ValueError(f"imports of {OFFICIAL} to_shim does not change: {leftover}")
    return changed
