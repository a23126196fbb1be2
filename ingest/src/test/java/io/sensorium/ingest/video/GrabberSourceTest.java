package io.sensorium.ingest.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Videos and GIFs through FFmpeg: the pixel limit holds for them too, and frames narrower than FFmpeg's row alignment stay BGR. */
class GrabberSourceTest {

    @Test
    void aVideoOverThePixelLimitIsRefusedWhenOpened(@TempDir Path dir) throws Exception {
        Path clip = VideoFiles.mp4(dir.resolve("clip.mp4"), 2, 10, 160, 120);
        assertThatThrownBy(() -> GrabberSource.pictures(clip.toString(), 160 * 120 - 1))
                .isInstanceOf(FrameSourceException.class)
                .hasMessage(clip + " declares 160x120 = 19200 pixels, over the limit of 19199 (video.max-source-pixels);"
                        + " refused before decoding");
    }

    @Test
    void aTwoPixelWideGifIsThreeChannelBgr(@TempDir Path dir) {
        Path gif = dir.resolve("tiny.gif");
        TestImages.gif(gif, 2, 2);
        try (GrabberSource source = GrabberSource.bgr(gif.toString(), 100)) {
            VideoFrame frame = source.next();
            assertThat(frame.image().type()).isEqualTo(CV_8UC3);
            assertThat(frame.image().cols()).isEqualTo(2);
            assertThat(frame.image().rows()).isEqualTo(2);
        }
    }
}
