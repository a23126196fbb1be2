"""Reference Silero VAD speech probabilities and speech regions for the VAD parity test.

Probabilities: snakers4/silero-vad's OnnxWrapper (utils_vad.py) at 16 kHz, through onnxruntime on the model the
project ships: the audio in windows of 512 samples (the last one padded with zeros), each fed with the 64 samples
before it (zeros before the first) and the previous window's state. Regions: faster-whisper's get_speech_timestamps
(vad.py) with VadOptions' defaults save min_silence_duration_ms (2000, the batched pipeline's default) and
min_speech_duration_ms (250, silero's), as the project's defaults are.

usage: python models/tools/silero_vad_reference.py models/fixtures/audio/jfk.wav
writes models/fixtures/vad/<audio file name>.txt: a line "regions start-end ..." (samples), then one probability a
line
"""
import pathlib
import sys
import wave

import numpy as np
import onnxruntime

ROOT = pathlib.Path(__file__).resolve().parents[2]
MODEL = ROOT / "processors/src/main/resources/io/sensorium/processors/vad/silero_vad.onnx"
WINDOW, CONTEXT, SAMPLE_RATE = 512, 64, 16000


def probabilities(audio: np.ndarray) -> list:
    session = onnxruntime.InferenceSession(str(MODEL), providers=["CPUExecutionProvider"])
    padded = np.pad(audio, (0, -len(audio) % WINDOW))
    state = np.zeros((2, 1, 128), dtype=np.float32)
    context = np.zeros((1, CONTEXT), dtype=np.float32)
    probs = []
    for start in range(0, len(padded), WINDOW):
        x = np.concatenate([context, padded[None, start:start + WINDOW]], axis=1).astype(np.float32)
        out, state = session.run(None, {"input": x, "state": state, "sr": np.array(SAMPLE_RATE, dtype=np.int64)})
        context = x[:, -CONTEXT:]
        probs.append(float(out[0, 0]))
    return probs


def regions(probs: list, audio_length: int, threshold=0.5, min_speech_ms=250, min_silence_ms=2000,
            speech_pad_ms=400) -> list:
    """faster-whisper's get_speech_timestamps without max_speech_duration_s (infinite by default)."""
    neg_threshold = max(threshold - 0.15, 0.01)
    min_speech = SAMPLE_RATE * min_speech_ms / 1000
    pad = SAMPLE_RATE * speech_pad_ms / 1000
    min_silence = SAMPLE_RATE * min_silence_ms / 1000
    triggered, speeches, current, temp_end = False, [], {}, 0
    for i, p in enumerate(probs):
        if p >= threshold and temp_end:
            temp_end = 0
        if p >= threshold and not triggered:
            triggered = True
            current["start"] = WINDOW * i
            continue
        if p < neg_threshold and triggered:
            if not temp_end:
                temp_end = WINDOW * i
            if WINDOW * i - temp_end < min_silence:
                continue
            current["end"] = temp_end
            if current["end"] - current["start"] > min_speech:
                speeches.append(current)
            current, temp_end, triggered = {}, 0, False
    if current and audio_length - current["start"] > min_speech:
        current["end"] = audio_length
        speeches.append(current)
    for i, speech in enumerate(speeches):
        if i == 0:
            speech["start"] = int(max(0, speech["start"] - pad))
        if i != len(speeches) - 1:
            silence = speeches[i + 1]["start"] - speech["end"]
            if silence < 2 * pad:
                speech["end"] += int(silence // 2)
                speeches[i + 1]["start"] = int(max(0, speeches[i + 1]["start"] - silence // 2))
            else:
                speech["end"] = int(min(audio_length, speech["end"] + pad))
                speeches[i + 1]["start"] = int(max(0, speeches[i + 1]["start"] - pad))
        else:
            speech["end"] = int(min(audio_length, speech["end"] + pad))
    return [(s["start"], s["end"]) for s in speeches]


def main(path: str) -> None:
    with wave.open(path) as f:
        assert f.getframerate() == SAMPLE_RATE and f.getnchannels() == 1 and f.getsampwidth() == 2
        audio = np.frombuffer(f.readframes(f.getnframes()), dtype="<i2").astype(np.float32) / 32768
    probs = probabilities(audio)
    out = ROOT / "models/fixtures/vad" / (pathlib.Path(path).name + ".txt")
    lines = ["regions " + " ".join(f"{s}-{e}" for s, e in regions(probs, len(audio)))]
    lines += [f"{p:.6f}" for p in probs]
    out.write_text("\n".join(lines) + "\n")
    print(out, lines[0])


if __name__ == "__main__":
    main(sys.argv[1])
