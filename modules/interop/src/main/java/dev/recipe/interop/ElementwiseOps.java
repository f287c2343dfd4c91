package dev.recipe.interop;

import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
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

    /** {@code Equal} (numpy broadcasting, BOOL result); folded at import time when both inputs are constants. */
    static Value equal(NodeContext c) {
        Value a = c.in(0), b = c.in(1);
        SDVariable bv = b.var().dataType() == a.var().dataType() ? b.var() : b.var().castTo(a.var().dataType());
        return c.folded(c.sd().eq(a.var(), bv), c.broadcast(a.shape(), b.shape()));
    }

    /**
     * {@code Where(condition, X, Y)}: X where the condition holds, else Y, with numpy broadcasting of all three (each
     * is first broadcast to the output shape by adding zeros: the native op wants equal shapes). Folded at import
     * time when all inputs are constants. The native op has no gradient: a gradient through a Where on weights
     * fails when the gradient function is built.
     */
    static Value where(NodeContext c) {
        Value cond = c.in(0), x = c.in(1), y = c.in(2);
        long[] s = c.broadcast(c.broadcast(cond.shape(), x.shape()), y.shape());
        DataType t = x.var().dataType();
        SDVariable yv = y.var().dataType() == t ? y.var() : y.var().castTo(t);
        SDVariable cv = cond.var().castTo(t);
        SDVariable zeros = c.sd().zerosLike(x.var()).add(c.sd().zerosLike(yv)).add(c.sd().zerosLike(cv));
        SDVariable cb = cv.add(zeros).castTo(DataType.BOOL);
        return c.folded(c.sd().where(x.var().add(zeros), yv.add(zeros), cb), s);
    }
}
