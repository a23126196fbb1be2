package io.sensorium.processors.speech.whisper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sensorium.processors.onnx.SharedModels;
import org.junit.jupiter.api.Test;

/** Stream tasks share one loaded model per directory and options; the last one out closes it. */
class WhisperModelsTest {
    @Test
    void tasksShareOneModelUntilTheLastReleasesIt() {
        WhisperModel.Options options = WhisperModel.Options.cpu(1);
        int before = WhisperModels.loaded();
        SharedModels.Handle<WhisperModel> first = WhisperModels.acquire(Fixtures.randomWhisper(), options);
        SharedModels.Handle<WhisperModel> second = WhisperModels.acquire(Fixtures.randomWhisper().resolve("onnx/.."), options);
        assertThat(second.model()).isSameAs(first.model());
        assertThat(WhisperModels.loaded()).isEqualTo(before + 1);
        first.close();
        first.close();
        assertThatThrownBy(first::model).isInstanceOf(IllegalStateException.class);
        assertThat(WhisperModels.loaded()).isEqualTo(before + 1);
        second.close();
        assertThat(WhisperModels.loaded()).isEqualTo(before);
    }

    @Test
    void otherOptionsLoadAnotherModel() {
        try (SharedModels.Handle<WhisperModel> pair = WhisperModels.acquire(Fixtures.randomWhisper(), WhisperModel.Options.cpu(1));
             SharedModels.Handle<WhisperModel> merged = WhisperModels.acquire(Fixtures.randomWhisper(),
                     WhisperModel.Options.cpu(1).withDecoderGraphs(WhisperModel.DecoderGraphs.MERGED))) {
            assertThat(pair.model()).isNotSameAs(merged.model());
            assertThat(pair.model().merged()).isFalse();
            assertThat(merged.model().merged()).isTrue();
        }
    }
}
