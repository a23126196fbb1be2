package io.sensorium.core.kafka;

import io.sensorium.core.files.TempDirectories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker (KRaft, combined broker + controller), from Apache Kafka's own server code, in this JVM.
 * {@link #start()} gives the one a run uses when no {@code bootstrap.servers} is configured (and the integration
 * tests where no Docker engine is there for Testcontainers): on the loopback address only — plaintext and
 * unauthenticated, it must not offer a run's audio and transcripts to the network — its log in a temporary directory
 * removed on close. {@link #startPersistent} gives {@code sensorium broker}'s: its data kept in a directory across
 * restarts, for stages run as separate processes on one machine. {@link #start(Listener)} adds a listener that
 * wants a login or TLS, as a secured cluster's does, for the tests of Sensorium's clients against one.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String LOOPBACK = "127.0.0.1";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String PLAINTEXT_LISTENER = "PLAINTEXT";
    private static final int NODE_ID = 1;
    /** Ports are chosen free and then bound by Kafka: another process may take one in between, so try again. */
    private static final int START_ATTEMPTS = 3;

    private final KafkaRaftServer server;
    private final Storage storage;
    /** Each client listener's name and its host:port. */
    private final Map<String, String> listeners;

    private EmbeddedKafkaBroker(KafkaRaftServer server, Storage storage, Map<String, String> listeners) {
        this.server = server;
        this.storage = storage;
        this.listeners = listeners;
    }

    /**
     * A listener beside the plaintext one, at a free loopback port.
     *
     * @param name     its name, as listener settings spell it ({@code listener.name.<lower-case name>.*})
     * @param protocol SSL, SASL_PLAINTEXT or SASL_SSL
     * @param settings the broker settings it needs: its keystore, SASL mechanisms and users, ...
     */
    public record Listener(String name, SecurityProtocol protocol, Map<String, String> settings) {}

    /** A broker for this run only, at a free loopback port, its log removed on close. */
    public static EmbeddedKafkaBroker start() {
        return start(Storage::forOneRun, LOOPBACK, 0, null);
    }

    /** As {@link #start()}, also listening on {@code listener} ({@link #bootstrapServers(String)}). */
    public static EmbeddedKafkaBroker start(Listener listener) {
        return start(Storage::forOneRun, LOOPBACK, 0, listener);
    }

    /**
     * A broker whose data outlives it: its log in {@code dataDir}, formatted the first time and then kept, cluster id
     * and all, across restarts.
     *
     * @param host the address it listens on and gives its clients; the controller listens on the loopback address
     */
    public static EmbeddedKafkaBroker startPersistent(Path dataDir, String host, int port) {
        return start(() -> Storage.kept(dataDir), host, port, null);
    }

    /**
     * @param port  0 for a free one
     * @param extra a listener besides the plaintext one, or null
     */
    private static EmbeddedKafkaBroker start(Supplier<Storage> storages, String host, int port, Listener extra) {
        long began = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            Storage storage = storages.get();
            try {
                EmbeddedKafkaBroker broker = startIn(storage, host, port == 0 ? freePort(host) : port, extra);
                LOG.info("{} ready at {} in {} ms{}", storage.brokerName(), broker.bootstrapServers(),
                        (System.nanoTime() - began) / 1_000_000, storage.whereSaid());
                return broker;
            } catch (RuntimeException e) {
                storage.release();
                if (attempt == START_ATTEMPTS || !portTaken(e)) {
                    throw new IllegalStateException("cannot start the " + storage.brokerName() + ": " + e.getMessage(), e);
                }
                LOG.info("a port chosen for the {} was taken meanwhile; trying others", storage.brokerName());
            }
        }
    }

    private static EmbeddedKafkaBroker startIn(Storage storage, String host, int brokerPort, Listener extra) {
        // Each port chosen is free when asked for, then released until the broker binds it: the next one asked for
        // can be the same (CI: "two listeners on the same port", controller and broker at one number).
        Set<Integer> chosen = new HashSet<>(Set.of(brokerPort));
        String controllerAddress = address(LOOPBACK, freePortBesides(chosen));
        String logDir = storage.logDir().toString();
        Map<String, String> clientListeners = new LinkedHashMap<>();
        clientListeners.put(PLAINTEXT_LISTENER, address(host, brokerPort));
        Map<String, SecurityProtocol> protocols = new LinkedHashMap<>();
        protocols.put(PLAINTEXT_LISTENER, SecurityProtocol.PLAINTEXT);
        protocols.put(CONTROLLER_LISTENER, SecurityProtocol.PLAINTEXT);
        Properties props = new Properties();
        if (extra != null) {
            clientListeners.put(extra.name(), address(LOOPBACK, freePortBesides(chosen)));
            protocols.put(extra.name(), extra.protocol());
            props.putAll(extra.settings());
        }
        String advertised = listenerList(clientListeners);
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        props.put("listeners", advertised + "," + CONTROLLER_LISTENER + "://" + controllerAddress);
        props.put("advertised.listeners", advertised);
        props.put("listener.security.protocol.map", protocols.entrySet().stream()
                .map(protocol -> protocol.getKey() + ":" + protocol.getValue().name).collect(Collectors.joining(",")));
        props.put("inter.broker.listener.name", PLAINTEXT_LISTENER);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("controller.quorum.voters", NODE_ID + "@" + controllerAddress);
        props.put("log.dirs", logDir);
        // One broker: the internal topics that default to three replicas (offsets, transactions, share groups) must
        // make do with one, or exactly-once Kafka Streams would wait for replicas that never come; one partition each
        // (not fifty) serves the few groups and producers of one machine.
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "false");
        // Nor has it partitions to hand over before it stops: a controlled shutdown would only add a round trip to
        // the controller to every run's end. A kept log is the exception: a broker that did not say it was leaving is
        // still registered when it starts again on it, and its new registration is refused until the old one's
        // session expires (broker.session.timeout.ms, 9 s).
        props.put("controlled.shutdown.enable", Boolean.toString(!storage.temporary()));
        // The log cleaner (compacted topics: offsets, changelogs) allocates its key map on the heap at start, 128 MB
        // by default, sized for a cluster's brokers (transcribe of jfk.wav, tiny.en int8: peak RSS 1005 -> 889 MB
        // with 8 MB). Keyed by stream, group and store, one machine's compacted topics hold a few thousand keys;
        // 8 MB maps ~300,000 per cleaning pass (24 bytes each), and more take further passes rather than failing.
        props.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        KafkaConfig config = KafkaConfig.fromProps(props, false);
        formatIfNew(logDir);
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            stop(server);
            throw e;
        }
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, storage, Map.copyOf(clientListeners));
        broker.createCoordinatorTopics();
        return broker;
    }

    /** {@code NAME://host:port,...} */
    private static String listenerList(Map<String, String> listeners) {
        return listeners.entrySet().stream().map(listener -> listener.getKey() + "://" + listener.getValue())
                .collect(Collectors.joining(","));
    }

    /** {@code host:port}, with an IPv6 address in brackets as listeners and clients read it. */
    private static String address(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * Writes a new log directory's cluster and node identity, as {@code kafka-storage.sh format} does; a directory
     * that has them already keeps them, and with them its topics.
     */
    private static void formatIfNew(String logDir) {
        if (Files.exists(Path.of(logDir, MetaPropertiesEnsemble.META_PROPERTIES_NAME))) {
            return;
        }
        try {
            new Formatter()
                    // Its report goes to stderr with the logs: stdout carries nothing but transcripts and detections.
                    .setPrintStream(System.err)
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(logDir))
                    .setMetadataLogDirectory(logDir)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the broker's log directory " + logDir + ": " + e.getMessage(), e);
        }
    }

    /** A free loopback port that is none of {@code chosen}, added to them. */
    private static int freePortBesides(Set<Integer> chosen) {
        int port = freePort(LOOPBACK);
        while (!chosen.add(port)) {
            port = freePort(LOOPBACK);
        }
        return port;
    }

    private static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + host, e);
        }
    }

    private static boolean portTaken(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private static void stop(KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
    }

    /**
     * The first consumer group makes the broker create its consumer offsets topic, and the group's members wait for
     * it in back-off steps. Asking for a group's coordinator now, on a thread of its own, has the topic made while the
     * caller loads its model and builds its stages: about a quarter of a second off the stages' start. The transaction
     * state topic is left to the stages' own producers: made ahead by a transactional producer of this thread, it
     * changed nothing measurable (jfk.wav, eight runs each, medians 2.50 -> 2.51 s), as that producer's start takes
     * the cores the stages' start needs (an admin client's describeTransactions, which this asked before, does not
     * make the broker create it at all: Kafka 4.1).
     */
    private void createCoordinatorTopics() {
        Thread thread = new Thread(() -> {
            try (Admin admin = KafkaConnection.plaintext(bootstrapServers()).admin()) {
                admin.describeConsumerGroups(List.of("sensorium-coordinator-probe")).all().get();
            } catch (ExecutionException e) {
                // The group does not exist: its coordinator saying so is the success.
                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                    LOG.warn("could not create the broker's consumer offsets topic ahead of the stages: {}",
                            e.getCause().toString());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "embedded-kafka-coordinators");
        thread.setDaemon(true);
        thread.start();
    }

    /** Where its plaintext listener is. */
    public String bootstrapServers() {
        return bootstrapServers(PLAINTEXT_LISTENER);
    }

    /** Where the listener of that name is. */
    public String bootstrapServers(String listener) {
        return listeners.get(listener);
    }

    @Override
    public void close() {
        try {
            stop(server);
        } finally {
            storage.release();
        }
    }

    /** Where a broker keeps its log, and whether that goes when the broker does. */
    private record Storage(Path dir, boolean temporary) {
        static Storage forOneRun() {
            return new Storage(TempDirectories.create("kafka"), true);
        }

        static Storage kept(Path dir) {
            return new Storage(dir, false);
        }

        Path logDir() {
            return dir.resolve("log");
        }

        String brokerName() {
            return temporary ? "in-process Kafka broker" : "Kafka broker";
        }

        /** Said after where the broker listens: a kept directory, which a user looks for. */
        String whereSaid() {
            return temporary ? "" : " (data in " + dir + ")";
        }

        /** After the broker stopped or failed to start: a run's own log goes. */
        void release() {
            if (temporary) {
                TempDirectories.delete(dir);
            }
        }
    }
}
