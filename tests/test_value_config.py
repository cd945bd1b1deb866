"""GenerationConfig / WhisperGenerationConfig as plain value classes (issue 11): every field reads what
the official `openvino_genai` reads for the same constructor, JSON file and keyword fields; the rules
upstream's validate() enforces are checked before the call with an error naming the field, the value
and the rule; a generate without a token limit is refused (point 4); the native config made at call
time carries the assigned fields (test double). Runs without the real library: the official package's
values come from a child process (it is not imported into this one)."""
from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "python"))

import openvino_genai_cffi as g  # noqa: E402
from genai_interop_runtime import values as rv  # noqa: E402

from support.double import build_double, live_objects  # noqa: E402

DOUBLE_INCLUDE = REPO / "tests" / "double" / "include"

JSON_FILES = {
    "hf_style": {"bos_token_id": 1, "eos_token_id": [2, 7], "max_length": 30, "do_sample": True,
                 "temperature": 0.7, "top_k": 50, "top_p": 0.9, "repetition_penalty": 1.1,
                 "early_stopping": "never", "num_beams": 1},
    "scalar_eos": {"eos_token_id": 5, "max_new_tokens": 12, "early_stopping": True, "stop_strings": ["</s>", "\n\n"],
                   "no_repeat_ngram_size": 3, "ignore_eos": False, "min_new_tokens": 2},
    "empty": {},
}
# Odd values, read as the library reads them (measured on 2026.3 through the official package; the
# pipeline test below expects the same): a list into a scalar field or a scalar into a list is ignored,
# a float into an integer truncated, a negative into size_t wraps, unknown keys and other
# early_stopping values are ignored, only eos_token_id takes a list's first item.
ODD_JSON = {
    "eos_list": ({"eos_token_id": [7, 3, 5]}, {"eos_token_id": 7, "stop_token_ids": [3, 5, 7]}),
    "eos_list_repeats": ({"eos_token_id": [2, 2, 9]}, {"eos_token_id": 2, "stop_token_ids": [2, 9]}),
    "eos_empty_list": ({"eos_token_id": []}, {}),
    "eos_null": ({"eos_token_id": None}, {}),
    "eos_float": ({"eos_token_id": 3.5}, {"eos_token_id": 3, "stop_token_ids": [3]}),
    "never": ({"early_stopping": "never"}, {"stop_criteria": "NEVER"}),
    "early_true": ({"early_stopping": True}, {"stop_criteria": "EARLY"}),
    "early_other": ({"early_stopping": "always", "top_p": 0.5}, {"top_p": 0.5}),
    "early_true_text": ({"early_stopping": "true"}, {}),
    "stop_string_scalar": ({"stop_strings": "a"}, {}),
    "limit_list": ({"max_new_tokens": [5]}, {}),
    "limit_float": ({"max_new_tokens": 3.7, "num_beams": 2.0, "temperature": 2}, {"max_new_tokens": 3, "num_beams": 2,
                                                                               "temperature": 2.0}),
    "negative_size": ({"max_new_tokens": -2, "top_k": -1}, {"max_new_tokens": 2 ** 64 - 2}),
    "not_read": ({"stop_token_ids": [9], "rng_seed": 5, "foo": 1, "generation": {"top_p": 0.3}}, {}),
    "not_an_object": ([1, 2], {}),
}
# Read from a file only (the test double's own JSON reader does not wrap): an integer wraps as a C cast from 64 bits.
FILE_ONLY_JSON = {"wraps_from_64_bits": {"eos_token_id": 2 ** 64 - 1, "max_new_tokens": 1e19, "top_k": -3}}
# Numbers the library refuses or converts undefinedly (measured, 2026.3: NaN is a parse error, 1e400 a number
# overflow; 1e23 into size_t read 0 and 1e30 into int64 -2**63 on x86, a cast C++ leaves undefined): refused
# by the bindings with the key and the rule, never guessed.
REFUSED_JSON = {
    "nan": ('{"temperature": NaN}', "not valid JSON: NaN is no JSON value"),
    "overflow": ('{"max_new_tokens": 1e400}', "not valid JSON: number overflow parsing '1e400'"),
    "beyond_size": ('{"max_new_tokens": 99999999999999999999999}', r"max_new_tokens: 9+ is beyond the field's range "
                                                                   r"\[0, 18446744073709551615\]"),
    # (not the library's limit: the bindings' parsers stop before the stack would run out)
    "deep": ('{"x": ' + "[" * 100000 + "]" * 100000 + "}", "not valid JSON: nested deeper than"),
    "beyond_int64": ('{"eos_token_id": [1e30, 2]}', r"eos_token_id: 1e\+30 is beyond the field's range "
                                                    r"\[-9223372036854775808, 9223372036854775807\]"),
}
WHISPER_JSON = {"decoder_start_token_id": 7, "pad_token_id": 8, "no_timestamps_token_id": 9,
                "max_initial_timestamp_index": 40, "prev_sot_token_id": 11, "is_multilingual": True,
                "task_to_id": {"transcribe": 21, "translate": 22}, "suppress_tokens": [1, 2],
                "begin_suppress_tokens": [220], "lang_to_id": {"<|en|>": 30}}
