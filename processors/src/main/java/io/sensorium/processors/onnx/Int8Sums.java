package io.sensorium.processors.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How wide ONNX Runtime sums int8 products on this machine's processor, which decides how many bits int8 weights may
 * take (models/convert/quantize.py). On x86-64 without VNNI it multiplies uint8 activations by int8 weights in pairs
 * summed to 16 bits, which saturate with 8-bit weights; with AVX-512 VNNI or AVX-VNNI, and on ARM64, the pairs sum in
 * 32 bits. An x86-64 processor whose features cannot be read (no /proc/cpuinfo) counts as one without.
 */
public final class Int8Sums {
    /** What the converter sets in the metadata of graphs whose int8 weights take 8 bits. */
    public static final String METADATA = "sensorium.int8_sums_in_32_bits";
    private static final Set<String> VNNI = Set.of("avx512_vnni", "avx_vnni");
    private static final Pattern FLAGS = Pattern.compile("(?m)^flags\\s*:(.*)$");
    private static final boolean HERE = in32Bits(System.getProperty("os.arch"), cpuinfo());

    private Int8Sums() {}

    /** Whether this machine sums int8 products in 32 bits. */
    public static boolean in32Bits() {
        return HERE;
    }

    /**
     * @param arch    the JVM's os.arch
     * @param cpuinfo the text of /proc/cpuinfo, or null where there is none
     */
    static boolean in32Bits(String arch, String cpuinfo) {
        String name = arch.toLowerCase(Locale.ROOT);
        if (name.equals("aarch64")) {
            return true;
        }
        if (!name.equals("amd64") && !name.equals("x86_64") || cpuinfo == null) {
            return false;
        }
        var flags = FLAGS.matcher(cpuinfo);
        return flags.find() && Arrays.stream(flags.group(1).trim().split("\\s+")).anyMatch(VNNI::contains);
    }

    private static String cpuinfo() {
        try {
            return Files.readString(Path.of("/proc/cpuinfo"));
        } catch (IOException e) {
            // Not Linux: the processor's features are not known, and 16-bit sums are the safe guess (class comment).
            return null;
        }
    }
}
