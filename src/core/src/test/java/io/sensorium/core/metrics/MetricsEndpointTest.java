package io.sensorium.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(MetricsEndpoint endpoint, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheGlobalRegistrysMetersAndTheProbesFollowReadiness() throws Exception {
        // Made before the endpoint, as a processor's static meters are.
        Counter early = Counter.builder("sensorium.test.early").register(Metrics.globalRegistry);
        AtomicBoolean ready = new AtomicBoolean(false);
        try (MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, ready::get)) {
            early.increment(3);

            HttpResponse<String> metrics = get(endpoint, "/metrics");
            int live = get(endpoint, "/health/live").statusCode();
            int notReady = get(endpoint, "/health/ready").statusCode();
            ready.set(true);
            int nowReady = get(endpoint, "/health/ready").statusCode();

            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("sensorium_test_early_total 3.0").contains("jvm_memory_used_bytes");
            assertThat(live).isEqualTo(200);
            assertThat(notReady).isEqualTo(503);
            assertThat(nowReady).isEqualTo(200);
        }
    }

    @Test
    void aPortInUseIsAClearError() {
        try (MetricsEndpoint first = MetricsEndpoint.start("127.0.0.1", 0, () -> true)) {
            assertThatThrownBy(() -> MetricsEndpoint.start("127.0.0.1", first.port(), () -> true))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot serve metrics on 127.0.0.1:" + first.port())
                    .hasMessageContaining("--metrics-port");
        }
    }
}
