"""Benchmarks an LLM with the cffi binding of the GenAI C library: the options and output of upstream's
C sample benchmark_genai_c (warm-up runs, then the performance metrics of the measured runs added up).

    python benchmark_genai.py -m MODEL [-p PROMPT] [--nw N] [-n N] [--mt N] [-d DEVICE]

The GenAI C library is found through OPENVINO_GENAI_DIR (see python/README.md).
"""
from __future__ import annotations

import sys
from typing import Optional

import openvino_genai_cffi as genai

USAGE = """Usage: benchmark_genai [OPTIONS]
Options:
  -m, --model            Path to model and tokenizers base directory
  -p, --prompt           Prompt (default: "The Sky is blue because")
  --nw, --num_warmup      Number of warmup iterations (default: 1)
  -n, --num_iter         Number of iterations (default: 3)
  --mt, --max_new_tokens  Maximal number of new tokens (default: 20)
  -d, --device           Device (default: CPU)
  -h, --help             Print usage"""

OPTIONS = {"-m": "model", "--model": "model", "-p": "prompt", "--prompt": "prompt", "--nw": "num_warmup",
           "--num_warmup": "num_warmup", "-n": "num_iter", "--num_iter": "num_iter", "--mt": "max_new_tokens",
           "--max_new_tokens": "max_new_tokens", "-d": "device", "--device": "device"}
COUNTS = ("num_warmup", "num_iter", "max_new_tokens")


def parse(argv: list[str]) -> Optional[dict[str, object]]:
    """The options, or None after printing usage; raises ValueError with the message for bad ones."""
    options: dict[str, object] = {"model": None, "prompt": "The Sky is blue because", "num_warmup": 1,
                                  "num_iter": 3, "max_new_tokens": 20, "device": "CPU"}
    args = iter(argv)
    for arg in args:
        if arg in ("-h", "--help"):
            print(USAGE)
            return None
        if arg not in OPTIONS:
            raise ValueError(f"Error: Unknown option {arg}")
        name = OPTIONS[arg]
        value = next(args, None)
        if value is None:
            raise ValueError(f"Error: --{name} requires an argument")
        if name in COUNTS:
            if not value.isdigit():
                raise ValueError(f"Error: --{name} needs a whole number, got {value!r}")
            options[name] = int(value)
        else:
            options[name] = value
    if options["model"] is None:
        raise ValueError("Error: --model is required\n" + USAGE)
    if options["num_iter"] == 0:
        raise ValueError("Error: --num_iter must be at least 1")
    return options


def main(argv: list[str]) -> int:
    try:
        options = parse(argv)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1
    if options is None:
        return 0
    print(f"Model: {options['model']}")
    print(f"Prompt: {options['prompt']}")
    print(f"Num Warmup: {options['num_warmup']}")
    print(f"Num Iter: {options['num_iter']}")
    print(f"Max New Tokens: {options['max_new_tokens']}")
    print(f"Device: {options['device']}")
    prompt = str(options["prompt"])
    try:
        config = genai.GenerationConfig()
        config.max_new_tokens = int(options["max_new_tokens"])  # type: ignore[call-overload]
        with genai.LLMPipeline(str(options["model"]), str(options["device"])) as pipe:
            # A list of one prompt: generate(str) gives a plain str (as upstream's), a list its results.
            for _ in range(int(options["num_warmup"])):  # type: ignore[call-overload]
                pipe.generate([prompt], config)
            total = pipe.generate([prompt], config).perf_metrics
            for _ in range(int(options["num_iter"]) - 1):  # type: ignore[call-overload]
                total += pipe.generate([prompt], config).perf_metrics
            print(f"{total.get_load_time():.2f} ms")  # upstream's sample prints the load time without a label
            for label, value, unit in (("Generate time", total.get_generate_duration(), "ms"),
                                       ("Tokenization time", total.get_tokenization_duration(), "ms"),
                                       ("Detokenization time", total.get_detokenization_duration(), "ms"),
                                       ("TTFT", total.get_ttft(), "ms"), ("TPOT", total.get_tpot(), "ms/token"),
                                       ("Throughput", total.get_throughput(), "tokens/s")):
                print(f"{label}: {value.mean:.2f} ± {value.std:.2f} {unit}")
    except genai.StatusError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
