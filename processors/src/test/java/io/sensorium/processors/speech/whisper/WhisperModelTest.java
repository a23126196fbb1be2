package io.sensorium.processors.speech.whisper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import io.sensorium.processors.onnx.ModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A missing or mismatched model file fails at load with the file and the problem named. */
class WhisperModelTest {
    private static final WhisperModel.Options CPU = WhisperModel.Options.cpu(1);

    @Test
    void loadsThePairWhenBothLayoutsArePresent() {
        try (WhisperModel model = WhisperModel.load(Fixtures.randomWhisper(), CPU)) {
            assertThat(model.melBins()).isEqualTo(80);
            assertThat(model.decoderLayers()).isEqualTo(2);
            assertThat(model.merged()).isFalse();
        }
    }

    @Test
    void loadsTheMergedDecoderAlone(@TempDir Path dir) throws Exception {
        Path copy = Fixtures.copyFixture(dir);
        Files.delete(copy.resolve("onnx/decoder_model.onnx"));
        Files.delete(copy.resolve("onnx/decoder_with_past_model.onnx"));
        try (WhisperModel model = WhisperModel.load(copy, CPU)) {
            assertThat(model.merged()).isTrue();
        }
    }

    @Test
    void missingEncoderIsNamed(@TempDir Path dir) throws Exception {
        Path copy = Fixtures.copyFixture(dir);
        Files.delete(copy.resolve("onnx/encoder_model.onnx"));
        assertThatThrownBy(() -> WhisperModel.load(copy, CPU)).isInstanceOf(ModelException.class)
                .hasMessageContaining("lacks onnx/encoder_model.onnx");
    }

    @Test
    void missingHalfOfThePairIsNamed(@TempDir Path dir) throws Exception {
        Path copy = Fixtures.copyFixture(dir);
        Files.delete(copy.resolve("onnx/decoder_with_past_model.onnx"));
        Files.delete(copy.resolve("onnx/decoder_model_merged.onnx"));
        assertThatThrownBy(() -> WhisperModel.load(copy, CPU)).isInstanceOf(ModelException.class)
                .hasMessageContaining("lacks onnx/decoder_with_past_model.onnx");
    }

    @Test
    void corruptGraphIsNamed(@TempDir Path dir) throws Exception {
        Path copy = Fixtures.copyFixture(dir);
        Files.write(copy.resolve("onnx/decoder_model.onnx"), new byte[] {8, 1, 18, 3, 'x', 'y'});
        assertThatThrownBy(() -> WhisperModel.load(copy, CPU)).isInstanceOf(ModelException.class)
                .hasMessageContaining("onnx/decoder_model.onnx is not a loadable ONNX graph");
    }

    @Test
    void badJsonIsNamed(@TempDir Path dir) throws Exception {
        Path copy = Fixtures.copyFixture(dir);
        Files.writeString(copy.resolve("generation_config.json"), "{\"decoder_start_token_id\": ");
        assertThatThrownBy(() -> WhisperModel.load(copy, CPU)).isInstanceOf(ModelException.class)
                .hasMessageContaining("generation_config.json is not readable JSON");
    }

    @Test
    void melBinsMismatchWithThePreprocessorIsNamed(@TempDir Path dir) throws Exception {
        Path copy = Fixtures.copyFixture(dir);
        replace(copy.resolve("config.json"), "\"num_mel_bins\": 80", "\"num_mel_bins\": 128");
        assertThatThrownBy(() -> WhisperModel.load(copy, CPU)).isInstanceOf(ModelException.class)
                .hasMessageContaining("preprocessor_config.json has feature_size 80 but config.json has num_mel_bins 128");
    }

    @Test
    void melBinsMismatchWithTheEncoderIsNamed(@TempDir Path dir) throws Exception {
        Path copy = Fixtures.copyFixture(dir);
        replace(copy.resolve("config.json"), "\"num_mel_bins\": 80", "\"num_mel_bins\": 128");
        replace(copy.resolve("preprocessor_config.json"), "\"feature_size\": 80", "\"feature_size\": 128");
        assertThatThrownBy(() -> WhisperModel.load(copy, CPU)).isInstanceOf(ModelException.class)
                .hasMessageContaining("onnx/encoder_model.onnx has input input_features of shape [-1, 80, 3000]")
                .hasMessageContaining("num_mel_bins");
    }

    @Test
    void graphsWithOtherLayersThanTheConfigAreNamed(@TempDir Path dir) throws Exception {
        Path copy = Fixtures.copyFixture(dir);
        replace(copy.resolve("config.json"), "\"decoder_layers\": 2", "\"decoder_layers\": 3");
        assertThatThrownBy(() -> WhisperModel.load(copy, CPU)).isInstanceOf(ModelException.class)
                .hasMessageContaining("onnx/decoder_model.onnx does not fit config.json (3 decoder layers)")
                .hasMessageContaining("missing outputs [present.2.decoder.key");
        assertThatThrownBy(() -> WhisperModel.load(copy, CPU.withDecoderGraphs(WhisperModel.DecoderGraphs.MERGED)))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("onnx/decoder_model_merged.onnx does not fit config.json (3 decoder layers)")
                .hasMessageContaining("missing inputs [past_key_values.2.decoder.key");
    }

    @Test
    void vocabularyMismatchIsNamed(@TempDir Path dir) throws Exception {
        Path copy = Fixtures.copyFixture(dir);
        replace(copy.resolve("config.json"), "\"vocab_size\": 51864", "\"vocab_size\": 51865");
        assertThatThrownBy(() -> WhisperModel.load(copy, CPU)).isInstanceOf(ModelException.class)
                .hasMessageContaining("output logits of shape [-1, -1, 51864]");
    }

    @Test
    void cudaWithoutTheProviderIsExplained() {
        org.junit.jupiter.api.Assumptions.assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA));
        assertThatThrownBy(() -> WhisperModel.load(Fixtures.randomWhisper(), WhisperModel.Options.forDevice("cuda", 1)))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("no CUDA execution provider");
    }

    @Test
    void unknownDeviceIsNamed() {
        assertThatThrownBy(() -> WhisperModel.Options.forDevice("tpu", 1)).isInstanceOf(ModelException.class)
                .hasMessageContaining("unknown device 'tpu'");
    }

    private static void replace(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        assertThat(text).contains(from);
        Files.writeString(file, text.replace(from, to));
    }

    @Test
    void anExportOfTransformersTakesWholeWindowsOnlyAndSaysSoForAShortOne() {
        try (WhisperModel model = Fixtures.randomWhisper(WhisperModel.DecoderGraphs.AUTO)) {
            assertThat(model.encodesShortInput()).isFalse();
            assertThatThrownBy(() -> new WhisperEncoder(model).encode(new float[1000][80]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the encoder of whisper-tiny-random takes windows of 3000 frames, not 1000");
        }
    }
}
