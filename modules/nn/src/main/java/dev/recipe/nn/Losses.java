package dev.recipe.nn;

import java.util.List;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Loss terms built from primitive ops so that their gradients are the objectives meant.
 *
 * <p>Why not {@code sd.loss.*}: in DL4J 1.0.0-M2.1 the loss ops ignore the gradient flowing into them
 * (PLATFORM-NOTES defect 2), so any scale, mask or sum applied after them silently vanishes from the gradient.
 */
public final class Losses {
    private Losses() {}

    /**
     * Mean cross-entropy {@code -1/M Σ_i log softmax(logits_i)[label_i]} for logits [M, C] and integer labels [M].
     * For masked LM, pass logits of the masked positions only (see {@link Layers#selectRows}): the mean is then
     * exactly HuggingFace's CE with ignore_index=-100.
     */
    public static SDVariable crossEntropy(SameDiff sd, String name, SDVariable logits, SDVariable labels,
                                          int numClasses) {
        SDVariable logProbs = sd.nn.logSoftmax(logits); // last dimension; logSoftmax(x, dim) breaks backprop in M2.1
        SDVariable target = sd.oneHot(labels, numClasses, -1, 1.0, 0.0, logits.dataType());
        SDVariable perExample = sd.sum(logProbs.mul(target), 1);
        return sd.mean(perExample).neg(name);
    }

    /**
     * RECIPE's regulariser {@code Σ_i ‖W_i‖₂}: the sum of un-squared Frobenius norms of the given weights
     * (its gradient is W/‖W‖ per matrix).
     */
    public static SDVariable sumOfNorms(SameDiff sd, String name, List<SDVariable> weights) {
        if (weights.isEmpty()) throw new IllegalArgumentException("sumOfNorms needs at least one weight");
        SDVariable total = null;
        for (SDVariable w : weights) {
            SDVariable n = sd.norm2(w);
            total = total == null ? n : total.add(n);
        }
        return sd.identity(name, total);
    }

    /** Mean squared error over all elements, as torch.nn.MSELoss(reduction='mean'). */
    public static SDVariable mse(SameDiff sd, String name, SDVariable predicted, SDVariable target) {
        SDVariable d = predicted.sub(target);
        return sd.mean(name, d.mul(d));
    }
}
