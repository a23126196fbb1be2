package io.sensorium.processors.speech;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A missing or mismatched model file fails at load with the file named. */
class WhisperModelTest {
    @Test
    void loadsTheFixtureInThePairLayout() {
        try (WhisperModel model = WhisperModel.load(Fixtures.randomWhisper(), 1, "cpu")) {
            assertThat(model.melBins()).isEqualTo(80);
            assertThat(model.merged()).isFalse();
            assertThat(model.decoderLayers()).isEqualTo(2);
        }
    }

    @Test
    void missingEncoderIsNamed(@TempDir Path dir) throws Exception {
        Path copy = copyFixture(dir);
        Files.delete(copy.resolve("onnx/encoder_model.onnx"));
        assertThatThrownBy(() -> WhisperModel.load(copy, 1, "cpu")).isInstanceOf(ModelException.class)
                .hasMessageContaining("lacks onnx/encoder_model.onnx");
    }

    @Test
    void corruptGraphIsNamed(@TempDir Path dir) throws Exception {
        Path copy = copyFixture(dir);
        Files.write(copy.resolve("onnx/decoder_model.onnx"), new byte[] {8, 1, 18, 3, 'x', 'y'});
        assertThatThrownBy(() -> WhisperModel.load(copy, 1, "cpu")).isInstanceOf(ModelException.class)
                .hasMessageContaining("decoder_model.onnx is not a loadable ONNX graph");
    }

    @Test
    void melBinsMismatchIsNamed(@TempDir Path dir) throws Exception {
        Path copy = copyFixture(dir);
        Path config = copy.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"num_mel_bins\": 80", "\"num_mel_bins\": 128"));
        assertThatThrownBy(() -> WhisperModel.load(copy, 1, "cpu")).isInstanceOf(ModelException.class)
                .hasMessageContaining("num_mel_bins 128");
    }

    @Test
    void unknownDeviceIsNamed() {
        assertThatThrownBy(() -> WhisperModel.load(Fixtures.randomWhisper(), 1, "tpu")).isInstanceOf(ModelException.class)
                .hasMessageContaining("unknown device 'tpu'");
    }

    static Path copyFixture(Path dir) throws IOException {
        Path source = Fixtures.randomWhisper();
        Path target = dir.resolve("model");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path to = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to);
                }
            }
        }
        return target;
    }
}
