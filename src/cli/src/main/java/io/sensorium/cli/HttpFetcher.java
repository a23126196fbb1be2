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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Downloads over HTTPS with a progress bar. A file lands as {@code .part} and is renamed when whole (and, where a
 * checksum is known, verified), so an interrupted download never leaves a file that looks complete.
 */
final class HttpFetcher {
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(15))
            .build();

    /** The body as text, for small API answers in the media type {@code accept}. */
    String text(URI uri, String accept) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(1))
                .header("Accept", accept).GET().build(), HttpResponse.BodyHandlers.ofString());
        return response.body();
    }

    /**
     * @param bearer a token for an Authorization header, or null
     * @param sha256 the expected SHA-256 in hex, or null when none is published
     */
    void download(URI uri, Path target, String label, String bearer, String sha256) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(30)).GET();
        if (bearer != null && !bearer.isBlank()) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<InputStream> response = send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        Files.createDirectories(target.getParent());
        Path part = target.resolveSibling(target.getFileName() + ".part");
        long total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        MessageDigest digest = sha256();
        try (InputStream in = response.body(); OutputStream out = Files.newOutputStream(part)) {
            ProgressBar progress = new ProgressBar(label, total);
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
                digest.update(buffer, 0, n);
                progress.advance(n);
            }
            progress.done();
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (sha256 != null && !sha256.equalsIgnoreCase(actual)) {
            Files.delete(part);
            throw new UserFacingError(uri + " arrived with SHA-256 " + actual + ", not the published " + sha256,
                    UserFacingError.FAILED);
        }
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body)
            throws IOException, InterruptedException {
        HttpResponse<T> response;
        try {
            response = http.send(request, body);
        } catch (IOException e) {
            throw new UnreachableException(request.uri() + " cannot be reached (" + (e.getMessage() != null
                    ? e.getMessage() : e.getClass().getSimpleName()) + ")", e);
        }
        if (response.statusCode() != 200) {
            if (response.body() instanceof InputStream stream) {
                stream.close();
            }
            throw new UnreachableException(request.uri() + " answered HTTP " + response.statusCode(), null);
        }
        return response;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** A source that cannot be had from here: another source may still serve. */
    static final class UnreachableException extends IOException {
        UnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
