package dev.recipe.interop;

/**
 * Translation of one ONNX operator type into SameDiff ops. An implementation reads inputs and attributes from the
 * {@link NodeContext}, adds ops to {@code ctx.sd()} and returns the node's (first) output with its static shape.
 * Register new operators in {@link OnnxOps}.
 */
@FunctionalInterface
public interface OnnxOp {
    Value translate(NodeContext ctx);
}
