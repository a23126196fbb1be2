package io.sensorium.view;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The pages' server-sent events: each page's connection gets what the view says from the moment it connects, its
 * current state first. Every page has a queue of its own, so a slow one falls behind alone; one that falls too far
 * behind is let go, and its browser reconnects and starts again from the state (EventSource does it by itself, after
 * the {@code retry} this stream asks for, as it does when the server restarts).
 */
final class EventStream implements AutoCloseable {
    /** Messages a page may be behind by before it is let go. */
    private static final int QUEUE = 2_000;
    private static final long KEEPALIVE_SECONDS = 15;
    private static final String RETRY_MS = "1000";
    private static final Message CLOSED = new Message("closed", "");

    /** One server-sent event: its name and its JSON. */
    record Message(String event, String data) {
        byte[] bytes() {
            return ("event: " + event + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
        }
    }

    private final List<BlockingQueue<Message>> pages = new CopyOnWriteArrayList<>();

    void broadcast(Message message) {
        for (BlockingQueue<Message> page : pages) {
            if (!page.offer(message)) {
                pages.remove(page);
                page.clear();
                page.offer(CLOSED);
            }
        }
    }

    /**
     * Serves one page until it goes away or the view closes; runs on the server's thread for that request.
     *
     * @param state the view's state as one message, taken once the page is registered, so that nothing said between
     *              the two is lost
     */
    void serve(HttpExchange exchange, Supplier<Message> state) throws IOException {
        BlockingQueue<Message> queue = new ArrayBlockingQueue<>(QUEUE);
        pages.add(queue);
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(("retry: " + RETRY_MS + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.write(state.get().bytes());
            out.flush();
            while (true) {
                Message message = queue.poll(KEEPALIVE_SECONDS, TimeUnit.SECONDS);
                if (message == CLOSED) {
                    return;
                }
                // A comment line now and then keeps proxies from closing a quiet stream.
                out.write(message == null ? ": keepalive\n\n".getBytes(StandardCharsets.UTF_8) : message.bytes());
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException gone) {
            // The page was closed or reloaded: its connection ends here, as it should.
            exchange.close();
        } finally {
            pages.remove(queue);
        }
    }

    @Override
    public void close() {
        for (BlockingQueue<Message> page : pages) {
            page.clear();
            page.offer(CLOSED);
        }
        pages.clear();
    }
}
