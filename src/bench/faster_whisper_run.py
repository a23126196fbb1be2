"""The faster-whisper side of the benchmarks (vs-faster-whisper.sh, reprocess-throughput.sh): transcribes files with
faster-whisper (CTranslate2) and writes one JSON line per file. By default greedily, as Sensorium's benchmarks
decode (beam 1, no temperature fallback, no VAD, no conditioning on previous text, English).

usage: python faster_whisper_run.py CT2_DIR COMPUTE_TYPE THREADS FILE... [--language auto|CODE] [--task translate]
                                    [--fallback] [--beam-size N]
  --language  auto: detected per file (multilingual models); default en
  --task      transcribe (default) or translate
  --fallback  faster-whisper's default temperature fallback (0.0 to 1.0, best_of 5) instead of greedy only
  --beam-size beam search at temperature 0 (default 1: greedy)
"""
import argparse
import json
import time

from faster_whisper import WhisperModel


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model_dir")
    parser.add_argument("compute_type")
    parser.add_argument("threads", type=int)
    parser.add_argument("files", nargs="+")
    parser.add_argument("--language", default="en")
    parser.add_argument("--task", default="transcribe")
    parser.add_argument("--fallback", action="store_true")
    parser.add_argument("--beam-size", type=int, default=1)
    args = parser.parse_args()
    model = WhisperModel(args.model_dir, device="cpu", compute_type=args.compute_type, cpu_threads=args.threads)
    decoding = {} if args.fallback else {"best_of": 1, "temperature": 0.0}
    for path in args.files:
        started = time.perf_counter()
        segments, info = model.transcribe(path, beam_size=args.beam_size, vad_filter=False, condition_on_previous_text=False,
                                          language=None if args.language == "auto" else args.language,
                                          task=args.task, **decoding)
        segments = list(segments)
        print(json.dumps({"file": path, "seconds": time.perf_counter() - started, "duration": info.duration,
                          "language": info.language, "language_probability": round(info.language_probability, 4),
                          "text": "".join(s.text for s in segments),
                          "segments": [[round(s.start, 2), round(s.end, 2)] for s in segments]}), flush=True)


if __name__ == "__main__":
    main()
