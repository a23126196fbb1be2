package io.sensorium.processors.speech.text;

/**
 * Word error rate: the word-level edit distance (substitutions, deletions, insertions) between a hypothesis and its
 * reference, over the reference's length. Texts are split on white space as they are; normalise them first.
 */
public record WordErrorRate(int substitutions, int deletions, int insertions, int referenceWords) {

    public static WordErrorRate of(String reference, String hypothesis) {
        String[] ref = words(reference);
        String[] hyp = words(hypothesis);
        // Row i of the edit-distance table (ref[0..i) against hyp[0..j)) with the operation counts of each cell's
        // path: two rows at a time, as an hour of speech has tens of thousands of words.
        Row previous = new Row(hyp.length);
        for (int j = 1; j <= hyp.length; j++) {
            previous.set(j, j, 0, 0, j);
        }
        Row current = new Row(hyp.length);
        for (int i = 1; i <= ref.length; i++) {
            current.set(0, i, 0, i, 0);
            for (int j = 1; j <= hyp.length; j++) {
                boolean same = ref[i - 1].equals(hyp[j - 1]);
                int substitute = previous.cost[j - 1] + (same ? 0 : 1);
                int delete = previous.cost[j] + 1;
                int insert = current.cost[j - 1] + 1;
                if (substitute <= delete && substitute <= insert) {
                    current.set(j, substitute, previous.substitutions[j - 1] + (same ? 0 : 1), previous.deletions[j - 1],
                            previous.insertions[j - 1]);
                } else if (delete <= insert) {
                    current.set(j, delete, previous.substitutions[j], previous.deletions[j] + 1, previous.insertions[j]);
                } else {
                    current.set(j, insert, current.substitutions[j - 1], current.deletions[j - 1],
                            current.insertions[j - 1] + 1);
                }
            }
            Row done = previous;
            previous = current;
            current = done;
        }
        return new WordErrorRate(previous.substitutions[hyp.length], previous.deletions[hyp.length],
                previous.insertions[hyp.length], ref.length);
    }

    public int errors() {
        return substitutions + deletions + insertions;
    }

    public double rate() {
        return referenceWords == 0 ? (errors() == 0 ? 0 : 1) : (double) errors() / referenceWords;
    }

    private static String[] words(String text) {
        String stripped = text.strip();
        return stripped.isEmpty() ? new String[0] : stripped.split("\\s+");
    }

    private static final class Row {
        final int[] cost;
        final int[] substitutions;
        final int[] deletions;
        final int[] insertions;

        Row(int hypothesisWords) {
            cost = new int[hypothesisWords + 1];
            substitutions = new int[hypothesisWords + 1];
            deletions = new int[hypothesisWords + 1];
            insertions = new int[hypothesisWords + 1];
        }

        void set(int j, int cellCost, int s, int d, int i) {
            cost[j] = cellCost;
            substitutions[j] = s;
            deletions[j] = d;
            insertions[j] = i;
        }
    }
}
