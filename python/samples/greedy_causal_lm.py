"""Greedy text generation for one prompt, written against the shim the way upstream's Python sample
greedy_causal_lm is written against openvino_genai: at most 100 new tokens, the answer printed whole.

    python greedy_causal_lm.py MODEL_DIR PROMPT [--property KEY=VALUE]...

--property (ours, not upstream's) passes pipeline properties such as INFERENCE_PRECISION_HINT=f32.
The GenAI C library is found through OPENVINO_GENAI_DIR (see python/README.md).
"""
from __future__ import annotations

import argparse

import openvino_genai_cffi as openvino_genai


def key_value(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key, value


def main() -> None:
    parser = argparse.ArgumentParser(description="Greedy generation for one prompt.")
    parser.add_argument("model_dir")
    parser.add_argument("prompt")
    parser.add_argument("--property", type=key_value, action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()

    pipe = openvino_genai.LLMPipeline(args.model_dir, "CPU", **dict(args.property))
    config = openvino_genai.GenerationConfig()
    config.max_new_tokens = 100
    # A single prompt with one answer comes back as a plain string.
    print(pipe.generate(args.prompt, config))


if __name__ == "__main__":
    main()
