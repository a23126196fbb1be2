package io.sensorium.processors.speech.whisper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sensorium.ingest.audio.AudioDecoder;
import io.sensorium.processors.features.LogMelSpectrogram;
import io.sensorium.processors.features.WhisperNormalization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Windows of several streams encoded and decoded together give each window exactly what it gets alone, for both
 * decoder layouts, with and without timestamps and the KV cache: jfk.wav cut at 3 s and the two reference windows
 * on the random-weight fixture. The fixture never says end-of-text on these, so here end-of-text is a token it
 * does say, early on the noise window: with timestamps the sequences end at different steps.
 */
class WhisperBatchTest {
    /** A token the random model says early on the noise window with timestamps. */
    private static final int SAID_ON_NOISE = 50227;
    private static final int MAX_NEW_TOKENS = 40;
    @TempDir
    static Path dir;
    private static WhisperModel pair;
    private static WhisperModel merged;
    private static List<float[][]> windows;
    private static int[] contentFrames;

    @BeforeAll
    static void load() throws Exception {
        Path model = Fixtures.copyFixture(dir);
        Path generation = model.resolve("generation_config.json");
        String config = Files.readString(generation);
        assertThat(config).contains("\"eos_token_id\": 50256");
        Files.writeString(generation, config.replace("\"eos_token_id\": 50256", "\"eos_token_id\": " + SAID_ON_NOISE));
        WhisperModel.Options cpu = WhisperModel.Options.cpu(1);
        pair = WhisperModel.load(model, cpu.withDecoderGraphs(WhisperModel.DecoderGraphs.PAIR));
        merged = WhisperModel.load(model, cpu.withDecoderGraphs(WhisperModel.DecoderGraphs.MERGED));
        short[] pcm = AudioDecoder.decodeAll(Fixtures.path("audio/jfk.wav"), LogMelSpectrogram.SAMPLE_RATE);
        float[] signal = new float[pcm.length];
        for (int i = 0; i < pcm.length; i++) {
            signal[i] = pcm[i] / 32768f;
        }
        float[][] frames = new LogMelSpectrogram(80).compute(signal);
        int offset = 300;
        float[][] jfk = new float[WhisperModel.WINDOW_FRAMES][];
        for (int t = 0; t < jfk.length; t++) {
            jfk[t] = offset + t < frames.length ? frames[offset + t] : silence();
        }
        WhisperNormalization.normalize(jfk);
        windows = List.of(jfk, Fixtures.referenceWindow("noise.f32"), Fixtures.referenceWindow("smooth.f32"));
        contentFrames = new int[] {frames.length - offset, WhisperModel.WINDOW_FRAMES, 2000};
    }

    private static float[] silence() {
        float[] frame = new float[80];
        Arrays.fill(frame, LogMelSpectrogram.SILENCE);
        return frame;
    }

    @AfterAll
    static void close() {
        pair.close();
        merged.close();
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (String layout : new String[] {"pair", "merged"}) {
            for (boolean timestamps : new boolean[] {true, false}) {
                for (boolean cache : new boolean[] {true, false}) {
                    cases.add(Arguments.of(layout, timestamps, cache));
                }
            }
        }
        return cases.stream();
    }

    private static WhisperModel model(String layout) {
        return layout.equals("merged") ? merged : pair;
    }

    @Test
    void batchedEncoderStatesEqualEachWindowAlone() {
        WhisperEncoder encoder = new WhisperEncoder(pair);
        try (WhisperEncoder.EncoderOutput batch = encoder.encode(windows)) {
            assertThat(batch.batch()).isEqualTo(windows.size());
            float[] all = batch.values();
            int perWindow = all.length / windows.size();
            for (int i = 0; i < windows.size(); i++) {
                try (WhisperEncoder.EncoderOutput alone = encoder.encode(windows.get(i))) {
                    float[] expected = alone.values();
                    float[] actual = Arrays.copyOfRange(all, i * perWindow, (i + 1) * perWindow);
                    double worst = 0;
                    for (int j = 0; j < expected.length; j++) {
                        worst = Math.max(worst, Math.abs(actual[j] - expected[j]));
                    }
                    assertThat(worst).as("window " + i).isLessThanOrEqualTo(1e-5);
                }
            }
        }
    }

