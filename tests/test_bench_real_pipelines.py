"""benchmarks/bench_real_pipelines.py runs on the real library (OPENVINO_GENAI_DIR): every leg (C, C# on
Mono and CoreCLR, cffi, Python openvino_genai) answers for every pipeline kind and a table is printed.
No timing is asserted (figures go in the README). Skipped, saying why, without OPENVINO_GENAI_DIR."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from support import real_genai

pytestmark = pytest.mark.real_genai

REPO = Path(__file__).resolve().parent.parent


def test_every_leg_and_kind_prints_a_rate(dotnet_toolchain: None) -> None:
    install = real_genai.install_or_skip()
    env = {k: v for k, v in install.environment().items() if k != "LD_LIBRARY_PATH"}
    completed = subprocess.run([sys.executable, str(REPO / "benchmarks" / "bench_real_pipelines.py"), "--rounds", "1",
                                "--tokens", "16"], capture_output=True, text=True, env=env, timeout=900)
    assert completed.returncode == 0, completed.stderr[-4000:]
    for kind in ("LLM", "VLM", "Whisper"):
        table = completed.stdout.split(f"\n{kind}\n", 1)[1]
        for leg in ("c", "csharp-mono", "csharp-coreclr", "cffi", "python-openvino_genai"):
            row = re.search(rf"^\| {leg} \| (\d+) \| \d+-\d+ \| (\d+\.\d+) \| [\d.]+-[\d.]+ \| "
                            r"(within 1%|slower|cannot tell|\(reference\)) \| (\d+) \| \d+\.\d+ \| [\d.]+-[\d.]+ \| "
                            r"(within 1%|slower|cannot tell|\(reference\)) \|$", table, re.M)
            assert row and int(row[1]) > 0, (kind, leg, completed.stdout)
            assert (row[3] == "(reference)") == (leg == "c") == (row[5] == "(reference)"), row[0]
            assert int(row[4]) > 0, row[0]
        assert re.search(r"^load: \d+ s measured; machine busy [\d.]+ cores", table, re.M), table
