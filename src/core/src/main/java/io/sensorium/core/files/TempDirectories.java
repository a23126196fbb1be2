package io.sensorium.core.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The temporary directories a run makes (the in-process broker's log, the stages' state stores): they hold a run's
 * decoded audio and frames, so none may outlive it. Each is named {@code sensorium-<purpose>-<pid>-<n>} and removed
 * by its owner on close, or by {@link #deleteAll()} when a signal ends the run; a run killed outright (kill -9, a
 * crash) cannot clean up, so the first directory a later run makes sweeps those whose process is gone.
 */
public final class TempDirectories {
    private static final Logger LOG = LoggerFactory.getLogger(TempDirectories.class);
    private static final String PREFIX = "sensorium-";
    private static final Pattern OWNED = Pattern.compile("sensorium-[a-z-]+-(\\d+)-\\d+");
    private static final long PID = ProcessHandle.current().pid();
    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean SWEPT = new AtomicBoolean();

    private TempDirectories() {}

    /** A new empty directory in {@code java.io.tmpdir}, owned by this process until {@link #delete} removes it. */
    public static Path create(String purpose) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        if (SWEPT.compareAndSet(false, true)) {
            sweep(tmp);
        }
        try {
            Path dir = Files.createTempDirectory(tmp, PREFIX + purpose + "-" + PID + "-");
            OPEN.add(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory in " + tmp, e);
        }
    }

    /** Removes a directory made by {@link #create} with all it holds. */
    public static void delete(Path dir) {
        deleteTree(dir);
        OPEN.remove(dir);
    }

    /** Removes every directory this process made and still holds: the last step of a run ended by a signal. */
    public static void deleteAll() {
        List.copyOf(OPEN).forEach(TempDirectories::delete);
    }

    /** Removes the directories of runs whose process no longer exists. */
    static void sweep(Path tmp) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmp, PREFIX + "*")) {
            for (Path entry : entries) {
                Matcher owned = OWNED.matcher(entry.getFileName().toString());
                if (owned.matches() && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS) && !alive(Long.parseLong(owned.group(1)))) {
                    LOG.info("removing {}, left by an earlier run that was killed", entry);
                    deleteTree(entry);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot look for leftovers of earlier runs in {}: {}", tmp, e.toString());
        }
    }

    private static boolean alive(long pid) {
        return pid == PID || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Deletes depth first without following links, so a link inside can never take a run outside its directory. */
    private static void deleteTree(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path visited, IOException e) throws IOException {
                    if (e != null && !(e instanceof NoSuchFileException)) {
                        throw e;
                    }
                    Files.deleteIfExists(visited);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", dir, e.toString());
        }
    }
}
