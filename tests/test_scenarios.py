"""Every scenario (tests/scenarios/*.json) in every language, against the test double and, with
OPENVINO_GENAI_DIR set, against the real library with a tiny GGUF model.

Drivers plug in through `tests/support/<x>_driver.py` modules exposing
`DRIVERS: dict[str, Callable[[Path, Path, dict], dict]]` (see tests/scenarios/SPEC.md). The
expected languages are all six; a missing driver is a failure, not a skip.

For each scenario and language: the transcript meets the scenario's `expect` and the rules every
transcript follows (SPEC.md, *expect keys*). For each scenario: all languages print the same
transcript. Against the real library, the C driver's text also equals Python openvino_genai's.
"""
from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any, Callable

import pytest

from support import double

SCENARIO_DIR = Path(__file__).parent / "scenarios"
LANGUAGES = ("c", "csharp-mono", "csharp-coreclr", "csharp-pythonnet", "cffi-abi", "cffi-api")
DRIVER_MODULES = {  # language prefix -> module that must define it, and who writes it
    "c": ("support.c_driver", "tests/support/c_driver.py"),
    "csharp": ("support.csharp_driver", "tests/support/csharp_driver.py (C# bindings)"),
    "cffi": ("support.cffi_driver", "tests/support/cffi_driver.py (cffi shim)"),
}
POLICY_STATUS = {"stop": "STOP", "cancel": "CANCEL", "throw": "THROW"}
EXPECT_KEYS = {"create_status", "turn_status", "callback_threads", "max_chunks_per_turn", "min_chunks_per_turn",
               "generated_tokens", "max_generated_tokens", "text_is_chunks", "text_starts_with_chunks",
               "text_excludes", "text_null", "error", "same_text_as", "text_differs_from", "distinct_texts",
               "binding_turn_status"}


def load_scenarios() -> dict[str, dict]:
    scenarios = {}
    for path in sorted(SCENARIO_DIR.glob("*.json")):
        scenario = json.loads(path.read_text(encoding="utf-8"))
        if "bench" not in scenario:
            scenarios[scenario["name"]] = scenario
    return scenarios


SCENARIOS = load_scenarios()


def load_drivers() -> tuple[dict[str, Callable], dict[str, str]]:
    """The drivers found, and for each language without one, why."""
    drivers: dict[str, Callable] = {}
    problems: dict[str, str] = {}
    for language in LANGUAGES:
        module_name, owner = DRIVER_MODULES[language.split("-")[0]]
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            problems[language] = f"no driver for {language!r}: {owner} does not exist"
            continue
        found = getattr(module, "DRIVERS", {})
        if language in found:
            drivers[language] = found[language]
        else:
            problems[language] = f"no driver for {language!r}: {owner} defines no DRIVERS[{language!r}]"
    return drivers, problems


class Transcripts:
    """Runs each (library, language, scenario) once per session and remembers the outcome."""

    def __init__(self) -> None:
        self.drivers, self.problems = load_drivers()
        self.results: dict[tuple[str, str, str], Any] = {}
        self.libraries: dict[str, tuple[Path, dict[str, str]]] = {}  # mode -> (model path, env)
        self.unavailable: dict[tuple[str, str], str] = {}  # (mode, language) -> why it can't run there

    def get(self, mode: str, language: str, name: str) -> dict:
        if language not in self.drivers:
            pytest.fail(self.problems[language])
        if (mode, language) in self.unavailable:
            pytest.skip(self.unavailable[(mode, language)])
        key = (mode, language, name)
        if key not in self.results:
            model, env = self.libraries[mode]
            try:
                self.results[key] = self.drivers[language](SCENARIO_DIR / f"{name}.json", model, dict(env))
            except Exception as error:  # remembered so that dependent checks report it too
                self.results[key] = error
        result = self.results[key]
        if isinstance(result, Exception):
            pytest.fail(f"{language} driver failed on {name} ({mode}): {type(result).__name__}: {result}")
        return result


@pytest.fixture(scope="session")
def transcripts() -> Transcripts:
    return Transcripts()


@pytest.fixture(scope="session")
def on_double(transcripts, tmp_path_factory) -> str:
    library = double.build_double()
    model = tmp_path_factory.mktemp("double_model")  # the double only needs the path to exist
    transcripts.libraries["double"] = (model, double.environment(library))
    return "double"


@pytest.fixture(scope="session")
def real_install():
    from support import real_genai

    return real_genai.install_or_skip()


@pytest.fixture(scope="session")
def tiny_model(real_install, tmp_path_factory) -> Path:
    from support.tiny_model import make_tiny_gguf

    return make_tiny_gguf(tmp_path_factory.mktemp("tiny") / "tiny.gguf")


