package io.sensorium.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sensorium} command: each subcommand is one way to run the pipeline or one of its stages. */
@Command(name = "sensorium", mixinStandardHelpOptions = true, version = "sensorium 0.1.0",
        description = "Streaming speech and vision pipeline over Apache Kafka.",
        subcommands = {TranscribeCommand.class, DetectCommand.class, IngestCommand.class, ProcessCommand.class,
                ReprocessCommand.class, TailCommand.class, StatusCommand.class, ViewCommand.class, ModelsCommand.class, BrokerCommand.class})
public final class Sensorium {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Sensorium());
        cli.setExecutionExceptionHandler((error, commandLine, parseResult) -> {
            commandLine.getErr().println("sensorium: " + UserFacingError.describe(error));
            return UserFacingError.exitCode(error);
        });
        return cli.execute(args);
    }
}
