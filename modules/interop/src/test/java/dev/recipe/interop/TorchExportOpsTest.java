package dev.recipe.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import dev.recipe.nn.GradientCheck;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The operators added for PyTorch 1.13's exports of torchvision's ViT / VGG and a CLIP-style model (Equal, Where,
 * Expand, ConstantOfShape, Range, ArgMax, AveragePool, LayerNormalization), and the Flatten and Gather cases they
 * need, on small hand-built models, with gradients where weights flow through them.
 */
class TorchExportOpsTest {
    private static INDArray randn(long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, shape);
    }

    private static float[] floats(INDArray a) {
        return a.dup('c').castTo(DataType.FLOAT).data().asFloat();
    }

    private static GradientCheck.Report check(OnnxGraph g, String output, Map<String, INDArray> feeds, List<String> vars) {
        SDVariable out = g.variable(output);
        long[] shape = g.run(feeds, output).get(output).shape();
        g.sd().sum(out.mul(g.sd().constant(randn(99, shape)))).rename("loss");
        java.util.Map<String, INDArray> ph = new java.util.HashMap<>();
        feeds.forEach((k, v) -> ph.put(g.inputs().get(k), v));
        return GradientCheck.check(g.sd(), "loss", ph, vars, 30, 1e-6, 1);
    }

    @Test
    void equalAndWhereBroadcastLikeNumpy() {
        // an attention-mask pattern: rows whose mask is 1 keep x, others get -10000
        OnnxGraph g = new OnnxBuilder(14).input("x", 1, -1, 3).input("m", 7, -1, 1)
                .longs("one", new long[] {1}, 1).floats("fill", new float[] {-1e4f})
                .node("Equal", new String[] {"m", "one"}, "keep")
                .node("Where", new String[] {"keep", "x", "fill"}, "y")
                .output("y").translate(DataType.FLOAT);
        INDArray x = Nd4j.createFromArray(new float[][] {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}});
        INDArray m = Nd4j.createFromArray(new long[][] {{1}, {0}, {1}});
        INDArray y = g.run(Map.of("x", x, "m", m)).get("y");
        assertEquals(Nd4j.createFromArray(new float[][] {{1, 2, 3}, {-1e4f, -1e4f, -1e4f}, {7, 8, 9}}), y);

        // all inputs constant: folded at import time, same semantics (torch's "expand(-1) → 1" shape pattern)
        OnnxGraph k = new OnnxBuilder(14).input("unused", 1, 1)
                .longs("s", new long[] {5, -1, -1}, 3).longs("minus1", new long[] {-1}, 1).longs("ones", new long[] {1, 1, 1}, 3)
                .node("Equal", new String[] {"s", "minus1"}, "isMinus1")
                .node("Where", new String[] {"isMinus1", "ones", "s"}, "shape")
                .output("shape").translate(DataType.FLOAT);
        assertEquals(Nd4j.createFromArray(5L, 1L, 1L), k.run(Map.of("unused", Nd4j.zeros(DataType.FLOAT, 1, 1))).get("shape"));
    }

    /** ViT's class token: Expand([1, 1, D] → [batch, 1, D]) with the batch read from the input at run time. */
    @Test
    void expandToARunTimeShapeAndItsGradient() {
        OnnxGraph g = new OnnxBuilder(14).input("x", 1, -1, 4, 3)
                .floats("cls", floats(randn(1, 1, 1, 3)), 1, 1, 3).longs("i0", new long[] {0}).longs("rest", new long[] {1, 3}, 2)
                .node("Shape", new String[] {"x"}, "s").node("Gather", new String[] {"s", "i0"}, "b", "axis", 0L)
                .node("Unsqueeze", new String[] {"b"}, "b1", "axes", new long[] {0})
                .node("Concat", new String[] {"b1", "rest"}, "shape", "axis", 0L)
                .node("Expand", new String[] {"cls", "shape"}, "tokens")
                .node("Concat", new String[] {"tokens", "x"}, "y", "axis", 1L)
                .output("y").translate(DataType.DOUBLE);
        INDArray x = randn(2, 2, 4, 3);
        INDArray y = g.run(Map.of("x", x)).get("y");
        assertArrayEquals(new long[] {2, 5, 3}, y.shape());
        INDArray cls = g.variable("cls").getArr().reshape(3);
        for (int b = 0; b < 2; b++) {
            assertEquals(cls, y.get(NDArrayIndex.point(b), NDArrayIndex.point(0), NDArrayIndex.all()));
            assertEquals(x.get(NDArrayIndex.point(b)), y.get(NDArrayIndex.point(b), NDArrayIndex.interval(1, 5), NDArrayIndex.all()));
        }
        GradientCheck.Report r = check(g, "y", Map.of("x", x), List.of("cls"));
        assertTrue(r.passed(1e-6, 1e-10), r.toString());
    }

    /** A constant target with 1 where the input is larger keeps the input's size there (numpy broadcasting). */
    @Test
    void expandToAConstantShapeBroadcastsBothWays() {
        OnnxGraph g = new OnnxBuilder(14).input("x", 1, 2, 1, 3).longs("shape", new long[] {1, 4, 1}, 3)
                .node("Expand", new String[] {"x", "shape"}, "y").output("y").translate(DataType.DOUBLE);
        INDArray x = randn(3, 2, 1, 3);
        INDArray y = g.run(Map.of("x", x)).get("y");
        assertArrayEquals(new long[] {2, 4, 3}, y.shape());
        for (int i = 0; i < 4; i++) assertEquals(x.get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.all()),
                y.get(NDArrayIndex.all(), NDArrayIndex.point(i), NDArrayIndex.all()));
    }

    @Test
    void constantOfShapeAndRangeAtRunTimeAndFolded() {
        TensorProto seven = TensorProto.newBuilder().setDataType(7).addDims(1).addInt64Data(7).build();
        OnnxGraph g = new OnnxBuilder(14).input("x", 1, -1, 3)
                .longs("i0", new long[] {0}).longs("zero", new long[] {0}).longs("step", new long[] {1})
                .longs("a", new long[] {2}).longs("b", new long[] {11}).longs("c", new long[] {3})
                .node("Shape", new String[] {"x"}, "s")
                .node("ConstantOfShape", new String[] {"s"}, "sevens", "value", seven)
                .node("ConstantOfShape", new String[] {"s"}, "zeros")
                .node("Gather", new String[] {"s", "i0"}, "n", "axis", 0L)
                .node("Range", new String[] {"zero", "n", "step"}, "positions")
                .node("Range", new String[] {"a", "b", "c"}, "folded")
                .output("sevens").output("zeros").output("positions").output("folded").translate(DataType.FLOAT);
        Map<String, INDArray> out = g.run(Map.of("x", Nd4j.ones(DataType.FLOAT, 4, 3)));
        assertEquals(Nd4j.valueArrayOf(new long[] {4, 3}, 7.0, DataType.LONG), out.get("sevens"));
        assertEquals(Nd4j.zeros(DataType.FLOAT, 4, 3), out.get("zeros"));
        assertEquals(Nd4j.createFromArray(0L, 1L, 2L, 3L), out.get("positions"));
        assertEquals(Nd4j.createFromArray(2L, 5L, 8L), out.get("folded"));
    }

    @Test
    void argMaxKeepsOrDropsTheAxis() {
        OnnxGraph g = new OnnxBuilder(14).input("x", 1, -1, 3, 4)
                .node("ArgMax", new String[] {"x"}, "keep", "axis", 1L)
                .node("ArgMax", new String[] {"x"}, "drop", "axis", -1L, "keepdims", 0L)
                .output("keep").output("drop").translate(DataType.FLOAT);
        INDArray x = randn(4, 2, 3, 4).castTo(DataType.FLOAT);
        Map<String, INDArray> out = g.run(Map.of("x", x));
        assertEquals(DataType.LONG, out.get("keep").dataType());
        assertEquals(x.argMax(1).castTo(DataType.LONG).reshape(2, 1, 4), out.get("keep"));
        assertEquals(x.argMax(2).castTo(DataType.LONG), out.get("drop"));
        assertArrayEquals(new long[] {2, 3}, out.get("drop").shape());
    }

    /** 3×3 windows, stride 1, one pixel of padding: the border divisor follows count_include_pad. */
    @Test
    void averagePoolCountsPaddingAsAskedAndItsGradient() {
        INDArray x = randn(5, 1, 2, 4, 5);
        for (long include : new long[] {0, 1}) {
            OnnxGraph g = new OnnxBuilder(14).floats("x", floats(x), 1, 2, 4, 5).input("unused", 1, 1)
                    .node("AveragePool", new String[] {"x"}, "y", "kernel_shape", new long[] {3, 3},
                            "pads", new long[] {1, 1, 1, 1}, "count_include_pad", include)
                    .output("y").translate(DataType.DOUBLE);
            Map<String, INDArray> feeds = Map.of("unused", Nd4j.zeros(DataType.DOUBLE, 1, 1));
            INDArray y = g.run(feeds).get("y");
            assertArrayEquals(new long[] {1, 2, 4, 5}, y.shape());
            INDArray xd = g.variable("x").getArr();
            for (int ch = 0; ch < 2; ch++) {
                for (int i = 0; i < 4; i++) {
                    for (int j = 0; j < 5; j++) {
                        double sum = 0;
                        int n = 0;
                        for (int di = -1; di <= 1; di++) {
                            for (int dj = -1; dj <= 1; dj++) {
                                int a = i + di, b = j + dj;
                                if (a < 0 || a >= 4 || b < 0 || b >= 5) continue;
                                sum += xd.getDouble(0, ch, a, b);
                                n++;
                            }
                        }
                        double expected = sum / (include == 1 ? 9 : n);
                        assertEquals(expected, y.getDouble(0, ch, i, j), 1e-12, "count_include_pad=" + include + " at " + i + "," + j);
                    }
                }
            }
            GradientCheck.Report r = check(g, "y", feeds, List.of("x"));
            assertTrue(r.passed(1e-6, 1e-10), "count_include_pad=" + include + ": " + r);
        }
    }

    /** Opset 17's LayerNormalization over the last dim and over the last two, with epsilon, against the formula. */
    @Test
    void layerNormalizationMatchesTheFormulaAndItsGradient() {
        INDArray x = randn(6, 2, 3, 4).muli(3).addi(1);
        for (long axis : new long[] {-1, 1}) {
            long[] ws = axis == -1 ? new long[] {4} : new long[] {3, 4};
            INDArray scale = randn(7, ws).addi(1), bias = randn(8, ws);
            OnnxGraph g = new OnnxBuilder(17).floats("x", floats(x), 2, 3, 4).floats("scale", floats(scale), ws)
                    .floats("bias", floats(bias), ws).input("unused", 1, 1)
                    .node("LayerNormalization", new String[] {"x", "scale", "bias"}, "y", "axis", axis, "epsilon", 1e-3f)
                    .output("y").translate(DataType.DOUBLE);
            Map<String, INDArray> feeds = Map.of("unused", Nd4j.zeros(DataType.DOUBLE, 1, 1));
            INDArray y = g.run(feeds).get("y");
            INDArray xd = g.variable("x").getArr(), sd = g.variable("scale").getArr(), bd = g.variable("bias").getArr();
            double eps = (double) 1e-3f;
            for (int b = 0; b < 2; b++) {
                for (int i = 0; i < 3; i++) {
                    INDArray group = axis == -1 ? xd.get(NDArrayIndex.point(b), NDArrayIndex.point(i), NDArrayIndex.all())
                            : xd.get(NDArrayIndex.point(b), NDArrayIndex.all(), NDArrayIndex.all());
                    double mean = group.meanNumber().doubleValue();
                    double var = group.sub(mean).muli(group.sub(mean)).meanNumber().doubleValue();
                    for (int j = 0; j < 4; j++) {
                        double w = axis == -1 ? sd.getDouble(j) : sd.getDouble(i, j);
                        double bb = axis == -1 ? bd.getDouble(j) : bd.getDouble(i, j);
                        double expected = (xd.getDouble(b, i, j) - mean) / Math.sqrt(var + eps) * w + bb;
                        assertEquals(expected, y.getDouble(b, i, j), 1e-12, "axis " + axis + " at " + b + "," + i + "," + j);
                    }
                }
            }
            GradientCheck.Report r = check(g, "y", feeds, List.of("x", "scale", "bias"));
            assertTrue(r.passed(1e-6, 1e-10), r.toString());
        }
    }

    @Test
    void flattenWhenEverySizeIsKnownOnlyAtRunTime() {
        OnnxGraph g = new OnnxBuilder(14).input("x", 1, -1, -1, -1)
                .node("Flatten", new String[] {"x"}, "y", "axis", 2L).output("y").translate(DataType.FLOAT);
        INDArray x = randn(9, 2, 3, 4).castTo(DataType.FLOAT);
        assertEquals(x.reshape(6, 4), g.run(Map.of("x", x)).get("y"));
    }

    /** PyTorch writes x.shape[-1] and x[:, -1] as Gather with index -1. */
    @Test
    void gatherWithNegativeConstantIndices() {
        OnnxGraph g = new OnnxBuilder(14).input("x", 1, -1, 3, 4).longs("last", new long[] {-1}).longs("pair", new long[] {-1, 0}, 2)
                .node("Shape", new String[] {"x"}, "s").node("Gather", new String[] {"s", "last"}, "n", "axis", 0L)
                .node("Gather", new String[] {"x", "pair"}, "y", "axis", 1L)
                .output("n").output("y").translate(DataType.FLOAT);
        INDArray x = randn(10, 2, 3, 4).castTo(DataType.FLOAT);
        Map<String, INDArray> out = g.run(Map.of("x", x));
        assertEquals(4L, out.get("n").getLong(0));
        assertEquals(x.get(NDArrayIndex.all(), NDArrayIndex.point(2), NDArrayIndex.all()),
                out.get("y").get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.all()));
        assertEquals(x.get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.all()),
                out.get("y").get(NDArrayIndex.all(), NDArrayIndex.point(1), NDArrayIndex.all()));

        // on a batch axis known only at run time a negative index cannot be resolved: a clear error
        OnnxImportException e = assertThrows(OnnxImportException.class, () -> new OnnxBuilder(14).input("x", 1, -1, 3)
                .longs("last", new long[] {-1}).node("Gather", new String[] {"x", "last"}, "y", "axis", 0L)
                .output("y").translate(DataType.FLOAT));
        assertTrue(e.getMessage().contains("negative index -1 on axis 0, whose size is known only at run time"), e.getMessage());
    }
}
