package io.sensorium.cli;

import io.sensorium.core.config.SensoriumConfig;
import picocli.CommandLine.Option;

/** The metrics flag of long-running commands: it takes precedence over {@code metrics.port} from the configuration. */
final class MetricsOptions {
    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Serve Prometheus metrics at /metrics and probes at /health/live and /health/ready on this port.")
    Integer port;

    SensoriumConfig apply(SensoriumConfig config) {
        return port == null ? config : config.withMetricsPort(port);
    }
}
