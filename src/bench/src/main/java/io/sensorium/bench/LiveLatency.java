package io.sensorium.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorium.core.records.TranscriptJson;
import io.sensorium.core.records.TranscriptPartial;
import io.sensorium.core.records.TranscriptSegment;
import io.sensorium.ingest.audio.AudioDecoder;
import io.sensorium.processors.speech.text.EnglishTextNormalizer;
import io.sensorium.processors.speech.text.WordErrorRate;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.apache.commons.text.diff.CommandVisitor;
import org.apache.commons.text.diff.StringsComparator;

/**
 * Live latency of a streaming transcriber: N streams of real speech written at 1x, each word's delay from its end in
 * the audio to its first appearance (in a partial or a final) and to its final, throughput, CPU and WER.
 *
 * <pre>java -cp benchmarks.jar io.sensorium.bench.LiveLatency --system sensorium|whisperlivekit --streams N
 *     --audio corpus.wav --reference corpus.txt --word-times words.json [--minutes M --minutes-out TABLE.md]
 *     [--offline HYPOTHESIS.txt] [--sensorium ./sensorium --model DIR [--set K=V,...] | --url ws://HOST:PORT/asr
 *     --pid SERVER_PID] [--log FILE] [--label NAME] [--words-out WORDS.tsv] [--start same|spread]</pre>
 *
 * Each stream says the whole corpus: with {@code --start same} (the default) all from its start, together; with
 * {@code spread} stream k of N from the sentence nearest k/N of the way through it, round to where it began, as
 * independent speakers would.
 *
 * <p>The driver, not the system measured, keeps the clock: it writes each stream 20 ms of 16 kHz s16le at a time,
 * noting when each write returned, and notes when each output line or message arrived. A word ends when the slice
 * holding its last sample was written (word ends from {@code models/tools/word_times_reference.py}, moved back
 * to the start of the pause where the aligner put one in it). Sensorium is run
 * as {@code sensorium transcribe} on one named pipe per stream (partials and finals from its JSON lines);
 * WhisperLiveKit through its WebSocket with {@code --pcm-input} (its {@code buffer_transcription} is the partial, its
 * {@code lines} the finals). Transcripts are matched to the reference word by word (Myers' diff over words, lower
 * case without punctuation); a word the system got wrong has no latency. Prints one Markdown table row on stdout,
 * per-stream figures on stderr; with {@code --minutes}, the corpus looped for that long, and latency minute by
 * minute in TABLE.md.
 */
