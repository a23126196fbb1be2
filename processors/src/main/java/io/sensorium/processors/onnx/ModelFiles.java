package io.sensorium.processors.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model directory in the Hugging Face ONNX layout as its loader sees it: JSON configs and ONNX graphs, each
 * problem reported as a {@link ModelException} naming the file, and the ONNX Runtime sessions opened from it (all
 * with the same options), closed together.
 */
public final class ModelFiles implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelFiles.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final OrtSession.SessionOptions sessionOptions;
    private final List<OrtSession> sessions = new ArrayList<>();

    /**
     * @param intraOpThreads ONNX Runtime intra-op threads per session
     * @param cudaDevice     the CUDA device sessions run on, or -1 for the CPU
     */
    public ModelFiles(Path dir, int intraOpThreads, int cudaDevice) {
        if (!Files.isDirectory(dir)) {
            throw new ModelException("no model directory at " + dir);
        }
        this.dir = dir;
        OnnxRuntimeLibraries.load();
        this.sessionOptions = sessionOptions(intraOpThreads, cudaDevice);
    }

    /** {@code cpu} gives -1, {@code cuda} device 0, {@code cuda:N} device N: the configuration's device setting. */
    public static int cudaDevice(String device) {
        String name = device == null ? "cpu" : device.trim().toLowerCase(Locale.ROOT);
        if (name.equals("cpu")) {
            return -1;
        }
        if (name.equals("cuda")) {
            return 0;
        }
        if (name.matches("cuda:\\d+")) {
            return Integer.parseInt(name.substring(5));
        }
        throw new ModelException("unknown device '" + device + "': use cpu, cuda or cuda:N");
    }

    private static OrtSession.SessionOptions sessionOptions(int intraOpThreads, int cudaDevice) {
        OrtSession.SessionOptions session = new OrtSession.SessionOptions();
        try {
            session.setIntraOpNumThreads(intraOpThreads);
            session.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            // Idle ORT threads spin by default, waiting for the next run: fine on a dedicated box, but here the
            // Kafka Streams threads, the decoder's Java half and the other stage need those cores (tiny.en int8,
            // 2 cores: 3.65 -> 2.78 ms per decoded token, 10.9 -> 9.5 s for 330 s of audio).
            session.addConfigEntry("session.intra_op.allow_spinning", "0");
            // A memory pattern is planned and kept for each set of input shapes a session is run with: the decoder's
            // grow by a token a step, and windows, beams and batches vary, so the patterns pile up, each holding its
            // blocks (transcribe of 7.3 min of speech, tiny.en int8: peak RSS 1354 -> 1117 MB, wall time alike).
            session.setMemoryPatternOptimization(false);
            if (cudaDevice >= 0) {
                Set<OrtProvider> available = OrtEnvironment.getAvailableProviders();
                if (!available.contains(OrtProvider.CUDA)) {
                    throw new ModelException("this ONNX Runtime build has no CUDA execution provider (it has "
                            + available + "): run on the CPU, or use the onnxruntime_gpu artifact (CUDA 12, cuDNN 9)");
                }
                session.addCUDA(cudaDevice);
            }
            return session;
        } catch (OrtException e) {
            session.close();
            throw new ModelException("ONNX Runtime cannot use CUDA device " + cudaDevice + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    public Path dir() {
        return dir;
    }

    public boolean exists(String name) {
        return Files.isRegularFile(dir.resolve(name));
    }

    public Path file(String name) {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new ModelException("model " + dir + " lacks " + name);
        }
        return file;
    }

    public JsonNode json(String name) {
        try {
            return JSON.readTree(file(name).toFile());
        } catch (IOException e) {
            throw new ModelException(dir.resolve(name) + " is not readable JSON: " + e.getMessage(), e);
        }
    }

    /** A positive whole number from config.json. */
    public int positive(JsonNode config, String field) {
        int value = config.path(field).asInt(0);
        if (value <= 0) {
            throw new ModelException(dir.resolve("config.json") + " lacks a positive " + field);
        }
        return value;
    }

    /** Opens a graph of the directory; the session lives until this is closed. */
    public OrtSession session(String name) {
        Path file = file(name);
        try {
            OrtSession session = OrtEnvironment.getEnvironment().createSession(file.toString(), sessionOptions);
            sessions.add(session);
            boolean wideSums = "true".equals(session.getMetadata().getCustomMetadata().get(Int8Sums.METADATA));
            if (wideSums && !Int8Sums.in32Bits()) {
                // It runs, and mostly right: some products saturate, and words go missing or change.
                LOG.warn("{}: its int8 weights take 8 bits, for a processor that sums int8 products in 32 bits; this"
                        + " one sums them in 16, which they can saturate. Convert the model again on this machine"
                        + " (sensorium models convert --int8, or models pull NAME --int8) for 7-bit weights", file);
            }
            return session;
        } catch (OrtException e) {
            throw new ModelException(file + " is not a loadable ONNX graph: " + e.getMessage(), e);
        }
    }

    /**
     * The graph must take exactly {@code inputs} (any other would need a value the caller does not have) and give at
     * least {@code outputs}.
     *
     * @param what what config.json says that the names follow from, for the message
     */
    public void expect(OrtSession session, String file, Set<String> inputs, Set<String> outputs, String what) {
        Set<String> actualInputs = session.getInputNames();
        Set<String> missing = new TreeSet<>(inputs);
        missing.removeAll(actualInputs);
        Set<String> extra = new TreeSet<>(actualInputs);
        extra.removeAll(inputs);
        Set<String> missingOutputs = new TreeSet<>(outputs);
        missingOutputs.removeAll(session.getOutputNames());
        if (!missing.isEmpty() || !extra.isEmpty() || !missingOutputs.isEmpty()) {
            throw new ModelException(dir.resolve(file) + " does not fit config.json (" + what + "): "
                    + (missing.isEmpty() ? "" : "missing inputs " + missing + "; ")
                    + (extra.isEmpty() ? "" : "unexpected inputs " + extra + "; ")
                    + (missingOutputs.isEmpty() ? "" : "missing outputs " + missingOutputs));
        }
    }

    /** Checks the sizes the graph fixes; -1 in {@code expected} (or a symbolic size in the graph) is not checked. */
    public void expectShape(OrtSession session, String file, String name, boolean input, long[] expected,
                            String configFields) {
        try {
            Map<String, NodeInfo> infos = input ? session.getInputInfo() : session.getOutputInfo();
            long[] shape = ((TensorInfo) infos.get(name).getInfo()).getShape();
            boolean fits = shape.length == expected.length;
            for (int i = 0; fits && i < shape.length; i++) {
                fits = expected[i] < 0 || shape[i] < 0 || shape[i] == expected[i];
            }
            if (!fits) {
                throw new ModelException(dir.resolve(file) + " has " + (input ? "input " : "output ") + name
                        + " of shape " + Arrays.toString(shape) + ", but config.json's " + configFields + " say "
                        + Arrays.toString(expected) + " (-1: any)");
            }
        } catch (OrtException e) {
            throw new ModelException("cannot read the shape of " + name + " in " + dir.resolve(file) + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        List<OrtException> failures = new ArrayList<>();
        for (OrtSession session : sessions) {
            try {
                session.close();
            } catch (OrtException e) {
                failures.add(e);
            }
        }
        sessions.clear();
        sessionOptions.close();
        if (!failures.isEmpty()) {
            throw new IllegalStateException("cannot close the ONNX Runtime sessions of " + dir, failures.get(0));
        }
    }
}
