package io.sensorium.cli;

import io.sensorium.core.records.ImageFrameSerde;
import io.sensorium.core.records.PixelFrameSerde;
import io.sensorium.core.records.RecordHeaders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes image records out as files a person can open: {@code <stream>-<frame>.jpg} (or .png for pixel inputs). */
final class ImageFiles {
    private ImageFiles() {}

    /** @return the file written, or null when the record is no image (another schema, an end marker) */
    static Path write(Path dir, org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> record) {
        String schema = RecordHeaders.text(record.headers(), RecordHeaders.SCHEMA);
        String extension = ImageFrameSerde.SCHEMA.equals(schema) ? ".jpg" : PixelFrameSerde.SCHEMA.equals(schema) ? ".png" : null;
        if (extension == null || record.value() == null || record.value().length == 0) {
            return null;
        }
        String stream = record.key() == null ? "unkeyed" : record.key().replaceAll("[^A-Za-z0-9._-]", "_");
        String frame = RecordHeaders.text(record.headers(), RecordHeaders.SEQUENCE);
        Path file = dir.resolve(stream + "-" + (frame == null ? Long.toString(record.offset()) : frame) + extension);
        try {
            Files.createDirectories(dir);
            Files.write(file, record.value());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
