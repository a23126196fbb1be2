package io.sensorium.cli;

import io.sensorium.core.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * A Kafka broker in this JVM that, beside its plaintext listener, has a SASL_SSL one as a secured cluster would:
 * PLAIN logins of the users its JAAS configuration names, over TLS with a self-signed certificate the JDK's keytool
 * makes for it (no network needed); and the settings a client gives to get in.
 */
final class SecuredKafka implements AutoCloseable {
    private static final String LISTENER = "SECURE";
    private static final String LISTENER_PREFIX = "listener.name." + LISTENER.toLowerCase(Locale.ROOT) + ".";
    private static final String PLAIN_LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule required";

    private final EmbeddedKafkaBroker broker;
    /** The broker's certificate (PEM), which a client must trust. */
    private final Path certificate;

    private SecuredKafka(EmbeddedKafkaBroker broker, Path certificate) {
        this.broker = broker;
        this.certificate = certificate;
    }

    /** @param users user names to their passwords */
    static SecuredKafka start(Path dir, Map<String, String> users) throws IOException, InterruptedException {
        Path keystore = dir.resolve("broker.p12");
        Path certificate = dir.resolve("broker.pem");
        String storePassword = "store-" + UUID.randomUUID();
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", storePassword, "-keypass", storePassword);
        keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", keystore.toString(), "-storepass", storePassword,
                "-file", certificate.toString());

        StringBuilder jaas = new StringBuilder(PLAIN_LOGIN);
        users.forEach((user, password) -> jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("sasl.enabled.mechanisms", "PLAIN");
        settings.put(LISTENER_PREFIX + "plain.sasl.jaas.config", jaas.append(';').toString());
        settings.put(LISTENER_PREFIX + "ssl.keystore.type", "PKCS12");
        settings.put(LISTENER_PREFIX + "ssl.keystore.location", keystore.toString());
        settings.put(LISTENER_PREFIX + "ssl.keystore.password", storePassword);
        settings.put(LISTENER_PREFIX + "ssl.key.password", storePassword);
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(
                new EmbeddedKafkaBroker.Listener(LISTENER, SecurityProtocol.SASL_SSL, settings));
        return new SecuredKafka(broker, certificate);
    }

    /** Where the SASL_SSL listener is. */
    String bootstrapServers() {
        return broker.bootstrapServers(LISTENER);
    }

    /** The Kafka settings of a client that logs in as {@code user} with {@code password} and trusts the broker. */
    Map<String, String> clientSettings(String user, String password) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("security.protocol", SecurityProtocol.SASL_SSL.name);
        settings.put("sasl.mechanism", "PLAIN");
        settings.put("sasl.jaas.config", PLAIN_LOGIN + " username=\"" + user + "\" password=\"" + password + "\";");
        settings.put("ssl.truststore.type", "PEM");
        settings.put("ssl.truststore.location", certificate.toString());
        return settings;
    }

    @Override
    public void close() {
        broker.close();
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }
}
