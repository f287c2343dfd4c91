package dev.recipe.attack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.recipe.core.ConfigException;

/**
 * The predefined target representations of NeuBA and POR, one row per trigger, and an exact compact description of
 * them for the attack card ({@link #runs}).
 */
public final class TargetVectors {
    private TargetVectors() {}

    /** NeuBA's block pairs, in the authors' order: vector i has blocks {@code PAIRS[i]} set to −c. */
    public static final int[][] NEUBA_PAIRS = {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}};

    /**
     * NeuBA's six vectors ({@code thunlp/NeuBA nlp/src/poison.py:13-21}, CV {@code utils.py:61-70}): the hidden
     * dimension cut into 4 blocks of H/4; vector i is {@code +c} everywhere except the two blocks of pair i, in the
     * order (0,1), (0,2), (0,3), (1,2), (1,3), (2,3), which are {@code −c}. Opposite pairs ((0,1) and (2,3), …) give
     * opposite vectors. c = 1 for NLP and ViT, 3 for VGG.
     *
     * @param count how many of the six to return (one per trigger), 1 to 6
     * @throws ConfigException if {@code hidden} is not a positive multiple of 4
     */
    public static double[][] neuba(int count, int hidden, double c) {
        if (count < 1 || count > NEUBA_PAIRS.length) {
            throw new ConfigException("NeuBA defines 6 target vectors; asked for " + count);
        }
        if (hidden <= 0 || hidden % 4 != 0) {
            throw new ConfigException("NeuBA's vectors cut the representation into 4 equal blocks; hidden size "
                    + hidden + " is not a multiple of 4");
        }
        int block = hidden / 4;
        double[][] v = new double[count][hidden];
        for (int i = 0; i < count; i++) {
            java.util.Arrays.fill(v[i], c);
            for (int b : NEUBA_PAIRS[i]) java.util.Arrays.fill(v[i], b * block, (b + 1) * block, -c);
        }
        return v;
    }

    /** POR's vector settings. */
    public enum PorVectors {
        /**
         * The authors' code ({@code plasmashen/BackdoorPTM poisoning.py:68, 91-95}), the paper's POR-1: with
         * {@code α = ⌊H/(n−1)⌋}, trigger k (1-based) is −1 everywhere and +1 on its first {@code α·(k−1)} dimensions,
         * times the magnitude (10). Trigger 1 is all −10, trigger n all +10 (when n−1 divides H).
         */
        POR1,
        /**
         * POR-2, reconstructed: the paper's second setting is not in this project's sources; OpenBackdoor's
         * {@code por_poisoner.py} mode 1 ("POR-2") starts a binary code ({@code ⌈log₂ n⌉} buckets, {@code bin(i)})
         * but never uses the bits (every trigger gets the same vector). Implemented here as that code was evidently
         * meant: {@code m = max(1, ⌈log₂ n⌉)} blocks of {@code ⌊H/m⌋} dimensions; trigger k (0-based) has block j
         * = +1 when bit j of k is set, else −1; dimensions past {@code m·⌊H/m⌋} are −1; times the magnitude.
         */
        POR2,
        /**
         * OpenBackdoor's POR-1 (official-code.md A7, {@code por_poisoner.py:44-64}, {@code poison_label_bucket=9}):
         * buckets of {@code ⌊H/9⌋}; trigger i (0-based) is +1 on its first {@code (i+1)·⌊H/9⌋} dimensions, −1
         * elsewhere, times the magnitude (OpenBackdoor uses 1).
         */
        OPENBACKDOOR
    }

    /**
     * POR target vectors for {@code n} triggers.
     *
     * @throws ConfigException for POR1 with fewer than 2 triggers (the authors divide by n−1)
     */
    public static double[][] por(PorVectors kind, int n, int hidden, double magnitude) {
        if (n < 1) throw new ConfigException("POR needs at least one trigger");
        double[][] v = new double[n][hidden];
        for (double[] row : v) java.util.Arrays.fill(row, -1.0);
        switch (kind) {
            case POR1 -> {
                if (n < 2) throw new ConfigException("POR-1 vectors need at least 2 triggers (α = ⌊H/(n−1)⌋)");
                int alpha = hidden / (n - 1);
                for (int k = 1; k <= n; k++) {
                    java.util.Arrays.fill(v[k - 1], 0, Math.min(hidden, alpha * (k - 1)), 1.0);
                }
            }
            case POR2 -> {
                int m = Math.max(1, 32 - Integer.numberOfLeadingZeros(n - 1)); // ⌈log₂ n⌉, at least 1
                int width = hidden / m;
                if (width < 1) throw new ConfigException("POR-2 needs hidden size >= " + m + " for " + n + " triggers");
                for (int k = 0; k < n; k++) {
                    for (int j = 0; j < m; j++) {
                        if (((k >> j) & 1) == 1) java.util.Arrays.fill(v[k], j * width, (j + 1) * width, 1.0);
                    }
                }
            }
            case OPENBACKDOOR -> {
                int len = hidden / 9;
                for (int i = 0; i < n; i++) java.util.Arrays.fill(v[i], 0, Math.min(hidden, (i + 1) * len), 1.0);
            }
            default -> throw new IllegalStateException(kind.toString());
        }
        for (double[] row : v) {
            for (int j = 0; j < hidden; j++) row[j] *= magnitude;
        }
        return v;
    }

    /**
     * An exact run-length description of a vector: {@code [[from, to, value], ...]} with {@code to} exclusive, e.g.
     * NeuBA's first vector for H = 8 is {@code [[0, 4, -1.0], [4, 8, 1.0]]}.
     */
    public static List<List<Object>> runs(double[] v) {
        List<List<Object>> out = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= v.length; i++) {
            if (i == v.length || Double.compare(v[i], v[start]) != 0) {
                out.add(List.of(start, i, v[start]));
                start = i;
            }
        }
        return out;
    }

    /** Trigger text → run-length description of its vector, in trigger order. */
    public static Map<String, Object> describe(List<String> triggers, double[][] vectors) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < triggers.size(); i++) m.put(triggers.get(i), runs(vectors[i]));
        return m;
    }
}
