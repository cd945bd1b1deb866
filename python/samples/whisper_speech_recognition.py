"""Speech recognition with the cffi binding of the GenAI C library, as upstream's C sample
whisper_speech_recognition_c does: transcribe a WAV file with timestamps and print the text, then one
line per chunk.

    python whisper_speech_recognition.py MODEL_DIR WAV_FILE [DEVICE] [--property KEY=VALUE]...

The WAV file may hold 16-bit integer or 32-bit float samples, in one channel or several (averaged);
another rate than 16 kHz is resampled linearly. Anything else is refused with a message saying what.
The GenAI C library is found through OPENVINO_GENAI_DIR (see python/README.md).
"""
from __future__ import annotations

import array
import struct
import sys
from pathlib import Path

import openvino_genai_cffi as genai

SAMPLE_RATE = 16000
PCM, IEEE_FLOAT, EXTENSIBLE = 1, 3, 0xFFFE


class WavError(ValueError):
    """The file is not a WAV file this sample reads; the message says why."""


def read_wav(path: Path) -> tuple[list[float], int]:
    """(mono samples in [-1, 1], sample rate) from a RIFF/WAVE file."""
    data = path.read_bytes()
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise WavError(f"{path}: not a RIFF/WAVE file")
    fmt = samples = None
    offset = 12
    while offset + 8 <= len(data):
        chunk_id, size = data[offset:offset + 4], struct.unpack_from("<I", data, offset + 4)[0]
        body = data[offset + 8:offset + 8 + size]
        if chunk_id == b"fmt ":
            if len(body) < 16:
                raise WavError(f"{path}: 'fmt ' chunk too short")
            fmt = struct.unpack_from("<HHIIHH", body)
            if fmt[0] == EXTENSIBLE and len(body) >= 26:
                fmt = (struct.unpack_from("<H", body, 24)[0], *fmt[1:])  # the sub-format's first two bytes
        elif chunk_id == b"data":
            samples = body
        offset += 8 + size + (size & 1)
    if fmt is None or samples is None:
        raise WavError(f"{path}: no {'fmt ' if fmt is None else 'data'} chunk")
    encoding, channels, rate, _, _, bits = fmt
    if channels < 1:
        raise WavError(f"{path}: {channels} channels")
    if (encoding, bits) == (PCM, 16):
        values = array.array("h")
        scale = 1 / 32768
    elif (encoding, bits) == (IEEE_FLOAT, 32):
        values = array.array("f")
        scale = 1.0
    else:
        raise WavError(f"{path}: {bits}-bit samples of format {encoding} are not supported "
                       "(16-bit integer PCM or 32-bit float only)")
    frame = values.itemsize * channels
    values.frombytes(samples[:len(samples) - len(samples) % frame])
    if sys.byteorder == "big":
        values.byteswap()
    mono = [sum(values[i:i + channels]) * scale / channels for i in range(0, len(values), channels)]
    return mono, rate


def resample(samples: list[float], rate: int, target: int = SAMPLE_RATE) -> list[float]:
    """Linear interpolation to `target` samples per second."""
    if rate == target or not samples:
        return samples
    ratio = rate / target
    count = int(len(samples) / ratio)
    out = []
    for i in range(count):
        position = i * ratio
        index = int(position)
        fraction = position - index
        following = samples[index + 1] if index + 1 < len(samples) else samples[index]
        out.append(samples[index] * (1 - fraction) + following * fraction)
    return out


def main(argv: list[str]) -> int:
    properties = {}
    positional = []
    args = iter(argv)
    for arg in args:
        if arg == "--property":
            key, _, value = next(args, "").partition("=")
            if not key or not _:
                print("--property needs KEY=VALUE", file=sys.stderr)
                return 2
            properties[key] = value
        else:
            positional.append(arg)
    if len(positional) not in (2, 3):
        print("usage: whisper_speech_recognition.py MODEL_DIR WAV_FILE [DEVICE] [--property KEY=VALUE]...",
              file=sys.stderr)
        return 2
    model, wav = positional[0], Path(positional[1])
    device = positional[2] if len(positional) == 3 else "CPU"
    try:
        samples, rate = read_wav(wav)
    except (OSError, WavError) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    speech = array.array("f", resample(samples, rate))
    try:
        with genai.WhisperPipeline(model, device, properties) as pipe:
            config = pipe.get_generation_config()
            config.task = "transcribe"
            config.return_timestamps = True
            results = pipe.generate(speech, config)
            print(results)
            for chunk in results.chunks or []:
                print(f"timestamps: [{chunk.start_ts:.2f}, {chunk.end_ts:.2f}] text: {chunk.text}")
    except genai.StatusError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
