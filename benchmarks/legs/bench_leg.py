"""One leg of benchmarks/bench_real_pipelines.py in Python, through the cffi binding or the official
`openvino_genai` package (pybind): the protocol of bench_leg.c.

    python bench_leg.py cffi|pybind llm|vlm|whisper MODEL MAX_NEW_TOKENS [IMAGE.u8 H W | AUDIO.f32]
"""
from __future__ import annotations

import sys
import time

import numpy as np

PROMPT = "The Sky is blue because"
F32 = {"INFERENCE_PRECISION_HINT": "f32"}


def main(argv: list[str]) -> int:
    binding, kind, model, max_new = argv[0], argv[1], argv[2], int(argv[3])
    chunks = [0]
    if binding == "pybind":
        import openvino as ov
        import openvino_genai as og

        config = og.GenerationConfig()
        config.max_new_tokens = max_new

        def streamer(text: str) -> og.StreamingStatus:
            chunks[0] += 1
            return og.StreamingStatus.RUNNING

        if kind == "llm":
            pipe = og.LLMPipeline(model, "CPU", **F32)
            # A list in, DecodedResults out (a string in gives a string back, without perf metrics).
            run = lambda: pipe.generate([PROMPT], config, streamer=streamer)  # noqa: E731
        elif kind == "vlm":
            pixels = np.fromfile(argv[4], np.uint8).reshape(1, int(argv[5]), int(argv[6]), 3)
            image = ov.Tensor(pixels)
            pipe = og.VLMPipeline(model, "CPU", **F32)
            run = lambda: pipe.generate(PROMPT, images=[image], generation_config=config, streamer=streamer)  # noqa: E731
        else:
            audio = np.fromfile(argv[4], np.float32).tolist()
            pipe = og.WhisperPipeline(model, "CPU", **F32)
            run = lambda: pipe.generate(audio)  # noqa: E731
        tokens = lambda result: result.perf_metrics.get_num_generated_tokens()  # noqa: E731
        close = lambda result: None  # noqa: E731
    else:
        import openvino_cffi as ovc
        import openvino_genai_cffi as g
        from pathlib import Path

        native = g.load()
        config = g.GenerationConfig()
        config.max_new_tokens = max_new

        def on_chunk(text: str) -> None:
            chunks[0] += 1

        if kind == "llm":
            pipe = g.LLMPipeline(model, "CPU", F32)
            run = lambda: pipe.generate([PROMPT], config, streamer=on_chunk)  # noqa: E731
        elif kind == "vlm":
            ovc.load(Path(native.path).parent)
            pixels = np.fromfile(argv[4], np.uint8).reshape(1, int(argv[5]), int(argv[6]), 3)
            image = ovc.Tensor.from_numpy(pixels)
            pipe = g.VLMPipeline(model, "CPU", F32)
            run = lambda: pipe.generate(PROMPT, [image], config, streamer=on_chunk)  # noqa: E731
        else:
            audio = np.fromfile(argv[4], np.float32)
            pipe = g.WhisperPipeline(model, "CPU", F32)
            run = lambda: pipe.generate(audio)  # noqa: E731

        tokens = lambda result: result.perf_metrics.get_num_generated_tokens()  # noqa: E731
        close = lambda result: None  # noqa: E731
    for line in sys.stdin:
        if not line.startswith("run"):
            break
        cpu_start, start = time.process_time(), time.perf_counter()
        result = run()
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu_start  # all the process's threads
        print(f"{tokens(result)} {seconds:.9f} {cpu:.6f}", flush=True)
        close(result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
