"""Make a tiny random Whisper model and export it to OpenVINO IR (run by the model venv's Python).

    python tiny_whisper.py OUT_DIR

Offline: every object is built here (no hub access). What OpenVINO GenAI 2026.3 needs, as measured
(../../../../shared/NOTES.md, "Tiny random Whisper and VLM models"):
- `max_source_positions` 1500 (GenAI feeds 3000 mel frames per 30 s chunk), untied output matrix;
- special tokens contiguous, then the 1501 timestamp tokens added LAST and not special (GenAI takes
  them to start at no_timestamps_token_id + 1);
- the output rows of timestamp tokens damped (x0.5; zero rows make timestamp decoding crawl), and
  every byte token that is not printable ASCII suppressed (partial UTF-8 in the output crashed a
  pipeline made with word_timestamps);
- alignment heads in the generation config (word timestamps need them);
- `convert_tokenizer=True` on export, or no tokenizer IRs are written.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch  # noqa: E402
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers  # noqa: E402
from transformers import (  # noqa: E402
    GenerationConfig,
    WhisperConfig,
    WhisperFeatureExtractor,
    WhisperForConditionalGeneration,
    WhisperTokenizer,
)

SEED = 0
BPE_VOCAB = 320
LANGUAGES = ("en", "de", "fr", "es")
# The pipeline's default limit (the C API cannot set it on a Whisper config): keeps runs short.
MAX_NEW_TOKENS = 24
CORPUS = [
    "the quick brown fox jumps over the lazy dog",
    "hello world this is a tiny speech model for tests",
    "one two three four five six seven eight nine ten",
    "speech to text turns sound into words and words into sentences",
    "good morning good evening how are you today",
] * 20


def byte_level_bpe(folder: Path) -> tuple[Path, Path]:
    """vocab.json and merges.txt of a byte-level BPE trained on CORPUS."""
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=BPE_VOCAB, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  show_progress=False)
    tokenizer.train_from_iterator(CORPUS, trainer)
    folder.mkdir(parents=True, exist_ok=True)
    vocab, merges = tokenizer.model.save(str(folder))
    return Path(vocab), Path(merges)


def printable_ascii(token: str) -> bool:
    """Whether a byte-level token decodes to printable ASCII only (space included)."""
    alphabet = {c: b for b, c in bytes_to_unicode().items()}
    try:
        data = bytes(alphabet[c] for c in token)
    except KeyError:
        return False
    return all(0x20 <= b < 0x7F for b in data)


def bytes_to_unicode() -> dict[int, str]:
    printable = [*range(ord("!"), ord("~") + 1), *range(0xA1, 0xAC + 1), *range(0xAE, 0xFF + 1)]
    mapping = {b: chr(b) for b in printable}
    extra = 0
    for b in range(256):
        if b not in mapping:
            mapping[b] = chr(256 + extra)
            extra += 1
    return mapping


def main(out: Path) -> None:
    torch.manual_seed(SEED)
    work = out.parent / (out.name + ".src")
    vocab_file, merges_file = byte_level_bpe(work / "bpe")
    tokenizer = WhisperTokenizer(str(vocab_file), str(merges_file), unk_token="<|endoftext|>",
                                 bos_token="<|endoftext|>", eos_token="<|endoftext|>", pad_token="<|endoftext|>")
    base_vocab = len(json.loads(vocab_file.read_text()))
    specials = ["<|endoftext|>", "<|startoftranscript|>", *[f"<|{lang}|>" for lang in LANGUAGES],
                "<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>", "<|nospeech|>",
                "<|notimestamps|>"]
    tokenizer.add_special_tokens({"additional_special_tokens": specials[1:]})
    timestamps = [f"<|{i * 0.02:.2f}|>" for i in range(1501)]
    tokenizer.add_tokens(timestamps)  # not special, and last
    ids = {token: tokenizer.convert_tokens_to_ids(token) for token in specials}
    assert [ids[t] for t in specials] == list(range(base_vocab, base_vocab + len(specials))), ids
    no_timestamps = ids["<|notimestamps|>"]
    assert tokenizer.convert_tokens_to_ids("<|0.00|>") == no_timestamps + 1
    vocab_size = len(tokenizer)
    eos = ids["<|endoftext|>"]
    sot = ids["<|startoftranscript|>"]
    suppress = [i for token, i in tokenizer.get_vocab().items() if i < base_vocab and not printable_ascii(token)]
    suppress += [ids["<|startoflm|>"], ids["<|startofprev|>"], ids["<|nospeech|>"], ids["<|translate|>"],
                 ids["<|transcribe|>"]]
    suppress = sorted(set(suppress))

    config = WhisperConfig(
        vocab_size=vocab_size, num_mel_bins=80, d_model=64, encoder_layers=2, decoder_layers=2,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=128, decoder_ffn_dim=128,
        max_source_positions=1500, max_target_positions=448, decoder_start_token_id=sot,
        bos_token_id=eos, eos_token_id=eos, pad_token_id=eos, suppress_tokens=suppress,
        begin_suppress_tokens=[eos], tie_word_embeddings=False,
    )
    model = WhisperForConditionalGeneration(config).eval()
    with torch.no_grad():
        model.proj_out.weight[no_timestamps + 1:] *= 0.5
    generation = GenerationConfig(
        decoder_start_token_id=sot, bos_token_id=eos, eos_token_id=eos, pad_token_id=eos,
        no_timestamps_token_id=no_timestamps, prev_sot_token_id=ids["<|startofprev|>"],
        max_initial_timestamp_index=50, is_multilingual=True, max_length=448, max_new_tokens=MAX_NEW_TOKENS,
        lang_to_id={f"<|{lang}|>": ids[f"<|{lang}|>"] for lang in LANGUAGES},
        task_to_id={"transcribe": ids["<|transcribe|>"], "translate": ids["<|translate|>"]},
        alignment_heads=[[1, 0], [1, 1]], suppress_tokens=suppress, begin_suppress_tokens=[eos],
    )
    model.generation_config = generation
    source = work / "hf"
    model.save_pretrained(source)
    tokenizer.save_pretrained(source)
    WhisperFeatureExtractor(feature_size=80).save_pretrained(source)

    from optimum.exporters.openvino import main_export

    main_export(model_name_or_path=str(source), output=str(out), task="automatic-speech-recognition-with-past",
                framework="pt", local_files_only=True, convert_tokenizer=True)
    needed = ["openvino_encoder_model.xml", "openvino_decoder_model.xml", "openvino_tokenizer.xml",
              "openvino_detokenizer.xml", "generation_config.json", "preprocessor_config.json"]
    missing = [name for name in needed if not (out / name).exists()]
    if missing:
        raise SystemExit(f"export wrote no {missing} in {out}: {sorted(p.name for p in out.iterdir())}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
