package io.sensorium.processors.speech.text;

/**
 * Word error rate: the word-level edit distance (substitutions, deletions, insertions) between a hypothesis and its
 * reference, over the reference's length. Texts are split on white space as they are; normalise them first.
 */
public record WordErrorRate(int substitutions, int deletions, int insertions, int referenceWords) {

    public static WordErrorRate of(String reference, String hypothesis) {
        String[] ref = words(reference);
        String[] hyp = words(hypothesis);
        // cost[i][j] with its operation counts, for ref[0..i) against hyp[0..j)
        int[][] cost = new int[ref.length + 1][hyp.length + 1];
        int[][][] ops = new int[ref.length + 1][hyp.length + 1][3];
        for (int i = 1; i <= ref.length; i++) {
            cost[i][0] = i;
            ops[i][0] = new int[] {0, i, 0};
        }
        for (int j = 1; j <= hyp.length; j++) {
            cost[0][j] = j;
            ops[0][j] = new int[] {0, 0, j};
        }
        for (int i = 1; i <= ref.length; i++) {
            for (int j = 1; j <= hyp.length; j++) {
                boolean same = ref[i - 1].equals(hyp[j - 1]);
                int substitute = cost[i - 1][j - 1] + (same ? 0 : 1);
                int delete = cost[i - 1][j] + 1;
                int insert = cost[i][j - 1] + 1;
                if (substitute <= delete && substitute <= insert) {
                    cost[i][j] = substitute;
                    ops[i][j] = ops[i - 1][j - 1].clone();
                    ops[i][j][0] += same ? 0 : 1;
                } else if (delete <= insert) {
                    cost[i][j] = delete;
                    ops[i][j] = ops[i - 1][j].clone();
                    ops[i][j][1]++;
                } else {
                    cost[i][j] = insert;
                    ops[i][j] = ops[i][j - 1].clone();
                    ops[i][j][2]++;
                }
            }
        }
        int[] last = ops[ref.length][hyp.length];
        return new WordErrorRate(last[0], last[1], last[2], ref.length);
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
}
