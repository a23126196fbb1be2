package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.records.JsonRecords;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The registry record: its id is the arguments', and it reads back as written, in the documented form. */
class ReprocessRunTest {
    private static String id(String to, List<String> streams, String output) {
        return ReprocessRun.id(ReprocessKind.SPEECH, "sensorium.audio", "earliest", to, streams, "whisper-tiny.en", output);
    }

    @Test
    void theSameArgumentsAreTheSameRun() {
        String run = id("now", List.of(), "sensorium.transcripts.whisper-tiny.en");
        assertThat(run).hasSize(12).isEqualTo(id("now", List.of(), "sensorium.transcripts.whisper-tiny.en"));
        assertThat(List.of(id("2026-12-01", List.of(), "sensorium.transcripts.whisper-tiny.en"),
                id("now", List.of("cam-7"), "sensorium.transcripts.whisper-tiny.en"), id("now", List.of(), "other"),
                ReprocessRun.id(ReprocessKind.VISION, "sensorium.audio", "earliest", "now", List.of(), "whisper-tiny.en",
                        "sensorium.transcripts.whisper-tiny.en"))).doesNotContain(run).doesNotHaveDuplicates();
    }

    @Test
    void theRecordReadsBackAsWritten() {
        ReprocessRun run = new ReprocessRun(ReprocessRun.SCHEMA, "3f2a9c01b7e4", "speech", "sensorium.audio",
                "2026-11-23T00:00:00Z", "now", List.of(), "whisper-base.en", "sensorium.transcripts.whisper-base.en",
                ReprocessRun.RUNNING, List.of(new PartitionRange(0, 1200, 5400, 5410)), Map.of(0, 0L));
        String json = JsonRecords.writeString(run);
        assertThat(json).isEqualTo("{\"schema\":\"reprocess-run/1\",\"run\":\"3f2a9c01b7e4\",\"kind\":\"speech\","
                + "\"input\":\"sensorium.audio\",\"from\":\"2026-11-23T00:00:00Z\",\"to\":\"now\",\"streams\":[],"
                + "\"model\":\"whisper-base.en\",\"output\":\"sensorium.transcripts.whisper-base.en\",\"status\":\"running\","
                + "\"partitions\":[{\"partition\":0,\"start\":1200,\"end\":5400,\"limit\":5410}],\"output_start\":{\"0\":0}}");
        assertThat(JsonRecords.read(JsonRecords.write(run), ReprocessRun.class)).isEqualTo(run);
        assertThat(run.withStatus(ReprocessRun.DONE).done()).isTrue();
    }
}
