"""Golden tests on the real upstream headers (never committed; see support/upstream_headers.py):
committed snapshots equal what `bindgen parse` gives, every release tag parses with as many
functions as it exports, and parsing the newest set is fast."""
from __future__ import annotations

import importlib.metadata
import time
from pathlib import Path

import pytest

from bindgen import cli, conventions
from bindgen import library as libmod
from bindgen import parser, snapshot
from support.upstream_headers import (KNOWN_EXPORT_COUNTS, NEWEST_TAG, SKIP_REASON, UpstreamHeaders,
                                      exported_function_names)

GENAI_SNAPSHOTS = sorted(p.name for p in snapshot.SNAPSHOT_DIR.glob("genai-*.json"))
CORE_VERSION = "2026.3.0"


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> UpstreamHeaders:
    headers = UpstreamHeaders(tmp_path_factory.mktemp("upstream"))
    if not headers.available:
        pytest.skip(SKIP_REASON)
    return headers


def bindgen_parse(tmp_path: Path, *argv: str) -> bytes:
    out = tmp_path / "parsed.json"
    rc = cli.main(["parse", *argv, "-o", str(out)])
    assert rc == 0
    return out.read_bytes()


def test_every_committed_genai_snapshot_is_listed() -> None:
    assert {"genai-2025.1.0.0.json", f"genai-{NEWEST_TAG}.json"} <= set(GENAI_SNAPSHOTS)


@pytest.mark.parametrize("name", GENAI_SNAPSHOTS)
def test_committed_genai_snapshot_equals_bindgen_parse(upstream: UpstreamHeaders, name: str, tmp_path: Path) -> None:
    tag = name[len("genai-"):-len(".json")]
    header_set = upstream.get(tag)
    if header_set is None:
        pytest.skip(f"upstream headers of {tag} are not available here")
    parsed = bindgen_parse(tmp_path, str(header_set), "--api-version", tag)
    committed = (snapshot.SNAPSHOT_DIR / name).read_bytes()
    assert parsed == committed, f"{name} is stale: run `python -m bindgen parse <{tag} headers> --api-version {tag} -o bindgen/snapshots/{name}`"


def test_committed_core_snapshot_equals_bindgen_parse_of_the_wheel(tmp_path: Path) -> None:
    installed = importlib.metadata.version("openvino")
    if installed != CORE_VERSION:
        pytest.skip(f"the core snapshot is of openvino {CORE_VERSION}; {installed} is installed")
    wheel = parser.openvino_wheel_include()
    assert wheel is not None
    parsed = bindgen_parse(tmp_path, str(wheel), "--library", "core", "--api-version", CORE_VERSION)
    assert parsed == (snapshot.SNAPSHOT_DIR / f"core-{CORE_VERSION}.json").read_bytes()


def test_every_tag_parses_with_all_exported_functions(upstream: UpstreamHeaders) -> None:
    lib = libmod.load("genai")
    tags = upstream.tags()
    assert NEWEST_TAG in tags and "2025.1.0.0" in tags
    report = []
    for tag in tags:
        header_set = upstream.get(tag)
        assert header_set is not None
        api = parser.parse(parser.resolve_header_set([header_set], lib), lib, tag)
        conventions.infer(api, lib)  # every release is covered by the conventions and genai.toml
        exported = exported_function_names(header_set)
        assert {f.name for f in api.functions} == exported, tag
        assert len(api.functions) == len(exported)
        if tag in KNOWN_EXPORT_COUNTS:
            assert len(api.functions) == KNOWN_EXPORT_COUNTS[tag], tag
        report.append(f"{tag}: {len(api.functions)}")
    print("\nfunctions per tag: " + ", ".join(report))


def test_listed_tags_are_all_checked(upstream: UpstreamHeaders) -> None:
    if upstream.root is None:  # a git mirror has every tag; a GENAI_HEADERS_ROOT may hold fewer
        assert set(KNOWN_EXPORT_COUNTS) <= set(upstream.tags())


def test_duplicate_declaration_quirk_of_early_releases(upstream: UpstreamHeaders) -> None:
    lib = libmod.load("genai")
    for tag, duplicated in [("2025.1.0.0", True), (NEWEST_TAG, False)]:
        header_set = upstream.get(tag)
        if header_set is None:
            continue
        api = parser.parse(parser.resolve_header_set([header_set], lib), lib, tag)
        names = [q.name for q in api.quirks if q.kind == "duplicate_declaration"]
        assert names == (["ov_genai_generation_config_set_num_beam_groups"] if duplicated else [])


def test_parsing_the_newest_set_takes_under_a_second(upstream: UpstreamHeaders) -> None:
    header_set = upstream.get(NEWEST_TAG)
    assert header_set is not None
    lib = libmod.load("genai")
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        api = parser.parse(parser.resolve_header_set([header_set], lib), lib, NEWEST_TAG)
        timings.append(time.perf_counter() - start)
    best = min(timings)
    print(f"\nparse {NEWEST_TAG} ({len(api.headers)} headers, {len(api.functions)} functions): "
          f"best {best * 1000:.0f} ms of {', '.join(f'{t * 1000:.0f}' for t in timings)} ms")
    assert len(api.functions) == KNOWN_EXPORT_COUNTS[NEWEST_TAG]
    assert best < 1.0, f"parsing took {best:.2f} s"
