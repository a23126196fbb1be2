package io.sensorium.processors.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which processors sum int8 products in 32 bits, from the JVM's os.arch and /proc/cpuinfo's flags. */
class Int8SumsTest {
    private static final String ZEN5 = "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\n"
            + "flags\t\t: fpu sse2 avx avx2 avx512f avx512bw avx_vnni avx512_vnni avx512_bf16\n\nprocessor\t: 1\n";
    private static final String ICE_LAKE_WITHOUT_AVX_VNNI = "flags\t\t: sse4_2 avx2 avx512f avx512bw avx512_vnni\n";
    private static final String ALDER_LAKE = "flags\t\t: sse4_2 avx2 avx_vnni\n";
    private static final String ZEN3 = "vendor_id\t: AuthenticAMD\nflags\t\t: sse4_2 avx avx2 fma vaes vpclmulqdq\n";

    @Test
    void x86WithEitherVnniSumsIn32Bits() {
        assertThat(Int8Sums.in32Bits("amd64", ZEN5)).isTrue();
        assertThat(Int8Sums.in32Bits("amd64", ICE_LAKE_WITHOUT_AVX_VNNI)).isTrue();
        assertThat(Int8Sums.in32Bits("x86_64", ALDER_LAKE)).isTrue();
        // A flag named twice (as a kernel may) is no error.
        assertThat(Int8Sums.in32Bits("amd64", "flags\t\t: avx2 avx2 avx512_vnni\n")).isTrue();
    }

    @Test
    void x86WithAvx2OnlyOrUnknownFeaturesSumsIn16Bits() {
        assertThat(Int8Sums.in32Bits("amd64", ZEN3)).isFalse();
        // A flag that only starts like VNNI's does not count.
        assertThat(Int8Sums.in32Bits("amd64", "flags\t\t: avx2 avx512_vnni_like\n")).isFalse();
        assertThat(Int8Sums.in32Bits("amd64", null)).isFalse();
        assertThat(Int8Sums.in32Bits("amd64", "processor\t: 0\n")).isFalse();
    }

    @Test
    void arm64SumsIn32BitsAndOtherProcessorsAreNotAssumedTo() {
        assertThat(Int8Sums.in32Bits("aarch64", null)).isTrue();
        assertThat(Int8Sums.in32Bits("ppc64le", "flags\t\t: avx512_vnni\n")).isFalse();
    }
}
