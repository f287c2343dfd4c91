package dev.recipe.interop;

import java.util.Arrays;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One ONNX value during translation: its SameDiff variable, its static shape as far as the translator knows it
 * ({@code -1} for a dimension known only at run time, e.g. batch or sequence length; the rank is always known), and
 * its contents when they are fixed at import time (Constant nodes, integer initializers), else null. Float
 * initializers are trainable variables, so their contents are deliberately not treated as constants.
 */
public record Value(SDVariable var, long[] shape, INDArray constant) {
    public Value {
        shape = shape.clone();
    }

    public static Value of(SDVariable var, long... shape) {
        return new Value(var, shape, null);
    }

    public int rank() {
        return shape.length;
    }

    public boolean isConstant() {
        return constant != null;
    }

    /** True when every dimension is known at import time. */
    public boolean staticShape() {
        for (long d : shape) if (d < 0) return false;
        return true;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public String toString() {
        return var.name() + Arrays.toString(shape) + (constant != null ? " (constant)" : "");
    }
}