KWARGS = [
    {"max_new_tokens": 5, "stop_strings": {"x", "yz"}, "eos_token_id": 3},
    {"do_sample": True, "top_p": 0.1, "temperature": 0.3, "rng_seed": 42, "top_k": 7},
    {"num_beams": 4, "num_beam_groups": 2, "diversity_penalty": 1.5, "num_return_sequences": 2,
     "stop_criteria": "NEVER", "length_penalty": 0.5, "no_repeat_ngram_size": 2},
]

_OFFICIAL = r"""
import json, sys
import openvino_genai as og
job = json.load(sys.stdin)

def dump(cfg, names):
    out = {}
    for name in names:
        value = getattr(cfg, name)
        if callable(value):
            value = value()
        if isinstance(value, set):
            value = sorted(value)
        elif hasattr(value, "name") and not isinstance(value, (int, float, str)):
            value = value.name
        elif type(value).__name__ == "StopCriteria":
            value = value.name
        out[name] = value
    return out

results = []
for case in job["cases"]:
    cls = getattr(og, case["cls"])
    if case.get("json"):
        cfg = cls(case["json"])
    else:
        cfg = cls()
    kwargs = dict(case.get("kwargs", {}))
    for key in ("stop_strings", "stop_token_ids"):
        if key in kwargs:
            kwargs[key] = set(kwargs[key])
    if "stop_criteria" in kwargs:
        kwargs["stop_criteria"] = getattr(og.StopCriteria, kwargs["stop_criteria"])
    if kwargs:
        cfg.update_generation_config(**kwargs)
    results.append(dump(cfg, case["names"]))
json.dump(results, sys.stdout)
"""


PREDICATES = ["is_greedy_decoding", "is_beam_search", "is_multinomial", "is_assisting_generation", "is_prompt_lookup"]


def _names(cls: type[rv.ValueObject]) -> list[str]:
    return [f.name for f in cls._spec.fields] + [p for p in PREDICATES if hasattr(cls, p)]


def _ours(cls: type[rv.ValueObject], json_path: str | None, kwargs: dict[str, Any]) -> dict[str, Any]:
    cfg = cls(json_path) if json_path else cls()
    converted = dict(kwargs)
    if "stop_criteria" in converted:
        converted["stop_criteria"] = g.StopCriteria[converted["stop_criteria"]]
    cfg.update_generation_config(**converted)
    out = {}
    for name in _names(cls):
        value = getattr(cfg, name)
        if callable(value):
            value = value()
        if isinstance(value, set):
            value = sorted(value)
        elif isinstance(value, g.StopCriteria):
            value = value.name
        out[name] = value
    return out


