"""`pip install -e .[test]` (scripts/setup.sh) installs the generated Python packages and their
runtime with the generator: importable from the venv anywhere, without PYTHONPATH."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_packages_import_from_the_venv_outside_the_repository(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    code = ("import bindgen, genai_interop_runtime, openvino_cffi, openvino_genai_cffi\n"
            "from genai_interop_runtime.handles import Handle\n"
            "assert issubclass(openvino_cffi.Tensor, Handle) and issubclass(openvino_genai_cffi.LLMPipeline, Handle)\n"
            "print(openvino_genai_cffi.__file__)")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, (result.stderr + "\n(run scripts/setup.sh: it reinstalls the project "
                                    "when pyproject.toml changed)")
    assert Path(result.stdout.strip()).is_relative_to(REPO / "python")  # editable: the committed files


def test_setup_reinstalls_a_venv_whose_packages_do_not_import_from_the_checkout(tmp_path: Path) -> None:
    """A venv made before the packages moved (or for another checkout) has an up-to-date stamp
    (pyproject.toml unchanged) but cannot import the packages from this tree: setup.sh reinstalls."""
    import hashlib
    import shutil
    checkout = tmp_path / "checkout"
    (checkout / "scripts").mkdir(parents=True)
    shutil.copy(REPO / "scripts" / "setup.sh", checkout / "scripts" / "setup.sh")
    shutil.copy(REPO / "pyproject.toml", checkout / "pyproject.toml")
    venv_bin = checkout / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    log = tmp_path / "pip.log"
    # The venv's python: this test's interpreter (its packages import from REPO, not from the copy), except
    # that pip is only logged, never run.
    (venv_bin / "python").write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then echo "$@" >> {log}; exit 0; fi\n'
        f'exec {sys.executable} "$@"\n')
    (venv_bin / "python").chmod(0o755)
    stamp = hashlib.sha256((REPO / "pyproject.toml").read_bytes()).hexdigest()
    (checkout / ".venv" / ".genai-interop-installed").write_text(stamp + "\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHON"] = sys.executable
    result = subprocess.run(["bash", "scripts/setup.sh"], cwd=checkout, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "installing the project" in result.stdout
    assert "install -q -e .[test]" in log.read_text()
