"""scripts/build-app.sh, the README's way to build your own program without the .NET SDK (issue 11, point 5),
tried as a newcomer does: a visual language program makes its image tensors with OpenVINO.Core, so the script
builds and references that assembly too, and the tensors find OpenVINO's library through the one variable the
README sets, OPENVINO_GENAI_DIR (a GenAI archive holds OpenVINO's runtime), on Mono and .NET 8, with no
OPENVINO_DIR and no LD_LIBRARY_PATH. A warning in your own code is shown, not an error (as the SDK does); the
bindings still build with warnings as errors."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from support import dotnet, openvino_wheel
from conftest import require_tool

REPO = Path(__file__).resolve().parents[1]

PROGRAM = """\
using System;
using Ov = OpenVINO.Core;

class ImageApp
{
    static int Main()
    {
        int unused = 0;  // a warning (CS0219), shown but not an error
        var pixels = new byte[2 * 3 * 3];
        using (var image = Ov.Tensor.FromArray(pixels, 1, 2, 3, 3))
        {
            Console.WriteLine("image " + string.Join("x", image.Shape));
        }
        return 0;
    }
}
"""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_tool("mcs")
    folder = tmp_path_factory.mktemp("image-app")
    (folder / "ImageApp.cs").write_text(PROGRAM)
    built = subprocess.run(["bash", str(REPO / "scripts" / "build-app.sh"), "ImageApp.cs"], cwd=folder,
                           capture_output=True, text=True, timeout=900)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "CS0219" in built.stdout + built.stderr, "the warning is shown"
    for name in ("OpenVINO.Interop.dll", "OpenVINO.GenAI.dll", "OpenVINO.Core.dll", "OpenVINO.Core.dll.config",
                 "ImageApp.exe", "ImageApp.runtimeconfig.json"):
        assert (folder / "bin" / name).is_file(), name
    return folder / "bin" / "ImageApp.exe"


@pytest.mark.parametrize("runtime", ["mono", "coreclr"])
def test_an_image_tensor_finds_openvino_in_the_genai_archive(app: Path, runtime: str, tmp_path: Path) -> None:
    libs = openvino_wheel.libs_dir()
    archive = tmp_path / "openvino_genai_2026.3"
    lib_dir = archive / "runtime" / "lib" / "intel64"  # an OpenVINO GenAI archive's layout: OpenVINO's libraries too
    lib_dir.mkdir(parents=True)
    for item in libs.iterdir():
        (lib_dir / item.name).symlink_to(item)
    env = {k: v for k, v in os.environ.items() if k not in ("OPENVINO_DIR", "LD_LIBRARY_PATH", "OPENVINO_GENAI_DIR")}
    env["OPENVINO_GENAI_DIR"] = str(archive)
    run = dotnet.RUNNERS[runtime](app, [], env, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.strip() == "image 1x2x3x3", run.stdout
