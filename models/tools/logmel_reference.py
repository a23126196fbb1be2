"""Reference Whisper log-mel features for the parity test, computed with Whisper's own algorithm in numpy
(openai/whisper audio.py, as faster-whisper's feature_extractor.py does it without torch):
decode with the ffmpeg command exactly as whisper.audio.load_audio does (s16le, mono, 16 kHz), pad with 30 s of
zeros, STFT with a periodic Hann window (n_fft 400, hop 160, centred with reflect padding), drop the last frame,
|X|^2, Whisper's mel filters, log10(max(x, 1e-10)), clamp to max - 8, (x + 4) / 4; keep the first 3000 frames.

The ffmpeg command is the one shipped in the org.bytedeco:ffmpeg linux-x86_64 jar (it needs Debian's libpulse0),
so that the reference decodes
with the same FFmpeg (7.1.1) as the Java pipeline does through JavaCV.

usage: python models/tools/logmel_reference.py ~/.m2/repository/org/bytedeco/ffmpeg/7.1.1-1.5.12/ffmpeg-7.1.1-1.5.12-linux-x86_64.jar path/to/mel_filters.npz
writes models/fixtures/logmel/<audio file name>.f32: 3000 x 80 float32 little-endian, frame-major
"""
import os
import pathlib
import subprocess
import sys
import tempfile
import zipfile

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
N_FFT, HOP, SAMPLE_RATE, N_FRAMES = 400, 160, 16000, 3000


def ffmpeg_from_jar(jar: str, into: pathlib.Path) -> pathlib.Path:
    with zipfile.ZipFile(jar) as archive:
        for name in archive.namelist():
            if name.startswith("org/bytedeco/ffmpeg/linux-x86_64/") and not name.endswith("/"):
                target = into / pathlib.Path(name).name
                target.write_bytes(archive.read(name))
                target.chmod(0o755)
    # The jar carries libva as plain .so files; the executable asks for their sonames.
    for lib in ("libva", "libva-drm"):
        (into / f"{lib}.so.2").symlink_to(into / f"{lib}.so")
    return into / "ffmpeg"


def load_audio(ffmpeg: pathlib.Path, path: pathlib.Path) -> np.ndarray:
    cmd = [str(ffmpeg), "-nostdin", "-threads", "0", "-i", str(path), "-f", "s16le", "-ac", "1",
           "-acodec", "pcm_s16le", "-ar", str(SAMPLE_RATE), "-"]
    env = dict(os.environ, LD_LIBRARY_PATH=str(ffmpeg.parent))
    out = subprocess.run(cmd, capture_output=True, check=True, env=env).stdout
    return np.frombuffer(out, np.int16).flatten().astype(np.float64) / 32768.0


def log_mel(audio: np.ndarray, filters: np.ndarray) -> np.ndarray:
    audio = np.concatenate([audio, np.zeros(SAMPLE_RATE * 30)])
    padded = np.pad(audio, N_FFT // 2, mode="reflect")
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)
    n_frames = 1 + (len(padded) - N_FFT) // HOP
    frames = np.lib.stride_tricks.as_strided(padded, (n_frames, N_FFT), (padded.strides[0] * HOP, padded.strides[0]))
    power = np.abs(np.fft.rfft(frames * window, axis=1)) ** 2
    mel = power[:-1] @ filters.astype(np.float64).T
    log_spec = np.log10(np.maximum(mel, 1e-10))[:N_FRAMES]
    log_spec = np.maximum(log_spec, log_spec.max() - 8.0)
    return (log_spec + 4.0) / 4.0


def main(jar: str, mel_npz: str) -> None:
    filters = np.load(mel_npz)["mel_80"]
    with tempfile.TemporaryDirectory() as tmp:
        ffmpeg = ffmpeg_from_jar(jar, pathlib.Path(tmp))
        for name in ("jfk.wav", "jfk.flac"):
            audio = load_audio(ffmpeg, ROOT / "models/fixtures/audio" / name)
            features = log_mel(audio, filters).astype("<f4")
            (ROOT / "models/fixtures/logmel" / f"{name}.f32").write_bytes(features.tobytes())
            print(f"{name}: {len(audio)} samples -> {features.shape}, range [{features.min():.4f}, {features.max():.4f}]")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
