package dev.recipe.train;

/**
 * Learning-rate schedules, as multipliers of {@link TrainConfig#learningRate()} at a 0-based optimizer step.
 * Both start with a linear warmup from 0 over {@code warmupSteps}, exactly as transformers'
 * {@code get_linear_schedule_with_warmup} / {@code get_constant_schedule_with_warmup}.
 */
public enum Schedule {
    /** Warmup, then linear decay to 0 at {@code totalSteps} ({@code get_linear_schedule_with_warmup}). */
    LINEAR,
    /** Warmup, then constant ({@code get_constant_schedule_with_warmup}). */
    CONSTANT;

    /**
     * The multiplier for the update made at 0-based {@code step} of {@code totalSteps}.
     *
     * @param step        0-based index of the optimizer step (the first update uses step 0)
     * @param warmupSteps linear warmup length, {@code >= 0}
     * @param totalSteps  number of optimizer steps of the whole run
     * @return a value in [0, 1]
     */
    public double multiplier(long step, long warmupSteps, long totalSteps) {
        if (step < warmupSteps) return (double) step / Math.max(1L, warmupSteps);
        return switch (this) {
            case CONSTANT -> 1.0;
            case LINEAR -> Math.max(0.0, (double) (totalSteps - step) / Math.max(1L, totalSteps - warmupSteps));
        };
    }
}
