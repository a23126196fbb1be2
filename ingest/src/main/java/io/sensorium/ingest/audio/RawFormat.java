package io.sensorium.ingest.audio;

/**
 * How to read audio that has no header to say it (raw PCM from {@code arecord -t raw} or {@code ffmpeg -f s16le}):
 * FFmpeg's demuxer name and the demuxer's own options, as {@code ffmpeg -f s16le -ar 16000 -ac 1 -i -} takes them.
 *
 * @param format     FFmpeg's format name: {@code s16le}, {@code f32le}, {@code mulaw}...
 * @param sampleRate samples per second; null leaves FFmpeg's default (44100 for raw PCM)
 * @param channels   interleaved channels; null leaves FFmpeg's default (1)
 */
public record RawFormat(String format, Integer sampleRate, Integer channels) {
    public RawFormat {
        if (format == null || format.isBlank()) {
            throw new IllegalArgumentException("a raw input format needs FFmpeg's name for it (s16le, f32le...)");
        }
    }
}
