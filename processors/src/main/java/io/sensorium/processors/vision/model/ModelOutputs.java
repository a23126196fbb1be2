package io.sensorium.processors.vision.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;

/** Typed, checked reads of a vision graph's outputs for one image of a batch. */
public final class ModelOutputs {
    private final OrtSession.Result result;
    private final int image;

    /** The outputs of a batch of one image. */
    public ModelOutputs(OrtSession.Result result) {
        this(result, 0);
    }

    /** @param image the image's index in the batch */
    public ModelOutputs(OrtSession.Result result, int image) {
        this.result = result;
        this.image = image;
    }

    /**
     * @param columns the size the last dimension must have, or -1 for any
     * @return the image's rows of output {@code name}, of shape [batch, rows, columns]
     */
    public float[][] matrix(String name, int columns) {
        OnnxTensor tensor = tensor(name);
        long[] shape = tensor.getInfo().getShape();
        if (shape.length != 3 || shape[0] <= image || (columns >= 0 && shape[2] != columns)) {
            throw new ModelOutputException("output " + name + " has shape " + Arrays.toString(shape)
                    + ", expected [" + (image + 1) + " or more, N, " + (columns >= 0 ? columns : "K") + "]");
        }
        FloatBuffer values = tensor.getFloatBuffer().position((int) (image * shape[1] * shape[2]));
        float[][] rows = new float[(int) shape[1]][(int) shape[2]];
        for (float[] row : rows) {
            values.get(row);
        }
        return rows;
    }

    /** @return the image's row of output {@code name}, of shape [batch, size] */
    public float[] vector(String name, int size) {
        OnnxTensor tensor = tensor(name);
        long[] shape = tensor.getInfo().getShape();
        if (shape.length != 2 || shape[0] <= image || shape[1] != size) {
            throw new ModelOutputException("output " + name + " has shape " + Arrays.toString(shape)
                    + ", expected [" + (image + 1) + " or more, " + size + "]");
        }
        float[] values = new float[size];
        tensor.getFloatBuffer().position(image * size).get(values);
        return values;
    }

    private OnnxTensor tensor(String name) {
        OnnxValue value = result.get(name).orElseThrow(() -> new ModelOutputException("the model gave no output " + name));
        if (!(value instanceof OnnxTensor tensor)) {
            throw new ModelOutputException("output " + name + " is not a tensor");
        }
        if (tensor.getInfo().type != OnnxJavaType.FLOAT) {
            throw new ModelOutputException("output " + name + " is " + tensor.getInfo().type + ", not float");
        }
        return tensor;
    }

    /** Numerically stable softmax. */
    static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
