package io.sensorium.processors.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.ingest.audio.AudioDecoder;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Java features against Whisper's own algorithm in numpy (models/tools/logmel_reference.py), through the path the
 * pipeline takes: FFmpeg decode, 1 s chunks through the streaming extractor, a 30 s window, Whisper's scaling.
 */
class LogMelSpectrogramParityTest {
    private static final int FRAMES = 3000;

    @ParameterizedTest
    @ValueSource(strings = {"jfk.wav", "jfk.flac"})
    void matchesWhisperReference(String file) throws Exception {
        short[] pcm = AudioDecoder.decodeAll(fixture("audio/" + file), 16_000);
        float[][] window = window(streamed(pcm, 16_000));
        WhisperNormalization.normalize(window);
        float[][] reference = reference(file);

        double worst = 0;
        for (int t = 0; t < FRAMES; t++) {
            for (int m = 0; m < 80; m++) {
                worst = Math.max(worst, Math.abs(window[t][m] - reference[t][m]));
            }
        }
        assertThat(worst).as("max abs error against Whisper's features for " + file).isLessThanOrEqualTo(1e-4);
    }

    @Test
    void chunkingDoesNotChangeTheFrames() throws Exception {
        short[] pcm = AudioDecoder.decodeAll(fixture("audio/jfk.wav"), 16_000);
        float[] signal = new float[pcm.length];
        for (int i = 0; i < pcm.length; i++) {
            signal[i] = pcm[i] / 32768f;
        }
        float[][] whole = new LogMelSpectrogram(80).compute(signal);
        for (int chunk : new int[] {1, 159, 160, 401, 16_000, 100_000}) {
            assertThat(streamed(pcm, chunk)).as("chunks of " + chunk).isDeepEqualTo(whole);
        }
    }

    @Test
    void resumesFromSnapshotMidStream() throws Exception {
        short[] pcm = AudioDecoder.decodeAll(fixture("audio/jfk.wav"), 16_000);
        LogMelSpectrogram spectrogram = new LogMelSpectrogram(80);
        StreamingLogMel first = new StreamingLogMel(spectrogram);
        List<float[]> frames = new ArrayList<>(Arrays.asList(first.accept(Arrays.copyOfRange(pcm, 0, 50_001))));
        StreamingLogMel resumed = StreamingLogMel.restore(spectrogram, first.snapshot());
        frames.addAll(Arrays.asList(resumed.accept(Arrays.copyOfRange(pcm, 50_001, pcm.length))));
        frames.addAll(Arrays.asList(resumed.finish()));
        assertThat(frames.toArray(float[][]::new)).isDeepEqualTo(streamed(pcm, 16_000));
    }

    @Test
    void streamsSharingOneSpectrogramKeepTheirOwnFrames() throws Exception {
        short[] jfk = AudioDecoder.decodeAll(fixture("audio/jfk.wav"), 16_000);
        short[] other = new short[jfk.length];
        for (int i = 0; i < jfk.length; i++) {
            other[i] = jfk[jfk.length - 1 - i];
        }
        LogMelSpectrogram shared = new LogMelSpectrogram(80);
        StreamingLogMel first = new StreamingLogMel(shared);
        StreamingLogMel second = new StreamingLogMel(shared);
        List<float[]> firstFrames = new ArrayList<>();
        List<float[]> secondFrames = new ArrayList<>();
        for (int start = 0; start < jfk.length; start += 4_001) {
            int end = Math.min(jfk.length, start + 4_001);
            firstFrames.addAll(Arrays.asList(first.accept(Arrays.copyOfRange(jfk, start, end))));
            // As the feature processor does: the state saved after each chunk, restored for the next.
            second = StreamingLogMel.restore(shared, second.snapshot());
            secondFrames.addAll(Arrays.asList(second.accept(Arrays.copyOfRange(other, start, end))));
        }
        firstFrames.addAll(Arrays.asList(first.finish()));
        secondFrames.addAll(Arrays.asList(second.finish()));
        assertThat(firstFrames.toArray(float[][]::new)).isDeepEqualTo(streamed(jfk, 16_000));
        assertThat(secondFrames.toArray(float[][]::new)).isDeepEqualTo(streamed(other, 16_000));
    }

    static float[][] streamed(short[] pcm, int chunk) {
        StreamingLogMel logMel = new StreamingLogMel(new LogMelSpectrogram(80));
        List<float[]> frames = new ArrayList<>();
        for (int start = 0; start < pcm.length; start += chunk) {
            frames.addAll(Arrays.asList(logMel.accept(Arrays.copyOfRange(pcm, start, Math.min(pcm.length, start + chunk)))));
        }
        frames.addAll(Arrays.asList(logMel.finish()));
        return frames.toArray(float[][]::new);
    }

    private static float[][] window(float[][] frames) {
        float[][] window = new float[FRAMES][];
        for (int t = 0; t < FRAMES; t++) {
            if (t < frames.length) {
                window[t] = frames[t].clone();
            } else {
                window[t] = new float[80];
                Arrays.fill(window[t], LogMelSpectrogram.SILENCE);
            }
        }
        return window;
    }

    private static float[][] reference(String file) throws Exception {
        try (InputStream in = LogMelSpectrogramParityTest.class.getResourceAsStream("/fixtures/logmel/" + file + ".f32")) {
            ByteBuffer bytes = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            float[][] reference = new float[FRAMES][80];
            for (float[] frame : reference) {
                bytes.asFloatBuffer().get(frame);
                bytes.position(bytes.position() + 80 * 4);
            }
            return reference;
        }
    }

    static Path fixture(String name) throws Exception {
        return Path.of(LogMelSpectrogramParityTest.class.getResource("/fixtures/" + name).toURI());
    }
}
