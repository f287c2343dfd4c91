package dev.recipe.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import dev.recipe.nn.GradientCheck;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Operator semantics on small hand-built models (no shared data needed), with gradients where they matter. */
class OnnxOpsTest {
    private static final String[] NONE = {};

    private static INDArray range(DataType t, long... shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return Nd4j.linspace(1, n, n, t).reshape(shape).muli(0.1);
    }

    private static float[] floats(INDArray a) {
        return a.dup('c').castTo(DataType.FLOAT).data().asFloat();
    }

    @Test
    void gatherOnAMiddleAxisWithAMatrixOfIndicesAndItsGradient() {
        OnnxGraph g = new OnnxBuilder(11).input("x", 1, -1, 4, 3)
                .longs("idx", new long[] {3, 0, 3, 1}, 2, 2)
                .node("Gather", new String[] {"x", "idx"}, "y", "axis", 1L).output("y").translate(DataType.DOUBLE);
        INDArray x = range(DataType.DOUBLE, 2, 4, 3);
        INDArray y = g.run(Map.of("x", x)).get("y");
        assertArrayEquals(new long[] {2, 2, 2, 3}, y.shape());
        for (int b = 0; b < 2; b++) {
            assertEquals(x.get(NDArrayIndex.point(b), NDArrayIndex.point(3), NDArrayIndex.all()), y.get(NDArrayIndex.point(b), NDArrayIndex.point(0), NDArrayIndex.point(0), NDArrayIndex.all()));
            assertEquals(x.get(NDArrayIndex.point(b), NDArrayIndex.point(1), NDArrayIndex.all()), y.get(NDArrayIndex.point(b), NDArrayIndex.point(1), NDArrayIndex.point(1), NDArrayIndex.all()));
        }
        // gradient into a weight through the same translation: y = Gather(w, idx, axis=1)
        OnnxGraph gw = new OnnxBuilder(11).floats("w", floats(range(DataType.FLOAT, 2, 4, 3)), 2, 4, 3)
                .longs("idx", new long[] {3, 0, 3, 1}, 2, 2).input("unused", 1, 1)
                .node("Gather", new String[] {"w", "idx"}, "y", "axis", 1L).output("y").translate(DataType.DOUBLE);
        SDVariable out = gw.variable("y");
        Nd4j.getRandom().setSeed(3);
        gw.sd().sum(out.mul(gw.sd().constant(Nd4j.randn(DataType.DOUBLE, 2, 2, 2, 3)))).rename("loss");
        GradientCheck.Report r = GradientCheck.check(gw.sd(), "loss", Map.of(), List.of("w"), 24, 1e-6, 1);
        assertTrue(r.passed(1e-6, 1e-10), r.toString());
    }

    @Test
    void sliceWithARunTimeEndAndOpenEnd() {
        // y = x[:, 1:len(x[0])-1] via Shape/Gather/Sub, z = x[:, 2:INT64_MAX]
        OnnxGraph g = new OnnxBuilder(11).input("x", 1, -1, -1)
                .longs("one", new long[] {1}, 1).longs("two", new long[] {2}, 1).longs("axis1", new long[] {1}, 1)
                .longs("big", new long[] {Long.MAX_VALUE}, 1).longs("i1", new long[] {1})
                .node("Shape", new String[] {"x"}, "s").node("Gather", new String[] {"s", "i1"}, "n", "axis", 0L)
                .node("Unsqueeze", new String[] {"n"}, "n1", "axes", new long[] {0})
                .node("Sub", new String[] {"n1", "one"}, "end")
                .node("Slice", new String[] {"x", "one", "end", "axis1"}, "y")
                .node("Slice", new String[] {"x", "two", "big", "axis1"}, "z")
                .output("y").output("z").translate(DataType.FLOAT);
        INDArray x = range(DataType.FLOAT, 2, 6);
        Map<String, INDArray> out = g.run(Map.of("x", x));
        assertEquals(x.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 5)), out.get("y"));
        assertEquals(x.get(NDArrayIndex.all(), NDArrayIndex.interval(2, 6)), out.get("z"));
    }

    @Test
    void softmaxAtOpset11FlattensFromTheAxis() {
        OnnxGraph g = new OnnxBuilder(11).input("x", 1, 2, 3, 4)
                .node("Softmax", new String[] {"x"}, "y", "axis", 1L).output("y").translate(DataType.DOUBLE);
        INDArray x = range(DataType.DOUBLE, 2, 3, 4);
        INDArray y = g.run(Map.of("x", x)).get("y");
        INDArray expected = Nd4j.nn().softmax(x.reshape(2, 12), 1).reshape(2, 3, 4);
        assertTrue(expected.equalsWithEps(y, 1e-12), y.toString());
        assertEquals(1.0, y.get(NDArrayIndex.point(0)).sumNumber().doubleValue(), 1e-12);
    }

    @Test
    void reshapeCopiesZeroDimsAndInfersMinusOne() {
        OnnxGraph g = new OnnxBuilder(11).input("x", 1, -1, 3, 4)
                .longs("shape", new long[] {0, -1, 2}, 3)
                .node("Reshape", new String[] {"x", "shape"}, "y").output("y").translate(DataType.FLOAT);
        INDArray y = g.run(Map.of("x", range(DataType.FLOAT, 5, 3, 4))).get("y");
        assertArrayEquals(new long[] {5, 6, 2}, y.shape());
    }

    @Test
    void matMulOfARank3ActivationByAWeightAndItsGradient() {
        OnnxGraph g = new OnnxBuilder(11).input("x", 1, -1, -1, 3)
                .floats("w", floats(range(DataType.FLOAT, 3, 2)), 3, 2)
                .node("MatMul", new String[] {"x", "w"}, "y").output("y").translate(DataType.DOUBLE);
        INDArray x = range(DataType.DOUBLE, 2, 4, 3);
        INDArray y = g.run(Map.of("x", x)).get("y");
        INDArray w = g.variable("w").getArr();
        assertTrue(x.reshape(8, 3).mmul(w).reshape(2, 4, 2).equalsWithEps(y, 1e-12));
        SDVariable out = g.variable("y");
        g.sd().sum(out.mul(out)).rename("loss");
        GradientCheck.Report r = GradientCheck.check(g.sd(), "loss", Map.of(g.inputs().get("x"), x), List.of("w"), 6, 1e-6, 1);
        assertTrue(r.passed(1e-6, 1e-10), r.toString());
    }

    @Test
    void everyRegisteredOperatorHasATranslation() {
        assertTrue(OnnxOps.table().keySet().containsAll(List.of("Add", "Cast", "Concat", "Constant", "Div", "Erf",
                "Gather", "Gemm", "MatMul", "Mul", "Pow", "ReduceMean", "Reshape", "Shape", "Slice", "Softmax", "Sqrt",
                "Sub", "Tanh", "Transpose", "Unsqueeze", "Conv", "MaxPool", "Relu", "LogSoftmax", "Equal", "Where", "Expand",
                "ConstantOfShape", "Range", "ArgMax", "AveragePool", "LayerNormalization")));
        OnnxOps.table().forEach((k, v) -> assertTrue(v != null, k));
        assertEquals(null, OnnxOps.get("com.microsoft", "Add"));
    }
}
