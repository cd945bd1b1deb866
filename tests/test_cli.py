"""The command line: parse / generate / regenerate / check / diff, exit codes and messages, both
entry points (`python -m bindgen` and the `bindgen` console script)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bindgen import cli, snapshot, targets

FIXTURES = Path(__file__).parent / "fixtures"
ACME = FIXTURES / "acme"
ACME_TOML = str(ACME / "acme.toml")
BAD = FIXTURES / "bad"
POSITION = re.compile(r"^/\S+\.h:\d+:\d+: \S")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = cli.main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


# -- parse --

def test_parse_to_stdout_and_to_a_file_agree(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rc, out, err = run(capsys, "parse", str(ACME), "--library", ACME_TOML, "--api-version", "1.0")
    assert (rc, err) == (0, "")
    api = snapshot.loads(out)
    assert (api.library, api.version, len(api.functions)) == ("acme", "1.0", 35)
    target = tmp_path / "acme.json"
    rc, out2, err2 = run(capsys, "parse", str(ACME), "--library", ACME_TOML, "--api-version", "1.0", "-o", str(target))
    assert (rc, out2) == (0, "")
    assert target.read_text(encoding="utf-8") == out
    # Quirks handled instead of failed on are noted on stderr.
    assert err2 == ("note: duplicate_declaration: acme_widget_get_speed: "
                    "declared at acme/c/widget.h:29 and again at acme/c/widget.h:31\n")


@pytest.mark.parametrize("header", sorted(p.name for p in BAD.glob("*.h")))
def test_parse_bad_header_exits_2_with_positions(capsys: pytest.CaptureFixture[str], header: str) -> None:
    rc, out, err = run(capsys, "parse", str(BAD / header), "--library", ACME_TOML)
    assert rc == 2
    assert out == ""
    lines = err.splitlines()
    assert lines and all(POSITION.match(line) for line in lines), err
    assert all(line.startswith(str((BAD / header).resolve()) + ":") for line in lines)
    assert "Traceback" not in err


def test_parse_bad_header_in_a_subprocess_has_no_traceback() -> None:
    proc = subprocess.run([sys.executable, "-m", "bindgen", "parse", str(BAD / "bitfield.h"), "--library", ACME_TOML],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        f"{(BAD / 'bitfield.h').resolve()}:6:14: unsupported construct: bit-field acme_flags_t.ready",
        f"{(BAD / 'bitfield.h').resolve()}:7:14: unsupported construct: bit-field acme_flags_t.level",
    ]


@pytest.mark.parametrize("argv, message", [
    (["parse", "/nonexistent/headers"], "/nonexistent/headers: no such file or directory"),
    (["parse", str(FIXTURES / "bad")], "no OpenVINO GenAI headers found"),
    (["parse", str(ACME), "--library", "nosuchlib"], "unknown library 'nosuchlib'"),
    (["generate", "--lang", "klingon", "-o", "/tmp/never"], "unknown language 'klingon'"),
    (["generate", "--lang", "c-header", "-o", "/tmp/never", "/nonexistent.json"], "/nonexistent.json: no such snapshot"),
    (["diff", "/nonexistent-old.json", str(snapshot.embedded("genai"))], "no such snapshot"),
])
def test_bad_input_exits_2_with_a_message(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    rc, out, err = run(capsys, *argv)
    assert rc == 2
    assert message in err
    assert "Traceback" not in err


def test_malformed_snapshot_and_library_description_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "list.json").write_text("[1, 2]")
    (tmp_path / "broken.json").write_text("{not json")
    (tmp_path / "lib.toml").write_text('name = "half"\n')
    (tmp_path / "typo.toml").write_text('colour = "blue"\n' + Path(ACME_TOML).read_text())
    for argv, message in [
        (["generate", "--lang", "c-header", "-o", str(tmp_path / "o"), str(tmp_path / "list.json")], "expected a JSON object"),
        (["generate", "--lang", "c-header", "-o", str(tmp_path / "o"), str(tmp_path / "broken.json")], "not a valid snapshot"),
        (["parse", str(ACME), "--library", str(tmp_path / "lib.toml")], "missing keys ['conventions', 'csharp', 'headers'"),
        (["parse", str(ACME), "--library", str(tmp_path / "typo.toml")], "unknown keys ['colour']"),
    ]:
        rc, _, err = run(capsys, *argv)
        assert rc == 2, argv
        assert message in err, (argv, err)
    assert not (tmp_path / "o").exists()


def test_usage_errors_exit_2() -> None:
    for argv in ([], ["frobnicate"], ["parse"], ["generate", "-o", "x"]):
        with pytest.raises(SystemExit) as exc:
            cli.main(argv)
        assert exc.value.code == 2


# -- generate --

def test_generate_from_the_embedded_snapshot(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rc, _, err = run(capsys, "generate", "--lang", "c-header", "-o", str(tmp_path))
    assert rc == 0
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert "genai_api.h" in files and "openvino/genai/c/llm_pipeline.h" in files
    assert err == f"wrote {len(files)} files to {tmp_path}\n"
    assert "(2026.3.0.0)" in (tmp_path / "genai_api.h").read_text().splitlines()[0]


def test_generate_from_headers_equals_generate_from_their_snapshot(capsys: pytest.CaptureFixture[str],
                                                                   tmp_path: Path) -> None:
    snap = tmp_path / "acme.json"
    assert run(capsys, "parse", str(ACME), "--library", ACME_TOML, "-o", str(snap))[0] == 0
    assert run(capsys, "generate", "--lang", "c-header", "--library", ACME_TOML, str(snap), "-o", str(tmp_path / "a"))[0] == 0
    assert run(capsys, "generate", "--lang", "c-header", "--library", ACME_TOML, str(ACME), "-o", str(tmp_path / "b"))[0] == 0
    a = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*") if p.is_file()}
    b = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*") if p.is_file()}
    assert a == b and len(a) == 6


def test_generate_with_an_older_embedded_version(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rc, _, _ = run(capsys, "generate", "--lang", "c-header", "--api-version", "2025.1.0.0", "-o", str(tmp_path))
    assert rc == 0
    text = (tmp_path / "genai_api.h").read_text()
    assert "(2025.1.0.0)" in text.splitlines()[0]
    assert "ov_genai_chat_history" not in text  # added in a later release


# -- regenerate / check, on a target in a temporary directory --

@pytest.fixture()
def tmp_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    out = tmp_path / "generated"
    # An absolute `out` is kept as is when joined to the repository root.
    target = targets.Target(library="genai", lang="c-header", snapshot="genai-2025.1.0.0.json", out=str(out))
    monkeypatch.setattr(targets, "load", lambda path=None: [target])
    return out


def test_check_fails_until_regenerated_then_passes(capsys: pytest.CaptureFixture[str], tmp_target: Path) -> None:
    rc, _, err = run(capsys, "check")
    assert rc == 1
    assert f"stale: {tmp_target}/genai_api.h: missing" in err
    assert "run `python -m bindgen regenerate`" in err
    rc, _, err = run(capsys, "regenerate")
    assert rc == 0 and "c-header <- genai-2025.1.0.0.json" in err
    rc, _, err = run(capsys, "check")
    assert (rc, err) == (0, "generated code is up to date\n")


def test_check_reports_an_edited_file_and_a_leftover(capsys: pytest.CaptureFixture[str], tmp_target: Path) -> None:
    assert run(capsys, "regenerate")[0] == 0
    header = tmp_target / "genai_api.h"
    header.write_text(header.read_text() + "/* edited */\n")
    leftover = tmp_target / "openvino" / "genai" / "c" / "removed.h"
    leftover.write_text(f"/* {targets.MARKER} long ago */\n")
    hand_written = tmp_target / "notes.h"
    hand_written.write_text("/* not generated */\n")
    rc, _, err = run(capsys, "check")
    assert rc == 1
    assert f"stale: {tmp_target}/genai_api.h: differs" in err
    assert f"stale: {tmp_target}/openvino/genai/c/removed.h: generated file no longer rendered" in err
    assert "notes.h" not in err
    assert "2 generated file(s) differ" in err
    # regenerate repairs both and leaves hand-written files alone.
    assert run(capsys, "regenerate")[0] == 0
    assert not leftover.exists() and hand_written.exists()
    assert run(capsys, "check")[0] == 0


def test_committed_targets_carry_the_marker() -> None:
    for target in targets.load():
        for rel, text in targets.render(target).items():
            # The rendered text itself carries it, so committed copies do (`check` compares them).
            assert targets.MARKER in text.splitlines()[0], f"{target.out}/{rel}"


# -- diff --

def test_diff_of_a_snapshot_with_itself_is_empty(capsys: pytest.CaptureFixture[str]) -> None:
    snap = str(snapshot.embedded("genai"))
    rc, out, _ = run(capsys, "diff", snap, snap, "--fail-on-breaking", "--format", "json")
    assert rc == 0
    assert json.loads(out)["changes"] == []


def test_diff_across_releases_finds_the_breaking_create_change(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    old, new = str(snapshot.embedded("genai", "2025.1.0.0")), str(snapshot.embedded("genai", "2026.3.0.0"))
    rc, out, _ = run(capsys, "diff", old, new)
    assert rc == 0  # differences alone do not fail
    assert "ov_genai_llm_pipeline_create" in out
    rc, _, _ = run(capsys, "diff", old, new, "--fail-on-breaking", "-o", str(tmp_path / "d.md"))
    assert rc == 1
    assert "ov_genai_llm_pipeline_create" in (tmp_path / "d.md").read_text()


# -- entry points --

def test_python_dash_m_bindgen() -> None:
    proc = subprocess.run([sys.executable, "-m", "bindgen", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0
    for command in ("parse", "generate", "regenerate", "check", "diff"):
        assert command in proc.stdout


def test_console_script(tmp_path: Path) -> None:
    script = shutil.which("bindgen", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("the `bindgen` console script is not installed next to this Python (pip install -e . installs it)")
    out = tmp_path / "acme.json"
    proc = subprocess.run([script, "parse", str(ACME), "--library", ACME_TOML, "-o", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert snapshot.load(out).library == "acme"
    bad = subprocess.run([script, "parse", str(BAD / "long.h"), "--library", ACME_TOML], capture_output=True, text=True)
    assert bad.returncode == 2
    assert POSITION.match(bad.stderr) and "Traceback" not in bad.stderr
