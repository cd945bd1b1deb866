"""The visual language chat samples (python/samples/visual_language_chat.py,
csharp/samples/VisualLanguageChat) against the real GenAI C library (OPENVINO_GENAI_DIR) and the tiny
Qwen2-VL model: they print what upstream's C sample visual_language_chat prints (a `question:` prompt,
each streamed answer, `----------` between turns), computed here with Python openvino_genai and a
ChatHistory as that sample keeps it; PPM and BMP give the same pixels; C# on Mono and CoreCLR prints
what Python does; unreadable images are refused with a message (which formats each reads:
test_vlm_sample_images.py). Skipped, saying why, without
OPENVINO_GENAI_DIR."""
from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from support import dotnet, real_genai
from support import real_speech_vision as rsv

pytestmark = pytest.mark.real_genai

REPO = Path(__file__).resolve().parent.parent
PYTHON_SAMPLE = REPO / "python" / "samples" / "visual_language_chat.py"
CSHARP_SAMPLE = REPO / "csharp" / "samples" / "VisualLanguageChat"
F32 = ["--property", "INFERENCE_PRECISION_HINT=f32"]
QUESTIONS = "Describe the picture\n\nAnd what else?\n"


def write_ppm(path: Path, pixels: np.ndarray) -> Path:
    height, width, _ = pixels.shape
    path.write_bytes(f"P6\n# made by a test\n{width} {height}\n255\n".encode() + pixels.tobytes())
    return path


def write_bmp(path: Path, pixels: np.ndarray, bits: int = 24, top_down: bool = False) -> Path:
    height, width, _ = pixels.shape
    channels = bits // 8
    stride = (width * channels + 3) & ~3
    rows = []
    for y in (range(height) if top_down else range(height - 1, -1, -1)):
        bgr = pixels[y, :, ::-1]
        if channels == 4:
            bgr = np.concatenate([bgr, np.full((width, 1), 255, np.uint8)], axis=1)
        rows.append(bgr.tobytes() + b"\0" * (stride - width * channels))
    body = b"".join(rows)
    header = struct.pack("<2sIHHI", b"BM", 54 + len(body), 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, width, -height if top_down else height, 1, bits, 0, len(body), 2835, 2835, 0, 0)
    path.write_bytes(header + info + body)
    return path


@pytest.fixture(scope="module")
def install() -> real_genai.GenAIInstall:
    install = real_genai.install_or_skip()
    real_genai.same_release_as_reference_or_skip(install, "the samples' output is compared with Python openvino_genai's")
    return install


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("images")
    pixels = np.random.default_rng(1).integers(0, 256, (56, 84, 3), dtype=np.uint8)
    other = np.random.default_rng(2).integers(0, 256, (112, 112, 3), dtype=np.uint8)
    both = folder / "both"
    both.mkdir()
    write_ppm(both / "a.ppm", pixels)
    write_bmp(both / "b.bmp", other, bits=32, top_down=True)
    np.save(folder / "pixels.npy", pixels)
    return {"ppm": write_ppm(folder / "image.ppm", pixels), "bmp": write_bmp(folder / "image.bmp", pixels),
            "folder": both, "pixels": folder / "pixels.npy"}


@pytest.fixture(scope="module")
def csharp_sample(install: real_genai.GenAIInstall, dotnet_toolchain: None) -> tuple[Path, Path]:
    folder, refs, native = rsv.csharp_references(install, "real-vlm-sample")
    sources = [CSHARP_SAMPLE / "VisualLanguageChat.cs", CSHARP_SAMPLE / "ImageFile.cs",
               REPO / "csharp" / "samples" / "SampleOptions.cs"]
    return dotnet.build_exe(sources, refs, folder / "VisualLanguageChat.exe"), native


def run_python(install: real_genai.GenAIInstall, args: list[str], questions: str = QUESTIONS) -> subprocess.CompletedProcess[str]:
    env = install.environment()
    env["PYTHONPATH"] = str(REPO / "python")
    return subprocess.run([sys.executable, str(PYTHON_SAMPLE), *args], input=questions, capture_output=True, text=True,
                          env=env, timeout=600)


def run_csharp(runtime: str, install: real_genai.GenAIInstall, sample: tuple[Path, Path], args: list[str],
               questions: str = QUESTIONS) -> subprocess.CompletedProcess[str]:
    from support import core_dotnet

    exe, native = sample
    env = core_dotnet.environment(native, base=dotnet.native_env(install.library, install.environment()))
    return dotnet.RUNNERS[runtime](exe, args, env, input=questions)