def _official(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    pytest.importorskip("openvino_genai", reason="the official openvino_genai package is the reference")
    env = dict(os.environ)
    env.pop("LD_LIBRARY_PATH", None)
    proc = subprocess.run([sys.executable, "-c", _OFFICIAL], input=json.dumps({"cases": cases}), env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result: list[dict[str, Any]] = json.loads(proc.stdout)
    return result


def _jsonable(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: sorted(v) if isinstance(v, set) else v for k, v in kwargs.items()}


def test_fields_read_what_the_official_package_reads(tmp_path: Path) -> None:
    paths = {}
    for name, data in list(JSON_FILES.items()) + [(k, v[0]) for k, v in ODD_JSON.items()] + list(FILE_ONLY_JSON.items()):
        paths[name] = tmp_path / f"{name}.json"
        paths[name].write_text(json.dumps(data))
    whisper = tmp_path / "whisper.json"
    whisper.write_text(json.dumps(WHISPER_JSON))
    cases: list[tuple[type[rv.ValueObject], str | None, dict[str, Any]]] = [(g.GenerationConfig, None, {})]
    cases += [(g.GenerationConfig, str(p), {}) for p in paths.values()]
    cases += [(g.GenerationConfig, None, kw) for kw in KWARGS]
    cases += [(g.GenerationConfig, None, {"num_assistant_tokens": 5, "max_ngram_size": 3}),
              (g.GenerationConfig, None, {"assistant_confidence_threshold": 0.4})]
    cases += [(g.GenerationConfig, str(paths["hf_style"]), KWARGS[0])]
    cases += [(g.WhisperGenerationConfig, None, {}), (g.WhisperGenerationConfig, str(whisper), {}),
              (g.WhisperGenerationConfig, None, {"language": "<|en|>", "task": "translate", "return_timestamps": True,
                                                 "suppress_tokens": [3, 4], "hotwords": "fox"})]
    official = _official([{"cls": cls.__name__, "json": path, "kwargs": _jsonable(kw), "names": _names(cls)}
                          for cls, path, kw in cases])
    differences = []
    for (cls, path, kw), theirs in zip(cases, official):
        ours = _ours(cls, path, kw)
        for name in _names(cls):
            a, b = ours[name], theirs[name]
            if isinstance(a, float) or isinstance(b, float):
                same = a == pytest.approx(b, rel=1e-6)
            else:
                same = a == b
            if not same:
                differences.append(f"{cls.__name__}({path and Path(path).name}, {kw}).{name}: ours {a!r}, official {b!r}")
    assert differences == []
    assert len(official) == len(cases) > 10


def test_a_value_object_is_plain() -> None:
    cfg = g.GenerationConfig(max_new_tokens=8)
    assert not hasattr(cfg, "close") and not hasattr(cfg, "__enter__")
    twin = cfg.copy()
    twin.top_p = 0.5
    assert cfg.top_p == 1.0 and twin.max_new_tokens == 8
    assert cfg.assigned_fields() == ("max_new_tokens",)
    assert "max_new_tokens=8" in repr(cfg)
    with pytest.raises(TypeError, match="has no field max_tokens"):
        g.GenerationConfig(max_tokens=3)
    with pytest.raises(ValueError, match=r"^GenerationConfig\.max_new_tokens: -1 is out of range"):
        cfg.max_new_tokens = -1
    with pytest.raises(AttributeError, match=r"GenerationConfig\.apply_chat_template exists upstream, but the GenAI C API"):
        cfg.apply_chat_template = False  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match=r"WhisperGenerationConfig\.max_new_tokens exists upstream, but the GenAI C API"):
        g.WhisperGenerationConfig(max_new_tokens=3)
    with pytest.raises(FileNotFoundError, match="cannot open"):
        g.GenerationConfig("/no/such/generation_config.json")


@pytest.mark.parametrize("fields, message", [
    ({"do_sample": True, "top_p": 5.0}, "GenerationConfig.top_p must be in (0, 1] (got 5)"),
    ({"max_new_tokens": 0}, "GenerationConfig.max_new_tokens must be greater than 0 (0 is accepted only with echo = true) (got 0)"),
    ({"do_sample": True, "temperature": 0.0}, "GenerationConfig.temperature must be greater than 0 when do_sample is true (got 0)"),
    ({"max_new_tokens": 4, "min_new_tokens": 9}, "GenerationConfig.min_new_tokens must not exceed max_new_tokens (got 9)"),
    ({"num_beams": 3, "num_beam_groups": 2}, "GenerationConfig.num_beams must be a multiple of num_beam_groups (got 3)"),
    ({"num_return_sequences": 2}, "GenerationConfig.num_return_sequences must be 1 unless do_sample is true or num_beams > 1 (got 2)"),
    ({"presence_penalty": 3.0}, "GenerationConfig.presence_penalty must be in [-2, 2] (got 3)"),
    ({"stop_token_ids": {-4}}, "GenerationConfig.stop_token_ids must hold no negative token id (got {-4})"),
])
def test_rules_name_the_field_the_value_and_the_rule(fields: dict[str, Any], message: str) -> None:
    cfg = g.GenerationConfig(**fields)
    with pytest.raises(g.InvalidValueError) as caught:
        cfg.validate()
    assert str(caught.value) == message
    field = message.split(".")[1].split(" ")[0]
    assert caught.value.field == field


def test_whisper_rules() -> None:
    cfg = g.WhisperGenerationConfig(is_multilingual=False, language="<|en|>")
    with pytest.raises(g.InvalidValueError, match=r"WhisperGenerationConfig\.language cannot be set for a model that is not multilingual"):
        cfg.validate()
    with pytest.raises(g.InvalidValueError, match=r"WhisperGenerationConfig\.task must be 'transcribe' or 'translate' \(got 'sing'\)"):
        g.WhisperGenerationConfig(task="sing").validate()
    g.WhisperGenerationConfig(task="translate").validate()


# -- with the test double: the native config made at call time --

@pytest.fixture(params=["abi", "api"])
def native(request: Any, build_dir: Path) -> Iterator[g.Native]:
    lib = build_double()
    loaded = g.load(lib, mode=request.param, include_dirs=[DOUBLE_INCLUDE], build_dir=build_dir / "cffi")
    gc.collect()
    before = live_objects(lib)
    yield loaded
    gc.collect()
    assert live_objects(lib) == before, "native objects leaked"


def test_the_native_config_carries_the_assigned_fields(native: g.Native, tmp_path: Path) -> None:
    with g.LLMPipeline(tmp_path, "CPU") as pipe:
        cfg = g.GenerationConfig(max_new_tokens=3)
        assert pipe.generate(["Hello world"], cfg).perf_metrics.get_num_generated_tokens() <= 3
        cfg.max_new_tokens = 7
        long = pipe.generate("Hello world", cfg, streamer=None)
        made = cfg._to_native()
        assert made.max_new_tokens == 7  # the native getter reads what the value object set
        made.close()
        assert str(long)


def test_a_rule_is_checked_before_the_call(native: g.Native, tmp_path: Path) -> None:
    with g.LLMPipeline(tmp_path, "CPU") as pipe:
        with pytest.raises(g.InvalidValueError, match=r"^GenerationConfig\.top_p must be in \(0, 1\] \(got 5\)$"):
            pipe.generate("Hello", g.GenerationConfig(max_new_tokens=4, do_sample=True, top_p=5))


def test_no_token_limit_is_refused_unless_asked_for(native: g.Native, tmp_path: Path) -> None:
    # Point 4: the double's pipelines, like a GGUF model's, have no token limit of their own.
    with g.LLMPipeline(tmp_path, "CPU") as pipe:
        for call in (lambda: pipe.generate("Hello"), lambda: pipe.generate("Hello", g.GenerationConfig()),
                     lambda: list(pipe.stream("Hello", pipe.get_generation_config()))):
            with pytest.raises(g.NoTokenLimitError) as caught:
                call()
            text = str(caught.value)
            assert "max_new_tokens" in text and "max_length" in text and "max_new_tokens=256" in text
            assert "GGUF" not in text  # the reason names where the config came from, not a model kind
        # Where the config came from says why it has no limit.
        with pytest.raises(g.NoTokenLimitError, match=r"are all unset \(the library's defaults set none\)"):
            pipe.generate("Hello", g.GenerationConfig())
        with pytest.raises(g.NoTokenLimitError, match=r"are all unset \(the pipeline's own config, read from its model, "
                                                      r"sets none: a \.gguf file never does\)"):
            pipe.generate("Hello")
        (tmp_path / "cfg.json").write_text('{"top_k": 5}')
        with pytest.raises(g.NoTokenLimitError, match=r"are all unset \(the file '.*cfg\.json' sets none\)"):
            pipe.generate("Hello", g.GenerationConfig(tmp_path / "cfg.json"))
        unlimited = g.GenerationConfig(max_new_tokens=2 ** 64 - 1)  # asked for explicitly: allowed
        assert unlimited.max_new_tokens == 2 ** 64 - 1
        g.GenerationConfig(max_length=64).validate()
        assert str(pipe.generate("Hello", g.GenerationConfig(max_length=64))) is not None


DOUBLE_EOS = 2  # the double's "tokenizer" end-of-sequence token


def _dump(cfg: g.GenerationConfig) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in g.GenerationConfig._spec.fields:
        value = getattr(cfg, f.name)
        out[f.name] = sorted(value) if isinstance(value, set) else value.name if isinstance(value, g.StopCriteria) \
            else value
    return out


def _defaults(eos: int) -> dict[str, Any]:
    out = _dump(g.GenerationConfig())
    out.update(eos_token_id=eos, stop_token_ids=[eos])
    return out


@pytest.mark.parametrize("variant", [None] + sorted(ODD_JSON) + sorted(JSON_FILES))
def test_a_pipeline_config_reads_the_model_folders_file_as_the_library(native: g.Native, tmp_path: Path,
                                                                        variant: str | None) -> None:
    # Every field reads back: the model folder's generation_config.json as the library reads it (the
    # same rules as GenerationConfig(json_path), compared with the official package above), then the
    # tokenizer's end-of-sequence token where the file gives none (asked of the library's validate).
    if variant in ODD_JSON:
        data, changes = ODD_JSON[variant]
        expected = _defaults(DOUBLE_EOS)
        expected.update(changes)
    elif variant is not None:
        data = JSON_FILES[variant]
        expected = _dump(g.GenerationConfig(_write(tmp_path / "copy.json", data)))
        if expected["eos_token_id"] == -1:
            expected.update(eos_token_id=DOUBLE_EOS, stop_token_ids=sorted(set(expected["stop_token_ids"]) | {DOUBLE_EOS}))
    else:
        data, expected = None, _defaults(DOUBLE_EOS)
    model = tmp_path / "model"
    model.mkdir()
    if data is not None:
        _write(model / "generation_config.json", data)
    with g.LLMPipeline(model, "CPU") as pipe:
        assert _dump(pipe.get_generation_config()) == expected


@pytest.mark.parametrize("variant", sorted(REFUSED_JSON))
def test_a_number_the_library_cannot_read_is_refused(tmp_path: Path, variant: str) -> None:
    text, message = REFUSED_JSON[variant]
    (tmp_path / "generation_config.json").write_text(text)
    with pytest.raises(ValueError, match=r"^GenerationConfig: '.*generation_config\.json':? (is )?" + message):
        g.GenerationConfig(tmp_path / "generation_config.json")


@pytest.mark.parametrize("variant", ["beyond_size"])  # (the double refuses a float among eos ids, deep nesting)
def test_a_pipeline_config_with_a_number_the_library_cannot_read_is_unknown(native: g.Native, tmp_path: Path,
                                                                            variant: str) -> None:
    text, message = REFUSED_JSON[variant]
    (tmp_path / "generation_config.json").write_text(text)
    with g.LLMPipeline(tmp_path, "CPU") as pipe:
        with pytest.raises(g.UnknownValueError, match="reading the model's generation_config.json failed: " + message):
            pipe.get_generation_config().top_p


def _write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data))
    return path


