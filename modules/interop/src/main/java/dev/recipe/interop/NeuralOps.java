package dev.recipe.interop;

import java.util.Arrays;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;

/** Matrix products, convolution, pooling, softmax and reductions. */
final class NeuralOps {
    private NeuralOps() {}

    /**
     * {@code MatMul}: 2-D × 2-D, batched N-D × N-D of equal rank, or N-D × 2-D (a weight), which is flattened to one
     * 2-D product and reshaped back.
     */
    static Value matMul(NodeContext c) {
        Value a = c.in(0), b = c.in(1);
        SameDiff sd = c.sd();
        int ra = a.rank(), rb = b.rank();
        long[] out = a.shape();
        out[ra - 1] = b.shape()[rb - 1];
        if (ra == 2 && rb == 2) return Value.of(sd.mmul(a.var(), b.var()), out);
        if (ra > 2 && rb == ra) {
            long[] batch = c.broadcast(Arrays.copyOf(a.shape(), ra - 2), Arrays.copyOf(b.shape(), rb - 2));
            long[] s = Arrays.copyOf(batch, ra);
            s[ra - 2] = a.shape()[ra - 2];
            s[ra - 1] = b.shape()[rb - 1];
            return Value.of(sd.mmul(a.var(), b.var()), s);
        }
        if (ra > 2 && rb == 2) {
            SDVariable flat = sd.reshape(a.var(), sd.concat(0, c.longs(-1), c.dims(b, 0, 1)));
            SDVariable y = sd.mmul(flat, b.var());
            SDVariable shape = sd.concat(0, c.dims(a, 0, ra - 1), c.dims(b, 1, 2));
            return Value.of(sd.reshape(y, shape), out);
        }
        throw c.fail("MatMul of a rank-" + ra + " by a rank-" + rb + " tensor is not supported");
    }

    /** {@code Gemm}: {@code alpha·A'·B' + beta·C}. */
    static Value gemm(NodeContext c) {
        Value a = c.in(0), b = c.in(1);
        boolean ta = c.attrInt("transA", 0) != 0, tb = c.attrInt("transB", 0) != 0;
        double alpha = c.attrFloat("alpha", 1f), beta = c.attrFloat("beta", 1f);
        SDVariable y = c.sd().mmul(a.var(), b.var(), ta, tb, false);
        if (alpha != 1.0) y = y.mul(alpha);
        long[] s = {a.shape()[ta ? 1 : 0], b.shape()[tb ? 0 : 1]};
        if (c.has(2) && beta != 0.0) {
            SDVariable cc = beta == 1.0 ? c.var(2) : c.var(2).mul(beta);
            y = y.add(cc);
            s = c.broadcast(s, c.in(2).shape());
        }
        return Value.of(y, s);
    }

    /** Symmetric 2-D padding from ONNX {@code pads} [top, left, bottom, right]. */
    private static long[] pads2d(NodeContext c) {
        String auto = c.attrString("auto_pad", "NOTSET");
        if (!auto.equals("NOTSET") && !auto.equals("VALID")) throw c.fail("auto_pad=" + auto + " is not supported");
        long[] p = c.attrInts("pads", new long[4]);
        if (p.length != 4 || p[0] != p[2] || p[1] != p[3]) {
            throw c.fail("only symmetric 2-D pads are supported, got " + Arrays.toString(p));
        }
        return new long[] {p[0], p[1]};
    }

    private static long outDim(long in, long k, long s, long p, long d) {
        return in < 0 ? -1 : (in + 2 * p - d * (k - 1) - 1) / s + 1;
    }

    /** {@code Conv} in 2-D (NCHW input, OIHW weights, group 1). */
    static Value conv(NodeContext c) {
        Value x = c.in(0), w = c.in(1);
        if (x.rank() != 4) throw c.fail("only 2-D convolution (rank-4 input) is supported");
        if (c.attrInt("group", 1) != 1) throw c.fail("group=" + c.attrInt("group", 1) + " is not supported");
        long[] ws = w.shape();
        long[] k = c.attrInts("kernel_shape", new long[] {ws[2], ws[3]});
        long[] st = c.attrInts("strides", new long[] {1, 1});
        long[] dl = c.attrInts("dilations", new long[] {1, 1});
        long[] p = pads2d(c);
        Conv2DConfig cfg = Conv2DConfig.builder().kH(k[0]).kW(k[1]).sH(st[0]).sW(st[1]).pH(p[0]).pW(p[1])
                .dH(dl[0]).dW(dl[1]).paddingMode(PaddingMode.VALID).dataFormat("NCHW").build();
        // ONNX weights are [O, I, kH, kW]; the native conv2d's default layout is [kH, kW, I, O]
        SDVariable yxio = c.sd().permute(w.var(), 2, 3, 1, 0);
        SDVariable y = c.has(2) ? c.sd().cnn.conv2d(x.var(), yxio, c.var(2), cfg) : c.sd().cnn.conv2d(x.var(), yxio, cfg);
        long[] xs = x.shape();
        return Value.of(y, xs[0], ws[0], outDim(xs[2], k[0], st[0], p[0], dl[0]), outDim(xs[3], k[1], st[1], p[1], dl[1]));
    }

