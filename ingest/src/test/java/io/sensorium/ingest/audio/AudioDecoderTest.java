package io.sensorium.ingest.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AudioDecoderTest {
    static Path fixture(String name) throws Exception {
        return Path.of(AudioDecoderTest.class.getResource("/fixtures/audio/" + name).toURI());
    }

    @Test
    void decodesWavExactly() throws Exception {
        short[] samples = AudioDecoder.decodeAll(fixture("jfk.wav"), 16_000);
        byte[] wav = Files.readAllBytes(fixture("jfk.wav"));
        // 16 kHz mono PCM16 needs no conversion: the samples are the file's data chunk, bit for bit.
        assertThat(samples).hasSize(176_000);
        int dataStart = wav.length - samples.length * 2;
        short first = (short) ((wav[dataStart] & 0xFF) | (wav[dataStart + 1] << 8));
        short last = (short) ((wav[wav.length - 2] & 0xFF) | (wav[wav.length - 1] << 8));
        assertThat(samples[0]).isEqualTo(first);
        assertThat(samples[samples.length - 1]).isEqualTo(last);
    }

    @Test
    void resamplesAndDownmixesFlacAndDecodesMp3() throws Exception {
        // The same count as `ffmpeg -ar 16000`: the resampler's delay is drained at the end, not dropped.
        assertThat(AudioDecoder.decodeAll(fixture("jfk.flac"), 16_000)).hasSize(176_000);
        short[] mp3 = AudioDecoder.decodeAll(fixture("jfk.mp3"), 16_000);
        assertThat(mp3.length).isBetween(175_000, 178_000);
        assertThat(Arrays.stream(toInts(mp3)).map(Math::abs).max().orElse(0)).isGreaterThan(1000);
    }

    @Test
    void streamsInBlocks() throws Exception {
        long[] total = {0};
        int[] blocks = {0};
        AudioDecoder.decode(fixture("jfk.wav"), 16_000, block -> {
            total[0] += block.length;
            blocks[0]++;
        });
        assertThat(total[0]).isEqualTo(176_000);
        assertThat(blocks[0]).isGreaterThan(1);
    }

    @Test
    void rejectsMissingCorruptAndAudiolessFiles(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> AudioDecoder.decodeAll(dir.resolve("absent.wav"), 16_000))
                .isInstanceOf(AudioDecodingException.class).hasMessage("no such file: " + dir.resolve("absent.wav"));
        assertThatThrownBy(() -> AudioDecoder.decodeAll(dir, 16_000))
                .isInstanceOf(AudioDecodingException.class).hasMessage(dir + " is a directory, not an audio file");
        Path text = Files.writeString(dir.resolve("notes.wav"), "this is not audio at all\n".repeat(50));
        assertThatThrownBy(() -> AudioDecoder.decodeAll(text, 16_000)).isInstanceOf(AudioDecodingException.class);
        Path empty = Files.write(dir.resolve("empty.mp3"), new byte[0]);
        assertThatThrownBy(() -> AudioDecoder.decodeAll(empty, 16_000)).isInstanceOf(AudioDecodingException.class);
        byte[] flac = Files.readAllBytes(fixture("jfk.flac"));
        Path truncatedHeader = Files.write(dir.resolve("cut.flac"), Arrays.copyOf(flac, 30));
        assertThatThrownBy(() -> AudioDecoder.decodeAll(truncatedHeader, 16_000)).isInstanceOf(AudioDecodingException.class);
    }

    private static int[] toInts(short[] samples) {
        int[] ints = new int[samples.length];
        for (int i = 0; i < samples.length; i++) {
            ints[i] = samples[i];
        }
        return ints;
    }
}
