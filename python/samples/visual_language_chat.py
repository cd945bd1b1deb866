"""A chat about an image with the cffi bindings of the GenAI and OpenVINO C libraries, as upstream's C
sample visual_language_chat does: questions from standard input, one per line; the image (or every
image in a folder) goes with the first question; each answer is streamed; the chat is kept in a
ChatHistory.

    python visual_language_chat.py MODEL_DIR IMAGE_OR_FOLDER [DEVICE] [--property KEY=VALUE]...

Images: binary PPM (P6, 8-bit) and uncompressed BMP (24 or 32 bits per pixel) are read here; PNG, JPEG
and every other format Pillow reads go through Pillow (as upstream's Python sample does), when it is
installed; otherwise they are refused with a message saying so. The GenAI C
library is found through OPENVINO_GENAI_DIR, OpenVINO's C library (for the image tensors) through
OPENVINO_DIR or beside the GenAI library.
"""
from __future__ import annotations

import io
import os
import struct
import sys
from pathlib import Path

import numpy as np

import openvino_cffi as ov
import openvino_genai_cffi as genai

MAX_NEW_TOKENS = 100


class ImageError(ValueError):
    """The file is not an image this sample reads; the message says why."""


def read_ppm(data: bytes, path: Path) -> np.ndarray:
    fields: list[bytes] = []
    position = 2
    while len(fields) < 3:
        while position < len(data) and data[position:position + 1].isspace():
            position += 1
        if data[position:position + 1] == b"#":
            position = data.index(b"\n", position) + 1
            continue
        end = position
        while end < len(data) and not data[end:end + 1].isspace():
            end += 1
        fields.append(data[position:end])
        position = end
    width, height, maximum = (int(f) for f in fields)
    if maximum != 255:
        raise ImageError(f"{path}: PPM with maximum value {maximum} (only 255 is read)")
    pixels = data[position + 1:position + 1 + width * height * 3]
    if len(pixels) != width * height * 3:
        raise ImageError(f"{path}: PPM data is shorter than {width}x{height} pixels")
    return np.frombuffer(pixels, np.uint8).reshape(height, width, 3)


def read_bmp(data: bytes, path: Path) -> np.ndarray:
    if len(data) < 54:
        raise ImageError(f"{path}: BMP header too short")
    offset = struct.unpack_from("<I", data, 10)[0]
    width, height, _, bits, compression = struct.unpack_from("<iiHHI", data, 18)
    if bits not in (24, 32) or compression not in (0, 3):
        raise ImageError(f"{path}: BMP with {bits} bits per pixel, compression {compression} "
                         "(only uncompressed 24 or 32 bits are read)")
    channels = bits // 8
    stride = (width * channels + 3) & ~3
    rows = abs(height)
    if len(data) < offset + stride * rows:
        raise ImageError(f"{path}: BMP data is shorter than {width}x{rows} pixels")
    table = np.frombuffer(data, np.uint8, stride * rows, offset).reshape(rows, stride)[:, :width * channels]
    bgr = table.reshape(rows, width, channels)[:, :, 2::-1]  # BGR(A) -> RGB
    return np.ascontiguousarray(bgr if height < 0 else bgr[::-1])  # positive height: bottom-up rows


# Leading bytes of formats this sample hands to Pillow, for messages when it cannot.
SIGNATURES = {b"\x89PNG": "PNG", b"\xff\xd8\xff": "JPEG", b"GIF8": "GIF", b"II*\0": "TIFF", b"MM\0*": "TIFF"}


def read_with_pillow(data: bytes, path: Path) -> np.ndarray:
    kind = next((name for magic, name in SIGNATURES.items() if data.startswith(magic)), None)
    what = f"a {kind} image" if kind else "not a binary PPM (P6) or BMP image"
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError:
        raise ImageError(f"{path}: {what}; reading it needs Pillow (pip install pillow), without which this sample "
                         "reads binary PPM (P6) and uncompressed BMP only") from None
    try:
        with Image.open(io.BytesIO(data)) as image:
            return np.asarray(image.convert("RGB"))
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise ImageError(f"{path}: {what} that Pillow cannot read ({error})") from None


def read_image(path: Path) -> np.ndarray:
    """HxWx3 uint8 RGB pixels."""
    data = path.read_bytes()
    if data[:2] == b"P6":
        pixels = read_ppm(data, path)
    elif data[:2] == b"BM":
        pixels = read_bmp(data, path)
    else:
        pixels = read_with_pillow(data, path)
    if pixels.shape[0] == 0 or pixels.shape[1] == 0:
        raise ImageError(f"{path}: the image has no pixels ({pixels.shape[1]}x{pixels.shape[0]})")
    return pixels


def main(argv: list[str]) -> int:
    properties: dict[str, str] = {}
    positional = []
    args = iter(argv)
    for arg in args:
        if arg == "--property":
            key, sep, value = next(args, "").partition("=")
            if not key or not sep:
                print("--property needs KEY=VALUE", file=sys.stderr)
                return 2
            properties[key] = value
        else:
            positional.append(arg)
    if len(positional) not in (2, 3):
        print("usage: visual_language_chat.py MODEL_DIR IMAGE_OR_FOLDER [DEVICE] [--property KEY=VALUE]...",
              file=sys.stderr)
        return 2
    model, source = positional[0], Path(positional[1])
    device = positional[2] if len(positional) == 3 else "CPU"
    try:
        files = sorted(p for p in source.iterdir() if p.is_file()) if source.is_dir() else [source]
        pixels = [read_image(p) for p in files]
    except (OSError, ImageError) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    native = genai.load()
    ov.load(os.environ.get("OPENVINO_DIR") or Path(native.path).parent)
    images = [ov.Tensor.from_numpy(p.reshape(1, *p.shape)) for p in pixels]
    out = sys.stdout
    try:
        config = genai.GenerationConfig(max_new_tokens=MAX_NEW_TOKENS)
        history = genai.ChatHistory()
        with genai.VLMPipeline(model, device, properties) as pipe:
            first = True
            out.write("question:\n")
            out.flush()
            for line in sys.stdin:
                prompt = line.rstrip("\n")
                if not prompt:
                    out.write("question:\n")
                    continue
                history.append({"role": "user", "content": prompt})

                def show(chunk: str) -> None:
                    out.write(chunk)
                    out.flush()
                answer = str(pipe.generate(history, images if first else [], config, streamer=show))
                history.append({"role": "assistant", "content": answer})
                first = False
                out.write("\n----------\nquestion:\n")
                out.flush()
    except genai.StatusError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    finally:
        for image in images:
            image.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
