package io.sensorium.processors.onnx;

import ai.onnxruntime.OrtEnvironment;
import io.sensorium.core.files.TempDirectories;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Loads ONNX Runtime's native libraries from a directory this process owns. Left to itself, ONNX Runtime unpacks
 * them into a {@code onnxruntime-java*} directory that it marks for deletion on exit before the files in it, so
 * every run leaves an empty directory in /tmp behind. Once loaded, the files are no longer needed and the
 * directory goes at once. Where {@code onnxruntime.native.path} is set (the launcher unpacks the libraries once per
 * build) or the jar has no libraries for this platform, ONNX Runtime is left to load as it does.
 */
public final class OnnxRuntimeLibraries {
    private static final String NATIVE_PATH = "onnxruntime.native.path";
    private static boolean loaded;

    private OnnxRuntimeLibraries() {}

    /** Loads the libraries, once per JVM; call before the first ONNX Runtime object is made. */
    public static synchronized void load() {
        if (loaded) {
            return;
        }
        loaded = true;
        String platform = platform();
        if (System.getProperty(NATIVE_PATH) != null || platform == null) {
            return;
        }
        List<String> names = List.of(System.mapLibraryName("onnxruntime"), System.mapLibraryName("onnxruntime4j_jni"));
        String folder = "/ai/onnxruntime/native/" + platform + "/";
        if (names.stream().anyMatch(name -> OnnxRuntimeLibraries.class.getResource(folder + name) == null)) {
            return;
        }
        Path dir = TempDirectories.create("onnxruntime");
        try {
            for (String name : names) {
                try (InputStream library = OnnxRuntimeLibraries.class.getResourceAsStream(folder + name)) {
                    Files.copy(library, dir.resolve(name));
                }
            }
            System.setProperty(NATIVE_PATH, dir.toString());
            OrtEnvironment.getEnvironment();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack ONNX Runtime's native libraries into " + dir, e);
        } finally {
            System.clearProperty(NATIVE_PATH);
            TempDirectories.delete(dir);
        }
    }

    /** ONNX Runtime's name for this platform's folder of libraries, or null for one it ships none for here. */
    private static String platform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String osName = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "osx" : os.startsWith("windows") ? "win" : null;
        String archName = arch.equals("amd64") || arch.equals("x86_64") ? "x64" : arch.equals("aarch64") ? "aarch64" : null;
        return osName == null || archName == null ? null : osName + "-" + archName;
    }
}
