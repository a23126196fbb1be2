package io.sensorium.view;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sensorium.core.config.SensoriumConfig;
import io.sensorium.core.kafka.KafkaConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code sensorium view}: a page of the pipeline as it runs — each speech stream's captions (the partial line
 * redrawn in place, finals scrolling above it), each camera's newest frame with its detections drawn over it, the
 * streams' states and the objects' events — served over HTTP from the topics ({@link TopicFollower}) and pushed to
 * the pages as server-sent events ({@link EventStream}). Everything the page needs comes from this jar: camera sites
 * are often offline.
 */
public final class LiveView implements AutoCloseable {
    private static final String WEB = "web/";
    private static final Map<String, String> ASSETS = Map.of(
            "/", "index.html", "/view.js", "view.js", "/view.css", "view.css");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8");

    private final HttpServer server;
    private final ExecutorService requests;
    private final EventStream pages = new EventStream();
    private final ViewState state;
    private final TopicFollower follower;

    private LiveView(SensoriumConfig config, KafkaConnection connection) throws IOException {
        ObjectMapper json = new ObjectMapper();
        this.state = new ViewState(json);
        SensoriumConfig.View view = config.view();
        try {
            this.server = HttpServer.create(new InetSocketAddress(view.host(), view.port()), 64);
        } catch (BindException e) {
            throw new IOException("the live view cannot listen on " + view.host() + ":" + view.port() + " ("
                    + e.getMessage() + "): another program has it; choose another with --port or view.port", e);
        }
        // A thread per open page: each holds its event stream open while the page is.
        this.requests = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "view-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(requests);
        server.createContext("/", this::asset);
        server.createContext("/events", exchange -> pages.serve(exchange, () -> state.snapshot(System.currentTimeMillis())));
        server.createContext("/frames/", this::frame);
        this.follower = new TopicFollower(connection, config.topics(), state, json, pages::broadcast);
    }

    /** Starts serving the view of the topics {@code config} names on the cluster {@code connection} reaches. */
    public static LiveView start(SensoriumConfig config, KafkaConnection connection) throws IOException {
        LiveView view = new LiveView(config, connection);
        view.server.start();
        view.follower.start();
        return view;
    }

    /** Where a browser opens the view. */
    public String url() {
        InetSocketAddress address = server.getAddress();
        String host = address.getAddress().isAnyLocalAddress() ? "localhost" : address.getHostString();
        return "http://" + host + ":" + address.getPort() + "/";
    }

    private void asset(HttpExchange exchange) throws IOException {
        String name = ASSETS.get(exchange.getRequestURI().getPath());
        if (name == null) {
            send(exchange, 404, "text/plain; charset=utf-8", "not found".getBytes(StandardCharsets.UTF_8));
            return;
        }
        byte[] body;
        try (InputStream in = LiveView.class.getResourceAsStream(WEB + name)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("the jar lacks the view's " + name));
            }
            body = in.readAllBytes();
        }
        send(exchange, 200, TYPES.get(name.substring(name.lastIndexOf('.') + 1)), body);
    }

    /** {@code /frames/CAMERA/SEQUENCE.jpg}: a camera's frame, while the view keeps it. */
    private void frame(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath().substring("/frames/".length());
        int slash = path.lastIndexOf('/');
        byte[] jpeg = null;
        if (slash > 0 && path.substring(slash + 1).matches("\\d{1,18}\\.jpg")) {
            jpeg = state.frameJpeg(URLDecoder.decode(path.substring(0, slash), StandardCharsets.UTF_8),
                    Long.parseLong(path.substring(slash + 1, path.length() - 4)));
        }
        if (jpeg == null) {
            send(exchange, 404, "text/plain; charset=utf-8", "no such frame kept".getBytes(StandardCharsets.UTF_8));
        } else {
            send(exchange, 200, "image/jpeg", jpeg);
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        follower.close();
        pages.close();
        server.stop(0);
        requests.shutdownNow();
    }
}
