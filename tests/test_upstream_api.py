"""The Python shim `openvino_genai_cffi` against the official `openvino_genai` package, member by member.

For the classes the GenAI C API covers, every public member (and every parameter of a method both have) of
the official package must exist in the shim, unless the list below says why the C API cannot provide it.
The official package is introspected when it is importable (its classes, and the parameter names of its
installed type stubs, py_openvino_genai.pyi); nothing of it is copied here. Fields of the config value
classes the C API cannot reach are listed in the library description ([conventions.value_classes.<handle>]
unreachable, with their reason) and read from there.
"""
from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import Any, Mapping

import pytest

import openvino_genai_cffi as ours

CLASSES = ["LLMPipeline", "VLMPipeline", "WhisperPipeline", "GenerationConfig", "WhisperGenerationConfig",
           "DecodedResults", "VLMDecodedResults", "WhisperDecodedResults", "WhisperDecodedResultChunk",
           "PerfMetrics", "MeanStdPair", "StreamerBase", "StreamingStatus", "ChatHistory"]

# Dunder methods that are part of a class's API (the rest come with every Python or pybind11 object).
DUNDERS = {"__call__", "__len__", "__getitem__", "__iter__", "__add__", "__iadd__", "__contains__"}

_NO_TOKENIZER = "the C API has no tokenizer object (no ov_genai_tokenizer functions)"
_NO_FINISH = "the C API's results have no finish reasons"
_NO_PARSERS = "parsers cannot be set through the C API, so nothing is parsed"
_NO_EXTENDED = "the C API's results give the common perf metrics only (no extended or model-specific ones)"
_WHISPER_GENERIC = ("reads or sets generic fields of a Whisper config, which the C API cannot set "
                    "(it sets only the Whisper-specific ones)")

# (class, member) -> why the C API cannot provide it.
NOT_IN_C_API: dict[tuple[str, str], str] = {
    ("LLMPipeline", "get_tokenizer"): _NO_TOKENIZER,
    ("VLMPipeline", "get_tokenizer"): _NO_TOKENIZER,
    ("WhisperPipeline", "get_tokenizer"): _NO_TOKENIZER,
    ("VLMPipeline", "set_chat_template"): "the C API's VLM pipeline has no function setting a chat template",
    ("GenerationConfig", "is_tree_search"): "tree search needs tree_depth, which the C API cannot set (always off)",
    ("DecodedResults", "extended_perf_metrics"): _NO_EXTENDED,
    ("DecodedResults", "finish_reasons"): _NO_FINISH,
    ("DecodedResults", "parsed"): _NO_PARSERS,
    ("VLMDecodedResults", "extended_perf_metrics"): _NO_EXTENDED,
    ("VLMDecodedResults", "finish_reasons"): _NO_FINISH,
    ("VLMDecodedResults", "parsed"): _NO_PARSERS,
    ("VLMDecodedResults", "full_token_ids"): "the C API's VLM results give text only, no token ids",
    ("VLMDecodedResults", "intermediate_hidden_states"): "the C API's VLM results have no hidden states",
    ("WhisperDecodedResults", "words"): "the C API has no word timestamps (no getter, word_timestamps cannot be set)",
    ("WhisperDecodedResults", "language"): "the C API's Whisper results have no language getter",
    ("PerfMetrics", "get_grammar_compile_time"): "structured output cannot be set through the C API (no grammar)",
    ("PerfMetrics", "get_grammar_compiler_init_times"): "structured output cannot be set through the C API (no grammar)",
    ("PerfMetrics", "get_sampling_duration"): "the C API's perf metrics have no sampling duration getter",
    ("PerfMetrics", "raw_metrics"): "the C API's perf metrics have no raw metrics",
    ("StreamingStatus", "TOOL_CALL_STOP"): "the C enum ov_genai_streaming_status_e has RUNNING, STOP and CANCEL only",
    **{("WhisperGenerationConfig", name): _WHISPER_GENERIC
       for name in ("is_assisting_generation", "is_beam_search", "is_greedy_decoding", "is_multinomial",
                    "is_prompt_lookup", "is_tree_search", "set_eos_token_id")},
    # Upstream's generic fields the C API cannot reach on either config and that the data does not list
    # (newer than the list in genai.toml: tree search, omni outputs, parsers).
    **{("WhisperGenerationConfig", name): _WHISPER_GENERIC
       for name in ("branching_factor", "parsers", "pruning_ratio", "relevance_weight", "return_omni_outputs",
                    "structured_output_config", "tree_depth")},
}

_PATH_ONLY = ("upstream's other constructors take an in-memory model and a Tokenizer object; the C API makes "
              "a pipeline from a models folder (or .gguf file) only")

# (class, method) -> {upstream parameter: why ours has none of that name}.
PARAMS_NOT_IN_C_API: dict[tuple[str, str], dict[str, str]] = {
    ("LLMPipeline", "__init__"): {**dict.fromkeys(("model", "weights", "tokenizer", "generation_config"), _PATH_ONLY),
                                  "config": "upstream's deprecated name of the properties mapping (it warns to pass "
                                            "them as keywords); ours is `properties`: passed positionally or as "
                                            "keywords, both work the same"},
    ("VLMPipeline", "__init__"): dict.fromkeys(("models", "config_dir_path", "tokenizer", "generation_config"),
                                               _PATH_ONLY),
    # (start_chat's system_message, VLM videos and a Whisper streamer are parameters of ours that accept only
    # empty values: genai.toml [conventions.calls] upstream_only, with their reasons; tests/test_cffi.py)
    ("StreamerBase", "write"): {"token": "the C API streams decoded text: our write(text) gets a str where "
                                         "upstream's write(token) gets token ids"},
}


