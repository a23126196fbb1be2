package io.sensorium.processors.speech.whisper;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sensorium.processors.onnx.ModelException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * When each token of a decoding was said, from the cross-attention of the model's alignment heads, as openai's
 * word_timestamps and transformers' {@code return_token_timestamps} find it: the decoder is run over the decoded
 * tokens once more, the alignment heads' attention over the audio is cropped to the audio's frames, normalised over
 * the tokens, smoothed by a median filter along time, averaged over the heads, and dynamic time warping finds the
 * monotonic path through it; a token is said where the path reaches its row. Needs a decoder graph that gives its
 * alignment heads' attention ({@code cross_attentions}: models converted by models/convert).
 */
final class CrossAttentionAligner {
    /** transformers' median_filter_width (openai's medfilt_width). */
    private static final int MEDIAN_FILTER_WIDTH = 7;
    private static final double SECONDS_PER_POSITION = 0.02;
    static final String OUTPUT = "cross_attentions";

    private final WhisperModel model;

    CrossAttentionAligner(WhisperModel model) {
        if (model.merged() || !model.decoderSession().getOutputNames().contains(OUTPUT)) {
            throw new ModelException("model " + model.name() + " gives no alignment heads' attention (" + OUTPUT
                    + "): convert it with `sensorium models convert` for word times");
        }
        this.model = model;
    }

    /**
     * The times of a decoding's tokens, and how likely the decoder found each.
     *
     * @param times         for each token, the second of the window it was said at; 0 for the prompt's, and the last
     *                      token takes the time of the one before it (transformers' token_timestamps)
     * @param probabilities for each token after the prompt, its probability given those before, over the text
     *                      tokens (openai's text_token_probs); 0 for the prompt's
     */
    record Alignment(double[] times, double[] probabilities) {}

    /**
     * @param encoded       the encoder batch the window is in
     * @param item          the window's place in it
     * @param tokens        the decoding's tokens, prompt first (end-of-text last, where it came)
     * @param promptLength  how many of them are the prompt
     * @param contentFrames the window's frames of audio (the attention is cropped to half as many positions)
     */
    Alignment align(WhisperEncoder.EncoderOutput encoded, int item, int[] tokens, int promptLength,
                    int contentFrames) {
        double[] times = new double[tokens.length];
        double[] probabilities = new double[tokens.length];
        int rows = tokens.length - 1 - promptLength;
        if (rows <= 0) {
            return new Alignment(times, probabilities);
        }
        float[][][] weights = run(encoded, item, tokens, promptLength, contentFrames / 2, probabilities);
        double[][] matrix = new double[rows][];
        for (float[][] head : weights) {
            normalizeOverTokens(head);
            for (int r = 0; r < rows; r++) {
                float[] smoothed = medianFilter(head[r]);
                if (matrix[r] == null) {
                    matrix[r] = new double[smoothed.length];
                }
                for (int s = 0; s < smoothed.length; s++) {
                    matrix[r][s] += smoothed[s];
                }
            }
        }
        for (double[] row : matrix) {
            for (int s = 0; s < row.length; s++) {
                row[s] = -(float) (row[s] / weights.length);
            }
        }
        int[] positions = DynamicTimeWarping.rowStarts(matrix);
        for (int r = 0; r < rows; r++) {
            times[promptLength + r] = positions[r] * SECONDS_PER_POSITION;
        }
        times[tokens.length - 1] = times[tokens.length - 2];
        return new Alignment(times, probabilities);
    }