def test_a_pipeline_config_follows_set_generation_config(native: g.Native, tmp_path: Path) -> None:
    _write(tmp_path / "generation_config.json", {"top_p": 0.5, "eos_token_id": [7, 3]})
    with g.LLMPipeline(tmp_path, "CPU") as pipe:
        assert pipe.get_generation_config().stop_token_ids == {3, 7}
        # A config with no stop tokens and no end-of-sequence token keeps the pipeline's (as upstream).
        pipe.set_generation_config(g.GenerationConfig(max_new_tokens=4, temperature=0.5))
        now = pipe.get_generation_config()
        assert (now.max_new_tokens, now.temperature, now.top_p) == (4, 0.5, 1.0)
        assert (now.eos_token_id, now.stop_token_ids) == (7, {3, 7})
        # One that sets them replaces them; the end-of-sequence token joins the stop tokens.
        pipe.set_generation_config(g.GenerationConfig(max_new_tokens=4, stop_token_ids={9}))
        now = pipe.get_generation_config()
        assert (now.eos_token_id, now.stop_token_ids) == (7, {7, 9})
        # Read, change, set back.
        own = pipe.get_generation_config()
        own.top_k = 3
        pipe.set_generation_config(own)
        now = pipe.get_generation_config()
        assert (now.top_k, now.max_new_tokens, now.stop_token_ids) == (3, 4, {7, 9})


