package io.sensorium.processors.speech;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The Whisper models loaded in this JVM: one set of ONNX Runtime sessions per model directory and options, shared by
 * every stream task that transcribes with it (sessions are safe to run from several threads), and closed when the
 * last task lets go of it.
 */
public final class WhisperModels {
    private static final Map<Key, Shared> LOADED = new HashMap<>();

    private WhisperModels() {}

    private record Key(Path dir, WhisperModel.Options options) {}

    private static final class Shared {
        final Key key;
        final WhisperModel model;
        int users;

        Shared(Key key, WhisperModel model) {
            this.key = key;
            this.model = model;
        }
    }

    /** A counted reference to a shared model; closing it releases this reference only (once). */
    public static final class Handle implements AutoCloseable {
        private final Shared shared;
        private boolean closed;

        private Handle(Shared shared) {
            this.shared = shared;
        }

        public WhisperModel model() {
            synchronized (LOADED) {
                if (closed) {
                    throw new IllegalStateException("the handle on " + shared.key.dir() + " is closed");
                }
            }
            return shared.model;
        }

        @Override
        public void close() {
            synchronized (LOADED) {
                if (closed) {
                    return;
                }
                closed = true;
                if (--shared.users == 0) {
                    LOADED.remove(shared.key);
                    shared.model.close();
                }
            }
        }
    }

    /** A handle on the model in {@code dir}, loading it unless this JVM already has it with these options. */
    public static Handle acquire(Path dir, WhisperModel.Options options) {
        Key key = new Key(dir.toAbsolutePath().normalize(), options);
        synchronized (LOADED) {
            Shared shared = LOADED.get(key);
            if (shared == null) {
                shared = new Shared(key, WhisperModel.load(key.dir(), options));
                LOADED.put(key, shared);
            }
            shared.users++;
            return new Handle(shared);
        }
    }

    /** How many distinct models are loaded now. */
    static int loaded() {
        synchronized (LOADED) {
            return LOADED.size();
        }
    }
}
