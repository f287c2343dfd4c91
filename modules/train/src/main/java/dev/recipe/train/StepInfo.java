package dev.recipe.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link Trainer} reports after each completed step.
 *
 * @param step         1-based number of the completed step
 * @param totalSteps   steps of the whole run
 * @param epoch        0-based epoch of the batch used
 * @param indexInEpoch 0-based index of that batch within its epoch
 * @param loss         the step's loss (sum of the loss variable's elements)
 * @param learningRate learning rate used
 * @param gradNorm     global L2 norm of the trainable gradients before clipping
 * @param checkpoint   directory of the checkpoint written after this step, or null
 * @param phases       where the step's wall time went
 */
public record StepInfo(long step, long totalSteps, int epoch, int indexInEpoch, double loss, double learningRate,
                       double gradNorm, Path checkpoint, Phases phases) {

    /**
     * Wall time of a step's parts, in nanoseconds: making the batch, the forward and backward pass (SameDiff), the
     * global gradient norm, the optimizer update, and the rest (checkpoint, the collection the trainer asks for).
     */
    public record Phases(long batchNanos, long forwardBackwardNanos, long normNanos, long updateNanos,
                         long restNanos) {
        /** Names and values in milliseconds, in step order. */
        public Map<String, Double> millis() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("batch", batchNanos / 1e6);
            m.put("forward_backward", forwardBackwardNanos / 1e6);
            m.put("grad_norm", normNanos / 1e6);
            m.put("update", updateNanos / 1e6);
            m.put("rest", restNanos / 1e6);
            return m;
        }
    }
}
