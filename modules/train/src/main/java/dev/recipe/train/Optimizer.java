package dev.recipe.train;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An update rule over named parameter arrays, updated in place, with the per-parameter state a checkpoint saves and
 * restores: the first and second moments ({@link AdamW}), or the momentum buffers and no second moments ({@link Sgd}).
 */
public interface Optimizer {

    /** The optimizer {@code cfg} names, with its settings. */
    static Optimizer of(TrainConfig cfg) {
        return switch (cfg.optimizer()) {
            case ADAMW -> new AdamW(cfg);
            case SGD -> new Sgd(cfg);
        };
    }

    /**
     * One update of every parameter in {@code params} (same keys as {@code grads}), then {@link #stepCount()} + 1.
     *
     * @param params    parameter arrays, updated in place
     * @param grads     their gradients, left unchanged
     * @param gradScale factor applied to every gradient first (global-norm clipping), 1 for none
     * @param lr        learning rate of this step
     */
    void step(Map<String, INDArray> params, Map<String, INDArray> grads, double gradScale, double lr);

    /** Number of updates made so far. */
    long stepCount();

    /** Per-parameter state saved as the checkpoint's first moments (live, read-only view). */
    Map<String, INDArray> firstMoments();

    /** Per-parameter state saved as the checkpoint's second moments (live, read-only view; may be empty). */
    Map<String, INDArray> secondMoments();

    /** Replaces the whole state, e.g. from a checkpoint; the maps' arrays are used as they are (not copied). */
    void restore(long stepCount, Map<String, INDArray> firstMoments, Map<String, INDArray> secondMoments);
}
