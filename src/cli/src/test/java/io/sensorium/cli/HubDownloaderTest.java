package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code models pull NAME [--int8]} against a Hub of its own (HF_ENDPOINT's role): the float32 graphs, or the
 * repository's quantised ones under the names {@code --model} reads, each in a directory of its own.
 */
class HubDownloaderTest {
    private final List<String> requested = new CopyOnWriteArrayList<>();
    private HttpServer hub;

    @BeforeEach
    void startHub() throws Exception {
        hub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // Each file's body is its path in the repository, so what landed where can be read back.
        hub.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requested.add(path);
            byte[] body = path.substring(path.indexOf("/resolve/main/") + "/resolve/main/".length())
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        hub.start();
    }

    @AfterEach
    void stopHub() {
        hub.stop(0);
    }

    @Test
    void int8TakesTheQuantisedGraphsIntoADirectoryOfItsOwn(@TempDir Path cache) throws Exception {
        HubDownloader downloader = new HubDownloader("http://127.0.0.1:" + hub.getAddress().getPort() + "/", null,
                new HttpFetcher());
        Path float32 = new ModelCache(cache).whisper("tiny.en", false);
        Path int8 = new ModelCache(cache).whisper("tiny.en", true);
        assertThat(int8).isNotEqualTo(float32);
        assertThat(int8.getFileName()).hasToString("whisper-tiny.en-int8");

        downloader.pullWhisper("tiny.en", false, float32);
        downloader.pullWhisper("tiny.en", true, int8);

        assertThat(Files.readString(float32.resolve("onnx/encoder_model.onnx"))).isEqualTo("onnx/encoder_model.onnx");
        assertThat(Files.readString(int8.resolve("onnx/encoder_model.onnx"))).isEqualTo("onnx/encoder_model_quantized.onnx");
        assertThat(Files.readString(int8.resolve("onnx/decoder_model_merged.onnx")))
                .isEqualTo("onnx/decoder_model_merged_quantized.onnx");
        assertThat(Files.readString(int8.resolve("config.json"))).isEqualTo("config.json");
        assertThat(requested).contains("/onnx-community/whisper-tiny.en/resolve/main/onnx/decoder_model_merged_quantized.onnx",
                "/onnx-community/whisper-tiny.en/resolve/main/onnx/decoder_model_merged.onnx");
    }
}
