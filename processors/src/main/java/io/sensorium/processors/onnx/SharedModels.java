package io.sensorium.processors.onnx;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The models of one kind loaded in this JVM: one set of ONNX Runtime sessions per model directory and options,
 * shared by every stream task that runs it (sessions are safe to run from several threads), and closed when the
 * last task lets go of it.
 *
 * @param <O> the load options
 * @param <M> the loaded model
 */
public final class SharedModels<O, M extends AutoCloseable> {
    private final BiFunction<Path, O, M> loader;
    private final Map<Key<O>, Shared<O, M>> loaded = new HashMap<>();

    public SharedModels(BiFunction<Path, O, M> loader) {
        this.loader = loader;
    }

    private record Key<O>(Path dir, O options) {}

    private static final class Shared<O, M> {
        final Key<O> key;
        final M model;
        int users;

        Shared(Key<O> key, M model) {
            this.key = key;
            this.model = model;
        }
    }

    /** A counted reference to a shared model; closing it releases this reference only (once). */
    public static final class Handle<M> implements AutoCloseable {
        private final Path dir;
        private final M model;
        private final Runnable release;
        private boolean closed;

        private Handle(Path dir, M model, Runnable release) {
            this.dir = dir;
            this.model = model;
            this.release = release;
        }

        public synchronized M model() {
            if (closed) {
                throw new IllegalStateException("the handle on " + dir + " is closed");
            }
            return model;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                release.run();
            }
        }
    }

    /** A handle on the model in {@code dir}, loading it unless this JVM already has it with these options. */
    public Handle<M> acquire(Path dir, O options) {
        Key<O> key = new Key<>(dir.toAbsolutePath().normalize(), options);
        synchronized (loaded) {
            Shared<O, M> shared = loaded.get(key);
            if (shared == null) {
                shared = new Shared<>(key, loader.apply(key.dir(), options));
                loaded.put(key, shared);
            }
            shared.users++;
            Shared<O, M> acquired = shared;
            return new Handle<>(key.dir(), shared.model, () -> release(acquired));
        }
    }

    private void release(Shared<O, M> shared) {
        synchronized (loaded) {
            if (--shared.users > 0) {
                return;
            }
            loaded.remove(shared.key);
        }
        try {
            shared.model.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot close the model in " + shared.key.dir(), e);
        }
    }

    /** How many distinct models are loaded now. */
    public int loaded() {
        synchronized (loaded) {
            return loaded.size();
        }
    }
}
