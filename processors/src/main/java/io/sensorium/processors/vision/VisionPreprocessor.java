package io.sensorium.processors.vision;

import static io.sensorium.core.records.RecordHeaders.LIVE;
import static io.sensorium.core.records.RecordHeaders.SEQUENCE;
import static io.sensorium.core.records.RecordHeaders.longOr;

import io.sensorium.core.kafka.DeadLetteringProcessor;
import io.sensorium.core.records.ImageFrame;
import io.sensorium.core.records.ImageFrameSerde;
import io.sensorium.core.records.PixelFrame;
import io.sensorium.core.records.PixelFrameSerde;
import io.sensorium.processors.vision.model.PixelPreparer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Frames topic -> pixels topic: one pixel record per frame (but live frames it reaches too late, {@link LateFrames};
 * those the vision stage may still skip keep their JPEG, {@link PixelPreparer}), the end marker passed on. Stateless.
 */
final class VisionPreprocessor extends DeadLetteringProcessor {
    private final ImageFrameSerde frames;
    private final PixelFrameSerde pixels = new PixelFrameSerde(Integer.MAX_VALUE);
    private final PixelPreparer preparer;
    private final LateFrames lateFrames;

    VisionPreprocessor(PixelPreparer preparer, int maxFrameBytes, LateFrames lateFrames) {
        super(VisionPreprocessTopology.STAGE);
        this.preparer = preparer;
        this.lateFrames = lateFrames;
        this.frames = new ImageFrameSerde(maxFrameBytes);
    }

    @Override
    protected void handle(Record<String, byte[]> record) {
        ImageFrame frame = frames.read(record.key(), record.value(), record.headers());
        if (!frame.endOfStream() && lateFrames.skip(record, frame.sequence())) {
            return;
        }
        emit(record, frame.endOfStream() ? PixelFrame.end(frame.streamId(), frame.sequence())
                : preparer.prepare(frame, lateFrames.mayBeSkipped(record)));
    }

    /** The camera's end marker was dead-lettered: it is passed on all the same. */
    @Override
    protected void endStream(Record<String, byte[]> last) {
        emit(last, PixelFrame.end(last.key(), longOr(last.headers(), SEQUENCE, 0)));
    }

    private void emit(Record<String, byte[]> in, PixelFrame out) {
        RecordHeaders headers = new RecordHeaders();
        pixels.writeHeaders(out, headers);
        // The vision stage skips a live camera's frames it is too late for (vision.live-frames).
        Header live = in.headers().lastHeader(LIVE);
        if (live != null) {
            headers.add(live);
        }
        emit(new Record<>(out.streamId(), out.image(), in.timestamp(), headers));
    }
}
