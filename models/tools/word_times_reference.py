"""Reference word times for src/bench/live-latency.sh: when each word of an audio file ends, from faster-whisper's
word timestamps (cross-attention alignment, about 0.1-0.2 s off on clean speech), written as a JSON list of
{"word", "start", "end"} in seconds from the start of the file.

The live benchmark measures a word's latency from its end in the audio; espeak-ng's command line gives no word
times, and jfk.wav is real speech, so one aligner serves the whole corpus.

usage: python word_times_reference.py CT2_MODEL_DIR AUDIO.wav OUT.json
"""
import json
import sys

from faster_whisper import WhisperModel


def main(model_dir, audio, out):
    model = WhisperModel(model_dir, device="cpu", compute_type="float32", cpu_threads=2)
    # Beam search and no conditioning on earlier text: the most faithful words tiny.en gives, without the
    # repetition loops that conditioning can cause on long files.
    segments, _ = model.transcribe(audio, beam_size=5, language="en", word_timestamps=True, vad_filter=False,
                                   condition_on_previous_text=False)
    words = [{"word": w.word.strip(), "start": round(w.start, 3), "end": round(w.end, 3)}
             for s in segments for w in s.words]
    with open(out, "w") as f:
        json.dump(words, f, indent=0)


if __name__ == "__main__":
    main(*sys.argv[1:4])
