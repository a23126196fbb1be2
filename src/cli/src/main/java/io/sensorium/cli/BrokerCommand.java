package io.sensorium.cli;

import io.sensorium.core.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sensorium broker}: a single-node Kafka broker whose topics outlive it, so that ingest, the stages and tail
 * run as separate processes on one machine, as they would against a cluster. It is the in-process broker's code with
 * a directory that is kept; a stop (SIGINT, SIGTERM) is how it ends, after which it starts again on the same data.
 */
@Command(name = "broker", mixinStandardHelpOptions = true, description = {
        "Run a single-node Apache Kafka broker (KRaft) that keeps its topics in a directory across restarts, for"
                + " ingest, process and tail as separate processes on one machine (--bootstrap-servers HOST:PORT)."
                + " Runs until Ctrl-C or SIGTERM.",
        "It is plaintext and unauthenticated: anyone who reaches its address can read and write every topic."})
final class BrokerCommand implements Callable<Integer> {
    @Option(names = "--port", paramLabel = "PORT", defaultValue = "9092",
            description = "Port clients connect to (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Address to listen on, which clients are given too (default: ${DEFAULT-VALUE}, this machine"
                    + " only). Another address opens the plaintext, unauthenticated broker to that network.")
    String host;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Where the topics are kept (default: $XDG_DATA_HOME/sensorium/broker, else"
                    + " ~/.local/share/sensorium/broker); made and formatted the first time, then reused.")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        Path dir = dataDir != null ? dataDir : XdgDirectories.data().resolve("sensorium").resolve("broker");
        requireWritable(dir);
        requireFree(listenAddress(), port);
        CountDownLatch stopRequested = new CountDownLatch(1);
        try (StopOnSignal signal = new StopOnSignal()) {
            signal.stopEndsRun();
            signal.onStop(stopRequested::countDown);
            try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startPersistent(dir, host, port)) {
                stopRequested.await();
            }
        }
        return 0;
    }

    private InetAddress listenAddress() {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new UserFacingError("--host " + host + " is not a known host name or address", UserFacingError.USAGE);
        }
        if (address.isAnyLocalAddress()) {
            // Clients are given the address the broker listens on, and come back to it for every partition's leader.
            throw new UserFacingError("--host " + host + " is every address at once, which clients cannot be sent to:"
                    + " give the one they reach this machine at", UserFacingError.USAGE);
        }
        return address;
    }

    /** Kafka's own failure to bind comes late, as a startup error; asked first, the answer names the way out. */
    private void requireFree(InetAddress address, int port) {
        if (port < 1 || port > 65_535) {
            throw new UserFacingError("--port must be 1 to 65535, not " + port, UserFacingError.USAGE);
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(address, port));
        } catch (IOException e) {
            throw new UserFacingError("cannot listen at " + host + ":" + port + ": " + e.getMessage()
                    + " (another broker? --port chooses another port)", UserFacingError.USAGE);
        }
    }

    /** Asked first, so that the answer names the directory rather than one of Kafka's storage errors. */
    private static void requireWritable(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserFacingError("cannot keep the broker's data in " + dir + ": " + reason(e), UserFacingError.USAGE);
        }
        if (!Files.isWritable(dir)) {
            throw new UserFacingError("cannot keep the broker's data in " + dir + ": it is not writable", UserFacingError.USAGE);
        }
    }

    private static String reason(IOException e) {
        if (e instanceof FileAlreadyExistsException exists) {
            return exists.getFile() + " is a file, not a directory";
        }
        if (e instanceof AccessDeniedException denied) {
            return "no permission to create " + denied.getFile();
        }
        return e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason() : e.toString();
    }
}
