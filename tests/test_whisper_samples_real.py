"""The Whisper samples (python/samples/whisper_speech_recognition.py, csharp/samples/WhisperSpeechRecognition)
against the real GenAI C library (OPENVINO_GENAI_DIR) and the tiny Whisper model: they print what upstream's
C sample whisper_speech_recognition_c prints (the text, then `timestamps: [s, e] text: t` per chunk, as
Python openvino_genai computes them), agree with each other on WAV files of every kind they read, and
refuse what they cannot read with a message. Skipped, saying why, without OPENVINO_GENAI_DIR."""
from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from support import dotnet, real_genai

pytestmark = pytest.mark.real_genai

REPO = Path(__file__).resolve().parent.parent
PYTHON_SAMPLE = REPO / "python" / "samples" / "whisper_speech_recognition.py"
CSHARP_SAMPLE = REPO / "csharp" / "samples" / "WhisperSpeechRecognition"
F32 = ["--property", "INFERENCE_PRECISION_HINT=f32"]


def write_wav(path: Path, samples: np.ndarray, rate: int = 16000, kind: str = "int16") -> Path:
    """A WAV file of `samples` (frames x channels, floats in [-1, 1]) as 16-bit PCM, 32-bit float or 24-bit PCM."""
    frames = samples.reshape(len(samples), -1)
    channels = frames.shape[1]
    if kind == "int16":
        body, fmt, bits = (np.clip(frames, -1, 1) * 32767).astype("<i2").tobytes(), 1, 16
    elif kind == "float32":
        body, fmt, bits = frames.astype("<f4").tobytes(), 3, 32
    else:  # 24-bit PCM: valid WAV, not read by the samples
        ints = (np.clip(frames, -1, 1) * 8388607).astype("<i4").reshape(-1)
        body, fmt, bits = b"".join(int(v).to_bytes(3, "little", signed=True) for v in ints), 1, 24
    block = channels * bits // 8
    header = struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + len(body), b"WAVE", b"fmt ", 16, fmt, channels, rate,
                         rate * block, block, bits, b"data", len(body))
    path.write_bytes(header + body)
    return path


@pytest.fixture(scope="module")
def install() -> real_genai.GenAIInstall:
    install = real_genai.install_or_skip()
    real_genai.same_release_as_reference_or_skip(install, "the samples' output is compared with Python openvino_genai's")
    return install


@pytest.fixture(scope="module")
def csharp_sample(install: real_genai.GenAIInstall, dotnet_toolchain: None) -> Path:
    library = dotnet.build_library()
    return dotnet.build_exe([CSHARP_SAMPLE / "WhisperSpeechRecognition.cs", CSHARP_SAMPLE / "WavFile.cs",
                             REPO / "csharp" / "samples" / "SampleOptions.cs"], [library],
                            library.parent / "WhisperSpeechRecognition.exe")


@pytest.fixture(scope="module")
def wavs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("wav")
    noise = np.random.default_rng(1).standard_normal(16000 * 3) * 0.1
    stereo = np.stack([noise, np.random.default_rng(2).standard_normal(noise.size) * 0.1], axis=1)
    return {
        "16 kHz int16 mono": write_wav(folder / "mono.wav", noise),
        "16 kHz float32 stereo": write_wav(folder / "stereo.wav", stereo, kind="float32"),
        "8 kHz int16 mono (resampled)": write_wav(folder / "8k.wav", noise[: 8000 * 3], rate=8000),
        "44.1 kHz float32 mono (resampled)": write_wav(folder / "44k.wav", np.random.default_rng(3).standard_normal(44100 * 2) * 0.1,
                                                       rate=44100, kind="float32"),
    }


def run_python(install: real_genai.GenAIInstall, args: list[str]) -> subprocess.CompletedProcess[str]:
    env = install.environment()
    env["PYTHONPATH"] = str(REPO / "python")
    return subprocess.run([sys.executable, str(PYTHON_SAMPLE), *args], capture_output=True, text=True, env=env,
                          timeout=600)


def expected_output(tiny_whisper: Path, wav: Path) -> str:
    """What upstream's C sample prints for a 16 kHz int16 mono file, computed with Python openvino_genai."""
    script = r"""
import sys, wave, numpy as np, openvino_genai as og
with wave.open(sys.argv[2]) as w:
    audio = np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float32) / 32768.0
pipe = og.WhisperPipeline(sys.argv[1], "CPU", INFERENCE_PRECISION_HINT="f32")
result = pipe.generate(audio.tolist(), task="transcribe", return_timestamps=True)
print(str(result))
for chunk in result.chunks or []:
    print(f"timestamps: [{chunk.start_ts:.2f}, {chunk.end_ts:.2f}] text: {chunk.text}")
"""
    env = {k: v for k, v in os.environ.items() if k != "LD_LIBRARY_PATH"}
    completed = subprocess.run([sys.executable, "-c", script, str(tiny_whisper), str(wav)], capture_output=True,
                               text=True, env=env, timeout=600)
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed.stdout


def test_python_sample_prints_what_the_c_sample_does(install: real_genai.GenAIInstall, tiny_whisper: Path,
                                                     wavs: dict[str, Path]) -> None:
    wav = wavs["16 kHz int16 mono"]
    completed = run_python(install, [str(tiny_whisper), str(wav), *F32])
    assert completed.returncode == 0, completed.stderr
    expected = expected_output(tiny_whisper, wav)
    assert "timestamps: [" in expected
    assert completed.stdout == expected


@pytest.mark.parametrize("runtime", ["mono", "coreclr"])
def test_csharp_sample_prints_what_the_python_sample_does(runtime: str, install: real_genai.GenAIInstall,
                                                          csharp_sample: Path, tiny_whisper: Path,
                                                          wavs: dict[str, Path]) -> None:
    env = dotnet.native_env(install.library, install.environment())
    for name, wav in wavs.items():
        python = run_python(install, [str(tiny_whisper), str(wav), *F32])
        csharp = dotnet.RUNNERS[runtime](csharp_sample, [str(tiny_whisper), str(wav), *F32], env)
        assert python.returncode == 0 and csharp.returncode == 0, (name, python.stderr, csharp.stderr)
        assert csharp.stdout == python.stdout, name
        assert python.stdout.count("\n") > 1, name


@pytest.mark.parametrize("runtime", ["python", "mono", "coreclr"])
def test_samples_refuse_what_they_cannot_read(runtime: str, install: real_genai.GenAIInstall, csharp_sample: Path,
                                              tiny_whisper: Path, tmp_path: Path) -> None:
    bad = {"not a WAV": (tmp_path / "text.wav", "not a RIFF/WAVE file"),
           "24-bit": (write_wav(tmp_path / "24.wav", np.zeros(16000), kind="int24"), "24-bit samples of format 1"),
           "missing": (tmp_path / "missing.wav", "missing.wav")}
    bad["not a WAV"][0].write_text("hello")
    env = dotnet.native_env(install.library, install.environment())
    for name, (path, message) in bad.items():
        if runtime == "python":
            completed = run_python(install, [str(tiny_whisper), str(path)])
        else:
            completed = dotnet.RUNNERS[runtime](csharp_sample, [str(tiny_whisper), str(path)], env)
        assert completed.returncode == 1, (name, completed.stdout, completed.stderr)
        assert message in completed.stderr and completed.stdout == "", (name, completed.stderr)
        assert "Unhandled" not in completed.stderr and "Traceback" not in completed.stderr, (name, completed.stderr)
