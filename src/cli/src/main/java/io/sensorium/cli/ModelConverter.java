package io.sensorium.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorium.processors.onnx.Int8Sums;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the Whisper converter (models/convert, Python with numpy + onnx — no PyTorch), which ships inside this jar.
 * The first use unpacks it and makes it a virtual environment from PyPI under the Sensorium cache; later uses find
 * both there.
 */
final class ModelConverter {
    static final String[] SCRIPTS = {"convert_whisper.py", "checkpoints.py", "onnx_graphs.py", "merge_decoders.py",
        "quantize.py"};
    private static final String REQUIREMENTS = "requirements-convert.txt";
    /** What the converter writes beside a converted model: its version, and for int8 how wide its sums may be. */
    static final String MARK = "sensorium-convert.json";
    /** The mark's field saying that an int8 conversion's weights take 8 bits ({@link Int8Sums}). */
    static final String MARK_INT8_SUMS = "int8_sums_in_32_bits";

    private final Path home;

    /** @param home where the unpacked converter and its environment live, e.g. ~/.cache/sensorium/convert */
    ModelConverter(Path home) {
        this.home = home;
    }

    static Path defaultHome() {
        return ModelCache.defaultDirectory().getParent().resolve("convert");
    }

    /**
     * Converts {@code source} (a CTranslate2 or transformers Whisper directory) into {@code target}.
     *
     * @param merged one merged decoder graph (weights stored once) instead of the faster pair
     */
    void convert(Path source, Path target, boolean int8, boolean merged) throws IOException, InterruptedException {
        if (!Files.isDirectory(source)) {
            throw new UserFacingError("no model directory at " + source, UserFacingError.USAGE);
        }
        Path scripts = unpack();
        Path python = environment(scripts.resolve(REQUIREMENTS));
        List<String> command = new ArrayList<>(List.of(python.toString(), scripts.resolve("convert_whisper.py").toString(),
                source.toString(), target.toString()));
        boolean wideSums = int8 && Int8Sums.in32Bits();
        if (int8) {
            command.addAll(List.of("--quantize", "int8"));
            if (wideSums) {
                command.add("--wide-int8-sums");
            }
        }
        if (merged) {
            command.add("--merged");
        }
        System.err.println("converting " + source + " -> " + target + (!int8 ? ""
                : wideSums ? " (int8 weights in 8 bits: this processor sums int8 products in 32 bits)"
                : " (int8 weights in 7 bits: this processor sums int8 products in 16 bits)"));
        run(command, "the converter failed on " + source);
    }

    /**
     * Why {@code dir} should be converted again, or null where it need not: its mark says an earlier version of the
     * converter made it, which gave less (word times need version 2, a first step without the previous text's logits
     * 3), or it has none yet the layout conversions give (no merged decoder), as conversions before the mark did; or
     * its int8 weights take 8 bits and this processor sums int8 products in 16 bits ({@link Int8Sums}). A model from
     * the Hub is none of these.
     */
    static String staleness(Path dir, boolean sumsIn32Bits) throws IOException {
        Path mark = dir.resolve(MARK);
        String earlier = "was converted by an earlier Sensorium, whose graphs give less (see CONVERTER_VERSION in"
                + " models/convert/convert_whisper.py)";
        if (!Files.isRegularFile(mark)) {
            return Files.exists(dir.resolve("onnx/decoder_model_merged.onnx")) ? null : earlier;
        }
        JsonNode converted = new ObjectMapper().readTree(mark.toFile());
        if (converted.path("version").asInt(0) < version()) {
            return earlier;
        }
        if (converted.path(MARK_INT8_SUMS).asBoolean() && !sumsIn32Bits) {
            return "has int8 weights in 8 bits, converted on a processor that sums int8 products in 32 bits; this one"
                    + " sums them in 16, where 8-bit weights saturate";
        }
        return null;
    }

    /** The converter's CONVERTER_VERSION, read from the script this build ships. */
    static int version() throws IOException {
        try (InputStream in = ModelConverter.class.getResourceAsStream("convert/convert_whisper.py")) {
            if (in == null) {
                throw new IllegalStateException("this build lacks the converter's convert_whisper.py");
            }
            Matcher version = Pattern.compile("(?m)^CONVERTER_VERSION = (\\d+)$")
                    .matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            if (!version.find()) {
                throw new IllegalStateException("convert_whisper.py has no CONVERTER_VERSION");
            }
            return Integer.parseInt(version.group(1));
        }
    }

    private Path unpack() throws IOException {
        Path dir = home.resolve("scripts");
        Files.createDirectories(dir);
        List<String> files = new ArrayList<>(List.of(SCRIPTS));
        files.add(REQUIREMENTS);
        for (String file : files) {
            try (InputStream in = ModelConverter.class.getResourceAsStream("convert/" + file)) {
                if (in == null) {
                    throw new IllegalStateException("this build lacks the converter's " + file);
                }
                Files.copy(in, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }

    private Path environment(Path requirements) throws IOException, InterruptedException {
        Path venv = home.resolve("python");
        Path python = venv.resolve("bin/python");
        Path stamp = venv.resolve("requirements.txt");
        String wanted = Files.readString(requirements);
        if (Files.isExecutable(python) && Files.isRegularFile(stamp) && Files.readString(stamp).equals(wanted)) {
            return python;
        }
        System.err.println("preparing the converter's Python environment in " + venv + " (numpy, onnx; once)");
        run(List.of("python3", "-m", "venv", venv.toString()),
                "cannot make a Python virtual environment: the converter needs python3 with its venv module");
        run(List.of(python.toString(), "-m", "pip", "install", "--quiet", "-r", requirements.toString()),
                "cannot install the converter's Python packages from PyPI (" + requirements + ")");
        Files.writeString(stamp, wanted);
        return python;
    }

    private static void run(List<String> command, String failure) throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.to(nullFile()))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new UserFacingError(failure + ": " + e.getMessage(), UserFacingError.FAILED);
        }
        int exit = process.waitFor();
        if (exit != 0) {
            throw new UserFacingError(failure + " (exit " + exit + ")", UserFacingError.FAILED);
        }
    }

    private static java.io.File nullFile() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }
}
