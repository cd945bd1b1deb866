"""Prompt lookup decoding, written against the shim the way upstream's Python sample
prompt_lookup_decoding_lm is written against openvino_genai: the pipeline is made with prompt_lookup=True,
each step proposes up to 5 tokens copied from n-grams (3 at most) of the prompt, and the answer (100 new
tokens at most) is streamed as it is generated.

    python prompt_lookup_decoding_lm.py MODEL_DIR PROMPT [--property KEY=VALUE]...

--property (ours, not upstream's) passes pipeline properties such as INFERENCE_PRECISION_HINT=f32.
"""
from __future__ import annotations

import argparse

import openvino_genai_cffi as openvino_genai


def key_value(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key, value


def show(chunk: str) -> openvino_genai.StreamingStatus:
    print(chunk, end="", flush=True)
    return openvino_genai.StreamingStatus.RUNNING


def main() -> None:
    parser = argparse.ArgumentParser(description="Prompt lookup decoding for one prompt.")
    parser.add_argument("model_dir")
    parser.add_argument("prompt")
    parser.add_argument("--property", type=key_value, action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()

    pipe = openvino_genai.LLMPipeline(args.model_dir, "CPU", prompt_lookup=True, **dict(args.property))
    config = openvino_genai.GenerationConfig()
    config.max_new_tokens = 100
    config.num_assistant_tokens = 5  # candidates proposed per step
    config.max_ngram_size = 3        # longest n-gram looked up in the prompt
    pipe.generate(args.prompt, config, show)
    print()


if __name__ == "__main__":
    main()
