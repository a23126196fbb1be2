package io.sensorium.ingest.video;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Still images as a stream: one file, or a folder's image files in name order. A file of the folder that does not
 * decode (or declares a size over the limit) is reported and skipped; the rest of the folder goes on. Frames have
 * time 0: stills have no time of their own.
 */
final class ImageFolderSource implements FrameSource {
    static final List<String> EXTENSIONS = List.of("jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "webp");

    private final List<Path> files;
    private final boolean folder;
    private final StillImageDecoder decoder;
    private int next;
    private Mat current;

    /** @param maxPixels images declaring more pixels than this are refused before decoding */
    ImageFolderSource(Path path, long maxPixels) {
        this.folder = Files.isDirectory(path);
        this.files = folder ? list(path) : List.of(path);
        this.decoder = new StillImageDecoder(maxPixels);
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
        current = decoder.decode(file, bytes);
        return VideoFrame.still(current, ImageSize.isBaselineColourJpeg(bytes) ? bytes : null);
    }

    @Override
    public boolean timed() {
        return false;
    }

    /** A folder goes on past a broken image; a single image that is broken is the source failing. */
    @Override
    public boolean skipsBrokenFrames() {
        return folder;
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
