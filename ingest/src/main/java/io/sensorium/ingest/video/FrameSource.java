package io.sensorium.ingest.video;

/**
 * Where frames come from: an image, a folder of images, a video file or a live URL. Not thread-safe; one reader.
 */
interface FrameSource extends AutoCloseable {
    /**
     * @return the next frame, or null at the end of the source
     * @throws FrameSourceException when the source broke (a file it cannot decode, a dropped connection)
     */
    VideoFrame next();

    /** Whether frames have presentation times (videos, cameras), so that fps sampling applies; stills have none. */
    default boolean timed() {
        return true;
    }

    /** Whether a frame that fails ends the stream (a video) or is skipped, the source going on (a folder). */
    default boolean skipsBrokenFrames() {
        return false;
    }

    @Override
    void close();
}
