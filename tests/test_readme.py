"""The README's quick starts (Python and C#) and its newcomer commands run as written (issue 11, points 2
and 5), so they cannot rot: the blocks marked `<!-- readme-test: NAME -->` are taken out of README.md, the
two programs saved into a scratch folder as the README says, and the shell block run there line by line
with bash (set -e), with only its three settings (checkout, model, library) pointed at this checkout and
at the test double (any folder is a model to it) or, with OPENVINO_GENAI_DIR set, the real library and
the tiny GGUF model. It builds the bindings and the C# program with scripts/build-app.sh (mcs, C# 7.2,
runtimeconfig.json written), runs it on Mono and .NET 8, and the Python program on the shim installed in
the venv (no PYTHONPATH, no LD_LIBRARY_PATH); all three must print the same chat."""
from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from support import double, real_genai

REPO = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"<!-- readme-test: (\S+) -->\n```\w*\n(.*?)```", re.S)
QUESTION = "question: What is OpenVINO?"
METRICS = re.compile(r"^\d+ tokens, first after \d+\.\d ms, \d+\.\d tokens/s$")


def readme_blocks(text: str | None = None) -> dict[str, str]:
    found = BLOCK.findall(text if text is not None else (REPO / "README.md").read_text())
    blocks = dict(found)
    assert len(blocks) == len(found), "two README blocks share a readme-test name"
    return blocks


def test_the_readme_marks_its_runnable_blocks() -> None:
    assert set(readme_blocks()) == {"quickstart.py", "QuickStart.cs", "newcomer.sh"}
    # The extraction is not vacuous: an unmarked block is not taken, a marked one is.
    sample = "x\n<!-- readme-test: a.py -->\n```python\nprint(1)\n```\n```sh\nnot me\n```\n"
    assert readme_blocks(sample) == {"a.py": "print(1)\n"}


def _settings(script: str, values: dict[str, str]) -> str:
    """The script with its settings lines (`NAME=...`, `export NAME=...`) given these values; each must be there."""
    for name, value in values.items():
        pattern = re.compile(rf"^((?:export )?{name}=)\S+", re.M)
        assert pattern.search(script), f"the README's newcomer commands no longer set {name}"
        script = pattern.sub(lambda mt: mt.group(1) + shlex.quote(value), script, count=1)
    return script


def _runs(stdout: str) -> list[list[str]]:
    """The output of each program run: from one first question to the next."""
    lines = stdout.splitlines()
    starts = [i for i, line in enumerate(lines) if line == QUESTION]
    return [lines[a:b] for a, b in zip(starts, starts[1:] + [len(lines)])]


@pytest.mark.parametrize("target", ["double", "real"])
def test_the_newcomer_commands_run_as_written(target: str, tmp_path: Path) -> None:
    if target == "real":
        install = real_genai.install_or_skip()
        library_dir = str(install.root)
        from support.tiny_model import make_tiny_gguf
        model = make_tiny_gguf(tmp_path / "models" / "tiny.gguf")
    else:
        library_dir = str(double.build_double().parent)
        model = tmp_path / "models"
        model.mkdir()
    blocks = readme_blocks()
    script = _settings(blocks["newcomer.sh"], {"GENAI_INTEROP": str(REPO), "MODEL": str(model),
                                               "OPENVINO_GENAI_DIR": library_dir})
    app = tmp_path / "myapp"  # as the README says: save the two programs there
    app.mkdir()
    (app / "QuickStart.cs").write_text(blocks["QuickStart.cs"])
    (app / "quickstart.py").write_text(blocks["quickstart.py"])
    (tmp_path / "newcomer.sh").write_text("set -euo pipefail\n" + script)
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "LD_LIBRARY_PATH", "OPENVINO_GENAI_DIR", "VIRTUAL_ENV")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)
    result = subprocess.run(["bash", str(tmp_path / "newcomer.sh")], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    config = json.loads((app / "bin" / "QuickStart.runtimeconfig.json").read_text())
    assert config["runtimeOptions"]["framework"]["name"] == "Microsoft.NETCore.App"
    runs = _runs(result.stdout)
    assert len(runs) == 3, result.stdout  # Mono, .NET 8, Python
    texts = []
    for run in runs:
        assert [line for line in run if line.startswith("question: ")] == [QUESTION, "question: And GenAI?"], run
        metrics = [line for line in run if METRICS.match(line)]
        assert len(metrics) == 2, run
        answer = [line for line in run if not METRICS.match(line) and not line.startswith(("question: ", "build-app:"))]
        assert "".join(answer).strip(), run  # something was streamed
        texts.append(answer if target == "real" else run)  # the double's metrics are deterministic too
    assert texts[0] == texts[1] == texts[2], "\n---\n".join("\n".join(t) for t in texts)
