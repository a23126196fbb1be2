package io.sensorium.cli;

import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.view.LiveView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sensorium view}: the live view of a running cluster's topics — captions, cameras, events, the streams'
 * states — in the browser, until stopped. It reads as a plain consumer: the pipeline does not know it is watched.
 */
@Command(name = "view", mixinStandardHelpOptions = true,
        description = "Serve a page of the pipeline as it runs: captions, cameras with their detections, events.")
final class ViewCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = "--port", paramLabel = "PORT", description = "Serve on this port (default: view.port, 8080; 0: any free one).")
    Integer port;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "Listen on this address (default: view.host, 127.0.0.1).")
    String host;

    @Override
    public Integer call() throws Exception {
        try (StopOnSignal signal = new StopOnSignal()) {
            SensoriumConfig config = options.load().withView(host, port);
            try (KafkaCluster cluster = KafkaCluster.connect(config, false);
                 LiveView view = ViewOption.start(config, cluster)) {
                System.err.println("sensorium: live view at " + view.url() + " (Ctrl-C stops it)");
                signal.awaitStop();
                return 0;
            }
        }
    }
}
