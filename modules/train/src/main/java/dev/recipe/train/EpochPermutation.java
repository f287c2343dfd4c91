package dev.recipe.train;

import java.util.SplittableRandom;

/**
 * Seeded per-epoch shuffling for {@link BatchSource} implementations: {@code of(seed, epoch, n)} is a permutation of
 * {@code 0..n-1} that depends only on its arguments (a Fisher-Yates shuffle driven by {@link SplittableRandom}, whose
 * algorithm is fixed by the JDK specification), so a batch stays a pure function of (epoch, index).
 */
public final class EpochPermutation {
    private EpochPermutation() {}

    /**
     * A permutation of {@code 0..size-1} for one epoch.
     *
     * @param seed  the run's seed (e.g. {@link TrainConfig#seed()})
     * @param epoch 0-based epoch
     * @param size  number of examples, {@code >= 0}
     */
    public static int[] of(long seed, int epoch, int size) {
        if (size < 0) throw new IllegalArgumentException("size must be >= 0, got " + size);
        int[] order = new int[size];
        for (int i = 0; i < size; i++) order[i] = i;
        SplittableRandom rng = new SplittableRandom(mix(seed, epoch));
        for (int i = size - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** A well-spread 64-bit value from a seed and a counter (SplitMix64 finalizer). */
    static long mix(long seed, long counter) {
        long z = seed + 0x9E3779B97F4A7C15L * (counter + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
