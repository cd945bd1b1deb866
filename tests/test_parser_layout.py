"""The model against gcc: struct sizes, alignments and field offsets, enum values, and the types
of functions, callbacks, variables and fields, for real headers compiled by a real compiler.

- core: the C headers shipped in the installed openvino wheel (always available);
- the acme fixture headers;
- GenAI: the real upstream headers of every tag when they are available (skips otherwise),
  and the committed snapshots through the generated c-header (always).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from bindgen import library as libmod
from bindgen import model as m
from bindgen import parser, snapshot, versions
from bindgen.emit import c_header
from bindgen.conventions import infer
from support import c_probe
from support.upstream_headers import SKIP_REASON, UpstreamHeaders

ACME = Path(__file__).parent / "fixtures" / "acme"


@pytest.fixture(scope="module")
def wheel_include() -> Path:
    inc = parser.openvino_wheel_include()
    if inc is None:
        pytest.skip("the openvino wheel is not installed (scripts/setup.sh installs it)")
    return inc


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> UpstreamHeaders:
    return UpstreamHeaders(tmp_path_factory.mktemp("upstream"))


def test_core_wheel_headers_match_gcc(wheel_include: Path, tmp_path: Path) -> None:
    lib = libmod.load("core")
    api = parser.parse(parser.resolve_header_set([wheel_include], lib), lib)
    assert len(api.structs) >= 10, "the core API has a dozen structs"
    reported = c_probe.probe(api, api.headers, [wheel_include], tmp_path)
    assert reported == c_probe.expected(api)
    # Every struct and every field was probed.
    assert sum(k.startswith("struct ") for k in reported) == len(api.structs)
    assert sum(k.startswith("field ") for k in reported) == sum(len(s.fields) for s in api.structs)
    print(f"\ncore: {len(api.structs)} structs, {sum(len(s.fields) for s in api.structs)} fields, "
          f"{len(api.enums)} enums, {len(api.functions)} function types agree with gcc")


def test_acme_fixture_headers_match_gcc(wheel_include: Path, tmp_path: Path) -> None:
    lib = libmod.load(str(ACME / "acme.toml"))
    hs = parser.resolve_header_set([ACME], lib)
    api = parser.parse(hs, lib)
    reported = c_probe.probe(api, api.headers, hs.include_dirs, tmp_path)
    assert reported == c_probe.expected(api)
    assert reported["field acme_sample_t.corners"] == 88 and reported["member Phase.ACME_PHASE_BUSY"] == 4


def test_a_wrong_model_is_caught(wheel_include: Path, tmp_path: Path) -> None:
    """The probe is not vacuous: a model with a wrong offset or signature differs from gcc."""
    lib = libmod.load(str(ACME / "acme.toml"))
    hs = parser.resolve_header_set([ACME], lib)
    api = parser.parse(hs, lib)
    api.struct("acme_point_t").fields[1].offset = 8
    reported = c_probe.probe(api, api.headers, hs.include_dirs, tmp_path / "offset")
    assert reported != c_probe.expected(api)
    assert reported["field acme_point_t.y"] == 4
    api.function("acme_widget_set_speed").params[1].type = m.CType(m.SCALAR, "double")
    with pytest.raises(AssertionError, match="function acme_widget_set_speed differs from the model"):
        c_probe.probe(api, api.headers, hs.include_dirs, tmp_path / "signature")


@pytest.mark.parametrize("name", ["genai-2025.1.0.0.json", "genai-2026.3.0.0.json"])
def test_genai_snapshot_through_the_generated_c_header_matches_gcc(name: str, tmp_path: Path) -> None:
    api = snapshot.load(snapshot.SNAPSHOT_DIR / name)
    files = c_header.render(api, infer(api, libmod.load("genai")), versions.prepare(api, libmod.load("genai")))
    inc = tmp_path / "include"
    for rel, text in files.items():
        (inc / rel).parent.mkdir(parents=True, exist_ok=True)
        (inc / rel).write_text(text, encoding="utf-8")
    reported = c_probe.probe(api, api.headers, [inc], tmp_path / "probe")
    assert reported == c_probe.expected(api)
    assert reported["struct streamer_callback"] == 16


def test_genai_upstream_headers_match_gcc(upstream: UpstreamHeaders, wheel_include: Path, tmp_path: Path) -> None:
    tags = upstream.tags()
    if not tags:
        pytest.skip(SKIP_REASON)
    lib = libmod.load("genai")
    for tag in tags:
        header_set = upstream.get(tag)
        assert header_set is not None
        hs = parser.resolve_header_set([header_set], lib)
        api = parser.parse(hs, lib, tag)
        reported = c_probe.probe(api, api.headers, hs.include_dirs, tmp_path / tag)
        assert reported == c_probe.expected(api), tag
    print(f"\ngenai: struct layouts, enum values and function types agree with gcc for {len(tags)} tags "
          f"({tags[0]} .. {tags[-1]})")
