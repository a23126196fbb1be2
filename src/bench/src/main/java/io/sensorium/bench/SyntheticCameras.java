package io.sensorium.bench;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.circle;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.rectangle;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Live cameras for the camera benchmark: a synthetic MPEG-TS clip (shapes moving over a grey yard, the frame number
 * written in a corner) served over HTTP at its frame rate, from its start, to each connection to any
 * {@code /NAME.ts}, as many at once as connect. Writes its port to PORT_FILE and serves until killed.
 *
 * <p>{@code java -cp benchmarks.jar io.sensorium.bench.SyntheticCameras SECONDS FPS WIDTH HEIGHT CLIP PORT_FILE}
 */
public final class SyntheticCameras {
    private SyntheticCameras() {}

    public static void main(String[] args) throws Exception {
        double seconds = Double.parseDouble(args[0]);
        int fps = Integer.parseInt(args[1]);
        int width = Integer.parseInt(args[2]);
        int height = Integer.parseInt(args[3]);
        Path clip = Path.of(args[4]);
        Path portFile = Path.of(args[5]);
        int frames = (int) Math.ceil(seconds * fps);
        if (!Files.exists(clip)) {
            record(clip, frames, fps, width, height);
        }
        byte[] stream = Files.readAllBytes(clip);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "video/mp2t");
            exchange.sendResponseHeaders(200, 0);
            // Every frame is a key frame of about the same size: bytes at an even pace are frames at the clip's rate.
            int chunk = stream.length / frames + 1;
            long started = System.nanoTime();
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0, offset = 0; offset < stream.length; i++, offset += chunk) {
                    long due = started + i * 1_000_000_000L / fps;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    out.write(stream, offset, Math.min(chunk, stream.length - offset));
                    out.flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // The reader went away (the benchmark stopped it): its connection ends here.
                exchange.close();
            }
        });
        server.start();
        Files.writeString(portFile, Integer.toString(server.getAddress().getPort()));
        System.out.printf("serving %s (%d frames, %dx%d at %d fps, %.1f MB) at http://127.0.0.1:%d/NAME.ts%n", clip,
                frames, width, height, fps, stream.length / 1e6, server.getAddress().getPort());
    }

    private static void record(Path file, int frames, int fps, int width, int height) throws Exception {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(partial.toFile(), width, height, 0);
             OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
            recorder.setFormat("mpegts");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(fps);
            recorder.setVideoQuality(6);
            recorder.setGopSize(1);
            recorder.start();
            for (int i = 0; i < frames; i++) {
                try (Mat image = new Mat(height, width, CV_8UC3, new Scalar(110, 120, 115, 0))) {
                    draw(image, i, width, height);
                    recorder.record(converter.convert(image));
                }
            }
            recorder.stop();
        }
        Files.move(partial, file);
    }

    /** Three shapes crossing the frame at their own speeds, as people and cars would. */
    private static void draw(Mat image, int i, int width, int height) {
        int x1 = (i * 7) % (width + 120) - 120;
        rectangle(image, new Point(x1, height / 3), new Point(x1 + 60, height / 3 + 150), new Scalar(40, 40, 200, 0), -1, 8, 0);
        int x2 = width - (i * 4) % (width + 200);
        rectangle(image, new Point(x2, height * 2 / 3), new Point(x2 + 200, height * 2 / 3 + 90), new Scalar(200, 90, 30, 0),
                -1, 8, 0);
        int y3 = (i * 3) % (height + 80) - 40;
        circle(image, new Point(width / 2, y3), 40, new Scalar(30, 200, 220, 0), -1, 8, 0);
        putText(image, Integer.toString(i), new Point(10, 30), FONT_HERSHEY_SIMPLEX, 1.0, new Scalar(255, 255, 255, 0));
    }
}