    /** {@code MaxPool} in 2-D (NCHW), floor mode. */
    static Value maxPool(NodeContext c) {
        if (c.node().getOutputCount() > 1) throw c.fail("the Indices output is not supported");
        return pool2d(c, Pooling2D.Pooling2DType.MAX);
    }

    /**
     * {@code AveragePool} in 2-D (NCHW), floor mode. At the borders the divisor counts only real pixels
     * ({@code count_include_pad=0}, the default) or the whole window (1, done as explicit zero padding).
     */
    static Value averagePool(NodeContext c) {
        return pool2d(c, Pooling2D.Pooling2DType.AVG);
    }

    private static Value pool2d(NodeContext c, Pooling2D.Pooling2DType type) {
        Value x = c.in(0);
        if (x.rank() != 4) throw c.fail("only 2-D pooling (rank-4 input) is supported");
        if (c.attrInt("ceil_mode", 0) != 0) throw c.fail("ceil_mode=1 is not supported");
        long[] k = c.attrInts("kernel_shape", null);
        if (k == null || k.length != 2) throw c.fail("kernel_shape must list 2 sizes, got " + Arrays.toString(k));
        long[] st = c.attrInts("strides", new long[] {1, 1});
        long[] dl = c.attrInts("dilations", new long[] {1, 1});
        long[] p = pads2d(c);
        SDVariable in = x.var();
        long[] xs = x.shape();
        long[] outHW = {outDim(xs[2], k[0], st[0], p[0], dl[0]), outDim(xs[3], k[1], st[1], p[1], dl[1])};
        if (type == Pooling2D.Pooling2DType.AVG && c.attrInt("count_include_pad", 0) != 0 && (p[0] > 0 || p[1] > 0)) {
            // M2.1's avg-pool backprop ignores "include padding" (gradient off by up to 0.45 in a 4×5 test):
            // pad with zeros explicitly, then average without padding
            INDArray pads = Nd4j.createFromArray(new long[][] {{0, 0}, {0, 0}, {p[0], p[0]}, {p[1], p[1]}});
            in = c.sd().nn.pad(in, c.sd().constant(pads), 0.0);
            p = new long[] {0, 0};
        }
        Pooling2DConfig cfg = Pooling2DConfig.builder().kH(k[0]).kW(k[1]).sH(st[0]).sW(st[1]).pH(p[0]).pW(p[1])
                .dH(dl[0]).dW(dl[1]).type(type).paddingMode(PaddingMode.VALID).isNHWC(false)
                .divisor(Pooling2D.Divisor.EXCLUDE_PADDING).extra(0).build();
        SDVariable y = type == Pooling2D.Pooling2DType.MAX ? c.sd().cnn.maxPooling2d(in, cfg) : c.sd().cnn.avgPooling2d(in, cfg);
        return Value.of(y, xs[0], xs[1], outHW[0], outHW[1]);
    }

    static Value softmax(NodeContext c) {
        return softmaxLike(c, (sd, v, dim) -> sd.nn.softmax(v, dim));
    }

    /** M2.1's {@code logSoftmax(x, dim)} fails in backprop, so only the last-dimension form is used. */
    static Value logSoftmax(NodeContext c) {
        return softmaxLike(c, (sd, v, dim) -> sd.nn.logSoftmax(v));
    }

