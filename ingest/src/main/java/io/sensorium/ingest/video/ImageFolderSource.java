package io.sensorium.ingest.video;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Still images as a stream: one file, or a folder's image files in name order. A file that does not decode is
 * reported and skipped; the rest of the folder goes on. Frames have time 0: stills have no time of their own.
 */
final class ImageFolderSource implements FrameSource {
    static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "tif", "tiff", "webp");

    private final List<Path> files;
    private int next;
    private Mat current;

    ImageFolderSource(Path path) {
        this.files = Files.isDirectory(path) ? list(path) : List.of(path);
    }

    static boolean isImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot >= 0 && EXTENSIONS.contains(name.substring(dot + 1));
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isRegularFile).filter(ImageFolderSource::isImage).sorted().toList();
        } catch (IOException e) {
            throw new FrameSourceException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public VideoFrame next() {
        releaseCurrent();
        if (next >= files.size()) {
            return null;
        }
        Path file = files.get(next++);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new FrameSourceException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try (Mat buffer = new Mat(1, bytes.length, opencv_core.CV_8UC1, new BytePointer(bytes))) {
            // EXIF orientation is ignored, as Pillow (and so transformers) does: the model sees the pixels as stored.
            current = imdecode(buffer, IMREAD_COLOR | IMREAD_IGNORE_ORIENTATION);
        }
        if (current == null || current.empty()) {
            throw new FrameSourceException(file + " is not a decodable image");
        }
        boolean jpeg = bytes.length > 2 && (bytes[0] & 0xff) == 0xFF && (bytes[1] & 0xff) == 0xD8;
        return new VideoFrame(current, 0, jpeg ? bytes : null);
    }

    @Override
    public boolean timed() {
        return false;
    }

    @Override
    public boolean skipsBrokenFrames() {
        return true;
    }

    private void releaseCurrent() {
        if (current != null) {
            current.close();
            current = null;
        }
    }

    @Override
    public void close() {
        releaseCurrent();
    }
}
