"""Make a tiny random Qwen2-VL model and export it to OpenVINO IR (run by the model venv's Python).

    python tiny_qwen2_vl.py OUT_DIR

Offline: every object is built here (no hub access). What OpenVINO GenAI 2026.3 needs, as measured
(../shared/NOTES.md, "Tiny random Whisper and VLM models"):
- the multimodal rope sections sum to head_dim / 2; untied embeddings;
- the Qwen special tokens and a Qwen-style chat template on the tokenizer (GenAI applies the
  template and inserts the image tags itself);
- an image processor with few pixels (GenAI reads min/max_pixels from preprocessor_config.json), so
  an image costs a handful of vision tokens;
- the output rows of every token that is not printable ASCII (special tokens included) zeroed, so
  greedy text is printable and runs to max_new_tokens;
- `convert_tokenizer=True` on export, or no tokenizer IRs are written.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TQDM_DISABLE", "1")

import torch  # noqa: E402
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers  # noqa: E402
from transformers import Qwen2Tokenizer, Qwen2VLConfig, Qwen2VLForConditionalGeneration  # noqa: E402
from transformers.models.qwen2_vl.image_processing_qwen2_vl import Qwen2VLImageProcessor  # noqa: E402

SEED = 0
BPE_VOCAB = 384
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|vision_start|>", "<|vision_end|>",
            "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>"]
CORPUS = [
    "the quick brown fox jumps over the lazy dog",
    "describe the image in one sentence please",
    "a red square, a green circle and a blue triangle on a white table",
    "what is in the picture? two cats and a small dog are sitting on the grass",
    "hello world, this is a tiny vision language model made for tests",
] * 20
# Our own ChatML-style template (string contents only: GenAI puts the image tags into the prompt).
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{% if loop.first and message['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}{% endif %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


def bytes_to_unicode() -> dict[int, str]:
    printable = [*range(ord("!"), ord("~") + 1), *range(0xA1, 0xAC + 1), *range(0xAE, 0xFF + 1)]
    mapping = {b: chr(b) for b in printable}
    extra = 0
    for b in range(256):
        if b not in mapping:
            mapping[b] = chr(256 + extra)
            extra += 1
    return mapping


def printable_ascii(token: str) -> bool:
    alphabet = {c: b for b, c in bytes_to_unicode().items()}
    try:
        data = bytes(alphabet[c] for c in token)
    except KeyError:
        return False
    return all(0x20 <= b < 0x7F for b in data)


def main(out: Path) -> None:
    torch.manual_seed(SEED)
    work = out.parent / (out.name + ".src")
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.train_from_iterator(CORPUS, trainers.BpeTrainer(
        vocab_size=BPE_VOCAB, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False))
    (work / "bpe").mkdir(parents=True, exist_ok=True)
    vocab_file, merges_file = bpe.model.save(str(work / "bpe"))
    base_vocab = len(json.loads(Path(vocab_file).read_text()))
    tokenizer = Qwen2Tokenizer(vocab_file, merges_file, unk_token=None, bos_token=None,
                               eos_token="<|im_end|>", pad_token="<|endoftext|>")
    tokenizer.add_special_tokens({"additional_special_tokens": SPECIALS})
    tokenizer.chat_template = CHAT_TEMPLATE
    ids = {token: tokenizer.convert_tokens_to_ids(token) for token in SPECIALS}
    assert sorted(ids.values()) == list(range(base_vocab, base_vocab + len(SPECIALS))), ids
    vocab_size = len(tokenizer)

    text = dict(vocab_size=vocab_size, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=2048,
                rope_parameters={"rope_type": "default", "rope_theta": 10000.0, "mrope_section": [2, 3, 3]},
                bos_token_id=ids["<|endoftext|>"], eos_token_id=ids["<|im_end|>"],
                pad_token_id=ids["<|endoftext|>"], tie_word_embeddings=False)
    vision = dict(depth=2, embed_dim=32, hidden_size=64, num_heads=2, mlp_ratio=2, patch_size=14,
                  spatial_merge_size=2, temporal_patch_size=2, in_channels=3)
    config = Qwen2VLConfig(text_config=text, vision_config=vision, image_token_id=ids["<|image_pad|>"],
                           video_token_id=ids["<|video_pad|>"], vision_start_token_id=ids["<|vision_start|>"],
                           vision_end_token_id=ids["<|vision_end|>"], tie_word_embeddings=False)
    model = Qwen2VLForConditionalGeneration(config).eval()
    unwanted = [i for token, i in tokenizer.get_vocab().items() if i >= base_vocab or not printable_ascii(token)]
    with torch.no_grad():
        model.lm_head.weight[unwanted] = 0.0
    model.generation_config.eos_token_id = ids["<|im_end|>"]
    model.generation_config.pad_token_id = ids["<|endoftext|>"]
    model.generation_config.bos_token_id = ids["<|endoftext|>"]
    source = work / "hf"
    model.save_pretrained(source)
    tokenizer.save_pretrained(source)
    Qwen2VLImageProcessor(min_pixels=56 * 56, max_pixels=112 * 112).save_pretrained(source)

    from optimum.exporters.openvino import main_export

    main_export(model_name_or_path=str(source), output=str(out), task="image-text-to-text",
                framework="pt", local_files_only=True, convert_tokenizer=True)
    needed = ["openvino_language_model.xml", "openvino_text_embeddings_model.xml",
              "openvino_vision_embeddings_model.xml", "openvino_tokenizer.xml", "openvino_detokenizer.xml",
              "preprocessor_config.json", "config.json"]
    missing = [name for name in needed if not (out / name).exists()]
    if missing:
        raise SystemExit(f"export wrote no {missing} in {out}: {sorted(p.name for p in out.iterdir())}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
