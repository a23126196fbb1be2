package io.sensorium.cli;

import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.view.LiveView;
import java.io.IOException;
import picocli.CommandLine.Option;

/**
 * The {@code --view} flag of the one-shot runs ({@code transcribe}, {@code detect}): the live view of the run's
 * topics while it runs, and after it until the command is stopped, so that what it found can still be looked at.
 */
final class ViewOption {
    @Option(names = "--view", description = "Serve the live view of this run (captions, cameras, events) at "
            + "view.host:view.port (127.0.0.1:8080), printing its URL; it stays after the run until Ctrl-C.")
    boolean view;

    /** @return the view, serving; null without {@code --view} */
    LiveView open(SensoriumConfig config, KafkaCluster cluster) {
        if (!view) {
            return null;
        }
        LiveView live = start(config, cluster);
        System.err.println("sensorium: live view at " + live.url());
        return live;
    }

    /** The view of {@code cluster}'s topics, serving; a port it cannot have is the user's to change. */
    static LiveView start(SensoriumConfig config, KafkaCluster cluster) {
        try {
            return LiveView.start(config, cluster.connection());
        } catch (IOException e) {
            throw new UserFacingError(e.getMessage(), UserFacingError.USAGE);
        }
    }

    /** @return the run's exit code, once a stop has come where the view is open */
    static int holdAfterRun(int exit, LiveView live, StopOnSignal signal) throws InterruptedException {
        if (live == null) {
            return exit;
        }
        System.err.println("sensorium: the run is done; the live view stays at " + live.url() + " until Ctrl-C");
        signal.awaitStop();
        return exit;
    }
}
