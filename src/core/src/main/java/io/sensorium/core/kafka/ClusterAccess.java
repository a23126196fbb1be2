package io.sensorium.core.kafka;

import io.sensorium.core.config.ConfigException;
import io.sensorium.core.config.KafkaClientSettings;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Asks a configured cluster once, before a command starts anything on it, whether it lets this client in. Kafka's
 * clients take a refused login or a failed TLS handshake as one more reason to reconnect, and a stage would log
 * that for ever; here it is one message that says what to check, and never quotes a secret.
 */
public final class ClusterAccess {
    private static final String SECURITY_PROTOCOL =
            KafkaClientSettings.PREFIX + CommonClientConfigs.SECURITY_PROTOCOL_CONFIG;

    private ClusterAccess() {}

    /**
     * @throws ConfigException       when the cluster refuses the credentials or the TLS handshake, or the client
     *                               settings cannot make a client
     * @throws IllegalStateException when the cluster does not answer within {@code timeout}
     */
    public static void require(KafkaConnection connection, Duration timeout) {
        KafkaClientSettings settings = connection.settings();
        String where = "Kafka at " + connection.bootstrapServers();
        try (Admin admin = connection.admin()) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis())).clusterId().get();
        } catch (ExecutionException e) {
            throw refusal(where, e.getCause(), settings, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking " + where + " to let this client in", e);
        } catch (KafkaException e) {
            throw new ConfigException("cannot make a Kafka client with the " + KafkaClientSettings.SECTION
                    + " settings: " + settings.redact(rootMessage(e)), e);
        }
    }

    private static RuntimeException refusal(String where, Throwable error, KafkaClientSettings settings,
                                            Duration timeout) {
        String reason = settings.redact(rootMessage(error));
        if (error instanceof SaslAuthenticationException) {
            return new ConfigException(where + " refused the login (" + reason + "): check "
                    + KafkaClientSettings.PREFIX + "sasl.mechanism and the username and password in "
                    + KafkaClientSettings.PREFIX + "sasl.jaas.config", error);
        }
        if (error instanceof SslAuthenticationException) {
            return new ConfigException("the TLS handshake with " + where + " failed (" + reason + "): check "
                    + SECURITY_PROTOCOL + " and that " + KafkaClientSettings.PREFIX
                    + "ssl.truststore.* trusts the broker's certificate", error);
        }
        if (error instanceof AuthenticationException) {
            return new ConfigException(where + " refused this client (" + reason + ")", error);
        }
        if (error instanceof TimeoutException) {
            String protocol = settings.asMap().getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
                    CommonClientConfigs.DEFAULT_SECURITY_PROTOCOL);
            return new IllegalStateException(where + " accepts connections but did not answer within "
                    + timeout.toSeconds() + " s with " + SECURITY_PROTOCOL + " " + protocol
                    + ": if that listener wants TLS or SASL, set " + SECURITY_PROTOCOL + " and what it needs", error);
        }
        return new IllegalStateException(where + " did not answer: " + reason, error);
    }

    /** The innermost message: Kafka's own ("SSL handshake failed") wraps the one that says why. */
    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
