package io.sensorium.core.records;

/**
 * A frame prepared for one vision model: resized to the model's input size, as lossless 8-bit RGB, with the
 * rescale and normalisation the model wants still to be applied (as floats the input would be 4x the bytes and a
 * DETR input would not fit in a Kafka record). Or the stream's end marker.
 *
 * <p>When the model's resize would enlarge the frame, the frame is carried as it came — its own JPEG, whose decoding
 * is exact and repeatable — and enlarged where the tensor is made: enlarging adds bytes, not information.
 *
 * @param streamId        camera or stream id, the record key
 * @param sequence        the frame's sequence number, as in its {@link ImageFrame}
 * @param timestampMicros the frame's presentation time, as in its {@link ImageFrame}
 * @param frameWidth      the original frame's width: boxes are given in its pixels
 * @param frameHeight     the original frame's height
 * @param inputWidth      the width of the model's input
 * @param inputHeight     the height of the model's input
 * @param model           the name of the model the input was prepared for
 * @param normalization   what turns the 8-bit values into the model's input
 * @param endOfStream     true on the end marker, which carries no image
 * @param format          how {@code image} is encoded
 * @param image           the RGB image; empty on the end marker
 */
public record PixelFrame(String streamId, long sequence, long timestampMicros, int frameWidth, int frameHeight,
                         int inputWidth, int inputHeight, String model, PixelNormalization normalization,
                         boolean endOfStream, Format format, byte[] image) {

    /** The encodings of the image, by the {@code sensorium.pixel-format} header's value. */
    public enum Format {
        /** Interleaved 8-bit RGB at the input size, as is: small inputs (ViT's 224 x 224), where encoding costs more than it saves. */
        RGB8("rgb8"),
        /** PNG, lossless: inputs too large to carry as they are. */
        PNG("png"),
        /** The frame's own JPEG, at the frame's size: inputs the model enlarges the frame to, and frames the vision stage may skip. */
        JPEG("jpeg");

        private final String header;

        Format(String header) {
            this.header = header;
        }

        public String header() {
            return header;
        }

        public static Format ofHeader(String value) {
            for (Format format : values()) {
                if (format.header.equals(value)) {
                    return format;
                }
            }
            throw new InvalidRecordException("unknown pixel format '" + value + "' (rgb8, png, jpeg)");
        }
    }

    public static PixelFrame end(String streamId, long sequence) {
        return new PixelFrame(streamId, sequence, 0, 0, 0, 0, 0, "", PixelNormalization.NONE, true, Format.RGB8, new byte[0]);
    }
}
