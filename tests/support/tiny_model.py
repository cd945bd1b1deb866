"""A tiny llama GGUF model written at test time, for runs against the real GenAI library.

`make_tiny_gguf(path, seed)` writes a 2-layer, hidden-64 llama with a ~512-token byte-level
BPE (gpt2-style) tokenizer and a chat template, in well under a second, byte-identical for a
given seed. OpenVINO GenAI loads the `.gguf` path directly (`LLMPipeline(path, "CPU")`).

The weights are random, but shaped so the output is useful to tests:
- every token the model can emit decodes to complete UTF-8 (whole characters only, no control
  characters other than a newline), and the
  vocabulary carries whole-character tokens for é, ü, ñ, 世, 界, 你, 好, 🚀, so greedy text
  holds multi-byte characters and a streamer never has to hold back a broken sequence;
- special tokens (bos, eos, chat markers) are never emitted, so generation always runs to
  `max_new_tokens` (or to a stop string / stop token id the test sets).
Both come from a constant "bias" channel: channel 0 of the residual stream is a constant that
attention and MLP never write to, and the output matrix's column 0 pushes the logits of
unwanted tokens far down. Pass `complete_utf8_only=False` to allow partial UTF-8 tokens too
(for measuring how a streamer copes with split characters).

Loaded straight from .gguf, GenAI sets no default for `max_new_tokens`: always pass one.
This CPU runs bf16 by default; pass `INFERENCE_PRECISION_HINT="f32"` where outputs are compared.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import numpy as np

VOCAB_SIZE = 512
HIDDEN = 64
FEED_FORWARD = 128
LAYERS = 2
HEADS = 4
KV_HEADS = 2
CONTEXT = 2048

BOS, EOS, IM_START, IM_END = "<s>", "</s>", "<|im_start|>", "<|im_end|>"
SPECIAL_TOKENS = (BOS, EOS, IM_START, IM_END)
BOS_ID, EOS_ID, IM_START_ID, IM_END_ID = range(len(SPECIAL_TOKENS))

# GGUF token types (llama.cpp's enum): 1 normal, 3 control.
TOKEN_TYPE_NORMAL = 1
TOKEN_TYPE_CONTROL = 3
FILE_TYPE_MOSTLY_F16 = 1

# Our own ChatML-style template: plain Jinja2, roles and contents only.
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

# Characters that get a whole-character token each (so the model can emit them).
MULTIBYTE_CHARACTERS = "éüñ世界你好🚀"

# Text the BPE merges are learned from; any text works, this keeps common English pieces whole.
MERGE_CORPUS = """
The quick brown fox jumps over the lazy dog. Hello world, hello there! This is a small
model made for tests: it streams text, it chats, and it stops when it is told to stop.
What is OpenVINO? It is a toolkit that runs models on the CPU and other devices. One two
three four five six seven eight nine ten. Streaming sends every new piece of text to a
callback; the callback says whether to continue, stop or cancel the generation.
Café, naïve, jalapeño, über. 世界 你好 🚀 rockets and the world say hello.
Tokens, tokenizers and templates: greedy decoding picks the most likely next token each time.
"""


def gpt2_byte_alphabet() -> dict[int, str]:
    """The byte-to-printable-character map of byte-level BPE: printable Latin-1 bytes map to
    themselves, the rest to code points from U+0100 on, so every token is a printable string."""
    printable = [*range(ord("!"), ord("~") + 1), *range(0xA1, 0xAC + 1), *range(0xAE, 0xFF + 1)]
    mapping = {b: chr(b) for b in printable}
    extra = 0
    for b in range(256):
        if b not in mapping:
            mapping[b] = chr(256 + extra)
            extra += 1
    return mapping


BYTE_TO_CHAR = gpt2_byte_alphabet()
CHAR_TO_BYTE = {c: b for b, c in BYTE_TO_CHAR.items()}


def encode_bytes(text: str) -> list[str]:
    return [BYTE_TO_CHAR[b] for b in text.encode("utf-8")]


def token_bytes(token: str) -> bytes:
    return bytes(CHAR_TO_BYTE[c] for c in token)


def _learn_merges(count: int) -> list[tuple[str, str]]:
    """Whole-character merges for MULTIBYTE_CHARACTERS first, then plain BPE over MERGE_CORPUS
    (words split GPT-2 style: a leading space sticks to the word after it)."""
    merges: list[tuple[str, str]] = []
    known: set[str] = set(BYTE_TO_CHAR.values())
    for character in MULTIBYTE_CHARACTERS:
        pieces = encode_bytes(character)
        while len(pieces) > 1:
            pair = (pieces[0], pieces[1])
            if pair[0] + pair[1] not in known:
                merges.append(pair)
                known.add(pair[0] + pair[1])
            pieces = [pair[0] + pair[1], *pieces[2:]]
    words = [encode_bytes(w) for w in re.findall(r" ?\w+| ?[^\w\s]+|\s+", MERGE_CORPUS)]
    while len(merges) < count:
        pairs: Counter[tuple[str, str]] = Counter()
        for word in words:
            pairs.update(zip(word, word[1:]))
        candidates = [(n, p) for p, n in pairs.items() if p[0] + p[1] not in known]
        if not candidates:
            break
        # Most frequent first; ties broken by the pair itself so the order never depends on hashing.
        _, best = min(candidates, key=lambda item: (-item[0], item[1]))
        merges.append(best)
        known.add(best[0] + best[1])
        joined = best[0] + best[1]
        for index, word in enumerate(words):
            out: list[str] = []
            i = 0
            while i < len(word):
                if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                    out.append(joined)
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            words[index] = out
    return merges


def tokenizer_vocabulary() -> tuple[list[str], list[int], list[str]]:
    """(tokens, token types, merges as 'left right') of the tiny model; ids are list positions."""
    merges = _learn_merges(VOCAB_SIZE - len(SPECIAL_TOKENS) - 256)
    tokens = [*SPECIAL_TOKENS, *(BYTE_TO_CHAR[b] for b in range(256)), *(a + b for a, b in merges)]
    types = [TOKEN_TYPE_CONTROL] * len(SPECIAL_TOKENS) + [TOKEN_TYPE_NORMAL] * (len(tokens) - len(SPECIAL_TOKENS))
    return tokens, types, [f"{a} {b}" for a, b in merges]


def _emittable(token: str, token_type: int, complete_utf8_only: bool) -> bool:
    if token_type != TOKEN_TYPE_NORMAL:
        return False
    if not complete_utf8_only:
        return True
    try:
        text = token_bytes(token).decode("utf-8")
    except UnicodeDecodeError:
        return False
    # No control characters (a NUL would cut C strings short); a newline is fine.
    return all(c == "\n" or unicodedata.category(c) != "Cc" for c in text)


def make_tiny_gguf(path: Path, seed: int = 0, *, complete_utf8_only: bool = True) -> Path:
    """Write the tiny llama GGUF to `path` (parent folders are created) and return `path`."""
    import gguf  # imported here: only tests that build a model need the package

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tokens, types, merges = tokenizer_vocabulary()
    vocab = len(tokens)
    rng = np.random.RandomState(seed)
    head_dim = HIDDEN // HEADS

    def matrix(rows: int, cols: int, scale: float) -> np.ndarray:
        return (rng.standard_normal((rows, cols)) * scale).astype(np.float16)

    # Channel 0 of the residual stream is a constant 4.0 (the "bias" channel, see module doc).
    embedding = matrix(vocab, HIDDEN, 1.0)
    embedding[:, 0] = 4.0
    output = matrix(vocab, HIDDEN, 1.0)
    output[:, 0] = 0.0
    for token_id, (token, token_type) in enumerate(zip(tokens, types)):
        if not _emittable(token, token_type, complete_utf8_only):
            output[token_id, 0] = -200.0

    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("genai-interop tiny llama")
    writer.add_file_type(FILE_TYPE_MOSTLY_F16)
    writer.add_context_length(CONTEXT)
    writer.add_embedding_length(HIDDEN)
    writer.add_feed_forward_length(FEED_FORWARD)
    writer.add_block_count(LAYERS)
    writer.add_head_count(HEADS)
    writer.add_head_count_kv(KV_HEADS)
    writer.add_rope_dimension_count(head_dim)
    writer.add_rope_freq_base(10000.0)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(vocab)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges(merges)
    writer.add_bos_token_id(BOS_ID)
    writer.add_eos_token_id(EOS_ID)
    writer.add_add_bos_token(False)
    writer.add_chat_template(CHAT_TEMPLATE)

    writer.add_tensor("token_embd.weight", embedding)
    for layer in range(LAYERS):
        attn_output = matrix(HIDDEN, HIDDEN, 0.3)
        ffn_down = matrix(HIDDEN, FEED_FORWARD, 0.3)
        attn_output[0, :] = 0.0  # nothing writes to the bias channel
        ffn_down[0, :] = 0.0
        writer.add_tensor(f"blk.{layer}.attn_norm.weight", np.ones(HIDDEN, dtype=np.float32))
        writer.add_tensor(f"blk.{layer}.attn_q.weight", matrix(HIDDEN, HIDDEN, 0.3))
        writer.add_tensor(f"blk.{layer}.attn_k.weight", matrix(KV_HEADS * head_dim, HIDDEN, 0.3))
        writer.add_tensor(f"blk.{layer}.attn_v.weight", matrix(KV_HEADS * head_dim, HIDDEN, 0.3))
        writer.add_tensor(f"blk.{layer}.attn_output.weight", attn_output)
        writer.add_tensor(f"blk.{layer}.ffn_norm.weight", np.ones(HIDDEN, dtype=np.float32))
        writer.add_tensor(f"blk.{layer}.ffn_gate.weight", matrix(FEED_FORWARD, HIDDEN, 0.3))
        writer.add_tensor(f"blk.{layer}.ffn_up.weight", matrix(FEED_FORWARD, HIDDEN, 0.3))
        writer.add_tensor(f"blk.{layer}.ffn_down.weight", ffn_down)
    writer.add_tensor("output_norm.weight", np.ones(HIDDEN, dtype=np.float32))
    writer.add_tensor("output.weight", output)

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
