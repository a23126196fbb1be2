"""Converts Whisper's mel filter banks (mel_filters.npz from openai/whisper) to the raw little-endian float32
files the Java feature extractor loads: mel_80.f32 (80 x 201) and mel_128.f32 (128 x 201), row-major.

usage: python models/tools/export_mel_filters.py path/to/mel_filters.npz
"""
import pathlib
import sys

import numpy as np

OUT = pathlib.Path(__file__).resolve().parents[2] / "processors/src/main/resources/io/sensorium/processors/features"


def main(npz_path: str) -> None:
    filters = np.load(npz_path)
    for key in ("mel_80", "mel_128"):
        bank = filters[key].astype("<f4")
        assert bank.shape[1] == 201, bank.shape
        (OUT / f"{key}.f32").write_bytes(bank.tobytes())
        print(f"{key}: {bank.shape}, {(bank != 0).sum()} non-zero weights")


if __name__ == "__main__":
    main(sys.argv[1])
