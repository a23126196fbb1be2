"""Why faster-whisper's word errors on vs-faster-whisper.sh's it/es/pl clips differ from Sensorium's on the same
weights: a file's last window (each of these short clips is one) is padded to 30 s differently. openai-whisper and
transformers, whose features Sensorium's match, take the log-mel of the audio followed by silence; faster-whisper
1.2 computes the features of the audio alone and pads the window's feature matrix with zeros, which after Whisper's
scaling is not silence. This decodes each file with CTranslate2 (greedy, float32, from <|startoftranscript|>
<|LANG|> <|transcribe|>, as both tools do after detecting LANG) over its window padded each way, and prints the
texts: one line per file and padding, "PADDING<TAB>FILE<TAB>TEXT".

usage: python faster_whisper_padding.py CT2_DIR FILE:LANG...
  (the faster-whisper venv of bench-common.sh; CT2_DIR a multilingual model, e.g. base's download)
"""
import sys

import ctranslate2
import numpy as np
from faster_whisper import decode_audio
from faster_whisper.feature_extractor import FeatureExtractor
from tokenizers import Tokenizer

WINDOW_FRAMES = 3000
HOP = 160


def paddings(audio, extractor):
    """The file's first window as each tool pads it: {name: [80, 3000] features}."""
    as_openai = extractor(audio, padding=WINDOW_FRAMES * HOP)[:, :WINDOW_FRAMES]
    alone = extractor(audio)[:, :WINDOW_FRAMES]
    as_faster_whisper = np.pad(alone, ((0, 0), (0, WINDOW_FRAMES - alone.shape[1])))
    return {"openai-whisper": as_openai, "faster-whisper": as_faster_whisper}


def main():
    model_dir, files = sys.argv[1], sys.argv[2:]
    model = ctranslate2.models.Whisper(model_dir, device="cpu", compute_type="float32", intra_threads=2)
    tokenizer = Tokenizer.from_file(f"{model_dir}/tokenizer.json")
    token = tokenizer.token_to_id
    extractor = FeatureExtractor(feature_size=80)
    for spec in files:
        path, language = spec.rsplit(":", 1)
        prompt = [token("<|startoftranscript|>"), token(f"<|{language}|>"), token("<|transcribe|>")]
        for name, features in paddings(decode_audio(path), extractor).items():
            window = ctranslate2.StorageView.from_array(np.ascontiguousarray(features[None], dtype=np.float32))
            result = model.generate(window, [prompt], beam_size=1, max_initial_timestamp_index=50)
            text = tokenizer.decode([t for t in result[0].sequences_ids[0] if t < token("<|endoftext|>")])
            print(f"{name}\t{path}\t{text.strip()}", flush=True)


if __name__ == "__main__":
    main()
