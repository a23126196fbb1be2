package io.sensorium.core.kafka;

import io.sensorium.core.files.TempDirectories;
import io.sensorium.core.config.SensoriumConfig;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one stage's topology as its own Kafka Streams application ({@code <prefix>-<stage>}). */
public final class StreamsStage implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsStage.class);

    /**
     * The consumers' fetch.max.wait.ms. Closing a consumer waits behind its pending long-poll fetch: with Kafka's
     * 500 ms default each consumer's close took half a second of a short run. A fetch is answered as soon as records
     * arrive either way, so latency does not change; an idle consumer asks ten times a second instead of twice.
     */
    public static final int FETCH_MAX_WAIT_MS = 100;
    /**
     * The longest a stage holds a record it wrote before its readers can have it: its commit interval under
     * exactly-once (readers see a transaction's records once it commits), its producers' linger.ms otherwise. Kafka
     * Streams' defaults for both, set here so that what waits on a stage's answers can allow for them.
     */
    public static final int HOLD_MS = 100;
    /**
     * Within the broker's transaction.max.timeout.ms (15 min by default); what a crashed thread left open blocks its
     * readers this long at most.
     */
    private static final int TRANSACTION_TIMEOUT_MS = 60_000;
    /** Within the broker's group.min.session.timeout.ms (6 s) and at least three heartbeats (3 s apart) long. */
    private static final int SESSION_TIMEOUT_MS = 10_000;

    /** How long a stage may take to commit, close its clients and leave its group. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    /** Instances of stages this JVM has made, which numbers their static group members. */
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final String stage;
    private final KafkaStreams streams;
    /** Kafka Streams' own metrics and its clients' (consumer lag among them), as meters tagged with the stage. */
    private final KafkaStreamsMetrics metrics;
    /** The state directory this stage made for itself (none was configured), removed when it closes; else null. */
    private final Path ownStateDir;
    private final CountDownLatch running = new CountDownLatch(1);
    private volatile Throwable failure;
    /** Whether the stage runs on the in-process broker, which ends with the command that started it. */
    private final boolean embedded;
    /** Whether it was started, and so may have members in its group. */
    private volatile boolean started;

    public StreamsStage(String stage, Topology topology, SensoriumConfig.Kafka kafka, KafkaConnection connection) {
        this.stage = stage;
        this.embedded = kafka.embedded();
        this.ownStateDir = kafka.stateDir() == null || kafka.stateDir().isBlank() ? TempDirectories.create("state-" + stage) : null;
        try {
            this.streams = new KafkaStreams(topology, new StreamsConfig(connection.clientConfig(properties(stage, kafka,
                    ownStateDir != null ? ownStateDir.toString() : kafka.stateDir()))));
        } catch (RuntimeException e) {
            if (ownStateDir != null) {
                TempDirectories.delete(ownStateDir);
            }
            throw e;
        }
        this.metrics = new KafkaStreamsMetrics(streams, Tags.of("stage", stage));
        metrics.bindTo(Metrics.globalRegistry);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        streams.setUncaughtExceptionHandler(error -> {
            failure = error;
            LOG.error("stage {} stopped: {}", stage, error.getMessage(), error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    }

    /** The application's own settings, but for where its cluster is and how to reach it. */
    private static Map<String, Object> properties(String stage, SensoriumConfig.Kafka kafka, String stateDir) {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId(kafka, stage));
        // A static member (Kafka Streams numbers each thread's) can leave its group when it closes, so that a stopped
        // instance's partitions go to the others at once instead of after its session timeout (45 s); a dynamic one
        // cannot. Unique per instance: two on one host, or in one JVM, must not fence each other.
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
                applicationId(kafka, stage) + "-" + hostName() + "-" + ProcessHandle.current().pid() + "-"
                        + INSTANCES.incrementAndGet());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, kafka.processingGuarantee());
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), HOLD_MS);
        if (!kafka.processingGuarantee().equals(StreamsConfig.AT_LEAST_ONCE)) {
            props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, HOLD_MS);
        }
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir);
        if (kafka.streamThreads() < 1) {
            throw new IllegalStateException("kafka.stream-threads is 0 (the command's choice) but no command chose");
        }
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, kafka.streamThreads());
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, kafka.standbyReplicas());
        // The changelogs hold the streams' state: replicated as the topics Sensorium creates are (-1 both ways: the
        // broker's default).
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) kafka.replicationFactor());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // Inference of a 30 s window may take seconds on a small CPU; a fetch of many windows must not
        // exceed the poll interval and get the instance thrown out of its group.
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 100);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG), 600_000);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), FETCH_MAX_WAIT_MS);
        // An instance killed outright (no leave) keeps its partitions until its session times out: Kafka's 45 s would
        // be the failover time. Heartbeats come from the consumer's own thread, so a long model run does not miss one.
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), SESSION_TIMEOUT_MS);
        // Under exactly-once a transaction holds what a stream thread did since its last commit, and Kafka Streams
        // gives it 10 s: a thread whose record waits for the model behind the windows of several others can take
        // longer, and its transaction would be aborted and the thread fenced (with 4 live streams on 2 cores).
        props.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), TRANSACTION_TIMEOUT_MS);
        if (kafka.embedded()) {
            // Joining the group, getting a producer id and restoring the (empty) stores each wait out a 100 ms
            // back-off or idle poll on the way: half a second of a one-shot run on the in-process broker, which
            // answers within a millisecond. A cluster keeps Kafka's defaults.
            props.put(StreamsConfig.RETRY_BACKOFF_MS_CONFIG, 10);
            props.put(StreamsConfig.POLL_MS_CONFIG, 10);
        }
        return props;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** A stage's Kafka Streams application id, which is also its consumer group's id. */
    public static String applicationId(SensoriumConfig.Kafka kafka, String stage) {
        return kafka.applicationIdPrefix() + "-" + stage;
    }

    /** Starts the application and waits until it has joined its group and is processing. */
    public void start(Duration timeout) {
        begin();
        awaitRunning(timeout);
    }

    /** Starts the application without waiting, so that several can join their groups at the same time. */
    public void begin() {
        started = true;
        streams.start();
    }

    public void awaitRunning(Duration timeout) {
        try {
            if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("stage " + stage + " did not reach RUNNING within " + timeout
                        + (failure == null ? "" : ": " + failure.getMessage()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting stage " + stage, e);
        }
    }

    /** Processing: not starting, rebalancing, restoring state or stopping. */
    public boolean ready() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    public boolean failed() {
        return failure != null || streams.state() == KafkaStreams.State.ERROR;
    }

    public String stage() {
        return stage;
    }

    /** Starts shutting down without waiting, so that several stages close at once; {@link #close()} then waits. */
    public void beginClose() {
        metrics.close();
        if (embedded) {
            // Not leaving the group: the in-process broker ends with the run, and a leave is an admin request, which
            // a zero timeout fails (and logs) at once.
            streams.close(Duration.ZERO);
        } else {
            // On a cluster the run's static members leave their groups, or the next run in them (and a `process`
            // stage of the same group) waits out their sessions before it gets the partitions: transcribe of jfk.wav
            // run again on one took 9.7-9.9 s, against 3.4 s the first time. The leave waits for its answer, so it
            // goes on a thread of its own; close() waits for it, as Kafka Streams' close holds the client until done.
            new Thread(this::closeAndLeave, "close-" + stage).start();
        }
    }

    @Override
    public void close() {
        try {
            // The meters first: a reading of a RocksDB store's gauges (the binder's minute by minute, or a scrape)
            // after the store has closed crashes the JVM in native code (SIGSEGV in GetIntProperty).
            metrics.close();
            // A close that beginClose() began is waited for: Kafka Streams finds it under way and waits for its end,
            // which comes after its leave.
            closeAndLeave();
        } finally {
            if (ownStateDir != null) {
                TempDirectories.delete(ownStateDir);
            }
        }
    }

    /**
     * Closes, leaving the group where there is one to leave: not a stage that never started (its members' removal
     * is refused as unknown, and logged as an error), nor on the in-process broker, which goes with the run.
     */
    private void closeAndLeave() {
        streams.close(new KafkaStreams.CloseOptions().timeout(CLOSE_TIMEOUT).leaveGroup(started && !embedded));
    }
}