@pytest.fixture(scope="session")
def on_real(transcripts, real_install, tiny_model) -> str:
    env = real_install.environment()
    env["GENAI_INTEROP_LIBRARY"] = str(real_install.library)
    transcripts.libraries["real"] = (tiny_model, env)
    from support import real_genai

    api_mode = real_genai.api_mode_unavailable(real_install)
    if api_mode:
        transcripts.unavailable[("real", "cffi-api")] = api_mode
    return "real"


# ---- the checks ----

def policy_turns(scenario: dict) -> set[int]:
    policy = scenario.get("policy", {"action": "run"})
    if policy.get("action", "run") == "run":
        return set()
    return set(policy.get("turns", range(len(scenario["turns"]))))


def check_transcript(transcript: dict, scenario: dict, language: str, mode: str,
                     lookup: Callable[[str], dict]) -> None:
    """Asserts the SPEC's rules and the scenario's `expect` on one transcript."""
    name = scenario["name"]
    expect = scenario.get("expect", {})
    unknown = set(expect) - EXPECT_KEYS
    assert not unknown, f"{name}: unknown expect keys {sorted(unknown)}"
    assert transcript["scenario"] == name and transcript["language"] == language
    assert transcript["create_status"] == expect.get("create_status", "OK")
    assert transcript["live_objects"] == (0 if mode == "double" else None), "live objects after everything was freed"
    turns = transcript["turns"]
    if transcript["create_status"] != "OK":
        assert turns == []
        return
    assert [t["prompt"] for t in turns] == scenario["turns"], "prompts must round-trip exactly"

    policy = scenario.get("policy", {"action": "run"})
    action, after = policy.get("action", "run"), policy.get("after", 0)
    applies = policy_turns(scenario)
    expected_status = expect.get("turn_status", "OK")
    refusing = {prefix: status for prefix, status in expect.get("binding_turn_status", {}).items()
                if language.startswith(prefix)}
    if refusing:
        expected_status = next(iter(refusing.values()))  # the binding refuses before calling the library
    for index, turn in enumerate(turns):
        where = f"{name} turn {index}"
        chunks, statuses, threads = turn["chunks"], turn["statuses"], turn["callback_threads"]
        assert len(chunks) == len(statuses) == len(threads), where
        for chunk in chunks:
            assert isinstance(chunk, str) and chunk, f"{where}: empty or non-string chunk {chunk!r}"
            chunk.encode("utf-8")  # no lone surrogates: the chunk was whole UTF-8
        wanted = expected_status[index] if isinstance(expected_status, list) else expected_status
        assert turn["status"] == wanted, where

        # the policy: its call gets its status, every other call RUNNING, then at most the flush
        fired = index in applies and len(chunks) >= after
        expected = ["RUNNING"] * len(chunks)
        if fired:
            expected[after - 1] = POLICY_STATUS[action]
            allowed_after = 0 if action == "throw" else 1
            assert len(chunks) - after <= allowed_after, f"{where}: {len(chunks) - after} calls after {action}"
        assert statuses == expected, where
        if fired and action == "throw":
            assert turn["status"] == "USER_ERROR" and turn["error"] == policy["message"], where
            assert turn["text"] is None, where
        elif "error" not in expect or index not in applies:
            assert turn["error"] is None, where
        if "error" in expect and index in applies:
            assert turn["error"] == expect["error"], where

        if turn["text"] is None:
            assert turn["num_generated_tokens"] is None, where
        else:
            assert isinstance(turn["num_generated_tokens"], int) and turn["num_generated_tokens"] >= 0, where
        if "callback_threads" in expect and threads:
            if expect["callback_threads"] == "caller":
                assert set(threads) == {"caller"}, where
            else:  # the library's final flush may come from the calling thread
                assert set(threads[:-1]) <= {"worker"}, where
                assert len(threads) == 1 or threads[0] == "worker", where
        if "max_chunks_per_turn" in expect:
            assert len(chunks) <= expect["max_chunks_per_turn"], where
        if "min_chunks_per_turn" in expect:
            assert len(chunks) >= expect["min_chunks_per_turn"], where
        if turn["status"] == "OK":
            if "generated_tokens" in expect:
                assert turn["num_generated_tokens"] == expect["generated_tokens"], where
            if "max_generated_tokens" in expect:
                assert turn["num_generated_tokens"] <= expect["max_generated_tokens"], where
            if expect.get("text_is_chunks"):
                assert turn["text"] == "".join(chunks), where
            if expect.get("text_starts_with_chunks"):
                assert turn["text"].startswith("".join(chunks)), where
        for forbidden in expect.get("text_excludes", []):
            assert forbidden not in (turn["text"] or ""), f"{where}: {forbidden!r} in the text"
        if expect.get("text_null"):
            assert turn["text"] is None, where

    if expect.get("distinct_texts"):
        texts = [t["text"] for t in turns]
        assert len(set(texts)) == len(texts), f"{name}: repeated texts {texts}"
    for relation, equal in (("same_text_as", True), ("text_differs_from", False)):
        for link in expect.get(relation, []):
            if link.get("double_only") and mode != "double":
                continue
            other = lookup(link["scenario"])["turns"][link["scenario_turn"]]["text"]
            mine = turns[link["turn"]]["text"]
            assert (mine == other) == equal, f"{name} turn {link['turn']} vs {link['scenario']}: {relation}"


