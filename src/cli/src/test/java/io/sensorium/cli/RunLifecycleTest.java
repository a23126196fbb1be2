package io.sensorium.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sensorium transcribe} as its own process on the default in-process broker, as a user runs it: the broker
 * listens on the loopback address only, and a run stopped with SIGTERM — or killed outright, then followed by
 * another run — leaves nothing in the temporary directory. Linux: the listening sockets are read from /proc.
 */
class RunLifecycleTest {
    private static final Pattern SOCKET = Pattern.compile("socket:\\[(\\d+)]");

    @TempDir
    static Path inputs;
    private static Path longAudio;

    @BeforeAll
    static void longAudio() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs Linux's /proc");
        // Two minutes of a tone: long enough to be stopped in the middle of.
        short[] tone = new short[16_000 * 120];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / 16_000.0));
        }
        longAudio = TestPipeline.writeWav(inputs.resolve("tone.wav"), tone);
    }

    @Test
    void sigtermLeavesNothingAndTheBrokerListenedOnLoopbackOnly(@TempDir Path tmp) throws Exception {
        CliProcess run = transcribe(tmp, longAudio.toString());
        run.awaitStderr(CliProcess.BROKER_READY);
        List<InetAddress> listening = listeningAddresses(run.process().pid());
        assertThat(listening).as("the in-process broker's listeners").isNotEmpty();
        assertThat(listening).allMatch(InetAddress::isLoopbackAddress, "loopback");

        run.terminate();
        assertThat(run.waitFor(60)).isEqualTo(128 + 15);
        assertThat(entries(tmp)).as("left in the run's temporary directory").isEmpty();
    }

    @Test
    void aKilledRunsLeftoversAreSweptByTheNextRun(@TempDir Path tmp) throws Exception {
        CliProcess killed = transcribe(tmp, longAudio.toString());
        killed.awaitStderr(CliProcess.BROKER_READY);
        killed.kill();
        killed.waitFor(60);
        assertThat(entries(tmp)).anyMatch(name -> name.startsWith("sensorium-kafka-" + killed.process().pid() + "-"));

        CliProcess next = transcribe(tmp, TestPipeline.fixture("audio/jfk.wav").toString());
        assertThat(next.waitFor(120)).as(next.stderr()).isZero();
        assertThat(entries(tmp)).filteredOn(name -> name.startsWith("sensorium-")).isEmpty();
    }

    /** {@code sensorium transcribe AUDIO} on the random-weight model, with its own temporary directory. */
    private static CliProcess transcribe(Path tmp, String audio) throws IOException {
        return CliProcess.start(tmp, List.of("transcribe", "--model", TestPipeline.fixture("whisper-tiny-random").toString(),
                "--set", "speech.threads=1", audio));
    }

    /** The local addresses of a process's listening TCP sockets, from /proc/PID/fd and /proc/net/tcp{,6}. */
    private static List<InetAddress> listeningAddresses(long pid) throws IOException {
        Set<String> sockets = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    Matcher socket = SOCKET.matcher(Files.readSymbolicLink(fd).toString());
                    if (socket.matches()) {
                        sockets.add(socket.group(1));
                    }
                } catch (NoSuchFileException closedMeanwhile) {
                    // A descriptor closed between the listing and the read is no listener.
                    continue;
                }
            }
        }
        List<InetAddress> addresses = new ArrayList<>();
        for (String table : List.of("tcp", "tcp6")) {
            List<String> rows = Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", table));
            for (String line : rows.subList(1, rows.size())) {
                String[] fields = line.strip().split("\\s+");
                boolean listen = fields[3].equals("0A");
                if (listen && sockets.contains(fields[9])) {
                    addresses.add(address(fields[1].substring(0, fields[1].indexOf(':'))));
                }
            }
        }
        return addresses;
    }

    /** /proc/net/tcp writes an address as 32-bit words in host (little-endian) order. */
    private static InetAddress address(String hex) throws IOException {
        byte[] words = HexFormat.of().parseHex(hex);
        byte[] bytes = new byte[words.length];
        for (int word = 0; word < words.length; word += 4) {
            for (int i = 0; i < 4; i++) {
                bytes[word + i] = words[word + 3 - i];
            }
        }
        return InetAddress.getByAddress(bytes);
    }

    private static List<String> entries(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            entries.forEach(entry -> names.add(entry.getFileName().toString()));
        }
        return names;
    }
}