    @ParameterizedTest(name = "decoder={0} timestamps={1} cache={2}")
    @MethodSource("cases")
    void batchedDecodingEqualsEachWindowAlone(String layout, boolean timestamps, boolean cache) {
        WhisperModel model = model(layout);
        WhisperEncoder encoder = new WhisperEncoder(model);
        WhisperDecoder decoder = new WhisperDecoder(model);
        int[] prompt = decoder.prompt(timestamps, null);
        List<WhisperDecoder.Result> batch;
        try (WhisperEncoder.EncoderOutput encoded = encoder.encode(windows)) {
            batch = decoder.decodeBatch(encoded, Collections.nCopies(windows.size(), prompt), timestamps, MAX_NEW_TOKENS, cache);
        }
        assertThat(batch).hasSize(windows.size());
        if (timestamps) {
            // Sequences that end at different steps: the ended one is carried along while the others go on.
            assertThat(batch.get(1).endOfText()).as("the noise window ends early").isTrue();
            assertThat(batch.stream().mapToInt(r -> r.tokens().length).distinct().count()).isGreaterThan(1);
        }
        for (int i = 0; i < windows.size(); i++) {
            try (WhisperEncoder.EncoderOutput encoded = encoder.encode(windows.get(i))) {
                WhisperDecoder.Result alone = decoder.decode(encoded, prompt, timestamps, MAX_NEW_TOKENS, cache);
                WhisperDecoder.Result batched = batch.get(i);
                assertThat(batched.tokens()).as("window " + i).containsExactly(alone.tokens());
                assertThat(batched.endOfText()).isEqualTo(alone.endOfText());
                assertThat(batched.sumLogprob()).isCloseTo(alone.sumLogprob(), within(1e-4));
                assertThat(batched.noSpeechProb()).isCloseTo(alone.noSpeechProb(), within(1e-6));
            }
        }
    }

    static Stream<Arguments> transcriberCases() {
        return Stream.of(Arguments.of("pair", true), Arguments.of("pair", false), Arguments.of("merged", true),
                Arguments.of("merged", false));
    }

    @ParameterizedTest(name = "decoder={0} timestamps={1}")
    @MethodSource("transcriberCases")
    void batchedTranscriptsEqualEachWindowAlone(String layout, boolean timestamps) {
        WhisperTranscriber transcriber = new WhisperTranscriber(model(layout), timestamps, MAX_NEW_TOKENS,
                TemperatureFallback.greedyOnly(-1.0, 0.6));
        List<WhisperTranscriber.Window> whole = new ArrayList<>();
        for (int i = 0; i < windows.size(); i++) {
            whole.add(WhisperTranscriber.Window.whole(windows.get(i), contentFrames[i]));
        }
        List<WhisperTranscriber.WindowTranscript> batch = transcriber.transcribeWindows(whole);
        assertThat(batch).hasSize(windows.size());
        for (int i = 0; i < windows.size(); i++) {
            WhisperTranscriber.WindowTranscript alone = transcriber.transcribeWindow(whole.get(i));
            WhisperTranscriber.WindowTranscript batched = batch.get(i);
            assertThat(batched.decoding().tokens()).as("window " + i).containsExactly(alone.decoding().tokens());
            assertThat(batched.advanceFrames()).isEqualTo(alone.advanceFrames());
            assertThat(batched.segments()).hasSameSizeAs(alone.segments());
            for (int s = 0; s < alone.segments().size(); s++) {
                WhisperTranscriber.Segment expected = alone.segments().get(s);
                WhisperTranscriber.Segment actual = batched.segments().get(s);
                assertThat(actual.start()).isEqualTo(expected.start());
                assertThat(actual.end()).isEqualTo(expected.end());
                assertThat(actual.tokens()).containsExactly(expected.tokens());
            }
        }
    }
}