def test_a_pipeline_config_from_the_tokenizer_follows_set_generation_config(native: g.Native, tmp_path: Path) -> None:
    with g.LLMPipeline(tmp_path, "CPU") as pipe:
        pipe.set_generation_config(g.GenerationConfig(max_new_tokens=4, stop_token_ids={9}))
        now = pipe.get_generation_config()
        assert (now.eos_token_id, now.stop_token_ids) == (DOUBLE_EOS, {DOUBLE_EOS, 9})
        # A new end-of-sequence token through update_generation_config becomes a stop token too.
        pipe.set_generation_config(g.GenerationConfig(max_new_tokens=4, eos_token_id=11))
        now = pipe.get_generation_config()
        assert (now.eos_token_id, now.stop_token_ids) == (11, {11})
        # Assigned alone with no stop tokens, the library would keep the old ones without it: refused.
        config = g.GenerationConfig(max_new_tokens=4)
        config.eos_token_id = 12
        with pytest.raises(g.InvalidValueError, match="stop_token_ids must hold eos_token_id"):
            pipe.set_generation_config(config)


def test_a_pipeline_config_reads_its_own_folder(native: g.Native, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # A relative model path is the folder it named at creation, not at the first read; a byte order mark is
    # skipped, as the library skips it (measured, 2026.3: the official package reads 0.5 here too).
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "generation_config.json").write_bytes(b"\xef\xbb\xbf" + json.dumps({"top_p": 0.5}).encode())
    (tmp_path / "elsewhere" / "model").mkdir(parents=True)
    _write(tmp_path / "elsewhere" / "model" / "generation_config.json", {"top_p": 0.25})
    monkeypatch.chdir(tmp_path)
    with g.LLMPipeline("model", "CPU") as pipe:
        monkeypatch.chdir(tmp_path / "elsewhere")
        assert pipe.get_generation_config().top_p == 0.5
    assert g.GenerationConfig(tmp_path / "model" / "generation_config.json").top_p == 0.5


