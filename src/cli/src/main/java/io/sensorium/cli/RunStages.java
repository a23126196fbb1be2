package io.sensorium.cli;

import io.sensorium.core.kafka.DeadLetters;
import io.sensorium.core.kafka.KafkaConnection;
import io.sensorium.core.kafka.StreamsStage;
import io.sensorium.core.records.RecordHeaders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The running part of a reprocessing run: the copy on a thread of its own, the stages beside it, and the output
 * followed from where the run's output begins, until every stream copied has come out (or a stop, or a failure);
 * dead letters of the stages on the run's topics are collected as problems.
 */
final class RunStages {
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration COPY_STOP = Duration.ofSeconds(30);
    private static final Duration LAG_CHECK = Duration.ofSeconds(1);

    private final KafkaConnection connection;
    private final ReprocessRun run;
    private final ReprocessKind kind;
    private final List<String> ownTopics;
    private final String deadLetters;
    private final RunProgress progress;
    private final ProgressDisplay display;
    private volatile boolean stopped;

    RunStages(KafkaConnection connection, ReprocessRun run, ReprocessKind kind, List<String> ownTopics, String deadLetters,
              RunProgress progress, ProgressDisplay display) {
        this.connection = connection;
        this.run = run;
        this.kind = kind;
        this.ownTopics = ownTopics;
        this.deadLetters = deadLetters;
        this.progress = progress;
        this.display = display;
    }

    /** Ends the run where it stands: the copy after its current transaction, the stages as they close. */
    void stop() {
        stopped = true;
    }

    /** @return the dead letters of the run's records, one line each */
    List<String> run(List<StreamsStage> stages, TopicCopy copy) throws Exception {
        ExecutorService copyThread = Executors.newSingleThreadExecutor();
        List<String> problems = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = KafkaClients.reader(connection); Admin admin = connection.admin()) {
            Map<TopicPartition, Long> earlier = follow(consumer);
            long nextLagCheck = System.nanoTime();
            stages.forEach(StreamsStage::begin);
            Future<?> copying = copyThread.submit(() -> {
                copy.run(() -> stopped);
                return null;
            });
            while (!stopped && !progress.done()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    if (record.topic().equals(run.output())) {
                        progress.output(record.key(), kind.readOutput(record.value()));
                    } else if (ownTopics.contains(RecordHeaders.text(record.headers(), DeadLetters.SOURCE_TOPIC))) {
                        problems.add(record.key() + ": " + RecordHeaders.text(record.headers(), DeadLetters.STAGE)
                                + " dead-lettered a record: " + RecordHeaders.text(record.headers(), DeadLetters.ERROR));
                    }
                }
                if (!earlier.isEmpty() && earlier.keySet().removeIf(tp -> consumer.position(tp) >= earlier.get(tp))
                        && earlier.isEmpty()) {
                    progress.caughtUp();
                }
                for (StreamsStage stage : stages) {
                    if (stage.failed()) {
                        throw new UserFacingError("stage " + stage.stage() + " failed; see the log above", UserFacingError.FAILED);
                    }
                }
                if (copying.isDone()) {
                    join(copying);
                    if (System.nanoTime() >= nextLagCheck) {
                        nextLagCheck = System.nanoTime() + LAG_CHECK.toNanos();
                        if (firstStageThrough(admin, consumer)) {
                            progress.upstreamDone();
                            // Through once is through for the run: no more asking the group coordinator.
                            nextLagCheck = Long.MAX_VALUE;
                        }
                    }
                }
                display.show(progress.lines(), false);
            }
            display.show(progress.lines(), true);
            join(copying);
        } finally {
            stopped = true;
            copyThread.shutdown();
            copyThread.awaitTermination(COPY_STOP.toSeconds(), TimeUnit.SECONDS);
            // Each stage commits and closes its producers as it shuts down: side by side, not one after another.
            stages.forEach(StreamsStage::beginClose);
            stages.forEach(StreamsStage::close);
        }
        return problems;
    }

    /**
     * The output from where this run's begins, the dead letters from now.
     *
     * @return the output's end offsets now, where what earlier processes of the run wrote ends
     */
    private Map<TopicPartition, Long> follow(KafkaConsumer<String, byte[]> consumer) {
        List<TopicPartition> output = partitions(consumer, run.output());
        List<TopicPartition> dead = partitions(consumer, deadLetters);
        List<TopicPartition> all = new ArrayList<>(output);
        all.addAll(dead);
        consumer.assign(all);
        Map<Integer, Long> start = run.outputStart();
        output.forEach(tp -> consumer.seek(tp, start.getOrDefault(tp.partition(), 0L)));
        consumer.seekToEnd(dead);
        dead.forEach(consumer::position);
        return new HashMap<>(consumer.endOffsets(output));
    }

    /**
     * Whether the run's first stage has committed the whole copy (Kafka Streams commits past a transaction's marker
     * once it has processed the records before it, so the committed offsets then equal the copy's end).
     */
    private boolean firstStageThrough(Admin admin, KafkaConsumer<String, byte[]> consumer)
            throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(
                run.applicationIdPrefix() + "-" + kind.stages().get(0)).partitionsToOffsetAndMetadata().get();
        return consumer.endOffsets(partitions(consumer, ownTopics.get(0))).entrySet().stream().allMatch(end ->
                end.getValue() == 0 || committed.get(end.getKey()) != null
                        && committed.get(end.getKey()).offset() >= end.getValue());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<String, byte[]> consumer, String topic) {
        return consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    private static void join(Future<?> copying) throws Exception {
        try {
            copying.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
