"""Diverse beam search over one or more prompts, written against the shim the way upstream's Python sample
beam_search_causal_lm is written against openvino_genai: 15 beams in 3 groups, a diversity penalty of 1,
every beam returned (20 new tokens at most) and printed as `score: text`, one line each.

    python beam_search_causal_lm.py MODEL_DIR PROMPT [PROMPT...] [--property KEY=VALUE]...

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


def main() -> None:
    parser = argparse.ArgumentParser(description="Group beam search over prompts.")
    parser.add_argument("model_dir")
    parser.add_argument("prompts", nargs="+")
    parser.add_argument("--property", type=key_value, action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()

    pipe = openvino_genai.LLMPipeline(args.model_dir, "CPU", **dict(args.property))
    config = openvino_genai.GenerationConfig()
    config.max_new_tokens = 20
    config.num_beams = 15
    config.num_beam_groups = 3
    config.diversity_penalty = 1.0
    config.num_return_sequences = config.num_beams  # all of them
    # A list of prompts always gives DecodedResults; printing it gives one `score: text` line per beam.
    print(pipe.generate(args.prompts, config))


if __name__ == "__main__":
    main()
