package io.sensorium.core.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** Frames and pixel records survive their Kafka form; malformed ones are refused with the reason. */
class VisionRecordSerdeTest {
    private static final PixelNormalization IMAGENET =
            new PixelNormalization(1 / 255.0, new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225});

    @Test
    void framesRoundTrip() {
        ImageFrameSerde serde = new ImageFrameSerde(1000);
        ImageFrame frame = new ImageFrame("cam-1", 7, 280_000, 640, 480, false, new byte[] {(byte) 0xFF, (byte) 0xD8, 1});
        Headers headers = new RecordHeaders();
        serde.writeHeaders(frame, headers);
        ImageFrame read = serde.read("cam-1", frame.jpeg(), headers);
        assertThat(read).usingRecursiveComparison().isEqualTo(frame);

        Headers end = new RecordHeaders();
        serde.writeHeaders(ImageFrame.end("cam-1", 8), end);
        assertThat(serde.read("cam-1", new byte[0], end).endOfStream()).isTrue();
        assertThatThrownBy(() -> serde.read("cam-2", frame.jpeg(), headers))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("differs from its stream header");
    }

    @Test
    void pixelRecordsRoundTripWithTheirNormalisationAndFormat() {
        PixelFrameSerde serde = new PixelFrameSerde(1000);
        PixelFrame frame = new PixelFrame("cam-1", 3, 100_000, 640, 480, 1066, 800, "detr-resnet-50", IMAGENET, false,
                PixelFrame.Format.JPEG, new byte[] {1, 2, 3});
        Headers headers = new RecordHeaders();
        serde.writeHeaders(frame, headers);
        PixelFrame read = serde.read("cam-1", frame.image(), headers);
        assertThat(read).usingRecursiveComparison().isEqualTo(frame);
        assertThat(read.normalization()).isEqualTo(IMAGENET);

        io.sensorium.core.records.RecordHeaders.put(headers, io.sensorium.core.records.RecordHeaders.PIXEL_FORMAT, "webp");
        assertThatThrownBy(() -> serde.read("cam-1", frame.image(), headers))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("unknown pixel format 'webp'");
        io.sensorium.core.records.RecordHeaders.put(headers, io.sensorium.core.records.RecordHeaders.PIXEL_FORMAT, "jpeg");
        io.sensorium.core.records.RecordHeaders.put(headers, io.sensorium.core.records.RecordHeaders.PIXEL_STD, "0.2,0,0.2");
        assertThatThrownBy(() -> serde.read("cam-1", frame.image(), headers))
                .isInstanceOf(InvalidRecordException.class).hasMessageContaining("std must be positive");
    }
}