    /**
     * Runs the decoder over all but the last token; fills {@code probabilities} and returns {@code [head][row]
     * [position]}: the alignment heads' attention of rows promptLength on, cropped to {@code positions}.
     */
    private float[][][] run(WhisperEncoder.EncoderOutput encoded, int item, int[] tokens, int promptLength,
                            int positions, double[] probabilities) {
        long[] ids = Arrays.stream(tokens, 0, tokens.length - 1).asLongStream().toArray();
        int logitsFrom = model.decoderSkipsLogits() ? promptLength : 0;
        try (WhisperEncoder.EncoderOutput window = encoded.repeated(item, 1);
             OnnxTensor input = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), LongBuffer.wrap(ids),
                     new long[] {1, ids.length});
             WholeSequenceInputs whole = new WholeSequenceInputs(model, window, logitsFrom)) {
            return run(whole.with(input), tokens, promptLength, positions, logitsFrom, probabilities);
        } catch (OrtException e) {
            throw new IllegalStateException("decoder of " + model.name() + " failed: " + e.getMessage(), e);
        }
    }

    /** The run itself: the alignment heads' attention, and the text's probabilities filled in. */
    private float[][][] run(Map<String, OnnxTensor> inputs, int[] tokens, int promptLength, int positions,
                            int logitsFrom, double[] probabilities) throws OrtException {
        try (OrtSession.Result result = model.decoderSession().run(inputs, Set.of(OUTPUT, "logits"))) {
            textProbabilities((OnnxTensor) result.get("logits").orElseThrow(), tokens, promptLength, logitsFrom,
                    probabilities);
            OnnxTensor output = (OnnxTensor) result.get(OUTPUT).orElseThrow();
            long[] shape = output.getInfo().getShape();
            int heads = (int) shape[1];
            int length = (int) shape[2];
            int audio = (int) shape[3];
            int kept = Math.min(positions, audio);
            FloatBuffer all = output.getFloatBuffer();
            float[][][] weights = new float[heads][length - promptLength][kept];
            for (int h = 0; h < heads; h++) {
                for (int r = promptLength; r < length; r++) {
                    all.position((h * length + r) * audio);
                    all.get(weights[h][r - promptLength], 0, kept);
                }
            }
            return weights;
        }
    }

    /**
     * Each token's probability at the row before it, softmax over the tokens below end-of-text (the text's).
     *
     * @param logitsFrom the position of the logits' first row
     */
    private void textProbabilities(OnnxTensor logits, int[] tokens, int promptLength, int logitsFrom,
                                   double[] probabilities) {
        long[] shape = logits.getInfo().getShape();
        int vocab = (int) shape[2];
        int text = model.tokenizer().endOfText();
        FloatBuffer all = logits.getFloatBuffer();
        float[] row = new float[vocab];
        for (int p = promptLength; p < tokens.length - 1; p++) {
            all.position((p - logitsFrom) * vocab);
            all.get(row);
            float max = LogSumExp.max(row, 0, text);
            double sum = LogSumExp.sumExp(row, 0, text, max);
            int next = tokens[p + 1];
            probabilities[p + 1] = next < text ? Math.exp((double) row[next] - max) / sum : 0;
        }
    }

    /** (w - mean) / std over the rows, position by position (torch.std_mean, unbiased=False), in float32. */
    private static void normalizeOverTokens(float[][] head) {
        int rows = head.length;
        for (int s = 0; s < head[0].length; s++) {
            double sum = 0;
            for (float[] row : head) {
                sum += row[s];
            }
            float mean = (float) (sum / rows);
            double squares = 0;
            for (float[] row : head) {
                squares += (row[s] - mean) * (double) (row[s] - mean);
            }
            float std = (float) Math.sqrt(squares / rows);
            for (float[] row : head) {
                row[s] = (row[s] - mean) / std;
            }
        }
    }

    /** The median of each 7 positions around each, the ends mirrored (torch's reflect padding). */
    private static float[] medianFilter(float[] x) {
        int pad = MEDIAN_FILTER_WIDTH / 2;
        if (x.length <= pad) {
            return x.clone();
        }
        float[] out = new float[x.length];
        float[] window = new float[MEDIAN_FILTER_WIDTH];
        for (int i = 0; i < x.length; i++) {
            for (int k = 0; k < MEDIAN_FILTER_WIDTH; k++) {
                int at = i + k - pad;
                window[k] = x[at < 0 ? -at : at >= x.length ? 2 * x.length - 2 - at : at];
            }
            Arrays.sort(window);
            out[i] = window[pad];
        }
        return out;
    }
}
