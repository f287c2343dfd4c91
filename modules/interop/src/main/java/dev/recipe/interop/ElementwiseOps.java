package dev.recipe.interop;

import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Element-wise ONNX operators (numpy broadcasting) and activations. */
final class ElementwiseOps {
    private ElementwiseOps() {}

    /** A binary operator with numpy broadcasting. */
    static OnnxOp binary(BinaryOperator<SDVariable> f) {
        return c -> Value.of(f.apply(c.var(0), c.var(1)), c.broadcast(c.in(0).shape(), c.in(1).shape()));
    }

    /** A shape-preserving unary operator. */
    static OnnxOp unary(UnaryOperator<SDVariable> f) {
        return c -> Value.of(f.apply(c.var(0)), c.in(0).shape());
    }

    /** {@code Pow}: a constant scalar exponent uses the scalar form (a simpler gradient). */
    static Value pow(NodeContext c) {
        Value x = c.in(0), y = c.in(1);
        if (y.isConstant() && y.constant().length() == 1) {
            double e = y.constant().getDouble(0);
            SDVariable out = e == 2.0 ? x.var().mul(x.var()) : c.sd().math.pow(x.var(), e);
            return Value.of(out, c.broadcast(x.shape(), y.shape()));
        }
        return Value.of(c.sd().math.pow(x.var(), y.var()), c.broadcast(x.shape(), y.shape()));
    }

    /** {@code Identity}, and {@code Dropout} at inference: the input itself. */
    static Value identity(NodeContext c) {
        if (c.node().getOutputCount() > 1 && !c.node().getOutput(1).isEmpty()) {
            throw c.fail("the mask output of Dropout is not supported");
        }
        return c.in(0);
    }

    /** {@code Cast} to the element type in {@code to} (floating types become the import's float type). */
    static Value cast(NodeContext c) {
        Value x = c.in(0);
        var type = Tensors.ndType((int) c.attrInt("to", 0), c.floatType(), c.source() + ": Cast");
        if (x.var().dataType() == type) return x;
        INDArray k = x.isConstant() ? x.constant().castTo(type) : null;
        return new Value(x.var().castTo(type), x.shape(), k);
    }
}
