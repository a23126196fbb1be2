package io.sensorium.core.config;

import java.util.ArrayList;
import java.util.List;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The whole typed configuration. {@link ConfigLoader} fills it from, in rising precedence: the built-in defaults
 * ({@code sensorium-defaults.yaml} beside this class), a YAML file, {@code SENSORIUM_*} environment variables and
 * command-line flags. Key names are those of the YAML file (kebab-case), e.g. {@code kafka.bootstrap-servers}.
 */
public record SensoriumConfig(Kafka kafka, Topics topics, Audio audio, Speech speech, Video video, Vision vision,
                              Live live, Metrics metrics, View view) {

    /** The same configuration with the mel bins a model needs, so features and model cannot disagree. */
    public SensoriumConfig withMelBins(int melBins) {
        return new SensoriumConfig(kafka, topics,
                new Audio(audio.chunkSeconds(), audio.sampleRate(), audio.maxRecordBytes(), melBins), speech, video, vision, live, metrics, view);
    }

    /** Most stream threads a one-shot run starts per stage on its own choice: each holds a transactional producer. */
    static final int MAX_THREADS_PER_RUN = 8;

    /**
     * For a one-shot run over {@code sources} inputs ({@code transcribe}, {@code detect}): where
     * {@code kafka.stream-threads} is 0, one thread per source, at most {@value #MAX_THREADS_PER_RUN}, so that streams
     * ready at the same moment can share a model run.
     */
    public SensoriumConfig withThreadsPerSource(int sources) {
        return withStreamThreads(Math.min(sources, MAX_THREADS_PER_RUN));
    }

    /**
     * For a one-shot speech run ({@code transcribe}, {@code reprocess speech}) over {@code sources} inputs: as
     * {@link #withThreadsPerSource}, but no more threads than the windows the model takes in at once (batch size times
     * runs at once). For whole windows a thread beyond them waits for the model holding its window's decoding, the
     * encoder's states, the cross-attention keys/values and each beam's cache (seven files, base int8, 5 beams: peak
     * RSS 657 -> 617-627 MB, and no slower); for live streams it only adds a transaction every
     * {@link io.sensorium.core.kafka.StreamsStage#HOLD_MS} ms to the broker's work (8 live streams on 2 cores, 8 -> 2
     * threads: final latency p50 / p95 3.25 / 6.08 -> 2.81 / 5.55 s, 1.93 -> 1.85 cores).
     */
    public SensoriumConfig withSpeechThreadsPerSource(int sources) {
        return withThreadsPerSource(Math.min(sources, speech.batchSize() * speech.modelRunsAtOnce()));
    }

    /**
     * For a one-shot run's preprocessing stage (features, pixels) beside {@code modelStage}, this configuration as
     * resolved for the run's model stage: where {@code kafka.stream-threads} is 0, as many threads as that stage but
     * at most one per core. A preprocessing thread has no model run for streams to share, only a core, while each
     * thread commits its own transaction every {@link io.sensorium.core.kafka.StreamsStage#HOLD_MS} ms: a thread a
     * source made the broker's work grow with the sources for nothing.
     */
    public SensoriumConfig withPreprocessingThreadsBeside(SensoriumConfig modelStage) {
        return withStreamThreads(Math.min(modelStage.kafka.streamThreads(), Runtime.getRuntime().availableProcessors()));
    }

    /** For a long-running stage ({@code process}): where {@code kafka.stream-threads} is 0, one thread per core. */
    public SensoriumConfig withThreadsPerCore() {
        return withStreamThreads(Runtime.getRuntime().availableProcessors());
    }

    private SensoriumConfig withStreamThreads(int threads) {
        if (kafka.streamThreads() > 0) {
            return this;
        }
        return new SensoriumConfig(kafka.withStreamThreads(Math.max(1, threads)), topics, audio, speech, video, vision,
                live, metrics, view);
    }

    /** Where {@code kafka.state-dir} is empty, {@code dir}: a long-running stage's state, kept across restarts. */
    public SensoriumConfig withDefaultStateDir(String dir) {
        if (kafka.stateDir() != null && !kafka.stateDir().isBlank()) {
            return this;
        }
        return new SensoriumConfig(kafka.withStateDir(dir), topics, audio, speech, video, vision, live, metrics, view);
    }

    /** The same configuration with the speech stage's VAD gate {@code on} or off. */
    public SensoriumConfig withVad(boolean on) {
        return new SensoriumConfig(kafka, topics, audio, speech.withVad(on), video, vision, live, metrics, view);
    }

    /** The same configuration with metrics and health served on {@code port}. */
    public SensoriumConfig withMetricsPort(int port) {
        return new SensoriumConfig(kafka, topics, audio, speech, video, vision, live, new Metrics(metrics.host(), port),
                view);
    }

    /** The same configuration with the speech stage's language, task, beam size and word times (null: as configured). */
    public SensoriumConfig withDecoding(String language, String task, Integer beamSize, Boolean wordTimestamps) {
        return new SensoriumConfig(kafka, topics, audio, speech.withDecoding(language, task, beamSize, wordTimestamps),
                video, vision, live, metrics, view);
    }

    /** The same configuration with the speech stage's live mode {@code on} or off. */
    public SensoriumConfig withLiveSpeech(boolean on) {
        return new SensoriumConfig(kafka, topics, audio, speech.withLive(on), video, vision, live, metrics, view);
    }

    /**
     * @param bootstrapServers    the cluster to use; empty means "start an in-process broker"
     * @param applicationIdPrefix prefix of each stage's Kafka Streams application id (and consumer group)
     * @param processingGuarantee Kafka Streams' processing.guarantee
     * @param partitions          partitions of topics Sensorium creates
     * @param replicationFactor   replication of the topics Sensorium creates and of its stages' changelogs; -1 takes the
     *                            broker's default
     * @param stateDir            Kafka Streams state directory; empty means the command's choice: a fresh temporary
     *                            one per one-shot run, a kept one for {@code process} ({@link SensoriumConfig#withDefaultStateDir})
     * @param streamThreads       stream threads of each stage (Kafka Streams' num.stream.threads): one instance then
     *                            works on that many partitions at once; 0 lets the command choose
     *                            ({@link SensoriumConfig#withThreadsPerSource}, {@link SensoriumConfig#withThreadsPerCore})
     * @param standbyReplicas     copies of each task's state other instances keep warm (Kafka Streams'
     *                            num.standby.replicas), so that a failed instance's tasks move without a restore
     * @param client              Kafka client settings (security.protocol, sasl.*, ssl.*, ...) for every client made
     *                            for the cluster at {@code bootstrapServers}
     */
    public record Kafka(String bootstrapServers, String applicationIdPrefix, String processingGuarantee, int partitions,
                        short replicationFactor, String stateDir, int streamThreads, int standbyReplicas,
                        KafkaClientSettings client) {
        public Kafka {
            if (streamThreads < 0) {
                throw new ConfigException("kafka.stream-threads must not be negative: " + streamThreads,
                        "kafka.stream-threads");
            }
            if (standbyReplicas < 0) {
                throw new ConfigException("kafka.standby-replicas must not be negative: " + standbyReplicas,
                        "kafka.standby-replicas");
            }
        }

        Kafka withStreamThreads(int threads) {
            return new Kafka(bootstrapServers, applicationIdPrefix, processingGuarantee, partitions, replicationFactor,
                    stateDir, threads, standbyReplicas, client);
        }

        public Kafka withStateDir(String dir) {
            return new Kafka(bootstrapServers, applicationIdPrefix, processingGuarantee, partitions, replicationFactor,
                    dir, streamThreads, standbyReplicas, client);
        }

        public boolean embedded() {
            return bootstrapServers == null || bootstrapServers.isBlank();
        }
    }

    /**
     * The topics' names, and how long the input topics keep their records.
     *
     * @param inputRetentionHours how long the input topics (audio, frames) keep their records (Kafka's retention.ms,
     *                            set when Sensorium creates them), so that they can be replayed through another
     *                            model; {@value #FOREVER} keeps them for ever. The other topics take the broker's
     *                            default; a topic that exists already keeps its own.
     */
    public record Topics(String audio, String features, String transcripts, String frames, String pixels,
                         String detections, String annotated, String events, String snapshots, String deadLetters,
                         double inputRetentionHours) {
        /** Kafka's retention.ms, and this section's hours, for "keep for ever". */
        public static final long FOREVER = -1;
        private static final double MS_PER_HOUR = 3_600_000;

        public Topics {
            if (inputRetentionHours != FOREVER
                    && !(Double.isFinite(inputRetentionHours) && Math.round(inputRetentionHours * MS_PER_HOUR) >= 1)) {
                throw new ConfigException("topics.input-retention-hours must be more than 0 (a millisecond at least),"
                        + " or " + FOREVER + " to keep records for ever, not " + inputRetentionHours,
                        "topics.input-retention-hours");
            }
        }

        /** The retention.ms of the topics that get one when Sensorium creates them: the input topics. */
        public Map<String, Long> retentionMs() {
            long ms = inputRetentionHours == FOREVER ? FOREVER : Math.round(inputRetentionHours * MS_PER_HOUR);
            Map<String, Long> retention = new HashMap<>();
            retention.put(audio, ms);
            retention.put(frames, ms);
            return retention;
        }
    }

    /**
     * @param chunkSeconds   length of the audio chunks ingest publishes
     * @param sampleRate     the rate ingest resamples to and the feature processor requires (Whisper's is 16 kHz)
     * @param maxRecordBytes largest record value a processor accepts; more is a dead letter, not an out-of-memory
     * @param melBins        log-mel bins the feature processor makes: 80, or 128 for Whisper large-v3 models
     */
    public record Audio(double chunkSeconds, int sampleRate, int maxRecordBytes, int melBins) {
        public Audio {
            if (sampleRate <= 0) {
                throw new ConfigException("audio.sample-rate must be more than 0, not " + sampleRate, "audio.sample-rate");
            }
            if (maxRecordBytes <= 0) {
                throw new ConfigException("audio.max-record-bytes must be more than 0, not " + maxRecordBytes,
                        "audio.max-record-bytes");
            }
            double longest = maxRecordBytes / (2.0 * sampleRate);
            if (!(chunkSeconds > 0) || chunkSeconds > longest) {
                // A chunk is one record: one that cannot be published would fail only once a run is under way.
                throw new ConfigException(String.format(Locale.ROOT, "audio.chunk-seconds must be more than 0 and at"
                        + " most %.3f (a chunk of 16-bit samples at %d Hz within audio.max-record-bytes, %d), not %s",
                        longest, sampleRate, maxRecordBytes, chunkSeconds), "audio.chunk-seconds");
            }
        }

        public int chunkSamples() {
            return (int) Math.round(chunkSeconds * sampleRate);
        }
    }

    /**
     * @param model      Whisper model directory (Hugging Face ONNX layout)
     * @param threads    ONNX Runtime intra-op threads of each model run; 0 for {@link #threadsPerRun}'s choice
     * @param device     {@code cpu} or {@code cuda}
     * @param timestamps decode with timestamp tokens, which gives segments; without them one segment per window
     * @param language   for multilingual models: {@code auto} (detected on each stream's first window), one language
     *                   code ({@code de}: pinned), or codes separated by commas (detected among those); English-only
     *                   models take {@code auto} or {@code en}
     * @param task       {@code transcribe}, or {@code translate} (speech in any language to English text; multilingual
     *                   models only)
     * @param noSpeechThreshold Whisper's no-speech rule: a window gives no text when its no-speech probability
     *                          (of the {@code <|nospeech|>} token at the first decoding step) is above this and its
     *                          text's average log-probability is below {@code logProbThreshold}
     * @param logProbThreshold  see {@code noSpeechThreshold}; also, a window decoded with a lower average
     *                          log-probability is decoded again at the next temperature
     * @param temperature       faster-whisper's temperature: the temperatures a window is decoded at, in order, until
     *                          its text passes the log-probability and compression-ratio tests (comma-separated; 0
     *                          is greedy decoding; one value: no fallback)
     * @param bestOf            samples decoded at each temperature above 0, the likeliest kept
     * @param compressionRatioThreshold a window whose text zlib shrinks more than this repeats itself, and is
     *                          decoded again at the next temperature
     * @param beamSize          beams of the beam search a whole window is decoded by at temperature 0 (faster-whisper's
     *                          beam_size; 1: greedy); live buffers are decoded greedily
     * @param patience          the beam search stops once it holds beam-size x patience finished hypotheses
     *                          (faster-whisper's patience)
     * @param lengthPenalty     a finished hypothesis is ranked by its log-probability over its length to this power
     * @param earlyStopping     the beam search stops as soon as it holds those hypotheses, as faster-whisper's
     *                          (CTranslate2's) and openai-whisper's do; false: only once no beam can beat them either
     *                          (transformers' early_stopping=False)
     * @param conditionOnPreviousText each window of a stream is prompted with the text of the windows before it
     *                          (faster-whisper's condition_on_previous_text), until one decoded at a temperature above
     *                          {@code promptResetOnTemperature}
     * @param promptResetOnTemperature see {@code conditionOnPreviousText}
     * @param initialPrompt     text that comes before each stream's first window, as if said before it (spellings,
     *                          names, style); empty for none
     * @param hotwords          words to look out for, in every window's prompt (faster-whisper's hotwords); empty for
     *                          none
     * @param wordTimestamps    give each segment's words with their times and probabilities (faster-whisper's
     *                          word_timestamps), from the model's alignment heads
     * @param vad               gate Whisper with Silero VAD: windows without speech are not decoded and text
     *                          outside speech is dropped (faster-whisper's vad_filter)
     * @param vadOptions        the gate's parameters
     * @param live              transcribe each stream's recent audio again as it arrives, giving partial results
     *                          and confirming words as they settle, instead of waiting for full 30 s windows
     * @param liveStepSeconds   in live mode, how much new audio makes a stream's buffer be transcribed again
     * @param livePauseMs       in live mode, the pause that ends an utterance and makes all its words final at once
     *                          (the VAD's min-silence-duration-ms there: offline, a pause only splits the audio)
     * @param liveSentencePauseMs in live mode, a shorter pause that also ends an utterance where the newest
     *                          transcription ends a sentence before it; 0: off
     * @param liveMaxDelaySeconds in live mode, a word two transcriptions in a row have not agreed on is made final
     *                          as the newest has it once this much audio has come after it
     * @param liveTrimSeconds   in live mode, a stream's buffer longer than this loses its confirmed segments at the
     *                          front (whisper_streaming's buffer_trimming_sec); what it keeps is transcribed again
     *                          each step, so a longer one costs time, and gives Whisper more of the audio's context
     * @param livePrefix        in live mode, the confirmed words still in a stream's buffer are given to the decoder
     *                          as the start of its transcript (openai's prefix) instead of being decoded again each
     *                          step: one decoder run for them rather than a step per token
     * @param batchSize         most windows of different streams transcribed in one model run
     * @param batchWaitMs       how long a window ready for the model waits for others to join its batch; it waits
     *                          only while other stream threads could still bring some
     * @param parallelRuns      most model runs (batches) of different stream threads at once, each with
     *                          {@code threads} ONNX Runtime threads; 0 for {@link #modelRunsAtOnce()}'s choice
     */
    public record Speech(Path model, int threads, String device, boolean timestamps, String language, String task,
                         double noSpeechThreshold, double logProbThreshold, String temperature, int bestOf,
                         double compressionRatioThreshold, int beamSize, double patience, double lengthPenalty,
                         boolean earlyStopping, boolean conditionOnPreviousText, double promptResetOnTemperature,
                         String initialPrompt,
                         String hotwords, boolean wordTimestamps, boolean vad, VadOptions vadOptions,
                         boolean live, double liveStepSeconds, int livePauseMs, int liveSentencePauseMs,
                         double liveMaxDelaySeconds,
                         double liveTrimSeconds, boolean livePrefix, int batchSize, int batchWaitMs,
                         int parallelRuns) {
        public Speech {
            temperatures(temperature);
            if (bestOf < 1) {
                throw new ConfigException("speech.best-of must be at least 1, not " + bestOf, "speech.best-of");
            }
            if (beamSize < 1) {
                throw new ConfigException("speech.beam-size must be at least 1, not " + beamSize, "speech.beam-size");
            }
            if (!(patience > 0) || Double.isInfinite(patience)) {
                throw new ConfigException("speech.patience must be more than 0, not " + patience, "speech.patience");
            }
            if (!(liveStepSeconds > 0)) {
                throw new ConfigException("speech.live-step-seconds must be more than 0, not " + liveStepSeconds,
                        "speech.live-step-seconds");
            }
            if (livePauseMs < 0) {
                throw new ConfigException("speech.live-pause-ms must not be negative: " + livePauseMs,
                        "speech.live-pause-ms");
            }
            if (liveSentencePauseMs < 0) {
                throw new ConfigException("speech.live-sentence-pause-ms must not be negative: " + liveSentencePauseMs,
                        "speech.live-sentence-pause-ms");
            }
            if (!(liveMaxDelaySeconds > 0)) {
                throw new ConfigException("speech.live-max-delay-seconds must be more than 0, not "
                        + liveMaxDelaySeconds, "speech.live-max-delay-seconds");
            }
            if (!(liveTrimSeconds > 0)) {
                throw new ConfigException("speech.live-trim-seconds must be more than 0, not " + liveTrimSeconds,
                        "speech.live-trim-seconds");
            }
            checkBatching("speech", batchSize, batchWaitMs);
            if (parallelRuns < 0) {
                throw new ConfigException("speech.parallel-runs must not be negative (0: chosen by the mode): "
                        + parallelRuns, "speech.parallel-runs");
            }
            if (threads < 0) {
                throw new ConfigException("speech.threads must not be negative (0: the cores shared among the runs "
                        + "at once): " + threads, "speech.threads");
            }
        }

        /** The model runs at once that pay in live mode, where {@code parallelRuns} is 0. */
        static final int LIVE_PARALLEL_RUNS = 2;

        /**
         * {@code parallelRuns}, or where it is 0, what pays in the mode: a live buffer's run (a short encoder input,
         * decoder steps of one row) leaves CPU cores idle that a second run beside it takes up (8 live streams on 2
         * cores: final latency p50 / p95 9.99 / 15.40 -> 9.17 / 13.99 s); a whole window's keeps them busy, and two
         * side by side would only hold two runs' memory (four files at once, tiny.en int8: +50-85 MB).
         */
        public int modelRunsAtOnce() {
            return parallelRuns > 0 ? parallelRuns : live ? LIVE_PARALLEL_RUNS : 1;
        }

        /**
         * The ONNX Runtime threads of each model run: {@code threads}, or where it is 0, the cores shared among the
         * runs that can be at once ({@link #modelRunsAtOnce()}, but no more than the stage's {@code streamThreads},
         * each of which has one run at a time). Not more: a run's calling thread waits for its helpers at the end of
         * every operator by spinning, and a helper that the run beside it has put off a core makes it spin for as
         * long (8 live streams on 2 cores, two runs at once: 5% of all CPU time spent so; final latency p50 / p95
         * 4.21 / 7.22 -> 3.25 / 6.08 s with one thread a run).
         */
        public int threadsPerRun(int streamThreads) {
            if (threads > 0) {
                return threads;
            }
            int runs = Math.max(1, Math.min(modelRunsAtOnce(), streamThreads));
            return Math.max(1, Runtime.getRuntime().availableProcessors() / runs);
        }

        public Speech withVad(boolean on) {
            return copy(language, task, beamSize, wordTimestamps, on, live);
        }

        /** The same settings with this language, task, beam size and word times; a null one leaves it as it was. */
        public Speech withDecoding(String language, String task, Integer beamSize, Boolean wordTimestamps) {
            return copy(language != null ? language : this.language, task != null ? task : this.task,
                    beamSize != null ? beamSize : this.beamSize,
                    wordTimestamps != null ? wordTimestamps : this.wordTimestamps, vad, live);
        }

        public Speech withLive(boolean on) {
            return copy(language, task, beamSize, wordTimestamps, vad, on);
        }

        /** The settings the command line can change, changed; the rest as they are. */
        private Speech copy(String language, String task, int beamSize, boolean wordTimestamps, boolean vad,
                            boolean live) {
            return new Speech(model, threads, device, timestamps, language, task, noSpeechThreshold, logProbThreshold,
                    temperature, bestOf, compressionRatioThreshold, beamSize, patience, lengthPenalty, earlyStopping,
                    conditionOnPreviousText, promptResetOnTemperature, initialPrompt, hotwords, wordTimestamps, vad,
                    vadOptions, live,
                    liveStepSeconds, livePauseMs, liveSentencePauseMs, liveMaxDelaySeconds, liveTrimSeconds, livePrefix,
                    batchSize, batchWaitMs, parallelRuns);
        }

        /** {@link #temperature} as numbers, in their order. */
        public List<Double> temperatures() {
            return temperatures(temperature);
        }

        private static List<Double> temperatures(String temperature) {
            List<Double> values = new ArrayList<>();
            for (String part : temperature.split(",", -1)) {
                double value;
                try {
                    value = Double.parseDouble(part.strip());
                } catch (NumberFormatException e) {
                    value = Double.NaN;
                }
                if (!(value >= 0) || Double.isInfinite(value)) {
                    throw new ConfigException("speech.temperature is temperatures of 0 or more, comma-separated"
                            + " (0.0,0.2,0.4), not '" + temperature + "'", "speech.temperature");
                }
                values.add(value);
            }
            return List.copyOf(values);
        }
    }

    /**
     * faster-whisper's VadOptions, by the same names.
     *
     * @param threshold            a 32 ms window with at least this speech probability is speech
     * @param negThreshold         speech ends below this; null: {@code threshold - 0.15} (at least 0.01)
     * @param minSpeechDurationMs  speech this short or shorter is dropped
     * @param minSilenceDurationMs silence shorter than this does not end speech
     * @param speechPadMs          speech is widened by this on both sides
     */
    public record VadOptions(double threshold, Double negThreshold, int minSpeechDurationMs, int minSilenceDurationMs,
                             int speechPadMs) {
        public VadOptions withMinSilenceDurationMs(int ms) {
            return new VadOptions(threshold, negThreshold, minSpeechDurationMs, ms, speechPadMs);
        }

        public double negThresholdOrDefault() {
            return negThreshold != null ? negThreshold : Math.max(threshold - 0.15, 0.01);
        }
    }

    /**
     * @param fps                 frames per second ingest samples from a video or live source; 0 takes every frame
     * @param maxSide             frames larger than this on their long side are scaled down before publishing; 0
     *                            keeps them as they are
     * @param jpegQuality         JPEG quality (1-100) of published frames, on libjpeg's scale
     * @param maxSourcePixels     images and videos declaring more pixels per frame than this are refused from their
     *                            header, before a decoder allocates for them
     */
    public record Video(double fps, int maxSide, int jpegQuality, long maxSourcePixels) {
        public Video {
            if (jpegQuality < 1 || jpegQuality > 100) {
                throw new ConfigException("video.jpeg-quality must be 1-100, not " + jpegQuality, "video.jpeg-quality");
            }
        }
    }

    /**
     * @param model          vision model directory (Hugging Face ONNX layout: onnx/model.onnx, config.json,
     *                       preprocessor_config.json)
     * @param threads        ONNX Runtime intra-op threads per session
     * @param device         {@code cpu} or {@code cuda}
     * @param scoreThreshold detections scoring below this are left out
     * @param topK           labels an image classification record lists
     * @param annotate       also publish each frame with its detections drawn, as JPEG, to the annotated topic
     * @param maxRecordBytes largest frame or pixel record a stage accepts or writes
     * @param liveFrames     {@code latest}: a live camera's frame the vision stage reaches more than
     *                       {@code liveMaxLagSeconds} after ingest read it is skipped (and counted), so that results
     *                       stay about now when inference falls behind; {@code all}: every frame, however late (files
     *                       and reprocessing always get every frame)
     * @param liveMaxLagSeconds how late a live frame may be under {@code latest}
     * @param livePacing     under {@code latest}, ingest publishes a live camera's frames only as fast as the vision
     *                       stage answers them on the detections topic, and the others not at all
     * @param batchSize      most frames of different cameras run through the model in one call
     * @param batchWaitMs    how long a frame ready for the model waits for others to join its batch; it waits only
     *                       while other stream threads could still bring some
     * @param parallelRuns   most model runs (batches) of different stream threads at once, each with {@code threads}
     *                       ONNX Runtime threads
     * @param tracking       how detected objects are followed from frame to frame, per camera
     * @param events         what is said of tracked objects on the events topic
     * @param zones          per camera id, its zones by name: polygons of {@code [x, y]} corners, fractions of the
     *                       frame's width and height, whose objects' comings and goings are events
     */
    public record Vision(Path model, int threads, String device, double scoreThreshold, int topK,
                         boolean annotate, int maxRecordBytes, String liveFrames, double liveMaxLagSeconds,
                         boolean livePacing, int batchSize, int batchWaitMs, int parallelRuns, Tracking tracking,
                         Events events,
                         Map<String, Map<String, List<List<Double>>>> zones) {
        public static final String LATEST = "latest";
        public static final String ALL = "all";

        public Vision {
            checkBatching("vision", batchSize, batchWaitMs);
            if (parallelRuns < 1) {
                throw new ConfigException("vision.parallel-runs must be at least 1, not " + parallelRuns,
                        "vision.parallel-runs");
            }
            zones = zones == null ? Map.of() : zones;
            zones.forEach((camera, cameraZones) -> {
                if (cameraZones == null) {
                    throw new ConfigException("vision.zones." + camera + " must map zone names to polygons",
                            "vision.zones");
                }
                cameraZones.forEach((zone, polygon) -> checkPolygon("vision.zones." + camera + "." + zone, polygon));
            });
            if (!LATEST.equals(liveFrames) && !ALL.equals(liveFrames)) {
                throw new ConfigException("vision.live-frames must be latest or all, not " + liveFrames,
                        "vision.live-frames");
            }
            if (!(events.updateSeconds() > 0)) {
                throw new ConfigException("vision.events.update-seconds must be more than 0, not "
                        + events.updateSeconds(), "vision.events.update-seconds");
            }
            if (!(liveMaxLagSeconds > 0)) {
                throw new ConfigException("vision.live-max-lag-seconds must be more than 0, not " + liveMaxLagSeconds,
                        "vision.live-max-lag-seconds");
            }
        }

        /** Whether ingest paces live cameras' frames by the vision stage's answers. */
        public boolean pacesLiveFrames() {
            return livePacing && liveFrames.equals(LATEST);
        }
    }

    /**
     * Events of tracked objects (topics.events): {@code new} when an object gets its track id, {@code update} while it
     * is seen, {@code end} when its track ends or its camera's stream does.
     *
     * @param enabled       write them (where tracking is on)
     * @param updateSeconds the camera's seconds, at least, between an object's update events
     * @param snapshots     write each object's best frame (JPEG, its box drawn) to topics.snapshots when its track
     *                      ends
     */
    public record Events(boolean enabled, double updateSeconds, boolean snapshots) {}

    /**
     * ByteTrack over each camera's detections, with supervision's names and defaults: each object detected gets a
     * {@code track_id} it keeps while it is seen.
     *
     * @param enabled                  give detections track ids (object detection models only)
     * @param activationThreshold      detections above this are matched first and may start tracks
     * @param lostTrackBuffer          frames, counted at 30 fps, a lost object is waited for before its track ends
     * @param minimumMatchingThreshold the highest cost (1 - IoU x score) of a match of a strong detection
     * @param frameRate                the cameras' frames per second, which scales the lost-track buffer
     * @param minimumConsecutiveFrames matches a new track needs before it gets its id
     *                                 (checked where the tracker is built: the vision stage)
     */
    public record Tracking(boolean enabled, double activationThreshold, int lostTrackBuffer,
                           double minimumMatchingThreshold, double frameRate, int minimumConsecutiveFrames) {}

    /**
     * How ingest keeps a live source (a camera, a radio stream: any URL) read, audio and video alike.
     *
     * @param reconnectMinSeconds first wait before reconnecting to a live source that dropped
     * @param reconnectMaxSeconds the wait doubles after each failed attempt up to this
     * @param reconnectAttempts   failed attempts in a row before ingest gives a live source up; 0 never gives up
     */
    public record Live(double reconnectMinSeconds, double reconnectMaxSeconds, int reconnectAttempts) {
        public Live {
            if (!(reconnectMinSeconds > 0)) {
                throw new ConfigException("live.reconnect-min-seconds must be more than 0, not " + reconnectMinSeconds,
                        "live.reconnect-min-seconds");
            }
            if (!(reconnectMaxSeconds >= reconnectMinSeconds)) {
                throw new ConfigException("live.reconnect-max-seconds must be at least live.reconnect-min-seconds ("
                        + reconnectMinSeconds + "), not " + reconnectMaxSeconds, "live.reconnect-max-seconds");
            }
            if (reconnectAttempts < 0) {
                throw new ConfigException("live.reconnect-attempts must be 0 (never give up) or more, not "
                        + reconnectAttempts, "live.reconnect-attempts");
            }
        }
    }

    /**
     * Where the live view ({@code sensorium view}, {@code --view}) serves its page.
     *
     * @param host the address to listen on: loopback by default, 0.0.0.0 for other machines to reach it
     * @param port the port
     */
    public record View(String host, int port) {
        public View {
            if (port < 0 || port > 65535) {
                throw new ConfigException("view.port must be a port, 1 to 65535 (0: any free one), not " + port,
                        "view.port");
            }
        }
    }

    /** The same configuration with the live view at {@code host} (null: as configured) and {@code port}. */
    public SensoriumConfig withView(String host, Integer port) {
        return new SensoriumConfig(kafka, topics, audio, speech, video, vision, live, metrics,
                new View(host == null ? view.host() : host, port == null ? view.port() : port));
    }

    /**
     * Where a long-running command ({@code process ...}) serves Prometheus metrics and its health endpoints.
     *
     * @param host the address to listen on
     * @param port the port; 0 serves none
     */
    public record Metrics(String host, int port) {
        public Metrics {
            if (port < 0 || port > 65535) {
                throw new ConfigException("metrics.port must be 0 (none) or a port, 1 to 65535, not " + port,
                        "metrics.port");
            }
        }

        public boolean served() {
            return port > 0;
        }
    }

    /** A stage's bounds on the batches its stream threads share model runs in ({@code SECTION.batch-*}). */
    private static void checkBatching(String section, int batchSize, int batchWaitMs) {
        if (batchSize < 1) {
            throw new ConfigException(section + ".batch-size must be at least 1, not " + batchSize,
                    section + ".batch-size");
        }
        if (batchWaitMs < 0) {
            throw new ConfigException(section + ".batch-wait-ms must not be negative: " + batchWaitMs,
                    section + ".batch-wait-ms");
        }
    }

    /** A zone's polygon: three corners or more, each {@code [x, y]} within the frame (fractions from 0 to 1). */
    private static void checkPolygon(String key, List<List<Double>> polygon) {
        if (polygon == null || polygon.size() < 3) {
            throw new ConfigException(key + " must be a polygon of 3 corners or more, [[x, y], ...]", key);
        }
        for (List<Double> corner : polygon) {
            if (corner == null || corner.size() != 2 || corner.stream().anyMatch(v -> v == null || !(v >= 0 && v <= 1))) {
                throw new ConfigException(key + ": corner " + corner + " is not [x, y] with both fractions of the"
                        + " frame's width and height, from 0 to 1", key);
            }
        }
    }
}
