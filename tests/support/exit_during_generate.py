"""A child process for issue 13 (1): a thread generates (100000 tokens, ignoring EOS) while the main
thread exits with status 3 once streaming has begun.

argv: library (file or install root; "" for the default), mode, build dir, model path, form
(streamer: generate with a streamer callback | stream: iterate pipe.stream | plain: no callback |
plain-inside: plain, and the exit waits until a probe generate on the pipeline is refused, so the
thread's call surely runs; with GENAI_DOUBLE_PLAIN_GENERATE_MS set it outlasts the exit's wait),
"daemon" or not, and optionally an include dir for API mode."""

CHILD = """
import sys, threading
import openvino_genai_cffi as g
library, mode, build, model, form, daemon = sys.argv[1:7]
g.load(library or None, mode=mode, build_dir=build, **({"include_dirs": [sys.argv[7]]} if len(sys.argv) > 7 else {}))
pipe = g.LLMPipeline(model, "CPU")
cfg = g.GenerationConfig()
cfg.max_new_tokens = 100000
cfg.ignore_eos = True
going = threading.Event()

def work():  # 100000 tokens: still running at exit
    if form == "streamer":
        pipe.generate("Hello", cfg, streamer=lambda chunk: going.set())
    elif form == "stream":
        for _ in pipe.stream("Hello", cfg):
            going.set()
    elif form == "plain-inside":
        going.set()
        while True:
            try:
                pipe.generate("Hello", cfg)
            except g.StatusError:
                pass  # the main thread's probe held the pipeline just then
    else:
        going.set()
        pipe.generate("Hello", cfg)

threading.Thread(target=work, daemon=daemon == "daemon").start()
going.wait(60)
if form == "plain-inside":  # until a probe is refused: the thread's generate holds the pipeline
    probe = g.GenerationConfig()
    probe.max_new_tokens = 1
    for _ in range(60000):
        try:
            pipe.generate("Hello", probe, streamer=lambda chunk: None)
        except g.StatusError:
            break
        threading.Event().wait(0.001)
print("exiting", flush=True)
sys.exit(3)
"""
