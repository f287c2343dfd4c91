package dev.recipe.train;

import java.util.Collection;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Global L2-norm gradient clipping as {@code torch.nn.utils.clip_grad_norm_}: the norm is taken over all gradients
 * together, {@code sqrt(sum_i ||g_i||^2)}, and when it exceeds {@code maxNorm} every gradient is multiplied by
 * {@code maxNorm / (norm + 1e-6)}.
 */
public final class GradientClipping {
    /** The constant PyTorch adds to the norm before dividing. */
    public static final double NORM_EPS = 1e-6;

    private GradientClipping() {}

    /** Global L2 norm of {@code grads}, accumulated in double in iteration order; NaN or infinite if any is. */
    public static double globalNorm(Collection<INDArray> grads) {
        double sumSq = 0;
        for (INDArray g : grads) {
            double n = g.norm2Number().doubleValue();
            sumSq += n * n;
        }
        return Math.sqrt(sumSq);
    }

    /**
     * The factor to multiply every gradient by: {@code maxNorm / (norm + 1e-6)} when {@code maxNorm > 0} and
     * {@code norm > maxNorm}, else exactly 1.
     */
    public static double scale(double norm, double maxNorm) {
        if (maxNorm <= 0 || !(norm > maxNorm)) return 1.0;
        return maxNorm / (norm + NORM_EPS);
    }

    /**
     * Clips {@code grads} in place and returns the norm before clipping.
     *
     * @param grads   gradients by variable name, multiplied in place when clipped
     * @param maxNorm the maximum global norm; {@code <= 0} leaves the gradients unchanged
     */
    public static double clipInPlace(Map<String, INDArray> grads, double maxNorm) {
        double norm = globalNorm(grads.values());
        double s = scale(norm, maxNorm);
        if (s != 1.0) for (INDArray g : grads.values()) g.muli(s);
        return norm;
    }
}
