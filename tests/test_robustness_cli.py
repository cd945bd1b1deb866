"""Adversarial input to the generator CLI (`python -m bindgen`): malformed snapshots, library
descriptions and output paths. Each case exits with status 2 and one clear message naming the
file and the place in it — no traceback, and no bindings rendered from a model no C compiler
could have produced (they would not compile, or worse, compile and be wrong).
"""
from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

import pytest

from bindgen import cli, snapshot

ACME_TOML = Path(__file__).parent / "fixtures" / "acme" / "acme.toml"
GENAI = json.loads(snapshot.embedded("genai").read_text(encoding="utf-8"))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = cli.main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def edited(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(GENAI)
    change(data)
    return data


def first_param_type(data: dict[str, Any]) -> dict[str, Any]:
    return data["functions"][0]["params"][0]["type"]  # ov_genai_chat_history** history


# (id, edit of the 2026.3 snapshot, what the message must say)
SNAPSHOT_CASES = [
    ("undeclared handle", lambda d: first_param_type(d)["pointee"]["pointee"].update(name="nope_t"),
     "functions[0] (ov_genai_chat_history_create).params[0] (history).type.pointee.pointee: handle 'nope_t' is not declared"),
    ("undeclared enum", lambda d: d["functions"][0]["returns"].update(name="nope_e"),
     "functions[0] (ov_genai_chat_history_create).returns: enum 'nope_e' is not declared"),
    ("unknown scalar", lambda d: d["functions"][0]["params"][0].update(type={"kind": "scalar", "name": "long"}),
     "unknown scalar type 'long'"),
    ("unknown kind", lambda d: d["functions"][0]["params"][0].update(type={"kind": "bogus"}),
     "unknown type kind 'bogus'"),
    ("pointer without pointee", lambda d: d["functions"][0]["params"][0].update(type={"kind": "pointer"}),
     "a pointer without a pointee"),
    ("not an identifier", lambda d: d["functions"][0].update(name="ov genai; boom"),
     "'ov genai; boom' is not a C identifier"),
    ("duplicate function", lambda d: d["functions"].append(copy.deepcopy(d["functions"][0])),
     "ov_genai_chat_history_create is declared twice"),
    ("duplicate enum member", lambda d: d["enums"][0]["members"].append(dict(d["enums"][0]["members"][0])),
     "OK is declared twice"),
    ("duplicate parameter", lambda d: d["functions"][0]["params"].append(copy.deepcopy(d["functions"][0]["params"][0])),
     "parameter history appears twice"),
    ("string enum value", lambda d: d["enums"][0]["members"][0].update(value="zero"),
     "enums[0] (ov_status_e).members[0] (OK).value: expected an integer, found a string"),
    ("boolean enum value", lambda d: d["enums"][0]["members"][0].update(value=True),
     "expected an integer, found a boolean"),
    ("enum value beyond 64 bits", lambda d: d["enums"][0]["members"][0].update(value=2 ** 70),
     "does not fit 64 bits"),
    ("negative struct size", lambda d: d["structs"][0].update(size=-5),
     "size -5 and alignment 8 are not a C struct's"),
    ("field outside the struct", lambda d: d["structs"][0]["fields"][1].update(offset=4096),
     "offset 4096 is outside the struct"),
    ("string line number", lambda d: d["functions"][0]["location"].update(line="abc"),
     "functions[0] (ov_genai_chat_history_create).location.line: expected an integer, found a string"),
    ("functions not a list", lambda d: d.update(functions="ov_genai_x"),
     "functions: expected an array, found a string"),
    ("parameter not an object", lambda d: d["functions"][0].update(params=[1, 2]),
     "params[0]: expected an object (Param), found an integer"),
    ("missing name", lambda d: d["functions"][0].pop("name"),
     "functions[0]: malformed Function: missing name"),
]


@pytest.mark.parametrize("lang", ["csharp", "cffi"])
@pytest.mark.parametrize("case, change, message", SNAPSHOT_CASES, ids=[c[0] for c in SNAPSHOT_CASES])
def test_malformed_snapshot_content_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path, lang: str,
                                               case: str, change: Callable[[dict[str, Any]], None],
                                               message: str) -> None:
    path = tmp_path / "api.json"
    path.write_text(json.dumps(edited(change)), encoding="utf-8")
    rc, out, err = run(capsys, "generate", "--lang", lang, str(path), "-o", str(tmp_path / "out"))
    assert rc == 2, err
    assert err.startswith(f"bindgen: error: {path}: not a valid snapshot: "), err
    assert message in err, err
    assert not (tmp_path / "out").exists(), "nothing is written"