def expected_output(model: Path, pixels: Path) -> str:
    """What upstream's C sample prints, computed with Python openvino_genai: a ChatHistory that gets each
    question and answer, the image with the first question, 100 new tokens, answers streamed."""
    script = r"""
import sys, numpy as np, openvino as ov, openvino_genai as og
pipe = og.VLMPipeline(sys.argv[1], "CPU", INFERENCE_PRECISION_HINT="f32")
config = og.GenerationConfig()
config.max_new_tokens = 100
image = ov.Tensor(np.load(sys.argv[2]).reshape(1, 56, 84, 3))
history = og.ChatHistory()
out = ["question:\n"]
first = True
for prompt in sys.stdin.read().split("\n")[:-1]:
    if not prompt:
        out.append("question:\n")
        continue
    history.append({"role": "user", "content": prompt})
    pieces = []
    result = pipe.generate(history, images=[image] if first else [], generation_config=config, streamer=pieces.append)
    history.append({"role": "assistant", "content": str(result)})
    first = False
    out.append("".join(pieces) + "\n----------\nquestion:\n")
sys.stdout.write("".join(out))
"""
    env = {k: v for k, v in os.environ.items() if k != "LD_LIBRARY_PATH"}
    completed = subprocess.run([sys.executable, "-c", script, str(model), str(pixels)], input=QUESTIONS,
                               capture_output=True, text=True, env=env, timeout=600)
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed.stdout


def test_python_sample_prints_what_the_c_sample_does(install: real_genai.GenAIInstall, tiny_qwen2_vl: Path,
                                                     images: dict[str, Path]) -> None:
    expected = expected_output(tiny_qwen2_vl, images["pixels"])
    assert expected.count("----------") == 2
    for kind in ("ppm", "bmp"):
        completed = run_python(install, [str(tiny_qwen2_vl), str(images[kind]), *F32])
        assert completed.returncode == 0, completed.stderr
        assert completed.stdout == expected, kind


@pytest.mark.parametrize("runtime", ["mono", "coreclr"])
def test_csharp_sample_prints_what_the_python_sample_does(runtime: str, install: real_genai.GenAIInstall,
                                                          csharp_sample: tuple[Path, Path], tiny_qwen2_vl: Path,
                                                          images: dict[str, Path]) -> None:
    for kind in ("ppm", "bmp", "folder"):
        python = run_python(install, [str(tiny_qwen2_vl), str(images[kind]), *F32])
        csharp = run_csharp(runtime, install, csharp_sample, [str(tiny_qwen2_vl), str(images[kind]), *F32])
        assert python.returncode == 0 and csharp.returncode == 0, (kind, python.stderr, csharp.stderr)
        assert csharp.stdout == python.stdout, kind
    one = run_python(install, [str(tiny_qwen2_vl), str(images["ppm"]), *F32])
    assert python.stdout != one.stdout, "two images give another answer than one"


@pytest.mark.parametrize("runtime", ["python", "mono", "coreclr"])
def test_samples_refuse_what_they_cannot_read(runtime: str, install: real_genai.GenAIInstall,
                                              csharp_sample: tuple[Path, Path], tiny_qwen2_vl: Path,
                                              tmp_path: Path) -> None:
    png = tmp_path / "image.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(32))
    bmp16 = tmp_path / "16.bmp"
    write_bmp(bmp16, np.zeros((4, 4, 3), np.uint8))
    data = bytearray(bmp16.read_bytes())
    data[28:30] = (16).to_bytes(2, "little")
    bmp16.write_bytes(bytes(data))
    # A broken PNG: Python hands it to Pillow, which cannot read it; C# reads no PNG (test_vlm_sample_images.py).
    bad = {"png": (png, "a PNG image"), "16-bit BMP": (bmp16, "BMP with 16 bits per pixel"),
           "missing": (tmp_path / "missing.ppm", "missing.ppm")}
    for name, (path, message) in bad.items():
        args = [str(tiny_qwen2_vl), str(path)]
        completed = (run_python(install, args) if runtime == "python"
                     else run_csharp(runtime, install, csharp_sample, args))
        assert completed.returncode == 1, (name, completed.stdout, completed.stderr)
        assert message in completed.stderr and completed.stdout == "", (name, completed.stderr)
        assert "Unhandled" not in completed.stderr and "Traceback" not in completed.stderr, (name, completed.stderr)
