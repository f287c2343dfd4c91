package dev.recipe.nn;

import java.util.Arrays;
import java.util.List;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;

/**
 * {@code x * y}, {@code x + y} and {@code x − y} where the builder knows how {@code y} is broadcast against
 * {@code x} (x has the result's shape), with a backward pass made of forward ops: {@code dx = g·y} (or {@code g}),
 * {@code dy = Σ g·x} (or {@code Σ g}) over the broadcast dimensions.
 *
 * <p>Why hand-written: M2.1's {@code multiply_bp} / {@code add_bp} / {@code subtract_bp} are slow exactly when an
 * operand is broadcast — {@code multiply_bp} of [32·64, 256] by [256] or by [32·64, 1] took 15-30 ms where
 * {@code mul} + {@code reduce_sum} took 2-6 ms (BENCHMARKS.md, "Broadcast backward"), and a BERT layer has nine such
 * ops (layer norms, bias adds, the attention mask). The native forward op is unchanged; the layout travels as integer
 * arguments, which the native broadcastable ops ignore and which survive SameDiff's re-creation of ops when it
 * builds the gradient graph. {@link SameDiffFixes#install()} maps the native ops to these classes, so an op without
 * a layout (every other multiply, add or subtract, in any graph) keeps M2.1's own gradient.
 */
public final class BroadcastOps {
    /** y has x's shape with size 1 in the listed dimensions (kept); dy sums over them. iArgs: [1, dims...]. */
    static final long KEEP_DIMS = 1;
    /** y (static shape, every size > 1) is x's trailing dimensions, repeated over the leading ones. iArgs: [2]. */
    static final long TRAILING = 2;

    private BroadcastOps() {}

    /** {@code x * y}, y [..., 1] with x's leading shape (e.g. a per-row scale [N, 1] against [N, W]). */
    public static SDVariable mulPerRow(SameDiff sd, SDVariable x, SDVariable y) {
        return new Mul(sd, x, y, KEEP_DIMS, -1).outputVariable();
    }

    /** {@code x − y}, y [..., 1] with x's leading shape (e.g. a row mean [N, 1] from [N, W]). */
    public static SDVariable subPerRow(SameDiff sd, SDVariable x, SDVariable y) {
        return new Sub(sd, x, y, KEEP_DIMS, -1).outputVariable();
    }

    /** {@code x * y}, y a parameter of x's trailing shape (e.g. a layer norm gain [W] against [N, W]). */
    public static SDVariable mulTrailing(SameDiff sd, SDVariable x, SDVariable y) {
        return new Mul(sd, x, y, TRAILING).outputVariable();
    }

    /** {@code x + y}, y a parameter of x's trailing shape (e.g. a bias [W] against [N, W]). */
    public static SDVariable addTrailing(SameDiff sd, SDVariable x, SDVariable y) {
        return new Add(sd, x, y, TRAILING).outputVariable();
    }

    /** {@code x + y}, y of x's rank with size 1 in {@code dims} (e.g. an attention mask [B,1,1,S] on [B,h,S,S]). */
    public static SDVariable addKeepDims(SameDiff sd, SDVariable x, SDVariable y, int... dims) {
        long[] args = new long[dims.length + 1];
        args[0] = KEEP_DIMS;
        for (int i = 0; i < dims.length; i++) args[i + 1] = dims[i];
        return new Add(sd, x, y, args).outputVariable();
    }

    /** {@code t} summed down to y's shape under the layout in {@code iArgs}; null when there is no layout. */
    private static SDVariable reduceToY(SameDiff sd, long[] iArgs, SDVariable t, SDVariable y) {
        if (iArgs == null || iArgs.length == 0) return null;
        if (iArgs[0] == KEEP_DIMS) {
            int[] dims = new int[iArgs.length - 1];
            for (int i = 1; i < iArgs.length; i++) dims[i - 1] = (int) iArgs[i];
            return sd.sum(t, true, dims);
        }
        if (iArgs[0] == TRAILING) {
            long[] shape = y.getShape();
            if (shape == null || Arrays.stream(shape).anyMatch(s -> s < 2)) {
                throw new IllegalStateException("BroadcastOps: trailing operand '" + y.name() + "' needs a static shape "
                        + "with every size > 1, has " + Arrays.toString(shape));
            }
            // the column sums of t as [N, P] are computed as 1ᵀ·t, a matrix product, not as reduce_sum over
            // dimension 0: M2.1's column reduction of [2048, 1024] takes 15.5 ms against 0.9 ms for the product
            // (BENCHMARKS.md, "Column sums"); the ones column is made from t's first column, so N stays dynamic
            long p = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            SDVariable rows = sd.reshape(t, -1, p);
            SDVariable ones = sd.onesLike(rows.get(SDIndex.all(), SDIndex.interval(0, 1)));
            return sd.reshape(sd.mmul(ones, rows, true, false, false), shape);
        }
        throw new IllegalStateException("BroadcastOps: unknown layout " + Arrays.toString(iArgs));
    }

    /** Multiply with a layout-aware gradient; without a layout, M2.1's own. */
    public static class Mul extends MulOp {
        /** For SameDiff's re-creation of ops; do not use. */
        public Mul() {}

        Mul(SameDiff sd, SDVariable x, SDVariable y, long... layout) {
            super(sd, x, y);
            addIArgument(layout);
        }

        @Override
        public List<SDVariable> doDiff(List<SDVariable> grads) {
            SDVariable x = larg(), y = rarg(), g = grads.get(0);
            SDVariable dy = reduceToY(sameDiff, iArgs(), g.mul(x), y);
            return dy == null ? super.doDiff(grads) : List.of(g.mul(y), dy);
        }
    }

    /** Add with a layout-aware gradient; without a layout, M2.1's own. */
    public static class Add extends AddOp {
        /** For SameDiff's re-creation of ops; do not use. */
        public Add() {}

        Add(SameDiff sd, SDVariable x, SDVariable y, long... layout) {
            super(sd, x, y);
            addIArgument(layout);
        }

        @Override
        public List<SDVariable> doDiff(List<SDVariable> grads) {
            SDVariable g = grads.get(0);
            SDVariable dy = reduceToY(sameDiff, iArgs(), g, rarg());
            return dy == null ? super.doDiff(grads) : List.of(sameDiff.identity(g), dy);
        }
    }

    /** Subtract with a layout-aware gradient; without a layout, M2.1's own. */
    public static class Sub extends SubOp {
        /** For SameDiff's re-creation of ops; do not use. */
        public Sub() {}

        Sub(SameDiff sd, SDVariable x, SDVariable y, long... layout) {
            super(sd, x, y);
            addIArgument(layout);
        }

        @Override
        public List<SDVariable> doDiff(List<SDVariable> grads) {
            SDVariable g = grads.get(0);
            SDVariable dy = reduceToY(sameDiff, iArgs(), g, rarg());
            return dy == null ? super.doDiff(grads) : List.of(sameDiff.identity(g), dy.neg());
        }
    }
}
