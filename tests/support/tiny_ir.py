"""A tiny OpenVINO model built at test time with openvino's Python API and saved as IR.

`relu(x @ W + b)` with x of shape [1, 4] (f32), W [4, 3] and b [3]: small enough to check
every output element against numpy, real enough to go through read -> compile -> infer.
Nothing upstream is committed: the weights come from a fixed seed here.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

INPUT_SHAPE = (1, 4)
OUTPUT_SHAPE = (1, 3)
INPUT_NAME = "x"
OUTPUT_NAME = "y"


@dataclass(frozen=True)
class TinyIR:
    xml: Path
    bin: Path
    weights: np.ndarray  # [4, 3]
    bias: np.ndarray  # [3]
    input_name: str = INPUT_NAME
    output_name: str = OUTPUT_NAME
    input_shape: tuple[int, ...] = INPUT_SHAPE
    output_shape: tuple[int, ...] = OUTPUT_SHAPE

    def reference(self, x: np.ndarray) -> np.ndarray:
        """What the model computes, in numpy (f32 throughout); a [N, 4] batch gives [N, 3]."""
        x = np.asarray(x, dtype=np.float32).reshape(-1, self.input_shape[-1])
        return np.maximum(x @ self.weights + self.bias, 0).astype(np.float32)

    @property
    def reference_fn(self) -> Callable[[np.ndarray], np.ndarray]:
        return self.reference


def build(directory: Path, seed: int = 7) -> TinyIR:
    """Write `tiny.xml`/`tiny.bin` into `directory` and describe them."""
    import openvino as ov
    import openvino.opset13 as ops

    rng = np.random.default_rng(seed)
    # Mixed signs so ReLU zeroes some outputs and passes others: both paths get checked.
    weights = rng.uniform(-1.0, 1.0, size=(4, 3)).astype(np.float32)
    bias = np.array([0.25, -0.5, 0.125], dtype=np.float32)

    x = ops.parameter(list(INPUT_SHAPE), ov.Type.f32, name=INPUT_NAME)
    x.output(0).get_tensor().set_names({INPUT_NAME})
    matmul = ops.matmul(x, ops.constant(weights), transpose_a=False, transpose_b=False)
    relu = ops.relu(ops.add(matmul, ops.constant(bias)))
    relu.output(0).get_tensor().set_names({OUTPUT_NAME})
    result = ops.result(relu)
    model = ov.Model([result], [x], "tiny_matmul_add_relu")

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    xml = directory / "tiny.xml"
    # compress_to_fp16=False keeps the constants f32, so outputs match numpy closely.
    ov.save_model(model, str(xml), compress_to_fp16=False)
    return TinyIR(xml=xml, bin=xml.with_suffix(".bin"), weights=weights, bias=bias)


def sample_input(seed: int = 12) -> np.ndarray:
    """An input with mixed signs, [1, 4] f32; the default seed gives outputs both zeroed and passed by ReLU."""
    return np.random.default_rng(seed).uniform(-2.0, 2.0, size=INPUT_SHAPE).astype(np.float32)