public final class LiveLatency {
    private static final int RATE = 16000;
    private static final int SLICE_BYTES = 640;
    private static final double SLICE_SECONDS = SLICE_BYTES / 2.0 / RATE;
    // Words of the reference right after the last confirmed one that a partial may be matched against: its length
    // plus this many, so that a common word ("the") is not matched far ahead of where the speaker is.
    private static final int PARTIAL_SLACK = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private LiveLatency() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchOptions.parse(args);
        int streams = Integer.parseInt(options.getOrDefault("streams", "1"));
        byte[] corpus = pcm(Path.of(options.get("audio")));
        double corpusSeconds = corpus.length / 2.0 / RATE;
        double minutes = Double.parseDouble(options.getOrDefault("minutes", "0"));
        // A long stream is the corpus again and again, cut at the minute asked for.
        int loops = Math.max(1, (int) Math.ceil(minutes * 60 / corpusSeconds));
        double seconds = minutes > 0 ? Math.min(minutes * 60, loops * corpusSeconds) : corpusSeconds;
        byte[] audio = new byte[2 * (int) Math.round(seconds * RATE)];
        for (int at = 0; at < audio.length; at += corpus.length) {
            System.arraycopy(corpus, 0, audio, at, Math.min(corpus.length, audio.length - at));
        }
        List<double[]> silences = silences(corpus);
        Reference reference = Reference.load(Path.of(options.get("reference")), Path.of(options.get("word-times")),
                silences, loops, corpusSeconds, seconds);
        // Streams that say the same words at the same moment end their utterances, and have long buffers, at the same
        // moments; independent speakers do not: with --start spread each stream begins at another sentence of the
        // corpus (spread evenly over it) and goes round to where it began.
        boolean spread = "spread".equals(options.getOrDefault("start", "same")) && loops == 1;
        List<Reference> references = new ArrayList<>();
        List<byte[]> audios = new ArrayList<>();
        List<StreamLog> logs = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            int line = spread ? reference.lineNear(i * seconds / streams, silences) : 0;
            double cut = reference.startOf(line, silences);
            references.add(reference.from(line, cut, seconds));
            int at = 2 * (int) Math.round(cut * RATE);
            byte[] rotated = audio;
            if (at > 0) {
                rotated = new byte[audio.length];
                System.arraycopy(audio, at, rotated, 0, audio.length - at);
                System.arraycopy(audio, 0, rotated, audio.length - at, at);
            }
            audios.add(rotated);
            logs.add(new StreamLog("live-" + (i + 1), audio.length / SLICE_BYTES + 1));
        }
        Target target = "whisperlivekit".equals(options.get("system"))
                ? new WebSocketTarget(URI.create(options.get("url")), Long.parseLong(options.get("pid")))
                : new SensoriumTarget(options);
        target.start(logs);
        Cpu cpu = new Cpu(target.pid());
        CountDownLatch started = new CountDownLatch(streams);
        List<Thread> writers = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            StreamLog log = logs.get(i);
            byte[] said = audios.get(i);
            Thread writer = new Thread(() -> write(target, log, said, started, cpu), "writer-" + log.id);
            writer.start();
            writers.add(writer);
        }
        for (Thread writer : writers) {
            writer.join();
        }
        target.finish(logs, Math.max(120, seconds));
        long firstWrite = logs.stream().mapToLong(l -> l.writtenAt[0]).min().orElseThrow();
        // Done when the last words came, or when the audio ran out if they came before (the pause at its end).
        long lastEnd = logs.stream().mapToLong(l -> Math.max(l.endedAt, l.lastWrite)).max().orElseThrow();
        double cpuSeconds = cpu.secondsSinceStart();
        double wall = (lastEnd - firstWrite) / 1e9;

        Results results = new Results();
        for (int i = 0; i < streams; i++) {
            results.add(logs.get(i), references.get(i), firstWrite);
        }
        if (options.containsKey("words-out")) {
            Files.writeString(Path.of(options.get("words-out")), results.words.toString());
        }
        if (options.containsKey("minutes-out")) {
            Files.writeString(Path.of(options.get("minutes-out")), results.perMinute(seconds));
        }
        String offline = options.containsKey("offline") && loops == 1 && minutes == 0
                ? percent(reference.wer(Files.readString(Path.of(options.get("offline"))))) : "—";
        String streaming = minutes == 0 ? percent(Reference.wer(references, logs.stream().map(StreamLog::finalText)
                .toList())) : "—";
        System.out.printf(Locale.ROOT, "| %s | %d | %.1f min | %s | %s | %d/%d | %.2f | %.2f | %s | %s |%n",
                options.getOrDefault("label", options.get("system")), streams, seconds / 60, results.finals.range(),
                results.firsts.range(), results.finals.count(), reference.timedWords() * streams,
                streams * seconds / wall, cpuSeconds / wall, streaming, offline);
    }

    /** Writes one stream at 1x: slice k goes out when its last sample would have been heard. */
    private static void write(Target target, StreamLog log, byte[] audio, CountDownLatch started, Cpu cpu) {
        try (OutputStream sink = target.open(log)) {
            started.countDown();
            cpu.startOnce();
            long t0 = System.nanoTime();
            for (int k = 0, at = 0; at < audio.length; k++, at += SLICE_BYTES) {
                LockSupport.parkNanos(t0 + Math.round((k + 1) * SLICE_SECONDS * 1e9) - System.nanoTime());
                sink.write(audio, at, Math.min(SLICE_BYTES, audio.length - at));
                log.writtenAt[k] = System.nanoTime();
            }
            log.lastWrite = System.nanoTime();
        } catch (IOException e) {
            throw new IllegalStateException(log.id + ": " + e.getMessage(), e);
        }
    }

    private static byte[] pcm(Path wav) throws Exception {
        short[] samples = AudioDecoder.decodeAll(wav, RATE);
        ByteBuffer bytes = ByteBuffer.allocate(2 * samples.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asShortBuffer().put(samples);
        return bytes.array();
    }

    /** Runs of exact zeros of at least 0.1 s (the pauses the corpus was made with), as [start, end] in seconds. */
    private static List<double[]> silences(byte[] pcm) {
        List<double[]> runs = new ArrayList<>();
        int from = -1;
        for (int i = 0; i <= pcm.length / 2; i++) {
            boolean zero = i < pcm.length / 2 && pcm[2 * i] == 0 && pcm[2 * i + 1] == 0;
            if (zero && from < 0) {
                from = i;
            } else if (!zero && from >= 0) {
                if (i - from >= RATE / 10) {
                    runs.add(new double[] {from / (double) RATE, i / (double) RATE});
                }
                from = -1;
            }
        }
        return runs;
    }

    private static String percent(double rate) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * rate);
    }

    /** Words as the latency match sees them: lower case, letters, digits and apostrophes only. */
    static List<String> wordKeys(List<String> words) {
        return words.stream().map(w -> w.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}']", ""))
                .filter(w -> !w.isEmpty()).toList();
    }

    static List<String> words(String text) {
        String stripped = text.strip();
        return stripped.isEmpty() ? List.of() : Arrays.asList(stripped.split("\\s+"));
    }

    /**
     * For each word of {@code to}, the index of the word of {@code from} it is matched with, or -1: Myers' diff from
     * commons-text, which compares characters, over words coded as one character each.
     */
    static int[] match(List<String> from, List<String> to) {
        Map<String, Character> code = new HashMap<>();
        StringBuilder left = new StringBuilder();
        StringBuilder right = new StringBuilder();
        from.forEach(w -> left.append(code.computeIfAbsent(w, k -> (char) (0x100 + code.size()))));
        to.forEach(w -> right.append(code.computeIfAbsent(w, k -> (char) (0x100 + code.size()))));
        int[] matched = new int[to.size()];
        Arrays.fill(matched, -1);
        new StringsComparator(left.toString(), right.toString()).getScript().visit(new CommandVisitor<Character>() {
            private int i;
            private int j;

            @Override
            public void visitKeepCommand(Character c) {
                matched[j++] = i++;
            }

            @Override
            public void visitDeleteCommand(Character c) {
                i++;
            }

            @Override
            public void visitInsertCommand(Character c) {
                j++;
            }
        });
        return matched;
    }

    /** The words spoken, and when each ends in the stream (NaN where the aligner's words differ from the text). */
    record Reference(List<String> text, List<String> keys, double[] ends) {
        static Reference load(Path text, Path wordTimes, List<double[]> silences, int loops, double loopSeconds,
                double seconds) throws IOException {
            List<String> once = Files.readAllLines(text).stream().filter(l -> !l.isBlank()).toList();
            List<String> timedKeys = new ArrayList<>();
            List<Double> timedEnds = new ArrayList<>();
            List<String> keys = new ArrayList<>();
            List<String> lines = new ArrayList<>();
            JsonNode times = JSON.readTree(wordTimes.toFile());
            for (int loop = 0; loop < loops; loop++) {
                for (JsonNode word : times) {
                    List<String> key = wordKeys(List.of(word.get("word").asText()));
                    if (key.size() == 1) {
                        timedKeys.add(key.get(0));
                        timedEnds.add(loop * loopSeconds + speechEnd(word.get("end").asDouble(), silences));
                    }
                }
                lines.addAll(once);
                once.forEach(l -> keys.addAll(wordKeys(words(l))));
            }
            double[] ends = new double[keys.size()];
            Arrays.fill(ends, Double.NaN);
            int[] matched = match(timedKeys, keys);
            int last = keys.size();
            for (int i = 0; i < keys.size(); i++) {
                if (matched[i] >= 0) {
                    ends[i] = timedEnds.get(matched[i]);
                    if (ends[i] > seconds && last == keys.size()) {
                        last = i;
                    }
                }
            }
            return new Reference(lines, keys.subList(0, last), Arrays.copyOf(ends, last));
        }

        /**
         * A word cannot end in digital silence: the aligner's end of a sentence's last word often runs into the pause
         * after it (by 0.2 s on average, up to 0.7 s, on the espeak-ng corpus), which would flatter every system.
         */
        private static double speechEnd(double end, List<double[]> silences) {
            for (double[] silence : silences) {
                if (silence[0] < end && end <= silence[1]) {
                    return silence[0];
                }
            }
            return end;
        }

        long timedWords() {
            return Arrays.stream(ends).filter(e -> !Double.isNaN(e)).count();
        }

        /** Errors over reference words of a transcript of this reference's speech, after Whisper's normaliser. */
        double wer(String hypothesis) {
            return wer(List.of(this), List.of(hypothesis));
        }

        /** Errors over reference words, all streams together, each against its reference. */
        static double wer(List<Reference> references, List<String> hypotheses) {
            EnglishTextNormalizer normalizer = new EnglishTextNormalizer();
            long errors = 0;
            long words = 0;
            for (int i = 0; i < hypotheses.size(); i++) {
                WordErrorRate wer = WordErrorRate.of(normalizer.normalize(String.join(" ", references.get(i).text())),
                        normalizer.normalize(hypotheses.get(i)));
                errors += wer.errors();
                words += wer.referenceWords();
            }
            return (double) errors / words;
        }

        /** The line (a sentence) whose {@link #startOf start} is nearest {@code seconds}. */
        int lineNear(double seconds, List<double[]> silences) {
            int best = 0;
            for (int line = 1; line < text.size(); line++) {
                if (Math.abs(startOf(line, silences) - seconds) < Math.abs(startOf(best, silences) - seconds)) {
                    best = line;
                }
            }
            return best;
        }

        /**
         * Where a stream that says the speech from {@code line} on is cut: 0 s for the first line, otherwise the middle
         * of the pause after the line before's last word; NaN where that word is untimed.
         */
        double startOf(int line, List<double[]> silences) {
            if (line == 0) {
                return 0;
            }
            double end = ends[firstKey(line) - 1];
            for (double[] silence : silences) {
                if (silence[0] <= end && end < silence[1]) {
                    return (silence[0] + silence[1]) / 2;
                }
            }
            return Double.NaN;
        }

        private int firstKey(int line) {
            int key = 0;
            for (int l = 0; l < line; l++) {
                key += wordKeys(words(text.get(l))).size();
            }
            return key;
        }

        /**
         * The reference of a stream that says this one's speech from {@code line} on and then its start: the audio
         * cut at {@code cut} seconds, in the pause before that line, and its first part put after the last.
         */
        Reference from(int line, double cut, double seconds) {
            if (line == 0) {
                return this;
            }
            int key = firstKey(line);
            List<String> lines = new ArrayList<>(text.subList(line, text.size()));
            lines.addAll(text.subList(0, line));
            List<String> rotatedKeys = new ArrayList<>(keys.subList(key, keys.size()));
            rotatedKeys.addAll(keys.subList(0, key));
            double[] shifted = new double[ends.length];
            for (int i = 0; i < ends.length; i++) {
                double end = ends[(i + key) % ends.length];
                shifted[i] = end >= cut ? end - cut : end + seconds - cut;
            }
            return new Reference(lines, rotatedKeys, shifted);
        }
    }

    /** What the driver saw of one stream: when each slice was written, and the words as they came. */
    static final class StreamLog {
        final String id;
        final long[] writtenAt;
        final List<String> confirmed = new ArrayList<>();
        final List<Long> confirmedAt = new ArrayList<>();
        final List<Snapshot> partials = new ArrayList<>();
        final CountDownLatch ended = new CountDownLatch(1);
        volatile long lastWrite;
        volatile long lastRecord;
        volatile long endedAt;

        record Snapshot(long at, int confirmed, List<String> words) {}

        StreamLog(String id, int slices) {
            this.id = id;
            this.writtenAt = new long[slices];
        }

        synchronized void confirm(long at, List<String> words) {
            confirmed.addAll(words);
            words.forEach(w -> confirmedAt.add(at));
        }

        /** All confirmed words so far (a client's whole view): positions new since the last view are timed now. */
        synchronized void confirmAll(long at, List<String> words) {
            for (int i = 0; i < words.size(); i++) {
                if (i < confirmed.size()) {
                    confirmed.set(i, words.get(i));
                } else {
                    confirmed.add(words.get(i));
                    confirmedAt.add(at);
                }
            }
        }

        synchronized void partial(long at, List<String> words) {
            partials.add(new Snapshot(at, confirmed.size(), words));
        }

        void end(long at) {
            endedAt = at;
            ended.countDown();
        }

        /** Waits for the stream's last words; past the timeout, says why and takes now as its end. */
        void awaitEnd(double timeoutSeconds, String missing) throws InterruptedException {
            if (!ended.await((long) timeoutSeconds, TimeUnit.SECONDS)) {
                System.err.println(id + ": " + missing + " " + timeoutSeconds + " s after the audio");
                end(System.nanoTime());
            }
        }

        synchronized String finalText() {
            return String.join(" ", confirmed);
        }

        /** The wall time by which the stream's audio up to {@code seconds} had been written. */
        long written(double seconds) {
            int slice = (int) Math.min(writtenAt.length - 1, Math.max(0, Math.ceil(seconds / SLICE_SECONDS) - 1));
            while (slice > 0 && writtenAt[slice] == 0) {
                slice--;
            }
            return writtenAt[slice];
        }
    }

    /** Latencies of all streams, with the stream time of the word each belongs to. */
    static final class Results {
        final Latencies finals = new Latencies();
        final Latencies firsts = new Latencies();
        /** Per timed word: stream, its index in the reference, the word, its end, final and first latency. */
        final StringBuilder words = new StringBuilder("stream\tindex\tword\tend\tfinal\tfirst\n");

        void add(StreamLog log, Reference reference, long firstWrite) {
            List<String> keysSoFar = new ArrayList<>();
            List<Integer> positions = new ArrayList<>();
            for (int j = 0; j < log.confirmed.size(); j++) {
                List<String> key = wordKeys(List.of(log.confirmed.get(j)));
                for (String k : key) {
                    keysSoFar.add(k);
                    positions.add(j);
                }
            }
            int n = reference.keys().size();
            long[] finalAt = new long[n];
            long[] firstAt = new long[n];
            Arrays.fill(firstAt, Long.MAX_VALUE);
            int[] matched = match(reference.keys(), keysSoFar);
            // The reference index of the last confirmed word matched among the first c confirmed words.
            int[] lastMatched = new int[log.confirmed.size() + 1];
            Arrays.fill(lastMatched, -1);
            for (int m = 0; m < matched.length; m++) {
                int j = positions.get(m);
                if (matched[m] >= 0) {
                    finalAt[matched[m]] = log.confirmedAt.get(j);
                    firstAt[matched[m]] = log.confirmedAt.get(j);
                    lastMatched[j + 1] = Math.max(lastMatched[j + 1], matched[m]);
                }
            }
            for (int c = 1; c < lastMatched.length; c++) {
                lastMatched[c] = Math.max(lastMatched[c], lastMatched[c - 1]);
            }
            for (StreamLog.Snapshot partial : log.partials) {
                List<String> words = wordKeys(partial.words());
                int from = lastMatched[partial.confirmed()] + 1;
                int to = Math.min(n, from + words.size() + PARTIAL_SLACK);
                int[] seen = match(reference.keys().subList(from, to), words);
                for (int s : seen) {
                    if (s >= 0) {
                        firstAt[from + s] = Math.min(firstAt[from + s], partial.at());
                    }
                }
            }
            int timed = 0;
            for (int i = 0; i < n; i++) {
                double end = reference.ends()[i];
                if (Double.isNaN(end)) {
                    continue;
                }
                long spoken = log.written(end);
                double finalLatency = finalAt[i] != 0 ? (finalAt[i] - spoken) / 1e9 : Double.NaN;
                double firstLatency = firstAt[i] != Long.MAX_VALUE ? (firstAt[i] - spoken) / 1e9 : Double.NaN;
                if (!Double.isNaN(finalLatency)) {
                    finals.add(end, finalLatency);
                    timed++;
                }
                if (!Double.isNaN(firstLatency)) {
                    firsts.add(end, firstLatency);
                }
                words.append(String.format(Locale.ROOT, "%s\t%d\t%s\t%.2f\t%.2f\t%.2f%n", log.id, i,
                        reference.keys().get(i), end, finalLatency, firstLatency));
            }
            System.err.printf(Locale.ROOT, "%s: written %.1f-%.1f s after the first write, ended %.1f s; %d words final "
                    + "and timed; %d partials%n", log.id, (log.writtenAt[0] - firstWrite) / 1e9,
                    (log.lastWrite - firstWrite) / 1e9, (log.endedAt - firstWrite) / 1e9, timed, log.partials.size());
        }

        /** A Markdown table of the latencies of the words that end in each minute of the stream. */
        String perMinute(double seconds) {
            StringBuilder table = new StringBuilder("| minute | words | final p50 / p95 | first partial p50 / p95 |\n"
                    + "| --- | --- | --- | --- |\n");
            for (int minute = 0; minute * 60 < seconds; minute++) {
                Latencies f = finals.minute(minute);
                table.append(String.format(Locale.ROOT, "| %d | %d | %s | %s |%n", minute + 1, f.count(), f.range(),
                        firsts.minute(minute).range()));
            }
            return table.toString();
        }
    }

    static final class Latencies {
        private final List<double[]> samples = new ArrayList<>();

        void add(double streamSeconds, double latency) {
            samples.add(new double[] {streamSeconds, latency});
        }

        int count() {
            return samples.size();
        }

        Latencies minute(int minute) {
            Latencies in = new Latencies();
            samples.stream().filter(s -> (int) (s[0] / 60) == minute).forEach(in.samples::add);
            return in;
        }

        /** "p50 / p95" in seconds. */
        String range() {
            if (samples.isEmpty()) {
                return "— / —";
            }
            DescriptiveStatistics stats = new DescriptiveStatistics(samples.stream().mapToDouble(s -> s[1]).toArray());
            return String.format(Locale.ROOT, "%.2f / %.2f", stats.getPercentile(50), stats.getPercentile(95));
        }
    }

    /**
     * CPU time of a process and its children, from /proc (clock ticks of 1/100 s, as on Linux x86-64), read every
     * 200 ms: the last reading stands when the process has gone.
     */
    static final class Cpu {
        private final long pid;
        private volatile double start = Double.NaN;
        private volatile double last = Double.NaN;

        Cpu(long pid) {
            this.pid = pid;
        }

        synchronized void startOnce() {
            if (Double.isNaN(start)) {
                start = seconds();
                last = start;
                Thread sampler = new Thread(() -> {
                    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                        double now = seconds();
                        last = Math.max(last, now);
                        LockSupport.parkNanos(200_000_000L);
                    }
                }, "cpu");
                sampler.setDaemon(true);
                sampler.start();
            }
        }

        double secondsSinceStart() {
            return Math.max(last, seconds()) - start;
        }

        private double seconds() {
            return ProcessHandle.of(pid).map(p -> Stream.concat(Stream.of(p), p.descendants())
                    .mapToDouble(d -> ticks(d.pid()) / 100.0).sum()).orElse(0.0);
        }

        private static long ticks(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            } catch (IOException e) {
                return 0;
            }
        }
    }

    /** A live transcriber under test: where each stream's bytes go and where its words come from. */
    interface Target {
        void start(List<StreamLog> logs) throws Exception;

        long pid();

        OutputStream open(StreamLog log) throws IOException;

        /** Waits for every stream's end (its last words) after its audio ended. */
        void finish(List<StreamLog> logs, double timeoutSeconds) throws Exception;
    }

    /** {@code sensorium transcribe} over one named pipe per stream, its JSON lines read as they come. */
    static final class SensoriumTarget implements Target {
        private final Map<String, String> options;
        private final Map<String, StreamLog> byId = new LinkedHashMap<>();
        private Path pipes;
        private Process process;

        SensoriumTarget(Map<String, String> options) {
            this.options = options;
        }

        @Override
        public void start(List<StreamLog> logs) throws Exception {
            pipes = Files.createTempDirectory("live-latency");
            List<String> command = new ArrayList<>(List.of(options.getOrDefault("sensorium", "./sensorium"),
                    "transcribe", "--input-format", "s16le", "--input-rate", "16000", "--input-channels", "1"));
            if (options.containsKey("model")) {
                command.addAll(List.of("--model", options.get("model")));
            }
            if (options.containsKey("set")) {
                for (String set : options.get("set").split(",")) {
                    command.addAll(List.of("--set", set));
                }
            }
            for (StreamLog log : logs) {
                Path pipe = pipes.resolve(log.id);
                if (new ProcessBuilder("mkfifo", pipe.toString()).inheritIO().start().waitFor() != 0) {
                    throw new IOException("mkfifo " + pipe + " failed");
                }
                command.add(pipe.toString());
                byId.put(log.id, log);
            }
            Path log = Path.of(options.getOrDefault("log", pipes.resolve("sensorium.log").toString()));
            process = new ProcessBuilder(command).redirectError(log.toFile()).start();
            Thread reader = new Thread(this::read, "sensorium-out");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    long at = System.nanoTime();
                    if (!line.startsWith("{")) {
                        continue;
                    }
                    Object record = TranscriptJson.read(line.getBytes(StandardCharsets.UTF_8));
                    if (record instanceof TranscriptSegment s && byId.containsKey(s.stream())) {
                        byId.get(s.stream()).lastRecord = at;
                        byId.get(s.stream()).confirm(at, words(s.text()));
                    } else if (record instanceof TranscriptPartial p && byId.containsKey(p.stream())) {
                        byId.get(p.stream()).lastRecord = at;
                        byId.get(p.stream()).partial(at, words(p.text()));
                    }
                }
                // transcribe prints no end markers: a stream has ended with its last record once all have ended.
                byId.values().forEach(log -> log.end(log.lastRecord));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public OutputStream open(StreamLog log) throws IOException {
            // Blocks until transcribe opens the pipe for reading.
            return Files.newOutputStream(pipes.resolve(log.id));
        }

        @Override
        public void finish(List<StreamLog> logs, double timeoutSeconds) throws Exception {
            for (StreamLog log : logs) {
                log.awaitEnd(timeoutSeconds, "transcribe still running");
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroy();
            }
            try (var files = Files.list(pipes)) {
                for (Path p : files.toList()) {
                    if (!p.toString().equals(options.get("log"))) {
                        Files.deleteIfExists(p);
                    }
                }
            }
            Files.deleteIfExists(pipes);
        }
    }

    /** WhisperLiveKit's /asr WebSocket (server started with --pcm-input): one connection per stream. */
    static final class WebSocketTarget implements Target {
        private final URI uri;
        private final long pid;
        private final Map<StreamLog, WebSocket> sockets = new HashMap<>();

        WebSocketTarget(URI uri, long pid) {
            this.uri = uri;
            this.pid = pid;
        }

        @Override
        public void start(List<StreamLog> logs) {
            HttpClient client = HttpClient.newHttpClient();
            for (StreamLog log : logs) {
                sockets.put(log, client.newWebSocketBuilder().buildAsync(uri, new Listener(log)).join());
            }
        }

        @Override
        public long pid() {
            return pid;
        }

        @Override
        public OutputStream open(StreamLog log) {
            WebSocket socket = sockets.get(log);
            return new OutputStream() {
                @Override
                public void write(int b) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void write(byte[] bytes, int offset, int length) {
                    socket.sendBinary(ByteBuffer.wrap(bytes, offset, length), true).join();
                }

                @Override
                public void close() {
                    // An empty message is WhisperLiveKit's end of audio: it finalises and answers "ready_to_stop".
                    socket.sendBinary(ByteBuffer.allocate(0), true).join();
                }
            };
        }

        @Override
        public void finish(List<StreamLog> logs, double timeoutSeconds) throws Exception {
            for (StreamLog log : logs) {
                log.awaitEnd(timeoutSeconds, "no ready_to_stop");
                sockets.get(log).sendClose(WebSocket.NORMAL_CLOSURE, "").join();
            }
        }

        private static final class Listener implements WebSocket.Listener {
            private final StreamLog log;
            private final StringBuilder message = new StringBuilder();

            Listener(StreamLog log) {
                this.log = log;
            }

            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                long at = System.nanoTime();
                message.append(data);
                if (last) {
                    try {
                        handle(at, JSON.readTree(message.toString()));
                    } catch (IOException e) {
                        System.err.println(log.id + ": unreadable message " + message);
                    }
                    message.setLength(0);
                }
                socket.request(1);
                return CompletableFuture.completedFuture(null);
            }

            private void handle(long at, JsonNode message) {
                String type = message.path("type").asText();
                if ("ready_to_stop".equals(type)) {
                    log.end(at);
                } else if (message.has("lines")) {
                    List<String> confirmed = new ArrayList<>();
                    message.get("lines").forEach(line -> confirmed.addAll(words(line.path("text").asText())));
                    log.confirmAll(at, confirmed);
                    log.partial(at, words(message.path("buffer_transcription").asText()));
                }
            }
        }
    }
}
