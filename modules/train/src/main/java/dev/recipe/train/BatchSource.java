package dev.recipe.train;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Training data as a pure function of (epoch, index): the same arguments always give the same placeholder arrays,
 * so a resumed run needs nothing but its step counter to continue with the right batch. Callers that shuffle derive
 * the order from a seed and the epoch, e.g. with {@link EpochPermutation}.
 */
public interface BatchSource {

    /** Number of batches in every epoch, {@code >= 1}. */
    int batchesPerEpoch();

    /**
     * The placeholder arrays of one batch, keyed by placeholder name.
     *
     * @param epoch 0-based epoch
     * @param index 0-based batch index within the epoch, {@code < batchesPerEpoch()}
     */
    Map<String, INDArray> batch(int epoch, int index);
}
