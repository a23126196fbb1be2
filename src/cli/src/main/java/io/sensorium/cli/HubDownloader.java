package io.sensorium.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

/**
 * Downloads a Whisper model from the Hugging Face Hub in the layout {@code --model} takes. Honours
 * {@code HF_ENDPOINT} (a mirror) and {@code HF_TOKEN}. Files land as {@code .part} and are renamed when whole, so an
 * interrupted pull never leaves a file that looks complete.
 */
final class HubDownloader {
    static final List<String> WHISPER_FILES = List.of("config.json", "generation_config.json",
            "preprocessor_config.json", "tokenizer.json", "onnx/encoder_model.onnx", "onnx/decoder_model_merged.onnx");

    private final String endpoint;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(15))
            .build();

    HubDownloader(String endpoint, String token) {
        this.endpoint = endpoint.replaceAll("/+$", "");
        this.token = token;
    }

    static String endpoint() {
        String mirror = System.getenv("HF_ENDPOINT");
        return mirror == null || mirror.isBlank() ? "https://huggingface.co" : mirror;
    }

    /** @param name a short name (tiny.en → onnx-community/whisper-tiny.en) or a repository id */
    Path pullWhisper(String name, ModelCache cache) throws IOException, InterruptedException {
        String repo = name.contains("/") ? name : "onnx-community/whisper-" + name;
        Path dir = cache.whisper(name);
        for (String file : WHISPER_FILES) {
            download(repo, file, dir.resolve(file));
        }
        return dir;
    }

    private void download(String repo, String file, Path target) throws IOException, InterruptedException {
        if (Files.isRegularFile(target)) {
            return;
        }
        URI uri = URI.create(endpoint + "/" + repo + "/resolve/main/" + file);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(30)).GET();
        if (token != null && !token.isBlank()) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UserFacingError("cannot reach the Hugging Face Hub at " + endpoint + " (" + describe(e)
                    + "); set HF_ENDPOINT to a mirror, or give --model DIR with a downloaded model", UserFacingError.FAILED);
        }
        if (response.statusCode() != 200) {
            response.body().close();
            throw new UserFacingError("the Hub answered HTTP " + response.statusCode() + " for " + uri
                    + (response.statusCode() == 401 || response.statusCode() == 404 ? " (no such model, or it needs HF_TOKEN)" : ""),
                    UserFacingError.FAILED);
        }
        Files.createDirectories(target.getParent());
        Path part = target.resolveSibling(target.getFileName() + ".part");
        long total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        try (InputStream in = response.body(); OutputStream out = Files.newOutputStream(part)) {
            ProgressBar progress = new ProgressBar(repo + "/" + file, total);
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
                progress.advance(n);
            }
            progress.done();
        }
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String describe(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
