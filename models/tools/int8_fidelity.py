"""How far a Whisper conversion's int8 graphs are from its float32 ones: along float32's own greedy decoding of each
30 s window of the audio, the KL divergence of int8's next-token distribution from float32's (nats) and how often
int8 would have picked another token. Both models are directories that `./sensorium models convert` wrote (with and
without --int8), read with onnxruntime on 2 threads.

usage: python models/tools/int8_fidelity.py FLOAT32_DIR INT8_DIR [INT8_DIR...] --audio A.wav [B.wav...]
  audio: mono 16-bit WAV files (models/fixtures/audio/*.wav are), brought to 16 kHz by cutting or padding their
         spectrum; multilingual models are prompted with the language float32 detects in each window.
needs: numpy, onnxruntime
"""
import argparse
import json
import pathlib
import sys
import wave

import numpy as np
import onnxruntime as ort

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from logmel_reference import SAMPLE_RATE, log_mel  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
FILTERS = ROOT / "processors/src/main/resources/io/sensorium/processors/features"
WINDOW = SAMPLE_RATE * 30
MAX_TOKENS = 120


class Model:
    """One converted model's encoder, cross-attention and step graphs, decoding one window a token at a time."""

    def __init__(self, directory: pathlib.Path):
        options = ort.SessionOptions()
        options.intra_op_num_threads = 2
        self.encoder, self.cross, self.step = (
            ort.InferenceSession(str(directory / "onnx" / f"{graph}.onnx"), options)
            for graph in ("encoder_model", "decoder_cross_kv_model", "decoder_step_model"))
        self.outputs = [o.name for o in self.step.get_outputs()]

    def start(self, features: np.ndarray) -> None:
        states = self.encoder.run(None, {"input_features": features})[0]
        cross = dict(zip([o.name for o in self.cross.get_outputs()],
                         self.cross.run(None, {"encoder_hidden_states": states})))
        self.feeds = {i.name: cross[i.name.replace("past_key_values", "present")]
                      for i in self.step.get_inputs() if ".encoder." in i.name}
        self.restart()

    def restart(self) -> None:
        """Back to the window's first step (an empty past)."""
        for i in self.step.get_inputs():
            if ".decoder." in i.name:
                self.feeds[i.name] = np.zeros((1, i.shape[1], 0, i.shape[3]), np.float32)

    def next(self, tokens: list) -> np.ndarray:
        """The log-probabilities after `tokens` (the prompt, then one token a call)."""
        out = dict(zip(self.outputs, self.step.run(None, {
            **self.feeds, "input_ids": np.array([tokens], np.int64),
            "logits_from": np.array([len(tokens) - 1], np.int64)})))
        for name, value in out.items():
            if ".decoder." in name:
                self.feeds[name.replace("present", "past_key_values")] = value
        logits = out["logits"][0, -1].astype(np.float64)
        logits -= logits.max()
        return logits - np.log(np.exp(logits).sum())


def windows(path: pathlib.Path):
    with wave.open(str(path)) as w:
        if (w.getnchannels(), w.getsampwidth()) != (1, 2):
            raise SystemExit(f"{path}: not a mono 16-bit WAV file")
        rate = w.getframerate()
        audio = np.frombuffer(w.readframes(w.getnframes()), np.int16).astype(np.float64) / 32768.0
    if rate != SAMPLE_RATE:
        samples = len(audio) * SAMPLE_RATE // rate
        audio = np.fft.irfft(np.fft.rfft(audio), samples) * samples / len(audio)
    for start in range(0, len(audio), WINDOW):
        yield f"{path.name}@{start // SAMPLE_RATE}s", audio[start:start + WINDOW]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("float32", type=pathlib.Path)
    parser.add_argument("int8", type=pathlib.Path, nargs="+")
    parser.add_argument("--audio", type=pathlib.Path, nargs="+", required=True)
    args = parser.parse_args()
    config = json.loads((args.float32 / "config.json").read_text())
    generation = json.loads((args.float32 / "generation_config.json").read_text())
    filters = np.fromfile(FILTERS / f"mel_{config['num_mel_bins']}.f32", np.float32).reshape(config["num_mel_bins"], -1)
    reference = Model(args.float32)
    others = {str(d): Model(d) for d in args.int8}
    divergence = {d: [] for d in others}
    agreed = {d: [] for d in others}
    for name, audio in (w for path in args.audio for w in windows(path)):
        features = log_mel(audio, filters).T[None].astype(np.float32)
        for model in (reference, *others.values()):
            model.start(features)
        tokens = [generation["decoder_start_token_id"]]
        if generation.get("is_multilingual"):
            languages = generation["lang_to_id"]
            first = reference.next(tokens)
            language = max(languages, key=lambda k: first[languages[k]])
            reference.restart()
            tokens += [languages[language], generation["task_to_id"]["transcribe"]]
        for steps in range(1, MAX_TOKENS + 1):
            p = reference.next(tokens)
            token = int(p.argmax())
            for d, model in others.items():
                q = model.next(tokens)
                divergence[d].append(float((np.exp(p) * (p - q)).sum()))
                agreed[d].append(int(q.argmax()) == token)
            if token == generation["eos_token_id"]:
                break
            tokens = [token]
        print(name, steps, "steps, KL", {d: round(float(np.mean(v[-steps:])), 4) for d, v in divergence.items()},
              flush=True)
    for d in others:
        print(f"{d}: KL mean {np.mean(divergence[d]):.4f} nats, p99 {np.percentile(divergence[d], 99):.3f}, "
              f"another token at {100 * (1 - np.mean(agreed[d])):.1f}% of {len(agreed[d])} steps")


if __name__ == "__main__":
    main()
