package dev.recipe.interop;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The operator table: ONNX op type (default domain) → translation. One line per operator; adding one means writing
 * a {@link OnnxOp} (a lambda for element-wise ops, a static method otherwise) and registering it here.
 * Covered: everything in PyTorch's BERT export at opset 11 (tinybert.onnx) and its CNN export at opset 9
 * (cnn_mnist.onnx), PyTorch 1.13's exports at opsets 11, 14 and 17 of a HuggingFace-style BERT, torchvision's
 * VisionTransformer and VGG and a CLIP-style dual encoder (the fixtures of {@code tools/fixtures}), plus a few
 * trivial neighbours.
 */
public final class OnnxOps {
    private static final Map<String, OnnxOp> TABLE = new TreeMap<>();

    static {
        // element-wise, numpy broadcasting
        add("Add", ElementwiseOps.binary((a, b) -> a.add(b)));
        add("Sub", ElementwiseOps.binary((a, b) -> a.sub(b)));
        add("Mul", ElementwiseOps.binary((a, b) -> a.mul(b)));
        add("Div", ElementwiseOps.binary((a, b) -> a.div(b)));
        add("Pow", ElementwiseOps::pow);
        add("Sqrt", ElementwiseOps.unary(x -> x.getSameDiff().math.sqrt(x)));
        add("Exp", ElementwiseOps.unary(x -> x.getSameDiff().math.exp(x)));
        add("Log", ElementwiseOps.unary(x -> x.getSameDiff().math.log(x)));
        add("Neg", ElementwiseOps.unary(x -> x.neg()));
        add("Erf", ElementwiseOps.unary(x -> x.getSameDiff().math.erf(x)));
        add("Tanh", ElementwiseOps.unary(x -> x.getSameDiff().math.tanh(x)));
        add("Sigmoid", ElementwiseOps.unary(x -> x.getSameDiff().nn.sigmoid(x)));
        add("Relu", ElementwiseOps.unary(x -> x.getSameDiff().nn.relu(x, 0)));
        add("Identity", ElementwiseOps::identity);
        add("Dropout", ElementwiseOps::identity);
        add("Cast", ElementwiseOps::cast);
        add("Equal", ElementwiseOps::equal);
        add("Where", ElementwiseOps::where);
        // data movement and shapes
        add("Constant", ShapeOps::constant);
        add("Shape", ShapeOps::shape);
        add("Gather", ShapeOps::gather);
        add("Unsqueeze", ShapeOps::unsqueeze);
        add("Squeeze", ShapeOps::squeeze);
        add("Concat", ShapeOps::concat);
        add("Reshape", ShapeOps::reshape);
        add("Flatten", ShapeOps::flatten);
        add("Slice", ShapeOps::slice);
        add("Transpose", ShapeOps::transpose);
        add("ConstantOfShape", ShapeOps::constantOfShape);
        add("Expand", ShapeOps::expand);
        add("Range", ShapeOps::range);
        // layers
        add("MatMul", NeuralOps::matMul);
        add("Gemm", NeuralOps::gemm);
        add("Conv", NeuralOps::conv);
        add("MaxPool", NeuralOps::maxPool);
        add("AveragePool", NeuralOps::averagePool);
        add("Softmax", NeuralOps::softmax);
        add("LogSoftmax", NeuralOps::logSoftmax);
        add("ReduceMean", NeuralOps.reduce(true));
        add("ReduceSum", NeuralOps.reduce(false));
        add("ArgMax", NeuralOps::argMax);
        add("LayerNormalization", NeuralOps::layerNormalization);
    }

    private OnnxOps() {}

    private static void add(String opType, OnnxOp op) {
        if (TABLE.put(opType, op) != null) throw new IllegalStateException("registered twice: " + opType);
    }

    /** The translation of {@code opType} in the default ONNX domain, or null. */
    public static OnnxOp get(String domain, String opType) {
        boolean defaultDomain = domain.isEmpty() || domain.equals("ai.onnx");
        return defaultDomain ? TABLE.get(opType) : null;
    }

    /** Every supported op type, sorted. */
    public static Map<String, OnnxOp> table() {
        return Collections.unmodifiableMap(TABLE);
    }
}