def test_a_pipeline_config_is_unknown_when_its_file_changed(native: g.Native, tmp_path: Path) -> None:
    _write(tmp_path / "generation_config.json", {"top_p": 0.5})
    with g.LLMPipeline(tmp_path, "CPU") as pipe:
        _write(tmp_path / "generation_config.json", {"top_p": 0.25})
        own = pipe.get_generation_config()
        assert own.max_new_tokens == 2 ** 64 - 1  # the native getter
        with pytest.raises(g.UnknownValueError, match=r"GenerationConfig\.top_p was not assigned .*changed after the "
                                                      r"pipeline was created"):
            own.top_p


def test_a_pipeline_config_reads_back_what_it_can(native: g.Native, tmp_path: Path) -> None:
    with g.LLMPipeline(tmp_path, "CPU") as pipe:
        own = pipe.get_generation_config()
        assert own.max_new_tokens == 2 ** 64 - 1  # the native getter
        assert own.top_p == 1.0 and own.eos_token_id == DOUBLE_EOS
        own.max_new_tokens = 5
        other = pipe.get_generation_config()
        pipe.set_generation_config(own)
        assert pipe.get_generation_config().max_new_tokens == 5
        other.top_k = 3
        with pytest.raises(g.StaleValueError, match="changed max_new_tokens"):
            pipe.generate("Hello", other)
        other.max_new_tokens = 6  # covers the change: usable again
        assert pipe.generate(["Hello"], other).perf_metrics.get_num_generated_tokens() <= 6


