package io.sensorium.core.kafka;

import io.sensorium.core.config.ConfigException;
import io.sensorium.core.config.KafkaClientSettings;
import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
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
    private static final String REQUEST_TIMEOUT_MS = CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG;

    private ClusterAccess() {}

    /**
     * Waits for the answer as long as the client waits for any (its {@code request.timeout.ms}, 30 s unless set):
     * a refusal comes at once, and a cluster that takes longer to let a client in fails its stages' requests too.
     *
     * @throws ConfigException       when the cluster refuses the credentials or the TLS handshake, or the client
     *                               settings cannot make a client
     * @throws IllegalStateException when the cluster does not answer in time
     */
    public static void require(KafkaConnection connection) {
        try {
            Map<String, Object> config = AdminClientConfig.configDef().parse(connection.clientConfig(Map.of()));
            ask(connection, (int) config.get(REQUEST_TIMEOUT_MS));
        } catch (KafkaException e) {
            throw new ConfigException("cannot make a Kafka client with the " + KafkaClientSettings.SECTION
                    + " settings: " + connection.settings().redact(rootMessage(e)), e);
        }
    }

    private static void ask(KafkaConnection connection, int timeoutMs) {
        try (Admin admin = connection.admin()) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs)).clusterId().get();
        } catch (ExecutionException e) {
            throw refusal("Kafka at " + connection.bootstrapServers(), e.getCause(), connection.settings(), timeoutMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking Kafka at " + connection.bootstrapServers()
                    + " to let this client in", e);
        }
    }

    private static RuntimeException refusal(String where, Throwable error, KafkaClientSettings settings,
                                            int timeoutMs) {
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
                    + BigDecimal.valueOf(timeoutMs, 3).stripTrailingZeros().toPlainString() + " s ("
                    + KafkaClientSettings.PREFIX + REQUEST_TIMEOUT_MS + ") with " + SECURITY_PROTOCOL + " " + protocol + ": if that listener wants TLS or SASL, set "
                    + SECURITY_PROTOCOL + " and what it needs", error);
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
