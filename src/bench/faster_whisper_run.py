"""The faster-whisper side of vs-faster-whisper.sh: transcribes files with faster-whisper (CTranslate2) greedily,
as Sensorium decodes (beam 1, no VAD, no conditioning on previous text), and writes one JSON line per file.

usage: python faster_whisper_run.py CT2_DIR COMPUTE_TYPE THREADS FILE...
"""
import json
import sys
import time

from faster_whisper import WhisperModel


def main(model_dir, compute_type, threads, files):
    model = WhisperModel(model_dir, device="cpu", compute_type=compute_type, cpu_threads=int(threads))
    for path in files:
        started = time.perf_counter()
        segments, info = model.transcribe(path, beam_size=1, best_of=1, temperature=0.0, vad_filter=False,
                                          condition_on_previous_text=False, language="en")
        segments = list(segments)
        print(json.dumps({"file": path, "seconds": time.perf_counter() - started, "duration": info.duration,
                          "text": "".join(s.text for s in segments),
                          "segments": [[round(s.start, 2), round(s.end, 2)] for s in segments]}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:])
