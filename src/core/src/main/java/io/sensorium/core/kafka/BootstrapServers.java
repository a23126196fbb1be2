package io.sensorium.core.kafka;

import io.sensorium.core.config.ConfigException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a configured {@code bootstrap.servers} list before any Kafka client is made: Kafka's clients retry a
 * wrong or dead address until their timeouts (a minute) and then name neither the address nor the reason.
 */
public final class BootstrapServers {
    private static final String KEY = "kafka.bootstrap-servers";
    /** host:port, the host an IPv6 literal in brackets ([::1]:9092) or a name or IPv4 address. */
    private static final Pattern HOST_PORT = Pattern.compile("\\[?([^\\[\\]]+?)]?:(\\d{1,5})");

    private BootstrapServers() {}

    /**
     * @throws ConfigException       when an entry is not HOST:PORT or its host does not resolve
     * @throws IllegalStateException when no entry accepts a connection within {@code timeout}
     */
    public static void requireReachable(String bootstrapServers, Duration timeout) {
        List<String> failures = new ArrayList<>();
        for (InetSocketAddress address : parse(bootstrapServers)) {
            try (Socket socket = new Socket()) {
                socket.connect(address, (int) timeout.toMillis());
                return;
            } catch (IOException e) {
                failures.add(address.getHostString() + ":" + address.getPort() + " (" + reason(e, timeout) + ")");
            }
        }
        throw new IllegalStateException("no Kafka broker reachable at " + String.join(", ", failures));
    }

    private static List<InetSocketAddress> parse(String bootstrapServers) {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (String entry : bootstrapServers.split(",")) {
            Matcher server = HOST_PORT.matcher(entry.strip());
            int port = server.matches() ? Integer.parseInt(server.group(2)) : 0;
            if (port < 1 || port > 65535) {
                throw new ConfigException(KEY + ": '" + entry.strip() + "' is not HOST:PORT (e.g. broker-1:9092)");
            }
            String host = server.group(1);
            try {
                addresses.add(new InetSocketAddress(InetAddress.getByName(host), port));
            } catch (UnknownHostException e) {
                throw new ConfigException(KEY + ": cannot resolve host '" + host + "'", e);
            }
        }
        return addresses;
    }

    private static String reason(IOException e, Duration timeout) {
        if (e instanceof SocketTimeoutException) {
            return "no answer within " + timeout.toSeconds() + " s";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