def _official() -> Any:
    return pytest.importorskip("openvino_genai", reason="the official openvino_genai package is not installed")


def _upstream_class(og: Any, name: str) -> Any:
    cls = getattr(og, name, None)
    if cls is None:  # some classes are only in the extension module (e.g. WhisperDecodedResults)
        cls = getattr(getattr(og, "py_openvino_genai", None), name, None)
    return cls


def _members(cls: Any) -> set[str]:
    names = {n for n in dir(cls) if not n.startswith("_") or n in DUNDERS}
    members = getattr(cls, "__members__", None)
    if isinstance(members, Mapping):  # an enum: its members (and what each has), not int's methods
        one = next(iter(members.values()))
        names = {n for n in names if n in members or not hasattr(int, n)} | set(members)
        names |= {n for n in ("name", "value") if hasattr(one, n)}
    return names


def _unreachable(name: str) -> dict[str, str]:
    """Fields the library description says the C API cannot reach, with its reason."""
    spec = getattr(getattr(ours, name), "_spec", None)
    if spec is None:
        return {}
    return {f: f"{spec.unreachable_reason} (genai.toml: unreachable)" for f in spec.unreachable}


def _missing() -> dict[str, list[str]]:
    og = _official()
    out: dict[str, list[str]] = {}
    for name in CLASSES:
        upstream = _upstream_class(og, name)
        assert upstream is not None, f"the official package has no class {name} any more: update CLASSES"
        mine = getattr(ours, name, None)
        assert mine is not None, f"openvino_genai_cffi has no class {name}"
        out[name] = sorted(_members(upstream) - _members(mine))
    return out


def test_every_member_of_the_official_classes_exists_or_says_why_not() -> None:
    problems = []
    for name, missing in _missing().items():
        allowed = _unreachable(name)
        for member in missing:
            if (name, member) not in NOT_IN_C_API and member not in allowed:
                problems.append(f"{name}.{member}")
    assert not problems, ("members of the official openvino_genai missing from openvino_genai_cffi (add them, or "
                          "say in NOT_IN_C_API why the C API cannot provide them): " + ", ".join(problems))


def test_the_reasons_name_only_members_that_are_missing() -> None:
    missing = _missing()
    stale = [f"{name}.{member}" for name, member in NOT_IN_C_API if member not in missing[name]]
    assert not stale, f"NOT_IN_C_API lists members the shim has or upstream has not: {', '.join(stale)}"


def _upstream_params() -> dict[tuple[str, str], set[str]]:
    """(class, method) -> the parameter names of all its overloads, from the installed type stubs."""
    og = _official()
    stubs = Path(og.__file__).parent / "py_openvino_genai.pyi"
    if not stubs.is_file():
        pytest.skip(f"the official package ships no type stubs at {stubs}")
    out: dict[tuple[str, str], set[str]] = {}
    for node in ast.parse(stubs.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ClassDef) and node.name in CLASSES:
            for f in node.body:
                if isinstance(f, ast.FunctionDef) and (not f.name.startswith("_") or f.name in ("__init__", "__call__")):
                    args = f.args.posonlyargs + f.args.args + f.args.kwonlyargs
                    out.setdefault((node.name, f.name), set()).update(a.arg for a in args if a.arg != "self")
    return out


def _missing_params() -> dict[tuple[str, str], list[str]]:
    out = {}
    for (cls, method), params in _upstream_params().items():
        if cls == "StreamingStatus":
            continue  # an enum: upstream's stubs list pybind11's enum machinery
        mine = getattr(getattr(ours, cls), method, None)
        if mine is None or not callable(mine):
            continue  # a missing member: the test above
        have = set(inspect.signature(mine).parameters) - {"self"}
        missing = sorted(params - have)
        if missing:
            out[(cls, method)] = missing
    return out


def test_every_parameter_of_the_official_methods_exists_or_says_why_not() -> None:
    problems = [f"{cls}.{method}({p})" for (cls, method), params in _missing_params().items()
                for p in params if p not in PARAMS_NOT_IN_C_API.get((cls, method), {})]
    assert not problems, ("parameters of the official openvino_genai missing from openvino_genai_cffi (add them, or "
                          "say in PARAMS_NOT_IN_C_API why not): " + ", ".join(problems))
    missing = _missing_params()
    stale = [f"{cls}.{method}({p})" for (cls, method), params in PARAMS_NOT_IN_C_API.items() for p in params
             if p not in missing.get((cls, method), [])]
    assert not stale, f"PARAMS_NOT_IN_C_API lists parameters the shim has or upstream has not: {', '.join(stale)}"


def test_each_reason_says_something() -> None:
    reasons = list(NOT_IN_C_API.values()) + [r for params in PARAMS_NOT_IN_C_API.values() for r in params.values()]
    assert all(len(r) > 20 for r in reasons)
    for name in ("GenerationConfig", "WhisperGenerationConfig"):
        spec = getattr(ours, name)._spec
        assert spec.unreachable and spec.unreachable_reason
        for field in spec.unreachable:  # an unreachable field says so when used, instead of a plain AttributeError
            with pytest.raises(AttributeError, match=f"{name}.{field} exists upstream, but"):
                getattr(getattr(ours, name)(), field)


def test_set_eos_token_id_does_what_the_official_one_does() -> None:
    og = _official()
    seen = []
    for package in (og, ours):
        cfg = package.GenerationConfig()
        cfg.stop_token_ids = {3}
        cfg.set_eos_token_id(7)  # the end-of-sequence token becomes a stop token too
        seen.append((cfg.eos_token_id, set(cfg.stop_token_ids)))
    assert seen[0] == seen[1] == (7, {3, 7})
