package dev.recipe.train;

import java.time.Duration;
import java.util.List;

/**
 * Outcome of {@link Trainer#fit}.
 *
 * @param losses      loss of every step from the first step of the run, including steps made before a resume
 *                    (restored from the checkpoint); {@code losses.get(i)} is the loss of step {@code i + 1}
 * @param finalStep   number of optimizer steps completed (= total steps of the config)
 * @param resumedFrom step of the checkpoint this call resumed from, 0 for a fresh start
 * @param wallTime    wall-clock time of this call (not of steps made before a resume)
 */
public record TrainResult(List<Double> losses, long finalStep, long resumedFrom, Duration wallTime) {
    public TrainResult {
        losses = List.copyOf(losses);
    }

    /** Loss of the last step, NaN if there was none. */
    public double finalLoss() {
        return losses.isEmpty() ? Double.NaN : losses.get(losses.size() - 1);
    }
}
