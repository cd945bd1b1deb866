"""benchmarks/bench_early_exit.py runs and prints a figure per cffi mode (its figures are not judged here)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_the_benchmark_prints_a_row_per_mode() -> None:
    proc = subprocess.run([sys.executable, str(REPO / "benchmarks" / "bench_early_exit.py"), "--exits", "3"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = {line.split()[0]: line.split()[1:] for line in proc.stdout.splitlines() if line.startswith("cffi-")}
    assert set(rows) == {"cffi-abi", "cffi-api"}, proc.stdout
    for figures in rows.values():
        assert figures[0] == "3" and all(float(f) >= 0 for f in figures[1:]), proc.stdout
