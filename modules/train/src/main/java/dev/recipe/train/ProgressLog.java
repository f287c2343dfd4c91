package dev.recipe.train;

import java.util.Locale;

/** Formats one progress line: step/total, epoch, loss, learning rate, gradient norm, speed and time left. */
final class ProgressLog {
    private final long firstStep;
    private final long startNanos;

    /**
     * @param firstStep  steps already done when this call of {@code fit} started (0, or the resumed step)
     * @param startNanos {@link System#nanoTime()} at that moment
     */
    ProgressLog(long firstStep, long startNanos) {
        this.firstStep = firstStep;
        this.startNanos = startNanos;
    }

    String line(StepInfo s, long nowNanos) {
        double seconds = Math.max(1e-9, (nowNanos - startNanos) / 1e9);
        double stepsPerSecond = (s.step() - firstStep) / seconds;
        double eta = stepsPerSecond > 0 ? (s.totalSteps() - s.step()) / stepsPerSecond : Double.NaN;
        return String.format(Locale.ROOT,
                "step %d/%d (%.1f%%) epoch %d loss %.6g lr %.4g grad-norm %.4g %.2f steps/s ETA %s",
                s.step(), s.totalSteps(), 100.0 * s.step() / s.totalSteps(), s.epoch(), s.loss(), s.learningRate(),
                s.gradNorm(), stepsPerSecond, duration(eta));
    }

    static String duration(double seconds) {
        if (!Double.isFinite(seconds)) return "?";
        long s = Math.round(seconds);
        if (s < 60) return s + "s";
        if (s < 3600) return (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s";
        return (s / 3600) + "h" + String.format(Locale.ROOT, "%02d", (s % 3600) / 60) + "m";
    }
}
