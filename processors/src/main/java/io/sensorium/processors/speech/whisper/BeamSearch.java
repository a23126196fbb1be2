package io.sensorium.processors.speech.whisper;

import ai.onnxruntime.OrtException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Beam search as transformers' {@code generate(num_beams=N)} runs it for Whisper (length_penalty 1), with
 * faster-whisper's patience: each step scores every beam's next tokens by their log-softmax added to the beam's score,
 * keeps the 2N best continuations, carries the N best that have not ended on as beams, and offers those of the N best
 * that ended (end-of-text or the length limit) to the finished hypotheses, scored by their sum over their length to
 * the power of the length penalty. A window's search stops when it holds {@code round(N x patience)} finished
 * hypotheses: at once with early stopping, as faster-whisper's (CTranslate2's) and openai-whisper's searches stop;
 * without it (transformers' default, early_stopping False) only once no beam can beat the worst of them. It also
 * stops when every continuation has ended; the best finished hypothesis is its result. Scores are float32 sums, as
 * PyTorch's, so that near ties fall the same way.
 *
 * <p>One difference from transformers, on purpose: the log-softmax is taken after the rules (suppressed tokens,
 * timestamp rules) have shaped the scores, as openai's and faster-whisper's beam searches take it, not before: where
 * the timestamp rules force a timestamp, transformers' order scores it by its probability before the rules, so a
 * hypothesis pays for each segment it closes. Without timestamps the rules only suppress a few rare tokens and the
 * two orders choose alike (MultilingualParityTest: transformers' tokens exactly).
 */
final class BeamSearch {
    /** transformers' stand-in for minus infinity in beam scores: a beam that must not be chosen. */
    private static final float EXCLUDED = -1.0e9f;

    /** A finished hypothesis: all its tokens, prompt first. */
    record Hypothesis(int[] tokens, float score, float sumLogprob, boolean endOfText) {}

    private final List<LogitsFilter> filters;
    private final int endOfText;
    private final int limit;
    private final WhisperDecoder.Beams beams;

    /**
     * @param limit the longest a sequence grows, prompt included
     */
    BeamSearch(List<LogitsFilter> filters, int endOfText, int limit, WhisperDecoder.Beams beams) {
        this.filters = filters;
        this.endOfText = endOfText;
        this.limit = limit;
        this.beams = beams;
    }

    /**
     * @param steps   over {@code prompts.size() x N} rows: each window's encoder output N times over, in order
     * @param prompts one per window, all of one length
     * @return each window's best finished hypothesis
     */
    List<Hypothesis> search(DecoderSteps steps, List<int[]> prompts) throws OrtException {
        int n = beams.size();
        int promptLength = prompts.get(0).length;
        List<Window> windows = new ArrayList<>();
        int[][] sequences = new int[prompts.size() * n][];
        for (int w = 0; w < prompts.size(); w++) {
            windows.add(new Window(n, Math.max(1, (int) Math.round(n * beams.patience()))));
            for (int b = 0; b < n; b++) {
                sequences[w * n + b] = Arrays.copyOf(prompts.get(w), limit);
            }
        }
        int length = promptLength;
        while (windows.stream().anyMatch(window -> !window.stopped)) {
            float[][] scores = steps.next(sequences, length);
            int[][] next = new int[sequences.length][];
            int[] sources = new int[sequences.length];
            for (int w = 0; w < windows.size(); w++) {
                Window window = windows.get(w);
                if (window.stopped) {
                    for (int b = 0; b < n; b++) {
                        next[w * n + b] = sequences[w * n + b];
                        next[w * n + b][length] = endOfText;
                        sources[w * n + b] = w * n + b;
                    }
                    continue;
                }
                window.step(w * n, sequences, scores, length, promptLength, next, sources);
            }
            length++;
            for (Window window : windows) {
                if (!window.stopped) {
                    window.checkSearchingOn(length - promptLength);
                }
            }
            sequences = next;
            if (windows.stream().anyMatch(window -> !window.stopped)) {
                steps.reorder(sources);
            }
        }
        return windows.stream().map(Window::best).toList();
    }

    /** One window's beams and finished hypotheses. */
    private final class Window {
        private final int n;
        /** The running beams' scores, best first; the first step's beams but the first are excluded. */
        private final float[] scores;
        /** Each running beam's sum of log-probabilities, without the exclusions. */
        private final float[] sums;
        /** The finished hypotheses, best first; null until filled. */
        private final Hypothesis[] finished;
        /** How many finished hypotheses the search waits for: beam size x patience (faster-whisper's max_candidates). */
        private final int candidates;
        /** How many hypotheses have finished so far. */
        private int offered;
        /**
         * Whether the search goes on: it waits for more finished hypotheses or, without early stopping, a beam could
         * still beat the worst of them (transformers' is_early_stop_heuristic_unsatisfied).
         */
        private boolean searchingOn = true;
        private boolean stopped;

        Window(int n, int candidates) {
            this.n = n;
            this.scores = new float[n];
            this.sums = new float[n];
            Arrays.fill(scores, 1, n, EXCLUDED);
            this.candidates = candidates;
            this.finished = new Hypothesis[Math.max(n, candidates)];
        }

        void step(int firstRow, int[][] sequences, float[][] logits, int length, int promptLength, int[][] next,
                  int[] sources) {
            LogProbs[] logProbs = new LogProbs[n];
            int kept = 2 * n;
            Candidate[][] bestOfBeam = new Candidate[n][];
            // Each beam's row on its own: a vocabulary of exponentials a beam, which on the quick compiler took 1.4 ms
            // of a 5-beam step on one core while ONNX Runtime's threads wait for the next step, and a pass over the
            // vocabulary for the beam's best continuations: the step's 2N best are among the beams' own 2N best.
            IntStream.range(0, n).parallel().forEach(b -> {
                float[] row = logits[firstRow + b];
                for (LogitsFilter filter : filters) {
                    filter.apply(sequences[firstRow + b], length, promptLength, row);
                }
                logProbs[b] = LogProbs.of(row);
                bestOfBeam[b] = top(b, logProbs[b], kept);
            });
            Candidate[] best = merged(bestOfBeam, kept);
            boolean allEnded = true;
            for (Candidate candidate : best) {
                candidate.ended = candidate.token == endOfText || length + 1 >= limit;
                allEnded &= candidate.ended;
            }
            // The beams that go on: the N best that have not ended (ended ones only where fewer are left).
            Candidate[] going = Arrays.stream(best)
                    .sorted(Comparator.comparingDouble((Candidate c) -> -(c.ended ? c.score + EXCLUDED : c.score)))
                    .limit(n).toArray(Candidate[]::new);
            for (int b = 0; b < n; b++) {
                Candidate c = going[b];
                int source = firstRow + c.beam;
                next[firstRow + b] = sequences[source].clone();
                next[firstRow + b][length] = c.token;
                sources[firstRow + b] = source;
            }
            float[] nextSums = new float[n];
            for (int b = 0; b < n; b++) {
                Candidate c = going[b];
                scores[b] = c.ended ? c.score + EXCLUDED : c.score;
                nextSums[b] = sums[c.beam] + logProbs[c.beam].at(c.token);
            }
            if (searchingOn) {
                float lengthPenalty = (float) Math.pow(length + 1 - promptLength, beams.lengthPenalty());
                for (int k = 0; k < n; k++) {
                    Candidate c = best[k];
                    if (c.ended) {
                        int[] tokens = Arrays.copyOf(sequences[firstRow + c.beam], length + 1);
                        tokens[length] = c.token;
                        float sumLogprob = sums[c.beam] + logProbs[c.beam].at(c.token);
                        offer(new Hypothesis(tokens, c.score / lengthPenalty, sumLogprob, c.token == endOfText));
                    }
                }
            }
            System.arraycopy(nextSums, 0, sums, 0, n);
            stopped = allEnded;
        }

        private void offer(Hypothesis hypothesis) {
            offered++;
            int at = finished.length;
            while (at > 0 && (finished[at - 1] == null || hypothesis.score() > finished[at - 1].score())) {
                at--;
            }
            if (at < finished.length) {
                System.arraycopy(finished, at, finished, at + 1, finished.length - at - 1);
                finished[at] = hypothesis;
            }
        }

        /**
         * After a step: whether the search goes on. With early stopping it ends once its finished hypotheses are all
         * there; otherwise while the best beam, at its length, could still beat the worst of them.
         */
        void checkSearchingOn(int generated) {
            if (beams.earlyStopping()) {
                searchingOn &= offered < candidates;
            } else if (finished[finished.length - 1] != null) {
                float bestPossible = scores[0] / (float) Math.pow(generated, beams.lengthPenalty());
                searchingOn &= bestPossible > finished[finished.length - 1].score();
            }
            stopped |= !searchingOn;
        }

        Hypothesis best() {
            return finished[0];
        }

        /** Beam {@code b}'s {@code k} best continuations, best first (the first of equal ones by token). */
        Candidate[] top(int b, LogProbs logProbs, int k) {
            Candidate[] best = new Candidate[k];
            int filled = 0;
            float base = scores[b];
            float[] row = logProbs.scores();
            float max = logProbs.max();
            float log = logProbs.log();
            for (int token = 0; token < row.length; token++) {
                // LogProbs.at(token), written out: the quick compiler would make a call of it for each token.
                float score = row[token] - max - log + base;
                if (filled == k && !(score > best[k - 1].score)) {
                    continue;
                }
                filled = insert(best, filled, new Candidate(b, token, score));
            }
            return best;
        }

        /**
         * The {@code k} best of the beams' best continuations, best first: the first of equal ones by beam, then
         * token, as a pass over all beams' rows in order would give them.
         */
        static Candidate[] merged(Candidate[][] bestOfBeam, int k) {
            Candidate[] best = new Candidate[k];
            int filled = 0;
            for (Candidate[] ofBeam : bestOfBeam) {
                for (Candidate candidate : ofBeam) {
                    if (candidate == null || filled == k && !(candidate.score > best[k - 1].score)) {
                        break;
                    }
                    filled = insert(best, filled, candidate);
                }
            }
            return best;
        }

        /**
         * Puts {@code candidate} after the entries of {@code best} it does not beat, the last one dropped where
         * {@code best} is full (of {@code filled}); returns how many it then holds.
         */
        private static int insert(Candidate[] best, int filled, Candidate candidate) {
            int at = filled == best.length ? best.length - 1 : filled++;
            while (at > 0 && candidate.score > best[at - 1].score) {
                best[at] = best[at - 1];
                at--;
            }
            best[at] = candidate;
            return filled;
        }
    }

    /** A continuation: a beam and its next token, with the beam's score plus the token's log-probability. */
    private static final class Candidate {
        final int beam;
        final int token;
        final float score;
        boolean ended;

        Candidate(int beam, int token, float score) {
            this.beam = beam;
            this.token = token;
            this.score = score;
        }
    }

    /**
     * A beam's log_softmax in float32, as PyTorch takes it, over its step's scores: each token's only where it is read
     * (the beam's best continuations), not written out for the whole vocabulary.
     */
    private record LogProbs(float[] scores, float max, float log) {
        static LogProbs of(float[] scores) {
            float max = LogSumExp.max(scores);
            return new LogProbs(scores, max, (float) Math.log(LogSumExp.sumExp(scores, max)));
        }

        float at(int token) {
            return scores[token] - max - log;
        }
    }
}