def test_the_committed_snapshots_are_valid() -> None:
    for path in sorted(snapshot.SNAPSHOT_DIR.glob("*.json")):
        snapshot.validate(snapshot.load(path))


def test_truncated_json_reports_line_and_column(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = snapshot.embedded("genai").read_text(encoding="utf-8")
    path = tmp_path / "cut.json"
    path.write_text(text[:5000], encoding="utf-8")
    line = text[:5000].count("\n") + 1
    rc, _, err = run(capsys, "diff", str(path), str(snapshot.embedded("genai")))
    assert rc == 2
    assert err.startswith(f"bindgen: error: {path}:{line}:"), err
    assert "not JSON" in err


def test_snapshot_that_is_not_utf8(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "binary.json"
    path.write_bytes(b"\xff\xfe{}")
    rc, _, err = run(capsys, "generate", "--lang", "cffi", str(path), "-o", str(tmp_path / "out"))
    assert rc == 2
    assert "not UTF-8" in err, err


# -- library descriptions --

def test_library_description_with_a_wrongly_typed_value(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = ACME_TOML.read_text(encoding="utf-8")
    for key, bad in (('prefix = "acme_"', "prefix = 7"), ('api_headers = ["acme/c/*.h"]', 'api_headers = "acme/c/*.h"'),
                     ('acme_report_stats_free = "acme_stats"', "acme_report_stats_free = 3")):
        assert key in text
        path = tmp_path / "lib.toml"
        path.write_text(text.replace(key, bad), encoding="utf-8")
        rc, _, err = run(capsys, "generate", "--lang", "cffi", "--library", str(path), "-o", str(tmp_path / "out"))
        assert rc == 2, (bad, err)
        assert err.startswith(f"bindgen: error: {path}: "), err
        assert "expected a" in err, err


def test_library_description_that_is_not_toml(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "lib.toml"
    path.write_text('name = "x"\n[[[\n', encoding="utf-8")
    rc, _, err = run(capsys, "generate", "--lang", "cffi", "--library", str(path), "-o", str(tmp_path / "out"))
    assert rc == 2
    assert err.startswith(f"bindgen: error: {path}:2:3: "), err


GENAI_TOML = Path(__file__).parent.parent / "bindgen" / "libraries" / "genai.toml"


def _genai_text() -> str:
    """genai.toml's text for a copy elsewhere: its docs file named by absolute path."""
    text = GENAI_TOML.read_text(encoding="utf-8")
    line = 'docs = "docs/genai.toml"'
    assert line in text
    return text.replace(line, f'docs = "{GENAI_TOML.parent / "docs" / "genai.toml"}"')


@pytest.mark.parametrize("line, replacement, message", [
    ('namespace = "OpenVINO.GenAI"', 'namespace = "Open VINO;"', "[csharp] namespace: 'Open VINO;' is not a C# namespace"),
    ('package = "openvino_genai_cffi"', 'package = "openvino-genai"', "[python] package: 'openvino-genai' is not a Python package name"),
    ('native_library = "openvino_genai_c"', 'native_library = "x\\" + evil"', "is not a library file name stem"),
    ('prefix = "ov_genai_"', 'prefix = "ov genai"', "is not a C name prefix"),
    ('OPENVINO_TOKENIZERS_PATH_GENAI = { file', '"OPENVINO TOKENIZERS" = { file', "[companions] OPENVINO TOKENIZERS: expected"),
    ('python_package_dir = "openvino_tokenizers/lib" }', 'python_package = "x" }', "[companions] OPENVINO_TOKENIZERS_PATH_GENAI: expected"),
    # The binding model's checks of the data (BindingError) are errors with a message too, not a traceback.
    ('status = "UNKNOW_EXCEPTION"', 'status = "NO_SUCH_STATUS"', "[diagnosis] status: 'NO_SUCH_STATUS' is no member of ov_status_e"),
    ('[diagnosis.model_kinds.whisper]', '[diagnosis.model_kinds."whisper kind"]', "[diagnosis] model_kinds.whisper kind: a kind's name"),
    ('ov_genai_llm_pipeline_create = "device"', 'ov_genai_llm_pipeline_create = "gadget"', "[diagnosis] devices.ov_genai_llm_pipeline_create: it has no parameter 'gadget'"),
    ('namespace = "OpenVINO.GenAI"', 'namespace = "OpenVINO.GenAI"\nalso_search = ["OPENVINO DIR"]', "[csharp] also_search: 'OPENVINO DIR' is not an environment variable name"),
], ids=["namespace", "package", "native library", "prefix", "companion variable", "companion key", "diagnosis status",
        "diagnosis kind", "diagnosis parameter", "also_search"])
def test_library_description_values_emitted_verbatim_are_checked(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                                   line: str, replacement: str, message: str) -> None:
    # These values land in code as they are (a namespace, an import name, a string literal).
    text = _genai_text()
    assert line in text
    path = tmp_path / "lib.toml"
    path.write_text(text.replace(line, replacement), encoding="utf-8")
    for lang in ("csharp", "cffi"):
        rc, _, err = run(capsys, "generate", "--lang", lang, "--library", str(path), "-o", str(tmp_path / "out"))
        assert rc == 2, err
        assert message in err, err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("rename, message", [
    ("LLM Pipeline", "not a"),
    ("class", "not a"),
    ("ChatHistory", "both map to"),
], ids=["space", "keyword", "clash"])
@pytest.mark.parametrize("lang", ["csharp", "cffi"])
def test_renames_to_unusable_or_taken_names_are_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                        lang: str, rename: str, message: str) -> None:
    # A [conventions.renames] entry to a name that is not an identifier, is a keyword, or is already taken would
    # render code that does not compile or (Python) silently shadows another class.
    text = _genai_text()
    assert 'LlmPipeline = "LLMPipeline"' in text
    path = tmp_path / "lib.toml"
    path.write_text(text.replace('LlmPipeline = "LLMPipeline"', f'LlmPipeline = "{rename}"'), encoding="utf-8")
    rc, _, err = run(capsys, "generate", "--lang", lang, "--library", str(path), "-o", str(tmp_path / "out"))
    assert rc == 2, err
    assert message in err and "ov_genai_llm_pipeline" in err, err
    assert not (tmp_path / "out").exists()


def test_library_description_key_in_the_wrong_table(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # Each audience has its table ([headers], [conventions], [csharp], [python]); a key put in
    # another (or left at the top level, as before the split) names the table it belongs in.
    text = _genai_text()
    python_table = re.search(r"^\[python\]\n(?:[^\[].*\n|\n)*", text, re.M)
    for old, new, message in (
            ('[csharp]\nnamespace = "OpenVINO.GenAI"', '[csharp]\nnamespace = "OpenVINO.GenAI"\nprefix = "ov_"',
             "[csharp]: unknown keys ['prefix'] (prefix belongs in [conventions])"),
            ('name = "genai"', 'name = "genai"\nmarker = "x.h"', "unknown keys ['marker'] (marker belongs in [headers])"),
            ('[python]\n', '[pythn]\n', "unknown keys ['pythn']"),
            # the whole table (its keys would otherwise land in the table above it, [csharp], which has some of
            # the same names: a TOML error before ours)
            (python_table.group(0) if python_table else "[python] table", '', "missing keys ['python']")):
        assert old in text, old
        path = tmp_path / "lib.toml"
        path.write_text(text.replace(old, new), encoding="utf-8")
        rc, _, err = run(capsys, "generate", "--lang", "cffi", "--library", str(path), "-o", str(tmp_path / "out"))
        assert rc == 2, (new, err)
        assert err.startswith(f"bindgen: error: {path}"), err
        assert message in err, err
    assert not (tmp_path / "out").exists()


# -- output paths --

def test_output_directory_that_is_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("mine")
    rc, _, err = run(capsys, "generate", "--lang", "cffi", "-o", str(target))
    assert rc == 2
    assert f"{target}: exists and is not a directory" in err
    assert target.read_text() == "mine"


def test_snapshot_output_that_is_a_directory(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rc, _, err = run(capsys, "parse", str(ACME_TOML.parent), "--library", str(ACME_TOML), "-o", str(tmp_path))
    assert rc == 2
    assert "Is a directory" in err, err


def test_no_traceback_from_a_child_process(tmp_path: Path) -> None:
    path = tmp_path / "api.json"
    path.write_text(json.dumps(edited(lambda d: d["functions"][0]["returns"].update(name="nope_e"))), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "bindgen", "generate", "--lang", "csharp", str(path), "-o",
                           str(tmp_path / "out")], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1, proc.stderr


# -- status enums without the success member the library description names --

def _drop_member(data: dict[str, Any], enum: str, member: str) -> None:
    (e,) = [e for e in data["enums"] if e["name"] == enum]
    before = len(e["members"])
    e["members"] = [mem for mem in e["members"] if mem["name"] != member]
    assert len(e["members"]) == before - 1


@pytest.mark.parametrize("lang", ["csharp", "cffi"])
@pytest.mark.parametrize("enum, member", [
    ("ov_genai_json_container_status_e", "OV_GENAI_JSON_CONTAINER_OK"),
    ("ov_genai_chat_history_status_e", "OV_GENAI_CHAT_HISTORY_OK"),
    ("ov_status_e", "OK"),
], ids=["json container", "chat history", "ov_status_e"])
def test_status_enum_without_its_success_member_is_a_convention_error(capsys: pytest.CaptureFixture[str],
                                                                      tmp_path: Path, lang: str, enum: str,
                                                                      member: str) -> None:
    # The snapshot is a valid C model (a C compiler accepts such a header; `parse` does too), but no
    # status could be told to be success. `generate` used to end in a StopIteration traceback.
    path = tmp_path / "api.json"
    path.write_text(json.dumps(edited(lambda d: _drop_member(d, enum, member))), encoding="utf-8")
    rc, _, err = run(capsys, "generate", "--lang", lang, str(path), "-o", str(tmp_path / "out"))
    assert rc == 2, err
    assert f"status enum {enum} has no member {member}" in err, err
    assert "Traceback" not in err and err.count("\n") == 1, err
    assert not (tmp_path / "out").exists(), "nothing is written"


def test_status_enum_without_its_success_member_in_the_upstream_headers(tmp_path: Path) -> None:
    # The reported case, end to end: the 2026.3 headers with `OV_GENAI_JSON_CONTAINER_OK = 0` removed.
    from support.upstream_headers import NEWEST_TAG, SKIP_REASON, UpstreamHeaders
    headers = UpstreamHeaders(tmp_path / "upstream").get(NEWEST_TAG)
    if headers is None:
        pytest.skip(SKIP_REASON)
    (header,) = headers.rglob("openvino/genai/c/json_container.h")
    text = header.read_text(encoding="utf-8")
    line = "    OV_GENAI_JSON_CONTAINER_OK = 0,\n"
    assert line in text
    header.write_text(text.replace(line, ""), encoding="utf-8")
    bindgen = [sys.executable, "-m", "bindgen"]
    parsed = subprocess.run([*bindgen, "parse", str(headers), "-o", str(tmp_path / "api.json")],
                            capture_output=True, text=True)
    assert parsed.returncode == 0, parsed.stderr
    for lang in ("csharp", "cffi"):
        for source in (headers, tmp_path / "api.json"):
            proc = subprocess.run([*bindgen, "generate", "--lang", lang, str(source), "-o", str(tmp_path / lang)],
                                  capture_output=True, text=True)
            assert proc.returncode == 2, proc.stderr
            assert proc.stderr.startswith("bindgen: error: openvino/genai/c/json_container.h:"), proc.stderr
            assert "status enum ov_genai_json_container_status_e has no member OV_GENAI_JSON_CONTAINER_OK" \
                in proc.stderr, proc.stderr
            assert "Traceback" not in proc.stderr
            assert not (tmp_path / lang).exists()
