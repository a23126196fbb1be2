package io.sensorium.processors.vision.model;

import io.sensorium.core.records.ImageFrame;
import io.sensorium.core.records.InvalidRecordException;
import io.sensorium.core.records.PixelFrame;

/**
 * Makes a model's pixel record from a JPEG frame: checked against its headers, resized as the model's
 * preprocessor_config.json says (Pillow's filter, so it equals what the transformers processor gives), as raw
 * 8-bit RGB when small and lossless PNG when not. An enlargement is left to the vision processor, and the frame's
 * own JPEG is carried: it is far smaller than the enlarged image, holds the same information, and decodes to the
 * same pixels every time (encoding a PNG of it here would cost more than the rest of the preprocessing together).
 * So is the resize of a frame the vision processor may yet skip: with many live cameras it takes only a few of
 * their frames, and decoding and resizing all of them here was the largest cost of the whole path (16 cameras at
 * 10 frames/s, ViT: 0.73 of 2 cores).
 */
public final class PixelPreparer {
    /** Frames above this many pixels (a 40-megapixel still) are refused before decoding: a JPEG can claim any size. */
    static final long MAX_PIXELS = 40_000_000L;
    /** Inputs up to this many bytes go as they are (ViT's 224 x 224: 150 KB); compressing them costs more than it saves. */
    static final int RAW_BYTES = 256 * 1024;

    private final ImageProcessorConfig config;
    private final String modelName;
    private final int maxRecordBytes;

    public PixelPreparer(ImageProcessorConfig config, String modelName, int maxRecordBytes) {
        this.config = config;
        this.modelName = modelName;
        this.maxRecordBytes = maxRecordBytes;
    }

    /**
     * @param mayBeSkipped whether the vision processor may skip the frame (a live camera's under
     *                     {@code vision.live-frames: latest}): its JPEG is then passed on for the processor to resize
     * @throws InvalidRecordException when the frame is broken, mislabelled, too big, or its pixels would not fit a record
     */
    public PixelFrame prepare(ImageFrame frame, boolean mayBeSkipped) {
        JpegHeader header = JpegHeader.read(frame.jpeg());
        if (header.width() != frame.width() || header.height() != frame.height()) {
            throw new InvalidRecordException("frame " + frame.sequence() + ": the JPEG is " + header.width() + "x"
                    + header.height() + " but its headers say " + frame.width() + "x" + frame.height());
        }
        if ((long) header.width() * header.height() > MAX_PIXELS) {
            throw new InvalidRecordException("frame " + frame.sequence() + " of " + header.width() + "x" + header.height()
                    + " is over the " + MAX_PIXELS + "-pixel limit");
        }
        int width = header.width();
        int height = header.height();
        int[] input = config.inputSize(height, width);
        boolean enlarges = (long) input[0] * input[1] > (long) width * height;
        PixelFrame.Format format;
        byte[] image;
        if (enlarges || mayBeSkipped) {
            format = PixelFrame.Format.JPEG;
            image = frame.jpeg();
        } else {
            RgbImage resized = ImageCodec.decode(frame.jpeg(), "frame " + frame.sequence())
                    .resize(input[1], input[0], config.filter());
            boolean raw = resized.pixels().length <= RAW_BYTES;
            format = raw ? PixelFrame.Format.RGB8 : PixelFrame.Format.PNG;
            image = raw ? resized.pixels() : ImageCodec.png(resized);
        }
        if (image.length > maxRecordBytes) {
            throw new InvalidRecordException("frame " + frame.sequence() + ": its " + input[1] + "x" + input[0]
                    + " input takes " + image.length + " bytes as " + format.header() + ", over the record limit of " + maxRecordBytes
                    + " (lower video.max-side at ingest, or raise vision.max-record-bytes with the topic's max.message.bytes)");
        }
        return new PixelFrame(frame.streamId(), frame.sequence(), frame.timestampMicros(), width, height,
                input[1], input[0], modelName, config.normalization(), false, format, image);
    }
}
