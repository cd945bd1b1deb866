"""Which image files the visual language chat samples read, against the native test double (which
answers after the pixels it is given, so equal output means equal pixels): the Python sample reads
binary PPM and BMP itself and every other format (PNG, JPEG, ...) through Pillow, as upstream's Python
sample does, and says Pillow is needed when it is missing; the C# sample (no image decoder that runs on
Mono and CoreCLR without a native dependency) refuses other formats naming the format and the ones it
reads. Both refuse an image with no pixels. The real-library versions are in test_vlm_samples_real.py."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from support import dotnet, openvino_wheel
from support.double import build_double

REPO = Path(__file__).resolve().parent.parent
PYTHON_SAMPLE = REPO / "python" / "samples" / "visual_language_chat.py"
CSHARP_SAMPLE = REPO / "csharp" / "samples" / "VisualLanguageChat"
QUESTIONS = "Describe the picture\nAnd what else?\n"
NO_PILLOW = ("import runpy, sys; sys.modules['PIL'] = None; sys.argv = sys.argv[1:]; "
             "runpy.run_path(sys.argv[0], run_name='__main__')")


def write_ppm(path: Path, pixels: np.ndarray) -> Path:
    height, width, _ = pixels.shape
    path.write_bytes(f"P6\n{width} {height}\n255\n".encode() + pixels.tobytes())
    return path


def pillow_file(path: Path, pixels: np.ndarray, fmt: str) -> Path:
    from PIL import Image

    Image.fromarray(pixels).save(path, format=fmt)
    return path


@pytest.fixture(scope="module")
def env() -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "PYTHONPATH")}
    environment = dotnet.native_env(build_double(), base)
    environment["OPENVINO_DIR"] = str(openvino_wheel.c_library().parent)  # the image tensors' library
    return environment


@pytest.fixture(scope="module")
def pixels() -> dict[str, np.ndarray]:
    return {"one": np.random.default_rng(1).integers(0, 256, (12, 16, 3), dtype=np.uint8),
            "two": np.random.default_rng(2).integers(0, 256, (12, 16, 3), dtype=np.uint8)}


def run_python(env: dict[str, str], image: Path, tmp_path: Path, without_pillow: bool = False) -> subprocess.CompletedProcess[str]:
    prefix = ["-c", NO_PILLOW] if without_pillow else []
    return subprocess.run([sys.executable, *prefix, str(PYTHON_SAMPLE), str(tmp_path), str(image)], input=QUESTIONS,
                          capture_output=True, text=True, env=env, timeout=300)


def test_python_sample_reads_png_and_jpeg_through_pillow(env: dict[str, str], pixels: dict[str, np.ndarray],
                                                         tmp_path: Path) -> None:
    from PIL import Image

    ppm = run_python(env, write_ppm(tmp_path / "one.ppm", pixels["one"]), tmp_path)
    png = run_python(env, pillow_file(tmp_path / "one.png", pixels["one"], "PNG"), tmp_path)
    assert ppm.returncode == 0 and png.returncode == 0, ppm.stderr + png.stderr
    assert png.stdout == ppm.stdout and ppm.stdout.startswith("question:\n")  # the same pixels arrived
    other = run_python(env, pillow_file(tmp_path / "two.png", pixels["two"], "PNG"), tmp_path)
    assert other.returncode == 0 and other.stdout != png.stdout
    # JPEG is lossy: the sample's pixels are what Pillow decodes (as upstream's sample gets them).
    jpeg = pillow_file(tmp_path / "one.jpg", pixels["one"], "JPEG")
    with Image.open(jpeg) as image:
        decoded = np.asarray(image.convert("RGB"))
    from_jpeg = run_python(env, jpeg, tmp_path)
    from_decoded = run_python(env, write_ppm(tmp_path / "decoded.ppm", decoded), tmp_path)
    assert from_jpeg.returncode == 0 and from_jpeg.stdout == from_decoded.stdout, from_jpeg.stderr
    # A grey PNG with alpha is made RGB.
    grey = Image.fromarray(pixels["one"]).convert("LA")
    buffer = io.BytesIO()
    grey.save(buffer, format="PNG")
    (tmp_path / "grey.png").write_bytes(buffer.getvalue())
    rgb = np.asarray(grey.convert("RGB"))
    assert run_python(env, tmp_path / "grey.png", tmp_path).stdout == run_python(env, write_ppm(tmp_path / "grey.ppm", rgb), tmp_path).stdout


def test_python_sample_says_what_it_cannot_read(env: dict[str, str], pixels: dict[str, np.ndarray],
                                               tmp_path: Path) -> None:
    png = pillow_file(tmp_path / "one.png", pixels["one"], "PNG")
    cases = {
        "no Pillow": (run_python(env, png, tmp_path, without_pillow=True),
                      f"Error: {png}: a PNG image; reading it needs Pillow (pip install pillow), without which this "
                      "sample reads binary PPM (P6) and uncompressed BMP only"),
        "broken PNG": (run_python(env, _write(tmp_path / "broken.png", b"\x89PNG\r\n\x1a\n" + bytes(32)), tmp_path),
                       "a PNG image that Pillow cannot read ("),
        "text": (run_python(env, _write(tmp_path / "notes.txt", b"just some text\n"), tmp_path),
                 "not a binary PPM (P6) or BMP image that Pillow cannot read ("),
        "no pixels": (run_python(env, _write(tmp_path / "empty.ppm", b"P6\n0 12\n255\n"), tmp_path),
                      "empty.ppm: the image has no pixels (0x12)"),
    }
    for name, (completed, message) in cases.items():
        assert completed.returncode == 1 and message in completed.stderr, (name, completed.stderr)
        assert completed.stdout == "" and "Traceback" not in completed.stderr, (name, completed.stderr)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("runtime", ["mono", "coreclr"])
def test_csharp_sample_names_the_formats_it_reads(env: dict[str, str], pixels: dict[str, np.ndarray], tmp_path: Path,
                                                 runtime: str, dotnet_toolchain: None) -> None:
    from support import core_dotnet

    core = core_dotnet.build_library(openvino_wheel.c_library(), dotnet.BUILD_ROOT / "core-vlm-sample")
    genai = dotnet.build_library(out_dir=core.parent)
    exe = dotnet.build_exe([CSHARP_SAMPLE / "VisualLanguageChat.cs", CSHARP_SAMPLE / "ImageFile.cs",
                            REPO / "csharp" / "samples" / "SampleOptions.cs"], [core, genai], core.parent / "VisualLanguageChat.exe")
    run = dotnet.RUNNERS[runtime]
    run_env = core_dotnet.environment(openvino_wheel.c_library(), base=env)
    ok = run(exe, [str(tmp_path), str(write_ppm(tmp_path / "one.ppm", pixels["one"]))], env=run_env, input=QUESTIONS)
    python = run_python(env, tmp_path / "one.ppm", tmp_path)
    assert ok.returncode == 0 and ok.stdout == python.stdout, ok.stderr
    cases = {
        "PNG": (pillow_file(tmp_path / "one.png", pixels["one"], "PNG"),
                "one.png: a PNG image; this program reads binary PPM (P6) and uncompressed 24 or 32-bit BMP images only"),
        "JPEG": (pillow_file(tmp_path / "one.jpg", pixels["one"], "JPEG"), "one.jpg: a JPEG image; this program reads"),
        "text": (_write(tmp_path / "notes.txt", b"just some text\n"), "notes.txt: not a binary PPM (P6) or BMP image; "),
        "no pixels": (_write(tmp_path / "empty.ppm", b"P6\n16 0\n255\n"), "empty.ppm: the image has no pixels (16x0)"),
    }
    for name, (image, message) in cases.items():
        completed = run(exe, [str(tmp_path), str(image)], env=run_env, input=QUESTIONS)
        assert completed.returncode == 1 and message in completed.stderr, (name, completed.stderr)
        assert completed.stdout == "" and "Unhandled" not in completed.stderr, (name, completed.stderr)
