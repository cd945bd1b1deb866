"""Header fuzzer for the generator: mutated copies of committed headers fed to `bindgen parse` and,
for every third mutant that parses, to `bindgen generate` (C# and cffi, alternately).

Seeds: the fixture headers (tests/fixtures/acme, library tests/fixtures/acme/acme.toml) and the
headers rendered from the 2026.3 snapshot (tests/double/include, library genai). No upstream text.
Each mutant runs in a forked child (bindgen already imported, so a case costs milliseconds plus
the parse): a Python exception that escapes `cli.main` is a traceback, a child still running after
the time limit a hang; otherwise the mutant was accepted (exit 0) or refused (exit 2, one message).
"""
from __future__ import annotations

import io
import os
import random
import re
import shutil
import signal
import tempfile
import time
import traceback
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

REPO = Path(__file__).resolve().parents[1]
SEEDS = (
    (REPO / "tests" / "fixtures" / "acme", str(REPO / "tests" / "fixtures" / "acme" / "acme.toml")),
    (REPO / "tests" / "double" / "include", "genai"),
)
CASE_TIMEOUT = 60.0
TRACEBACK_EXIT = 70

SNIPPETS = [
    b"long", b"union u { int a; float b; };", b"int bits : 3;", b"...", b"void (*f)(int, ...);",
    b"#include __FILE__\n", b"#define A A B\nA\n", b"#if 1\n", b"#endif\n", b"/*", b"*/", b"//", b'"',
    b"'", b"\\", b"\0", b"\xff\xfe", b"\xc3", b"(" * 300, b")" * 300, b"*" * 100, b"[99999999999999999999]",
    b"= 99999999999999999999", b"= -9223372036854775809", b"typedef struct x x_t;", b"struct { int a; } anon;",
    b"typedef int (*cb_t)(cb_t);", b"enum { A = 1 / 0 };", b"_Static_assert(0, \"no\");", b"#error stop\n",
    b"#pragma pack(1)\n", b"__attribute__((aligned(64)))", b"const volatile", b"restrict", b"_Atomic",
    b"__int128", b"wchar_t", b"double _Complex", b"char a[];", b"typedef void v_t; v_t x;",
    b"#line 1 \"/etc/passwd\"\n", b"x" * 5000, b"\n" * 1000, b"\t", b"\r", b"\r\n", b"??/",
]


@dataclass
class FuzzFigures:
    mutants: int = 0
    parsed: int = 0
    parse_refused: int = 0
    generated: int = 0
    generate_refused: int = 0
    tracebacks: int = 0
    hangs: int = 0
    other_exits: int = 0
    seconds: float = 0.0
    examples: list[str] = field(default_factory=list)  # the first few tracebacks/hangs, for the report


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def mutate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """One random mutation of a header's bytes, and what it was."""
    lines = _lines(data) or [b""]
    kind = rng.randrange(9)
    i = rng.randrange(len(lines))
    if kind == 0:
        del lines[i]
        return b"".join(lines), f"delete line {i + 1}"
    if kind == 1:
        lines.insert(i, lines[rng.randrange(len(lines))])
        return b"".join(lines), f"duplicate a line at {i + 1}"
    if kind == 2:
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
        return b"".join(lines), f"swap lines {i + 1} and {j + 1}"
    if kind == 3:
        at = rng.randrange(len(data) + 1)
        snippet = rng.choice(SNIPPETS)
        return data[:at] + snippet + data[at:], f"insert {snippet[:20]!r} at byte {at}"
    if kind == 4:
        at = rng.randrange(len(data) + 1)
        return data[:at], f"truncate at byte {at}"
    if kind == 5 and data:
        at = rng.randrange(len(data))
        n = rng.randint(1, 8)
        return data[:at] + data[at + n:], f"delete {n} bytes at {at}"
    words = sorted(set(re.findall(rb"[A-Za-z_][A-Za-z0-9_]*", data)))
    if kind == 6 and len(words) > 1:
        a, b = rng.sample(words, 2)
        return re.sub(rb"\b" + re.escape(a) + rb"\b", b, data, count=1), f"rename {a[:30]!r} to {b[:30]!r}"
    numbers = list(re.finditer(rb"\b\d+\b", data))
    if kind == 7 and numbers:
        m = rng.choice(numbers)
        new = rng.choice([b"0", b"-1", b"4294967296", b"18446744073709551616", b"0x7fffffffffffffff"])
        return data[:m.start()] + new + data[m.end():], f"number {m.group()!r} -> {new!r}"
    at = rng.randrange(len(data) + 1)
    byte = bytes([rng.randrange(256)])
    return data[:at] + byte + data[at:], f"insert byte {byte!r} at {at}"