def comparable(transcript: dict, scenario: dict, mode: str) -> dict:
    """A transcript without its language, and without fields the real library does not repeat."""
    result = {k: v for k, v in transcript.items() if k != "language"}
    refused = set(scenario.get("expect", {}).get("binding_turn_status", {}).values())
    if refused:  # what a binding refuses before the call, C gets from the library
        result["turns"] = [dict(turn, status=scenario["expect"]["turn_status"]) if turn["status"] in refused else turn
                           for turn in result["turns"]]
    volatile = scenario.get("volatile_on_real_library", []) if mode == "real" else []
    if volatile:
        result["turns"] = [{k: v for k, v in turn.items() if k not in volatile} for turn in result["turns"]]
    return result


def first_difference(left: Any, right: Any, path: str = "") -> str:
    if isinstance(left, dict) and isinstance(right, dict):
        for key in sorted(set(left) | set(right)):
            if left.get(key, "<missing>") != right.get(key, "<missing>"):
                return first_difference(left.get(key, "<missing>"), right.get(key, "<missing>"), f"{path}.{key}")
    if isinstance(left, list) and isinstance(right, list):
        for index, (a, b) in enumerate(zip(left, right)):
            if a != b:
                return first_difference(a, b, f"{path}[{index}]")
        if len(left) != len(right):
            return f"{path}: lengths {len(left)} and {len(right)}"
    return f"{path}: {left!r} != {right!r}"


def check_agreement(transcripts: Transcripts, mode: str, name: str) -> None:
    missing = [transcripts.problems[lang] for lang in LANGUAGES if lang not in transcripts.drivers]
    assert not missing, "cannot compare every language: " + "; ".join(missing)
    scenario = SCENARIOS[name]
    reference = comparable(transcripts.get(mode, "c", name), scenario, mode)
    for language in LANGUAGES[1:]:
        if (mode, language) in transcripts.unavailable:
            continue  # said by that language's own test
        other = comparable(transcripts.get(mode, language, name), scenario, mode)
        assert other == reference, f"{language} disagrees with c on {name}: {first_difference(other, reference)}"


CASES = [pytest.param(language, name, id=f"{language}/{name}") for language in LANGUAGES for name in SCENARIOS]


@pytest.mark.parametrize("language, name", CASES)
def test_scenario_on_double(transcripts, on_double, language, name):
    transcript = transcripts.get(on_double, language, name)
    check_transcript(transcript, SCENARIOS[name], language, on_double,
                     lambda other: transcripts.get(on_double, language, other))


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_languages_agree_on_double(transcripts, on_double, name):
    check_agreement(transcripts, on_double, name)


@pytest.mark.real_genai
@pytest.mark.parametrize("language, name", CASES)
def test_scenario_on_real_library(transcripts, on_real, language, name):
    transcript = transcripts.get(on_real, language, name)
    check_transcript(transcript, SCENARIOS[name], language, on_real,
                     lambda other: transcripts.get(on_real, language, other))


@pytest.mark.real_genai
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_languages_agree_on_real_library(transcripts, on_real, name):
    check_agreement(transcripts, on_real, name)


def reference_cases() -> list[str]:
    """Scenarios whose every turn runs to its natural end: their text is Python's to check."""
    return [name for name, s in SCENARIOS.items()
            if s.get("policy", {}).get("action", "run") == "run" and s.get("expect", {}).get("create_status", "OK") == "OK"
            and s.get("expect", {}).get("turn_status", "OK") == "OK"]


@pytest.mark.real_genai
@pytest.mark.parametrize("name", reference_cases())
def test_real_library_text_equals_python_openvino_genai(transcripts, on_real, tiny_model, name):
    from support import real_genai

    scenario = SCENARIOS[name]
    config = scenario["config"] if scenario.get("config") is not None else scenario["pipeline_config"]
    reference = real_genai.reference_conversations(tiny_model, [scenario["turns"]], config,
                                                   scenario["pipeline"]["properties"], chat=scenario.get("chat", False))
    expected = [turn.text for turn in reference[0]]
    got = [turn["text"] for turn in transcripts.get(on_real, "c", name)["turns"]]
    assert got == expected
