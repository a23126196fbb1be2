package io.sensorium.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Downloads Whisper and vision models from the Hugging Face Hub in the layout {@code --model} takes. Honours
 * {@code HF_ENDPOINT} (a mirror) and {@code HF_TOKEN}.
 */
final class HubDownloader {
    static final List<String> WHISPER_FILES = List.of("config.json", "generation_config.json",
            "preprocessor_config.json", "tokenizer.json", "onnx/encoder_model.onnx", "onnx/decoder_model_merged.onnx");
    static final List<String> VISION_FILES = List.of("config.json", "preprocessor_config.json", "onnx/model.onnx");
    /** Short names of vision models whose Hub exports (Xenova's) this build post-processes. */
    static final Map<String, String> VISION_REPOS = Map.of(
            "detr-resnet-50", "Xenova/detr-resnet-50",
            "detr-resnet-101", "Xenova/detr-resnet-101",
            "yolos-tiny", "Xenova/yolos-tiny",
            "yolos-small", "Xenova/yolos-small",
            "vit-base-patch16-224", "Xenova/vit-base-patch16-224");

    private final String endpoint;
    private final String token;
    private final HttpFetcher fetcher;

    HubDownloader(String endpoint, String token, HttpFetcher fetcher) {
        this.endpoint = endpoint.replaceAll("/+$", "");
        this.token = token;
        this.fetcher = fetcher;
    }

    static String endpoint() {
        String mirror = System.getenv("HF_ENDPOINT");
        return mirror == null || mirror.isBlank() ? "https://huggingface.co" : mirror;
    }

    /**
     * @param name a short name (tiny.en -> onnx-community/whisper-tiny.en) or a repository id
     * @param int8 the repository's quantised graphs ({@code onnx/*_quantized.onnx}, int8 weights), kept under the
     *             names {@code --model} reads
     * @throws HttpFetcher.UnreachableException when the Hub cannot be reached or does not have the model
     */
    void pullWhisper(String name, boolean int8, Path dir) throws IOException, InterruptedException {
        pull(name.contains("/") ? name : "onnx-community/whisper-" + name, WHISPER_FILES, int8, dir);
    }

    /** @param name a short name of {@link #VISION_REPOS} */
    void pullVision(String name, Path dir) throws IOException, InterruptedException {
        pull(VISION_REPOS.get(name), VISION_FILES, false, dir);
    }

    private void pull(String repo, List<String> files, boolean quantised, Path dir)
            throws IOException, InterruptedException {
        for (String file : files) {
            Path target = dir.resolve(file);
            if (!Files.isRegularFile(target)) {
                String source = quantised && file.startsWith("onnx/") ? file.replace(".onnx", "_quantized.onnx") : file;
                fetcher.download(URI.create(endpoint + "/" + repo + "/resolve/main/" + source), target,
                        repo + "/" + source, token, null);
            }
        }
    }
}
