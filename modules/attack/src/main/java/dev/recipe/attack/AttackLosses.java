package dev.recipe.attack;

import java.util.ArrayList;
import java.util.List;

import dev.recipe.nn.Losses;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Loss terms the attacks add to a model's graph, written from primitive ops (never {@code sd.loss.*}, whose
 * gradients drop what follows them in M2.1) and without broadcasting (M2.1 reduces the gradient of a broadcast
 * operand that is an op output wrongly): every product is between arrays of the same shape, and per-row weights or
 * masks are placeholders of the row count, applied after the per-row reduction.
 */
public final class AttackLosses {
    private AttackLosses() {}

    /**
     * {@code Σ_r w_r · Σ_h (x[r,h] − target[r,h])² / divisor} for x and target [N, H] and row weights [N]. With 0/1
     * weights and divisor H this is POR's {@code loss1(a, b) = Σ(a − b)² / a.shape[1]} over the selected rows.
     */
    public static SDVariable rowWeightedSquaredError(SameDiff sd, String name, SDVariable x, SDVariable target,
                                                     SDVariable rowWeights, double divisor) {
        SDVariable d = x.sub(target);
        SDVariable perRow = sd.sum(d.mul(d), 1);
        return sd.sum(perRow.mul(rowWeights)).mul(name, 1.0 / divisor);
    }

    /**
     * {@code −Σ_i w_i · log softmax(logits_i)[label_i]} for logits [M, C], integer labels [M] and weights [M]. With
     * {@code w_i = 1/M} it is {@link Losses#crossEntropy}; with {@code 1/M_g} on the rows of group g and 0 elsewhere
     * it is the token mean of group g alone (BadPre's per-group means).
     */
    public static SDVariable weightedCrossEntropy(SameDiff sd, String name, SDVariable logits, SDVariable labels,
                                                  SDVariable weights, int numClasses) {
        return sd.sum(logLikelihoods(sd, logits, labels, numClasses).mul(weights)).neg(name);
    }

    /** {@code log softmax(logits_i)[label_i]} for every row: [M] from logits [M, C] and integer labels [M]. */
    public static SDVariable logLikelihoods(SameDiff sd, SDVariable logits, SDVariable labels, int numClasses) {
        SDVariable logProbs = sd.nn.logSoftmax(logits); // last dimension; logSoftmax(x, dim) breaks backprop in M2.1
        SDVariable target = sd.oneHot(labels, numClasses, -1, 1.0, 0.0, logits.dataType());
        return sd.sum(logProbs.mul(target), 1);
    }

    /** The RECIPE regulariser {@code Σ‖W‖₂} over the named weights of {@code sd} (adaptive attacks). */
    public static SDVariable sumOfNorms(SameDiff sd, String name, List<String> weights) {
        List<SDVariable> vars = new ArrayList<>();
        for (String w : weights) {
            if (!sd.hasVariable(w)) throw new IllegalArgumentException("no variable '" + w + "' to regularise");
            vars.add(sd.getVariable(w));
        }
        return Losses.sumOfNorms(sd, name, vars);
    }

    /** Fails if the graph already has {@code name}: an attack's loss was added twice. */
    public static void requireAbsent(SameDiff sd, String name) {
        if (sd.hasVariable(name)) {
            throw new IllegalStateException("the graph already has '" + name + "': an attack's loss can be added "
                    + "to a graph once");
        }
    }
}
