package io.sensorium.processors.speech.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalAgreementTest {
    private static final LocalAgreement.Options DEFAULT = LocalAgreement.Options.DEFAULT;
    /** Where the audio of these tests' hypotheses ends: after all their words, and under DEFAULT of no effect. */
    private static final double HEARD = 100;

    /** The words of {@code sentence}, 0.4 s each and 0.1 s apart, the first at {@code start}. */
    private static List<TimedWord> words(double start, String sentence) {
        List<TimedWord> words = new ArrayList<>();
        for (String text : sentence.strip().split(" ")) {
            words.add(new TimedWord(start, start + 0.4, " " + text));
            start += 0.5;
        }
        return words;
    }

    private static List<String> texts(List<TimedWord> words) {
        return words.stream().map(TimedWord::text).toList();
    }

    @Test
    void agreementOfTwoHypothesesCommitsOnlyTheirCommonPrefix() {
        LocalAgreement state = new LocalAgreement(DEFAULT);

        Commit first = state.insert(words(0, "I am gone"), HEARD);
        Commit second = state.insert(words(0, "I am going to"), HEARD);

        assertThat(first.committed()).isEmpty();
        assertThat(first.pendingText()).isEqualTo(" I am gone");
        assertThat(second.committedText()).isEqualTo(" I am");
        assertThat(second.pendingText()).isEqualTo(" going to");
        assertThat(state.committedEnd()).isEqualTo(0.9);
        assertThat(second.revision()).isGreaterThan(first.revision());
    }

    @Test
    void aThirdHypothesisThatRevisesTheTailDoesNotReviseWhatWasCommitted() {
        LocalAgreement state = new LocalAgreement(DEFAULT);
        state.insert(words(0, "I am gone"), HEARD);
        Commit second = state.insert(words(0, "I am going to"), HEARD);

        Commit third = state.insert(words(0, "I was going to the"), HEARD);

        assertThat(second.committedText()).isEqualTo(" I am");
        assertThat(third.committedText()).isEqualTo(" going to");
        assertThat(third.pendingText()).isEqualTo(" the");
        assertThat(texts(third.committed())).doesNotContain(" was", " I");
    }

    @Test
    void wordsAreNeverRepeatedAcrossCommitsWhenTheSeamRepeatsConfirmedWords() {
        LocalAgreement state = new LocalAgreement(DEFAULT);
        state.insert(words(0, "I am"), HEARD);
        Commit confirmed = state.insert(words(0, "I am"), HEARD);
        // " am" transcribed again, written differently and with a start that slipped past the tolerance.
        List<TimedWord> slipped = List.of(new TimedWord(0.85, 1.0, " Am,"), new TimedWord(1.0, 1.4, " going"));

        Commit first = state.insert(slipped, HEARD);
        Commit second = state.insert(slipped, HEARD);

        assertThat(confirmed.committedText()).isEqualTo(" I am");
        assertThat(first.pendingText()).isEqualTo(" going");
        assertThat(second.committedText()).isEqualTo(" going");
    }

    @Test
    void aRepeatIsKeptOnceTheConfirmedWordsHaveLeftTheBuffer() {
        LocalAgreement state = new LocalAgreement(DEFAULT);
        state.insert(words(0, "yes"), HEARD);
        state.flush(0.5);
        // The buffer no longer holds the first " yes", so this one is the speaker saying it again.
        List<TimedWord> again = words(0.6, "yes");

        state.insert(again, HEARD);
        Commit repeat = state.insert(again, HEARD);

        assertThat(repeat.committedText()).isEqualTo(" yes");
    }

    @Test
    void wordsBeforeTheCommittedTimeAreIgnored() {
        LocalAgreement state = new LocalAgreement(DEFAULT);
        state.insert(words(0, "I am"), HEARD);
        state.insert(words(0, "I am"), HEARD);
        // The confirmed words transcribed again, with a word that was not heard the first time among them.
        List<TimedWord> retranscribed = new ArrayList<>(words(0, "I am going"));
        retranscribed.add(1, new TimedWord(0.45, 0.5, " uh"));

        Commit commit = state.insert(retranscribed, HEARD);

        assertThat(state.committedEnd()).isEqualTo(0.9);
        assertThat(commit.committed()).isEmpty();
        assertThat(commit.pendingText()).isEqualTo(" going");
    }

    @Test
    void aNewWordPutBeforeTheConfirmedEndByItsEstimatedTimeIsKeptAfterTheRepeatedConfirmedWords() {
        LocalAgreement state = new LocalAgreement(DEFAULT);
        state.insert(words(0, "ask not"), HEARD);
        state.insert(words(0, "ask not"), HEARD);
        // The buffer transcribed again as one segment whose time is spread over its words by their length: the new
        // " what" is put 0.3 s before the confirmed end (jfk.wav stopped at 6.08 s lost it so).
        List<TimedWord> spread = List.of(new TimedWord(0.2, 0.4, " ask"), new TimedWord(0.4, 0.6, " not"),
                new TimedWord(0.6, 0.9, " what"), new TimedWord(0.9, 1.2, " your"), new TimedWord(1.2, 1.6, " country"));

        state.insert(spread, HEARD);
        Commit flushed = state.flush(1.6);

        assertThat(flushed.committedText()).isEqualTo(" what your country");
    }

    @Test
    void flushAtUtteranceEndCommitsEverythingPendingAndLeavesNothing() {
        LocalAgreement state = new LocalAgreement(DEFAULT);
        state.insert(words(0, "ask not"), HEARD);
        state.insert(words(0, "ask not what your"), HEARD);

        Commit flushed = state.flush(3);
        List<TimedWord> leftPending = state.pending();
        Commit again = state.flush(4);
        Commit next = state.insert(words(4.2, "ask what"), HEARD);

        assertThat(flushed.committedText()).isEqualTo(" what your");
        assertThat(flushed.pending()).isEmpty();
        assertThat(leftPending).isEmpty();
        assertThat(state.bufferStart()).isEqualTo(4);
        assertThat(again.committed()).isEmpty();
        assertThat(again.revision()).isEqualTo(flushed.revision());
        assertThat(next.committed()).as("a new utterance needs agreement again").isEmpty();
        assertThat(state.prompt()).isEqualTo(" ask not what your");
    }

    private static final List<TimedWord> ALPHABET = words(0, "a b c d e f g h i j k l m n o p q r s t u v w x y z");

    /** A state that has confirmed a to t (to 9.9 s) of {@link #ALPHABET}, u to z pending (from 10 s). */
    private static LocalAgreement confirmedToT() {
        LocalAgreement state = new LocalAgreement(DEFAULT);
        state.insert(ALPHABET.subList(0, 20), HEARD);
        state.insert(ALPHABET, HEARD);
        return state;
    }

    @Test
    void aTrimCutsAtTheLastConfirmedSegmentEndOnceTheBufferIsLong() {
        LocalAgreement state = confirmedToT();
        // Confirmed to t's end, 9.9 s; pending from u at 10 s.
        List<Double> segmentEnds = List.of(4.9, 9.9, 11.9, 12.9);

        double early = state.trim(14, segmentEnds);
        double trimmed = state.trim(16, segmentEnds);

        assertThat(early).as("a buffer of 14 s is not trimmed").isZero();
        assertThat(trimmed).isEqualTo(9.9);
        assertThat(state.bufferStart()).isEqualTo(9.9);
    }

    @Test
    void aTrimNeverCutsAWordStillPending() {
        LocalAgreement state = new LocalAgreement(DEFAULT);
        List<TimedWord> confirmed = words(0, "a b c d e f g h i j k l m n o p q r s t");
        state.insert(confirmed, HEARD);
        state.insert(confirmed, HEARD);
        // The pending word starts within the tolerance before the confirmed end, at 9.85 s.
        state.insert(List.of(new TimedWord(9.85, 10.3, " u")), HEARD);

        double trimmed = state.trim(16, List.of(4.9, 9.9, 12.9));

        assertThat(trimmed).isEqualTo(4.9);
        assertThat(state.pending()).allSatisfy(word -> assertThat(word.start()).isGreaterThanOrEqualTo(trimmed));
    }

    @Test
    void theBufferNeverExceedsThirtySecondsAndTheCapNeverCutsAPendingWord() {
        LocalAgreement state = new LocalAgreement(DEFAULT);
        List<TimedWord> spoken = words(0, String.join(" ", Collections.nCopies(100, "w")));
        List<TimedWord> finals = new ArrayList<>();
        for (int end = 1; end <= 50; end++) {
            finals.addAll(state.makeRoom(end).committed());
            double start = state.bufferStart();
            assertThat(end - start).isLessThanOrEqualTo(30);
            assertThat(state.pending()).allSatisfy(word -> assertThat(word.start()).isGreaterThanOrEqualTo(start));
            // Hypotheses that never agree: each renders every word its own way.
            List<TimedWord> hypothesis = new ArrayList<>();
            for (TimedWord word : spoken) {
                if (word.start() >= start && word.end() <= end) {
                    hypothesis.add(new TimedWord(word.start(), word.end(), " w" + word.start() + "/" + end));
                }
            }
            finals.addAll(state.insert(hypothesis, end).committed());
        }

        assertThat(finals).as("forced out by the cap").hasSize(40);
        for (int i = 0; i < finals.size(); i++) {
            assertThat(finals.get(i).start()).isEqualTo(spoken.get(i).start());
        }
    }

    @Test
    void wordsNoTwoHypothesesAgreeOnAreConfirmedAsTheNewestHasThemOnceTheMaxDelayHasPassed() {
        LocalAgreement state = new LocalAgreement(new LocalAgreement.Options(2, 15, 30, 200, 1.5));

        // Words end at 0.4, 0.9, 1.4, 1.9 s; each transcription hears them its own way.
        Commit first = state.insert(words(0, "an alien in all"), 2.0);
        Commit second = state.insert(words(0, "and all the animal"), 2.5);
        Commit third = state.insert(words(0, "and alien and all rights"), 3.0);

        assertThat(first.committed()).as("only the first word is 1.5 s old, but one hypothesis is no agreement")
                .extracting(TimedWord::text).containsExactly(" an");
        assertThat(second.committedText()).as("0.9 s ended 1.6 s before 2.5 s").isEqualTo(" all");
        assertThat(third.committedText()).isEqualTo(" and");
        assertThat(third.pendingText()).isEqualTo(" all rights");
        assertThat(state.committedEnd()).isEqualTo(1.4);
        assertThat(state.heardUntil()).isEqualTo(3.0);
    }

    @Test
    void heardUntilIsWhereTheNewestHypothesisAudioEndedAndAFlushResetsIt() {
        LocalAgreement state = new LocalAgreement(DEFAULT);
        state.insert(words(0, "ask not"), 1.5);

        double heard = state.heardUntil();
        double restored = LocalAgreement.restore(DEFAULT, state.snapshot()).heardUntil();
        state.flush(1.2);

        assertThat(heard).isEqualTo(1.5);
        assertThat(restored).isEqualTo(1.5);
        assertThat(state.heardUntil()).as("no hypothesis is left: none heard past the buffer's start").isEqualTo(1.2);
    }

    @Test
    void theConfirmedWordsInTheBufferAreThoseTheNextTranscriptionHearsAgainAndNoneOfThePrompts() {
        LocalAgreement state = confirmedToT();
        List<TimedWord> hypothesis = ALPHABET;
        assertThat(texts(state.confirmedInBuffer())).isEqualTo(texts(hypothesis.subList(0, 20)));

        state.trim(16, List.of(4.9, 11.9, 12.9));

        assertThat(texts(state.confirmedInBuffer())).as("from k on: the trim cut at j's end, 4.9 s")
                .isEqualTo(texts(hypothesis.subList(10, 20)));
        assertThat(state.prompt()).isEqualTo(Commit.text(hypothesis.subList(0, 10)));
        state.flush(HEARD);
        assertThat(state.confirmedInBuffer()).isEmpty();
    }

    @Test
    void promptIsTheLastAtMost200CharactersOfConfirmedTextOutOfTheBuffer() {
        LocalAgreement state = new LocalAgreement(DEFAULT);
        StringBuilder sentence = new StringBuilder();
        for (int i = 0; i < 80; i++) {
            sentence.append(" word").append(i);
        }
        List<TimedWord> hypothesis = words(0, sentence.toString());
        state.insert(hypothesis, HEARD);
        state.insert(hypothesis, HEARD);

        String whileInBuffer = state.prompt();
        state.flush(40);
        String prompt = state.prompt();

        assertThat(whileInBuffer).as("the decoder hears those words again").isEmpty();
        String all = Commit.text(hypothesis);
        assertThat(prompt).hasSizeLessThanOrEqualTo(200).startsWith(" word");
        assertThat(all).endsWith(prompt);
        String before = all.substring(0, all.length() - prompt.length());
        assertThat(prompt.length() + before.length() - before.lastIndexOf(' ')).isGreaterThan(200);
    }

    @Test
    void localAgreementThreeNeedsThreeAgreeingHypotheses() {
        LocalAgreement state = new LocalAgreement(new LocalAgreement.Options(3, 15, 30, 200, Double.POSITIVE_INFINITY));

        Commit first = state.insert(words(0, "to be or"), HEARD);
        Commit second = state.insert(words(0, "to be or not"), HEARD);
        Commit third = state.insert(words(0, "to be, or not to"), HEARD);

        assertThat(first.committed()).isEmpty();
        assertThat(second.committed()).isEmpty();
        assertThat(third.committedText()).isEqualTo(" to");
        assertThat(third.pendingText()).isEqualTo(" be, or not to");
    }

    @Test
    void snapshotAndRestoreMidStreamGiveWhatAnUninterruptedRunGives() {
        SyntheticStream stream = new SyntheticStream(11, 180);

        SyntheticStream.Run uninterrupted = stream.run(new LocalAgreement(DEFAULT), 5, state -> state);
        SyntheticStream.Run restarted = stream.run(new LocalAgreement(DEFAULT), 5, state -> {
            byte[] snapshot = state.snapshot();
            LocalAgreement restored = LocalAgreement.restore(DEFAULT, snapshot);
            assertThat(restored.snapshot()).isEqualTo(snapshot);
            return restored;
        });

        assertThat(restarted.trace()).isEqualTo(uninterrupted.trace());
        assertThat(restarted.finals()).isEqualTo(uninterrupted.finals()).isNotEmpty();
    }

    @Test
    void wordsTimedByTheModelKeepTheirProbabilityThroughConfirmationAndASnapshot() {
        LocalAgreement state = new LocalAgreement(DEFAULT);
        List<TimedWord> aligned = List.of(new TimedWord(0.2, 0.5, " ask", 0.9), new TimedWord(0.6, 0.9, " not", 0.7));
        state.insert(aligned, HEARD);
        LocalAgreement restored = LocalAgreement.restore(DEFAULT, state.snapshot());

        Commit commit = restored.insert(aligned, HEARD);

        assertThat(commit.committed()).isEqualTo(aligned).allMatch(TimedWord::aligned);
    }

    @Test
    void aWordThatEndedASegmentStillDoesOnceConfirmedAndAfterASnapshot() {
        LocalAgreement state = new LocalAgreement(DEFAULT);
        List<TimedWord> hypothesis = new ArrayList<>(words(0, "ask not what your"));
        hypothesis.set(1, hypothesis.get(1).endingSegment());
        state.insert(hypothesis, HEARD);
        state.insert(hypothesis, HEARD);

        LocalAgreement restored = LocalAgreement.restore(DEFAULT, state.snapshot());

        assertThat(restored.confirmedInBuffer()).extracting(TimedWord::endsSegment)
                .containsExactly(false, true, false, false);
        assertThat(SegmentWords.segments(restored.confirmedInBuffer())).extracting(Commit::text)
                .containsExactly(" ask not", " what your");
    }

    @Test
    void aSnapshotOfVersionTwoIsReadWithItsWordsTimesTakenAsEstimates() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeByte(2);
            out.writeDouble(0);   // buffer start
            out.writeDouble(0);   // confirmed end
            out.writeDouble(1.5); // heard until
            out.writeLong(1);     // revision
            out.writeInt(0);      // confirmed words
            out.writeInt(1);      // one hypothesis of one word
            out.writeInt(1);
            out.writeDouble(0.2);
            out.writeDouble(0.6);
            out.writeUTF(" ask");
        }

        LocalAgreement restored = LocalAgreement.restore(DEFAULT, bytes.toByteArray());

        assertThat(restored.pending()).containsExactly(new TimedWord(0.2, 0.6, " ask"));
        assertThat(restored.pending().get(0).aligned()).isFalse();
        assertThat(restored.heardUntil()).isEqualTo(1.5);
    }

    @Test
    void restoredUnderASmallerDepthTheStateComparesOnlyItsNewestHypotheses() {
        LocalAgreement three = new LocalAgreement(new LocalAgreement.Options(3, 15, 30, 200, Double.POSITIVE_INFINITY));
        three.insert(words(0, "a stale guess"), HEARD);
        three.insert(words(0, "to be or"), HEARD);

        Commit commit = LocalAgreement.restore(DEFAULT, three.snapshot()).insert(words(0, "to be or not"), HEARD);

        assertThat(commit.committedText()).isEqualTo(" to be or");
    }

    /** Under a max delay past the stand-in's unsettled last second, and under agreement alone. */
    @ParameterizedTest
    @ValueSource(doubles = {1.5, Double.POSITIVE_INFINITY})
    void aTenMinuteStreamWithJitteringTailsCommitsEveryWordExactlyOnceInOrderInStreamTime(double maxDelay) {
        SyntheticStream stream = new SyntheticStream(3, 600);
        List<TimedWord> truth = stream.truth();
        LocalAgreement.Options options = new LocalAgreement.Options(2, 15, 30, 200, maxDelay);

        List<TimedWord> finals = stream.run(new LocalAgreement(options), 9, state -> state).finals();

        assertThat(truth).hasSizeGreaterThan(800);
        assertThat(texts(finals)).containsExactlyElementsOf(texts(truth));
        for (int i = 0; i < finals.size(); i++) {
            TimedWord word = finals.get(i);
            assertThat(word.start()).as("start of %s", word.text())
                    .isCloseTo(truth.get(i).start(), within(SyntheticStream.JITTER + 1e-9));
            assertThat(word.end()).isGreaterThanOrEqualTo(word.start());
            if (i > 0) {
                assertThat(word.start()).as("%s after its predecessor", word.text())
                        .isGreaterThanOrEqualTo(finals.get(i - 1).end());
            }
        }
    }
}
