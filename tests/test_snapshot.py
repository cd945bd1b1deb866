"""Snapshots: lossless round trip, byte-identical output (across runs and processes), no upstream
comment text in anything written."""
from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bindgen import library as libmod
from bindgen import model as m
from bindgen import parser, snapshot

ACME = Path(__file__).parent / "fixtures" / "acme"


@pytest.fixture(scope="module")
def acme_api() -> m.API:
    lib = libmod.load(str(ACME / "acme.toml"))
    return parser.parse(parser.resolve_header_set([ACME], lib), lib, "1.0")


def without_docs(api: m.API) -> m.API:
    """A copy with every doc comment cleared (snapshots never carry them)."""
    def clear(items: list) -> list:
        return [dataclasses.replace(x, doc=None) for x in items]
    return dataclasses.replace(api, handles=clear(api.handles), enums=clear(api.enums), structs=clear(api.structs),
                               callbacks=clear(api.callbacks), functions=clear(api.functions),
                               variables=clear(api.variables))


def test_round_trip_is_lossless_except_docs(acme_api: m.API) -> None:
    text = snapshot.dumps(acme_api)
    back = snapshot.loads(text)
    assert back == without_docs(acme_api)
    assert snapshot.dumps(back) == text


@pytest.mark.parametrize("name", ["genai-2025.1.0.0.json", "genai-2026.3.0.0.json", "core-2026.3.0.json"])
def test_committed_snapshots_round_trip_byte_for_byte(name: str) -> None:
    path = snapshot.SNAPSHOT_DIR / name
    text = path.read_text(encoding="utf-8")
    assert snapshot.dumps(snapshot.load(path)) == text
    assert path.read_bytes() == text.encode("utf-8")  # LF only, UTF-8
    assert text.endswith("}\n") and "\r" not in text


def test_output_is_deterministic_within_a_process(acme_api: m.API) -> None:
    lib = libmod.load(str(ACME / "acme.toml"))
    again = parser.parse(parser.resolve_header_set([ACME], lib), lib, "1.0")
    assert snapshot.dumps(again) == snapshot.dumps(acme_api)


def test_output_is_byte_identical_across_processes(tmp_path: Path) -> None:
    """Two separate interpreters with different hash seeds write the same bytes."""
    outputs = []
    for seed in ("1", "12345"):
        out = tmp_path / f"acme-{seed}.json"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "bindgen", "parse", str(ACME), "--library", str(ACME / "acme.toml"),
                        "--api-version", "1.0", "-o", str(out)], check=True, env=env, capture_output=True)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) > 1000


def test_no_doc_comment_text_is_written(acme_api: m.API) -> None:
    docs = [x.doc for group in (acme_api.functions, acme_api.structs, acme_api.enums, acme_api.callbacks,
                                        acme_api.variables) for x in group if x.doc]
    assert len(docs) >= 10, "the fixture has doc comments; they must be in memory"
    text = snapshot.dumps(acme_api)
    assert '"doc"' not in text
    for phrase in ("Variadic create", "Colours with explicit", "A struct with every kind of field",
                   "Several outputs", "Exported constant"):
        assert any(phrase in d for d in docs)
        assert phrase not in text


@pytest.mark.parametrize("name", ["genai-2025.1.0.0.json", "genai-2026.3.0.0.json", "core-2026.3.0.json"])
def test_committed_snapshots_carry_no_comment_text(name: str) -> None:
    text = (snapshot.SNAPSHOT_DIR / name).read_text(encoding="utf-8")
    for marker in ('"doc"', "@brief", "@param", "@return", "/*", "//", "Copyright", "SPDX"):
        assert marker not in text, f"{name} contains {marker!r}"


def test_stable_key_order_and_defaults_left_out(acme_api: m.API) -> None:
    data = json.loads(snapshot.dumps(acme_api))
    assert list(data)[:4] == ["schema", "library", "version", "headers"]
    assert list(data)[4:] == ["handles", "enums", "structs", "callbacks", "functions", "variables", "quirks"]
    fn = next(f for f in data["functions"] if f["name"] == "acme_widget_free")
    assert list(fn) == ["name", "returns", "params", "variadic", "location"]  # no doc, no since=None
    assert fn["returns"] == {"kind": "void"}


def test_loading_rejects_other_schemas_and_unknown_fields(acme_api: m.API) -> None:
    data = json.loads(snapshot.dumps(acme_api))
    with pytest.raises(ValueError, match="schema 99"):
        snapshot.loads(json.dumps({**data, "schema": 99}))
    data["functions"][0]["colour"] = "blue"
    with pytest.raises(ValueError, match="unknown fields for Function"):
        snapshot.loads(json.dumps(data))
    with pytest.raises(ValueError, match="expected a JSON object"):
        snapshot.loads("[]")
    with pytest.raises(ValueError, match="malformed"):
        snapshot.loads(json.dumps({"schema": snapshot.SCHEMA, "library": "x", "version": None, "headers": [],
                                   "functions": [{"name": "f"}]}))


def test_embedded_snapshots() -> None:
    assert snapshot.embedded("genai").name == "genai-2026.3.0.0.json"  # the newest is the default input
    assert snapshot.embedded("genai", "2025.1.0.0").name == "genai-2025.1.0.0.json"
    assert snapshot.embedded("core").name == "core-2026.3.0.json"
    with pytest.raises(FileNotFoundError, match="no embedded snapshot genai-1.0.json"):
        snapshot.embedded("genai", "1.0")
    names = [p.name for p in snapshot.list_embedded("genai")]
    assert names == sorted(names, key=lambda n: snapshot.version_key(n[len("genai-"):-len(".json")]))
    assert snapshot.version_key("2026.3.0.0") > snapshot.version_key("2025.10.0.0") > snapshot.version_key("2025.4.0.0")