    /**
     * Softmax-type ops on the last dimension. Opset < 13 means "flatten to 2-D at axis (default 1)"; opset 13+ means
     * "along axis (default -1)", done by moving the axis to the end and back.
     */
    private static Value softmaxLike(NodeContext c, LastDim lastDim) {
        Value x = c.in(0);
        int r = x.rank();
        SameDiff sd = c.sd();
        boolean legacy = c.opset() < 13;
        int axis = c.axis(c.attrInt("axis", legacy ? 1 : -1), r);
        if (axis == r - 1) return Value.of(lastDim.apply(sd, x.var(), r - 1), x.shape());
        if (legacy) {
            SDVariable flat = sd.reshape(x.var(), sd.concat(0, c.longs(-1), prodOf(c, x, axis, r)));
            return Value.of(sd.reshape(lastDim.apply(sd, flat, 1), c.dims(x, 0, r)), x.shape());
        }
        int[] perm = new int[r];
        for (int i = 0, j = 0; i < r; i++) if (i != axis) perm[j++] = i;
        perm[r - 1] = axis;
        int[] inv = new int[r];
        for (int i = 0; i < r; i++) inv[perm[i]] = i;
        return Value.of(sd.permute(lastDim.apply(sd, sd.permute(x.var(), perm), r - 1), inv), x.shape());
    }

    /** An op applied along the last dimension ({@code dim} = rank − 1). */
    private interface LastDim {
        SDVariable apply(SameDiff sd, SDVariable x, int dim);
    }

    private static SDVariable prodOf(NodeContext c, Value x, int from, int to) {
        return c.sd().prod(c.dims(x, from, to), true, 0);
    }

    /** {@code ReduceMean} / {@code ReduceSum} over {@code axes} (attribute, or input from opset 13/18), keepdims. */
    static OnnxOp reduce(boolean mean) {
        return c -> {
            Value x = c.in(0);
            int r = x.rank();
            long[] axes = c.intsFromAttrOrInput("axes", 1);
            boolean keep = c.attrInt("keepdims", 1) != 0;
            int[] ax = axes == null ? java.util.stream.IntStream.range(0, r).toArray()
                    : Arrays.stream(axes).mapToInt(a -> c.axis(a, r)).sorted().toArray();
            SDVariable y = mean ? x.var().mean(keep, ax) : x.var().sum(keep, ax);
            long[] s = x.shape();
            int n = 0;
            long[] out = new long[keep ? r : r - ax.length];
            for (int i = 0; i < r; i++) {
                final int d = i;
                boolean reduced = Arrays.stream(ax).anyMatch(a -> a == d);
                if (keep) out[n++] = reduced ? 1 : s[i];
                else if (!reduced) out[n++] = s[i];
            }
            return Value.of(y, out);
        };
    }

    /** {@code ArgMax} along {@code axis} (int64 indices of the first maximum), keepdims. */
    static Value argMax(NodeContext c) {
        Value x = c.in(0);
        int r = x.rank();
        int axis = c.axis(c.attrInt("axis", 0), r);
        if (c.attrInt("select_last_index", 0) != 0) throw c.fail("select_last_index=1 is not supported");
        boolean keep = c.attrInt("keepdims", 1) != 0;
        SDVariable y = c.sd().argmax(x.var(), keep, axis);
        if (y.dataType() != DataType.LONG) y = y.castTo(DataType.LONG);
        long[] s = x.shape();
        long[] out = new long[keep ? r : r - 1];
        for (int i = 0, j = 0; i < r; i++) {
            if (i == axis) { if (keep) out[j++] = 1; }
            else out[j++] = s[i];
        }
        return c.folded(y, out);
    }

    /**
     * {@code LayerNormalization} (opset 17) over the dims from {@code axis} to the last, written out as PyTorch's
     * opset-11 export does (mean, centred second moment, {@code epsilon}, scale, bias), so its gradient is exact.
     */
    static Value layerNormalization(NodeContext c) {
        Value x = c.in(0);
        int r = x.rank();
        int axis = c.axis(c.attrInt("axis", -1), r);
        if (c.node().getOutputCount() > 1) throw c.fail("the Mean and InvStdDev outputs are not supported");
        double eps = c.attrFloat("epsilon", 1e-5f);
        int[] dims = java.util.stream.IntStream.range(axis, r).toArray();
        SDVariable d = x.var().sub(x.var().mean(true, dims));
        SDVariable variance = d.mul(d).mean(true, dims);
        SDVariable y = d.div(c.sd().math.sqrt(variance.add(eps))).mul(c.var(1));
        if (c.has(2)) y = y.add(c.var(2));
        return Value.of(y, x.shape());
    }
}
