package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code process} stage stopped while it loads its model (SIGTERM, as an orchestrator stops an instance that is
 * still starting) ends as a stop: exit 143, no JVM crash report. ONNX Runtime's own shutdown hook used to free its
 * environment under the session being made (SIGSEGV, exit 134, an hs_err file), as the stage took signals only once
 * its model was loaded.
 */
class StageStartupStopTest {
    private static final int STOPPED_BY_SIGTERM = 128 + 15;
    private static final long DURING_THE_LOAD_MS = 700;

    @Test
    void aSpeechStageStoppedWhileItLoadsItsModelEndsAsAStop(@TempDir Path tmp) throws Exception {
        Map<String, String> settings = TestPipeline.isolatedSettings();
        // Base: two seconds of sessions in the making on two cores, for the signal to come in.
        settings.put("speech.model", TestPipeline.realBase());
        List<String> args = TestPipeline.arguments(List.of("process", "speech",
                "--set", "kafka.state-dir=" + tmp.resolve("state")), settings, List.of());
        CliProcess stage = CliProcess.start(tmp, args, Map.of(),
                List.of("-XX:ErrorFile=" + tmp.resolve("hs_err_%p.log")));
        stage.awaitStderr("stage speech loading");
        // Past reading its configuration and tokenizer, into the making of its sessions.
        Thread.sleep(DURING_THE_LOAD_MS);
        stage.terminate();

        assertThat(stage.waitFor(60)).as(stage.stderr()).isEqualTo(STOPPED_BY_SIGTERM);
        assertThat(String.join("\n", stage.stdout().stream().map(CliProcess.Line::text).toList()))
                .doesNotContain("A fatal error");
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.map(file -> file.getFileName().toString())).noneMatch(name -> name.startsWith("hs_err"));
        }
    }
}
