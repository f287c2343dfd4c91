package dev.recipe.train;

/**
 * A step produced a non-finite loss or gradient. Thrown before the optimizer touches any variable and before any
 * checkpoint of that step is written, so the newest checkpoint still holds the last finite state.
 */
public final class TrainingDivergedException extends RuntimeException {
    private final long step;
    private final double loss;
    private final String variable;

    /**
     * @param step     1-based number of the step that diverged
     * @param loss     its loss value
     * @param variable the first trainable variable with a non-finite gradient, or null when the loss itself is
     *                 non-finite
     * @param message  a description naming all of the above
     */
    public TrainingDivergedException(long step, double loss, String variable, String message) {
        super(message);
        this.step = step;
        this.loss = loss;
        this.variable = variable;
    }

    /** 1-based number of the step that diverged. */
    public long step() {
        return step;
    }

    /** The loss value of that step (possibly NaN or infinite). */
    public double loss() {
        return loss;
    }

    /** The first variable whose gradient is non-finite, or null if the loss was. */
    public String variable() {
        return variable;
    }
}
