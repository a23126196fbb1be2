package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When `models pull` converts a model in the cache again: what its conversion mark says against this build. */
class ModelConverterTest {

    @Test
    void eightBitWeightsAreConvertedAgainWhereInt8ProductsSumIn16Bits(@TempDir Path dir) throws Exception {
        mark(dir, ModelConverter.version(), ", \"" + ModelConverter.MARK_INT8_SUMS + "\": true");
        assertThat(ModelConverter.staleness(dir, true)).isNull();
        assertThat(ModelConverter.staleness(dir, false)).contains("int8 weights in 8 bits").contains("sums them in 16");
        // Weights in 7 bits run anywhere.
        mark(dir, ModelConverter.version(), ", \"" + ModelConverter.MARK_INT8_SUMS + "\": false");
        assertThat(ModelConverter.staleness(dir, false)).isNull();
        mark(dir, ModelConverter.version(), "");
        assertThat(ModelConverter.staleness(dir, false)).isNull();
    }

    @Test
    void anEarlierConverterOrNoMarkOnTheConvertersLayoutIsConvertedAgain(@TempDir Path dir) throws Exception {
        mark(dir, ModelConverter.version() - 1, "");
        assertThat(ModelConverter.staleness(dir, true)).contains("earlier Sensorium");
        Files.delete(dir.resolve(ModelConverter.MARK));
        assertThat(ModelConverter.staleness(dir, true)).contains("earlier Sensorium");
        // A Hub model: the merged decoder, no mark.
        Files.createDirectories(dir.resolve("onnx"));
        Files.writeString(dir.resolve("onnx/decoder_model_merged.onnx"), "");
        assertThat(ModelConverter.staleness(dir, false)).isNull();
    }

    private static void mark(Path dir, int version, String more) throws Exception {
        Files.writeString(dir.resolve(ModelConverter.MARK), "{\"version\": " + version + ", \"source\": \"src\"" + more + "}");
    }
}
