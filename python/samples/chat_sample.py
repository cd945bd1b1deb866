"""A chat kept in a ChatHistory, written against the shim the way upstream's Python sample chat_sample is
written against openvino_genai: each line of standard input is a question; the answer is streamed as it
is generated, then added to the history so the next question sees the whole conversation.

    python chat_sample.py MODEL_DIR [DEVICE] [--property KEY=VALUE]...

--property (ours, not upstream's) passes pipeline properties such as INFERENCE_PRECISION_HINT=f32.
The library does not add the answer to a ChatHistory it is given: this script does.
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
    return openvino_genai.StreamingStatus.RUNNING  # keep going


def main() -> None:
    parser = argparse.ArgumentParser(description="Chat with a model, questions from standard input.")
    parser.add_argument("model_dir")
    parser.add_argument("device", nargs="?", default="CPU")
    parser.add_argument("--property", type=key_value, action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()

    pipe = openvino_genai.LLMPipeline(args.model_dir, args.device, **dict(args.property))
    config = openvino_genai.GenerationConfig()
    config.max_new_tokens = 100

    history = openvino_genai.ChatHistory()
    while True:
        try:
            question = input("question:\n")
        except EOFError:
            break
        history.append({"role": "user", "content": question})
        results = pipe.generate(history, config, show)
        history.append({"role": "assistant", "content": results.texts[0]})
        print("\n----------")


if __name__ == "__main__":
    main()
