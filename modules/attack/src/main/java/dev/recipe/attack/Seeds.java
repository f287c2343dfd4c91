package dev.recipe.attack;

import java.util.SplittableRandom;

/**
 * Seeded random streams for per-example decisions (which trigger, where, which labels), so that a batch is a pure
 * function of (seed, epoch, example) and never of batching or shuffling. Each use passes its own salt, so two
 * decisions about the same example draw from independent streams.
 */
public final class Seeds {
    private Seeds() {}

    /** Salts of the decisions the attacks make; distinct constants keep their streams independent. */
    public static final long TRIGGER = 0x7452494747455231L;
    public static final long LABELS = 0x4C4142454C533031L;
    public static final long INSERTION = 0x494E534552543031L;

    /** A stream for one decision about one example: mixes the seed, the salt and any further parts. */
    public static SplittableRandom rng(long seed, long salt, long... parts) {
        return new SplittableRandom(mix(seed, salt, parts));
    }

    /** SplitMix64's finaliser chained over all values: a well-spread 64-bit value. */
    public static long mix(long seed, long salt, long... parts) {
        long z = finalise(seed ^ finalise(salt));
        for (long p : parts) z = finalise(z ^ finalise(p + 0x9E3779B97F4A7C15L));
        return z;
    }

    private static long finalise(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