def test_the_config_of_a_closed_pipeline_is_refused_when_asked_for(native: g.Native, tmp_path: Path) -> None:
    # Before: a config came back and only some of its fields failed later ("LLMPipeline is closed"), others read.
    pipe = g.LLMPipeline(tmp_path, "CPU")
    pipe.close()
    with pytest.raises(ValueError, match="^LLMPipeline is closed$"):
        pipe.get_generation_config()


def test_a_config_read_before_its_pipeline_closed_still_answers(native: g.Native, tmp_path: Path) -> None:
    # A value: the field the C API reads back is read with the config (was: at its first read, so after close
    # that read raised 'LLMPipeline is closed' while top_p answered).
    _write(tmp_path / "generation_config.json", {"top_p": 0.5, "max_new_tokens": 9})
    with g.LLMPipeline(tmp_path, "CPU") as pipe:
        kept = pipe.get_generation_config()
    assert (kept.max_new_tokens, kept.top_p) == (9, 0.5)
    assert kept.copy().max_new_tokens == 9
    # What still needs the closed pipeline (the native config a call builds from it) says so and what to do, also
    # when the config is given to another pipeline (was the bare "LLMPipeline is closed").
    kept.max_new_tokens = 4
    with g.LLMPipeline(tmp_path, "CPU") as other:
        with pytest.raises(ValueError, match=r"^LLMPipeline is closed: this GenerationConfig was read from it and "
                                             r"needs it .*get_generation_config\(\) of an open pipeline, or start "
                                             r"from GenerationConfig\(\)$"):
            other.generate("Hello", kept)


def test_a_json_file_is_read_as_utf8_only(tmp_path: Path) -> None:
    # As the library (and C#): UTF-8 with an optional byte order mark; UTF-16 or bytes that are not UTF-8 are refused.
    path = tmp_path / "generation_config.json"
    path.write_bytes('{"top_p": 0.5}'.encode("utf-16"))
    with pytest.raises(ValueError, match="is not valid JSON"):
        g.GenerationConfig(path)
    path.write_bytes(b'{"stop_strings": ["\xff"]}')
    with pytest.raises(ValueError, match="is not valid JSON"):
        g.GenerationConfig(path)
    path.write_bytes(b'\xef\xbb\xbf{"top_p": 0.5}')
    assert g.GenerationConfig(path).top_p == 0.5


def test_keyword_stop_tokens_keep_the_end_of_sequence_token(native: g.Native, tmp_path: Path) -> None:
    # As upstream's update_generation_config, whatever fields it is given: the end-of-sequence token in effect joins
    # the stop tokens. Before, generate(prompt, stop_token_ids={9}) was refused ('must hold eos_token_id'), where the
    # official package (measured, 2026.3) generates.
    _write(tmp_path / "generation_config.json", {"eos_token_id": 7})
    with g.LLMPipeline(tmp_path, "CPU") as pipe:
        assert isinstance(pipe.generate("Hi", max_new_tokens=3, stop_token_ids={9}), str)
        config = pipe.get_generation_config()
        config.update_generation_config(stop_token_ids={9})
        assert config.stop_token_ids == {7, 9}
        # An update of any other field also puts it back, as upstream's.
        config.stop_token_ids = {5}
        config.update_generation_config(temperature=0.5)
        assert config.stop_token_ids == {5, 7}
    # A config of the library's defaults has no end-of-sequence token: nothing joins.
    plain = g.GenerationConfig()
    plain.update_generation_config(stop_token_ids={9})
    assert plain.stop_token_ids == {9}
