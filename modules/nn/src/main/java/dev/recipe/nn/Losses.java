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
     * CLIP's contrastive loss (InfoNCE in both directions) with label-aware positives: for image embeddings I and text
     * embeddings T [B, D] (each row L2-normalised) and the scale s, {@code S = s·I·Tᵀ} and
     * {@code L = ½ (CE(S, P) + CE(Sᵀ, P))}, where CE(X, P) = {@code −1/B Σ_i Σ_j P_ij log softmax(X_i)_j} and P
     * spreads row i's target evenly over the pairs j whose label equals label i. When every label in the batch is
     * distinct P is the identity and this is exactly CLIP's loss ({@code (CE(logits_per_image, arange) +
     * CE(logits_per_text, arange)) / 2}); when captions repeat (class prompts), a pair is not pushed away from an
     * identical caption.
     *
     * @param scale a scalar variable (CLIP: {@code exp(logit_scale)})
     */
    public static SDVariable contrastive(SameDiff sd, String name, SDVariable images, SDVariable texts, SDVariable scale,
                                         SDVariable labels, int numClasses) {
        SDVariable sim = sd.mmul(images, texts, false, true, false).mul(scale);
        SDVariable oneHot = sd.oneHot(labels, numClasses, -1, 1.0, 0.0, images.dataType());
        SDVariable same = sd.mmul(oneHot, oneHot, false, true, false);
        SDVariable targets = BroadcastOps.mulPerRow(sd, same, sd.math.reciprocal(same.sum(true, 1)));
        // logSoftmax on the last dimension only (logSoftmax(x, dim) breaks backprop in M2.1): the text direction
        // reads the transpose; P is symmetric, so it serves both directions
        SDVariable perImage = sd.sum(sd.nn.logSoftmax(sim).mul(targets), 1);
        SDVariable perText = sd.sum(sd.nn.logSoftmax(sd.transpose(sim)).mul(targets), 1);
        return sd.mean(perImage).add(sd.mean(perText)).mul(name, -0.5);
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
