package io.sensorium.processors.vad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.ingest.audio.AudioDecoder;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Silero VAD in Java against Silero's own OnnxWrapper through onnxruntime in Python, and the speech regions against
 * faster-whisper's get_speech_timestamps (models/tools/silero_vad_reference.py, fixture models/fixtures/vad/).
 */
class SileroVadTest {
    private static final SensoriumConfig.VadOptions DEFAULTS = new SensoriumConfig.VadOptions(0.5, null, 250, 2000, 400);

    @Test
    void jfkProbabilitiesAndRegionsEqualTheReference() throws Exception {
        short[] pcm = AudioDecoder.decodeAll(fixture("audio/jfk.wav"), 16_000);
        List<String> reference = Files.readAllLines(fixture("vad/jfk.wav.txt"));
        float[] probabilities = streamed(pcm, 16_000);

        assertThat(probabilities).hasSize(reference.size() - 1);
        for (int i = 0; i < probabilities.length; i++) {
            assertThat(probabilities[i]).as("window %d", i).isCloseTo(Float.parseFloat(reference.get(i + 1)), within(1e-4f));
        }
        SpeechRegions regions = new SpeechRegions(DEFAULTS);
        regions.accept(probabilities);
        regions.finish(pcm.length);
        assertThat(regions.regions()).extracting(r -> r[0] + "-" + r[1])
                .containsExactly(reference.get(0).substring("regions ".length()).split(" "));
    }

    @Test
    void jfkSpeechRunsFromAboutAThirdOfASecondToTenAndAHalf() throws Exception {
        short[] pcm = AudioDecoder.decodeAll(fixture("audio/jfk.wav"), 16_000);
        float[] probabilities = streamed(pcm, 16_000);
        int first = 0;
        while (probabilities[first] < 0.5) {
            first++;
        }
        assertThat(first * 512 / 16_000.0).isCloseTo(0.3, within(0.1));
        int speech = 0;
        int from = window(0.4);
        int to = window(10.4);
        for (int i = from; i < to; i++) {
            speech += probabilities[i] >= 0.5 ? 1 : 0;
        }
        assertThat(speech).as("speech windows from 0.4 to 10.4 s").isGreaterThan((to - from) * 2 / 3);
        int end = window(10.4);
        while (probabilities[end] >= 0.35) {
            end++;
        }
        assertThat(end * 512 / 16_000.0).as("where speech falls silent").isCloseTo(10.6, within(0.15));
    }

    private static int window(double seconds) {
        return (int) (seconds * 16_000 / 512);
    }

    @Test
    void silenceAndNoiseHaveNoSpeech() {
        short[] noise = new short[30 * 16_000];
        Random random = new Random(7);
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (short) Math.round(random.nextGaussian() * 3277);
        }
        for (short[] pcm : new short[][] {new short[60 * 16_000], noise}) {
            SpeechRegions regions = new SpeechRegions(DEFAULTS);
            regions.accept(streamed(pcm, 16_000));
            regions.finish(pcm.length);
            assertThat(regions.regions()).isEmpty();
            assertThat(regions.nextSpeech(0)).isEqualTo(Long.MAX_VALUE);
        }
    }

    @Test
    void chunkingAndRestartsDoNotChangeTheProbabilities() throws Exception {
        short[] pcm = AudioDecoder.decodeAll(fixture("audio/jfk.wav"), 16_000);
        float[] whole = streamed(pcm, pcm.length);
        for (int chunk : new int[] {1_000, 511, 513, 16_000}) {
            assertThat(streamed(pcm, chunk)).as("chunks of " + chunk).containsExactly(whole);
        }
        StreamingVad first = new StreamingVad(SileroVad.shared());
        float[] head = first.accept(Arrays.copyOfRange(pcm, 0, 50_001));
        StreamingVad resumed = StreamingVad.restore(SileroVad.shared(), first.snapshot());
        float[] tail = concat(resumed.accept(Arrays.copyOfRange(pcm, 50_001, pcm.length)), resumed.finish());
        assertThat(concat(head, tail)).containsExactly(whole);
    }

    @Test
    void regionsFoundIncrementallyEqualThoseOfTheWholeStream() throws Exception {
        short[] pcm = AudioDecoder.decodeAll(fixture("audio/jfk.wav"), 16_000);
        short[] silenceJfkSilenceJfk = new short[3 * pcm.length + 3 * 16_000];
        System.arraycopy(pcm, 0, silenceJfkSilenceJfk, 3 * 16_000, pcm.length);
        System.arraycopy(pcm, 0, silenceJfkSilenceJfk, 2 * pcm.length + 3 * 16_000, pcm.length);
        float[] probabilities = streamed(silenceJfkSilenceJfk, 16_000);
        SpeechRegions whole = new SpeechRegions(DEFAULTS);
        whole.accept(probabilities);
        whole.finish(silenceJfkSilenceJfk.length);

        SpeechRegions incremental = new SpeechRegions(DEFAULTS);
        for (int from = 0; from < probabilities.length; from += 7) {
            float[] part = Arrays.copyOfRange(probabilities, from, Math.min(probabilities.length, from + 7));
            incremental = SpeechRegions.restore(DEFAULTS, incremental.snapshot());
            incremental.accept(part);
            assertThat(incremental.nextSpeech(0)).as("nothing is skipped before it is known")
                    .isLessThanOrEqualTo(whole.nextSpeech(0));
        }
        incremental.finish(silenceJfkSilenceJfk.length);
        assertThat(incremental.regions()).hasSize(2).usingRecursiveComparison().isEqualTo(whole.regions());
        long firstEnd = whole.regions().get(0)[1];
        assertThat(whole.overlaps(firstEnd, whole.regions().get(1)[0] - 1)).isFalse();
        assertThat(whole.overlaps(firstEnd - 1, firstEnd - 1)).isTrue();
        assertThat(whole.nextSpeech(firstEnd)).isEqualTo(whole.regions().get(1)[0]);
    }

    private static float[] streamed(short[] pcm, int chunk) {
        StreamingVad vad = new StreamingVad(SileroVad.shared());
        float[] probabilities = new float[0];
        for (int start = 0; start < pcm.length; start += chunk) {
            probabilities = concat(probabilities, vad.accept(Arrays.copyOfRange(pcm, start, Math.min(pcm.length, start + chunk))));
        }
        return concat(probabilities, vad.finish());
    }

    private static float[] concat(float[] a, float[] b) {
        float[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(SileroVadTest.class.getResource("/fixtures/" + name).toURI());
    }
}
