package dev.recipe.nn;

import java.util.List;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;

/**
 * {@code matmul} whose backward pass leaves out the gradient of a frozen right-hand weight.
 *
 * <p>M2.1 differentiates every product with {@code matmul_bp}, which always computes both gradients. When the
 * right-hand operand is a weight the trainer has frozen ({@link FrozenWeights}), {@code dW} is computed and thrown
 * away: in the RECIPE step (only the four intermediate dense weights train) that is 24 of the 28 products'
 * weight gradients. Here such a product gets {@code dX} alone, one forward-style product: for
 * {@code Z = op(X) · op(W)}, {@code dX = dZ · op(W)ᵀ}, or {@code (dZ · op(W)ᵀ)ᵀ = op(W) · dZᵀ} when X is transposed.
 * The frozen weight's gradient is a NaN-filled stand-in that nothing executes. Every other product (a trainable or activation operand, a transposed result) keeps M2.1's own gradient.
 * {@link SameDiffFixes#install()} maps the native op to this class, which is how SameDiff finds it when it
 * re-creates ops for the gradient function.
 */
public class FrozenAwareMmul extends Mmul {
    /** For SameDiff's re-creation of ops; do not use. */
    public FrozenAwareMmul() {}

    @Override
    public List<SDVariable> doDiff(List<SDVariable> gradients) {
        SDVariable x = larg(), w = rarg();
        if (mt == null) configureFromArguments();
        boolean frozen = w.getVariableType() == VariableType.VARIABLE && FrozenWeights.isFrozen(w.name());
        if (!frozen || mt.isTransposeResult() || x.getVariableType() == VariableType.VARIABLE) {
            return super.doDiff(gradients);
        }
        SDVariable dz = gradients.get(0);
        SDVariable dx = mt.isTransposeA()
                ? sameDiff.mmul(w, dz, mt.isTransposeB(), true, false)
                : sameDiff.mmul(dz, w, false, !mt.isTransposeB(), false);
        // SameDiff insists that every variable gets a gradient variable; this one is never executed, since only the
        // trainable variables' gradients are asked for. Should anything ask for it anyway it reads NaN, not a
        // plausible zero, and the trainer's finiteness check names it.
        SDVariable notComputed = sameDiff.zerosLike(w).add(Double.NaN);
        return List.of(dx, notComputed);
    }
}
