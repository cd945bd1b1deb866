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
