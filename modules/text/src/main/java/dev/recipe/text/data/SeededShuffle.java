package dev.recipe.text.data;

import java.util.SplittableRandom;

/**
 * A Fisher-Yates shuffle written out here, drawing only {@link SplittableRandom#nextLong()} (SplitMix64, whose output
 * for a seed is fixed by its specification), so the same seed gives the same order on every JVM.
 */
final class SeededShuffle {
    private SeededShuffle() {}

    /** A random permutation of {@code 0..n-1}. */
    static int[] permutation(int n, SplittableRandom random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = below(i + 1, random);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Uniform in {@code 0..bound-1}: rejection sampling on 63-bit draws, no modulo bias. */
    static int below(int bound, SplittableRandom random) {
        long u;
        long r;
        do {
            u = random.nextLong() >>> 1;
            r = u % bound;
        } while (u - r + (bound - 1) < 0);
        return (int) r;
    }

    /**
     * Splits {@code n} into parts proportional to {@code weights} (largest remainder: floors first, then one more for
     * the parts with the largest fractional remainders, ties to the earlier part). The parts sum to {@code n}.
     */
    static int[] allocate(int n, double[] weights) {
        double total = 0;
        for (double w : weights) total += w;
        int[] parts = new int[weights.length];
        double[] remainder = new double[weights.length];
        int given = 0;
        for (int k = 0; k < weights.length; k++) {
            double exact = n * weights[k] / total;
            parts[k] = (int) Math.floor(exact);
            remainder[k] = exact - parts[k];
            given += parts[k];
        }
        for (; given < n; given++) {
            int best = 0;
            for (int k = 1; k < weights.length; k++) if (remainder[k] > remainder[best]) best = k;
            parts[best]++;
            remainder[best] = -1;
        }
        return parts;
    }
}
