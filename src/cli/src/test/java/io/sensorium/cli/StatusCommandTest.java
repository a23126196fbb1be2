package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.kafka.KafkaConnection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** After a transcription on a real broker: the speech stages' groups with nothing left to do, the vision ones never run. */
class StatusCommandTest {
    @Test
    void showsEachStagesGroupLagAndTheDeadLetters() throws Exception {
        Map<String, String> settings = TestPipeline.isolatedSettings();
        SensoriumConfig config = TestPipeline.config(settings);
        TestPipeline.CliRun transcribe = TestPipeline.cli(List.of("transcribe"), settings,
                List.of(TestPipeline.fixture("audio/jfk.wav").toString()));
        assertThat(transcribe.exit()).isZero();
        try (KafkaProducer<String, byte[]> producer = KafkaClients.producer(KafkaConnection.configured(config.kafka()))) {
            for (int i = 0; i < 2; i++) {
                producer.send(new ProducerRecord<>(config.topics().deadLetters(), "s", new byte[] {1})).get();
            }
        }

        TestPipeline.CliRun status = TestPipeline.cli(List.of("status"), settings, List.of());

        assertThat(status.exit()).isZero();
        String prefix = config.kafka().applicationIdPrefix();
        assertThat(status.stdout())
                // The one-shot run's members may still be in their groups until the broker times them out.
                .containsPattern("features +" + prefix + "-features +(Stable|Empty) +[01]  " + config.topics().audio()
                        + ": 0 records \\(3 partitions\\)")
                .containsPattern("speech +" + prefix + "-speech +(Stable|Empty) +[01]  " + config.topics().features()
                        + ": 0 records \\(3 partitions\\)")
                .containsPattern("vision +" + prefix + "-vision +never ran")
                .contains("dead letters: " + config.topics().deadLetters() + ": 2 records");
    }
}