def _child(root: Path, library: str, lang: Optional[str], out: Path) -> int:
    from bindgen import cli

    sink = io.StringIO()
    try:
        with redirect_stdout(sink), redirect_stderr(sink):
            rc = cli.main(["parse", str(root), "--library", library, "-o", str(out / "api.json")])
            if rc != 0 or lang is None:
                return 10 + rc
            rc = cli.main(["generate", "--lang", lang, "--library", library, str(out / "api.json"), "-o", str(out / lang)])
            return 20 + rc
    except BaseException:
        (out / "traceback.txt").write_text(traceback.format_exc())
        return TRACEBACK_EXIT


def _run_case(root: Path, library: str, lang: Optional[str], out: Path, timeout: float) -> tuple[str, str]:
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        code = 1
        try:
            code = _child(root, library, lang, out)
        finally:
            os._exit(code)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "hang", ""
        time.sleep(0.002)
    if os.WIFSIGNALED(status):
        return "crash", f"signal {os.WTERMSIG(status)}"
    code = os.WEXITSTATUS(status)
    if code == TRACEBACK_EXIT:
        return "traceback", (out / "traceback.txt").read_text()[-1500:]
    return {10: "parsed", 12: "parse-refused", 20: "generated", 22: "generate-refused"}.get(code, f"exit {code}"), ""


def run(seconds: float, seed: int = 0, timeout: float = CASE_TIMEOUT,
        progress: Callable[[str], None] = lambda s: None) -> FuzzFigures:
    import bindgen.cli  # noqa: F401  (imported once here, so every forked child has it)
    from bindgen import parser  # noqa: F401

    rng = random.Random(seed)
    figures = FuzzFigures()
    start = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="bindgen-fuzz-"))
    try:
        n = 0
        while time.monotonic() - start < seconds:
            source, library = SEEDS[n % len(SEEDS)]
            # Parsing takes milliseconds, rendering seconds: every third mutant is also rendered.
            lang: Optional[str] = None if n % 3 else ("csharp" if (n // 3) % 2 == 0 else "cffi")
            n += 1
            root = scratch / "case"
            shutil.rmtree(root, ignore_errors=True)
            shutil.copytree(source, root / "headers")
            headers = sorted((root / "headers").rglob("*.h"))
            victim = rng.choice(headers)
            data = victim.read_bytes()
            what = []
            for _ in range(rng.choice([1, 1, 1, 2, 3])):
                data, did = mutate(data, rng)
                what.append(did)
            victim.write_bytes(data)
            out = root / "out"
            out.mkdir()
            verdict, detail = _run_case(root / "headers", library, lang, out, timeout)
            figures.mutants += 1
            if verdict in ("parsed", "generated", "generate-refused"):
                figures.parsed += 1
                if verdict == "parsed":
                    pass
                elif verdict == "generated":
                    figures.generated += 1
                else:
                    figures.generate_refused += 1
            elif verdict == "parse-refused":
                figures.parse_refused += 1
            else:
                if verdict == "traceback":
                    figures.tracebacks += 1
                elif verdict == "hang":
                    figures.hangs += 1
                else:
                    figures.other_exits += 1
                if len(figures.examples) < 5:
                    rel = victim.relative_to(root / "headers")
                    figures.examples.append(f"{verdict} ({lang or 'parse only'}) on {source.name}/{rel} after {'; '.join(what)}: {detail}")
                progress(f"fuzz: {verdict} on {victim.name}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    figures.seconds = time.monotonic() - start
    return figures
