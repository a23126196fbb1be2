package io.sensorium.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sensorium models ...}: getting models into the local model cache. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "Get and prepare models.",
        subcommands = ModelsCommand.Pull.class)
final class ModelsCommand {

    @Command(name = "pull", mixinStandardHelpOptions = true,
            description = "Download a Whisper model in the Hugging Face ONNX layout (onnx-community/whisper-NAME) "
                    + "into the model cache (~/.cache/sensorium/models).")
    static final class Pull implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "tiny, tiny.en, base, base.en, small, ... or a Hub repository id (owner/name)")
        String name;

        @Option(names = "--cache", paramLabel = "DIR", description = "Model cache directory.")
        Path cache = ModelCache.defaultDirectory();

        @Override
        public Integer call() throws Exception {
            Path dir = new HubDownloader(HubDownloader.endpoint(), System.getenv("HF_TOKEN"))
                    .pullWhisper(name, new ModelCache(cache));
            System.out.println(dir);
            return 0;
        }
    }
}
