package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sensorium.core.kafka.KafkaConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A {@link StagePath}'s output topic as exactly-once judges it (committed records only): per stream, the numbers of
 * its items in the order they came, and the counts its end records give.
 */
final class StreamOutputs {
    private final Map<String, List<Long>> items = new TreeMap<>();
    private final Map<String, List<Long>> ends = new TreeMap<>();
    private final int records;

    private StreamOutputs(StagePath path, List<ConsumerRecord<String, byte[]>> output) {
        for (ConsumerRecord<String, byte[]> record : output) {
            StagePath.Item item = path.item(record.value());
            (item.end() ? ends : items).computeIfAbsent(item.stream(), s -> new ArrayList<>()).add(item.number());
        }
        this.records = output.size();
    }

    /** The output read from the start until {@code done} holds, for up to three minutes. */
    static StreamOutputs await(StagePath path, Map<String, String> settings, Predicate<StreamOutputs> done) {
        List<ConsumerRecord<String, byte[]>> read = TestPipeline.readUntil(KafkaConnection.plaintext(settings.get("kafka.bootstrap-servers")),
                path.outputTopic(settings), records -> done.test(new StreamOutputs(path, records)), Duration.ofMinutes(3));
        return new StreamOutputs(path, read);
    }

    /** Once something has come out: the first stream's first items at least. */
    static StreamOutputs awaitAny(StagePath path, Map<String, String> settings) {
        return await(path, settings, output -> output.records > 0);
    }

    /** Once {@code streams} streams have their end record. */
    static StreamOutputs awaitEnded(StagePath path, Map<String, String> settings, int streams) {
        return await(path, settings, output -> output.ended().size() >= streams);
    }

    /** Records, items and ends together. */
    int records() {
        return records;
    }

    /** The streams whose end record has come. */
    Set<String> ended() {
        return ends.keySet();
    }

    /**
     * {@code streams} streams each ended once, each with at least one item, and their items numbered from 0 without a
     * gap or a repeat, as many as the end record counts.
     */
    void assertEveryStreamOnce(int streams) {
        assertThat(ends).as("streams ended").hasSize(streams);
        ends.forEach((stream, counts) -> {
            assertThat(counts).as("end records of %s", stream).hasSize(1);
            List<Long> expected = LongStream.range(0, counts.get(0)).boxed().toList();
            assertThat(expected).as("items of %s", stream).isNotEmpty();
            assertThat(items.getOrDefault(stream, List.of())).as("items of %s, each once, in order", stream)
                    .isEqualTo(expected);
        });
    }
}
