package dev.recipe.interop.keras;

import java.util.Arrays;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An independent reference for the importer's tests: Keras layer semantics written as plain loops in double precision
 * on row-major tensors in Keras's NHWC layout (TensorFlow's "same" padding: total max((out − 1)·s + k − in, 0), the
 * smaller half before; "same" pooling looks at real pixels only). Shares no code with the importer.
 */
record Ref(long[] shape, double[] v) {
    static Ref of(INDArray a) {
        return new Ref(a.shape(), a.castTo(DataType.DOUBLE).dup('c').data().asDouble());
    }

    static Ref of(float[] values, long... shape) {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) d[i] = values[i];
        return new Ref(shape, d);
    }

    INDArray toArray() {
        return Nd4j.createFromArray(v).reshape('c', shape);
    }

    int dim(int i) {
        return (int) shape[i];
    }

    /** Max |this − other| over all elements (shapes must match). */
    double maxAbsDiff(INDArray other) {
        if (!Arrays.equals(shape, other.shape())) throw new AssertionError("shape " + Arrays.toString(other.shape()) + " != " + Arrays.toString(shape));
        double[] o = other.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double m = 0;
        for (int i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i] - o[i]));
        return m;
    }

    private static int samePadBefore(int in, int k, int s) {
        int out = (in + s - 1) / s;
        return Math.max((out - 1) * s + k - in, 0) / 2;
    }

    /** Conv2D, NHWC, kernel [kh, kw, ci, co], dilation 1. */
    static Ref conv2d(Ref x, Ref k, double[] bias, int sh, int sw, boolean same) {
        int n = x.dim(0), h = x.dim(1), w = x.dim(2), ci = x.dim(3);
        int kh = k.dim(0), kw = k.dim(1), co = k.dim(3);
        int oh = same ? (h + sh - 1) / sh : (h - kh) / sh + 1, ow = same ? (w + sw - 1) / sw : (w - kw) / sw + 1;
        int pt = same ? samePadBefore(h, kh, sh) : 0, pl = same ? samePadBefore(w, kw, sw) : 0;
        double[] out = new double[n * oh * ow * co];
        for (int b = 0; b < n; b++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                    for (int o = 0; o < co; o++) {
                        double s = bias == null ? 0 : bias[o];
                        for (int a = 0; a < kh; a++)
                            for (int c = 0; c < kw; c++) {
                                int y = i * sh + a - pt, z = j * sw + c - pl;
                                if (y < 0 || y >= h || z < 0 || z >= w) continue;
                                for (int q = 0; q < ci; q++) {
                                    s += x.v[((b * h + y) * w + z) * ci + q] * k.v[((a * kw + c) * ci + q) * co + o];
                                }
                            }
                        out[((b * oh + i) * ow + j) * co + o] = s;
                    }
        return new Ref(new long[] {n, oh, ow, co}, out);
    }

    /** Max or average pooling, NHWC, over real pixels only. */
    static Ref pool(Ref x, int ph, int pw, int sh, int sw, boolean same, boolean max) {
        int n = x.dim(0), h = x.dim(1), w = x.dim(2), ch = x.dim(3);
        int oh = same ? (h + sh - 1) / sh : (h - ph) / sh + 1, ow = same ? (w + sw - 1) / sw : (w - pw) / sw + 1;
        int pt = same ? samePadBefore(h, ph, sh) : 0, pl = same ? samePadBefore(w, pw, sw) : 0;
        double[] out = new double[n * oh * ow * ch];
        for (int b = 0; b < n; b++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                    for (int c = 0; c < ch; c++) {
                        double acc = max ? Double.NEGATIVE_INFINITY : 0;
                        int count = 0;
                        for (int a = 0; a < ph; a++)
                            for (int d = 0; d < pw; d++) {
                                int y = i * sh + a - pt, z = j * sw + d - pl;
                                if (y < 0 || y >= h || z < 0 || z >= w) continue;
                                double e = x.v[((b * h + y) * w + z) * ch + c];
                                acc = max ? Math.max(acc, e) : acc + e;
                                count++;
                            }
                        out[((b * oh + i) * ow + j) * ch + c] = max ? acc : acc / count;
                    }
        return new Ref(new long[] {n, oh, ow, ch}, out);
    }

    /** PReLU with alpha of the input's shape less the batch dimension, 1 on shared axes. */
    static Ref prelu(Ref x, Ref alpha) {
        double[] out = new double[x.v.length];
        int r = x.shape.length;
        long[] strides = new long[r];
        for (int i = r - 1, s = 1; i >= 0; s *= x.dim(i), i--) strides[i] = s;
        for (int idx = 0; idx < out.length; idx++) {
            int ai = 0;
            for (int d = 1; d < r; d++) {
                int coord = (int) (idx / strides[d] % x.shape[d]);
                ai = ai * alpha.dim(d - 1) + (alpha.dim(d - 1) == 1 ? 0 : coord);
            }
            double e = x.v[idx];
            out[idx] = e > 0 ? e : alpha.v[ai] * e;
        }
        return new Ref(x.shape, out);
    }

    /** numpy.transpose(x, perm). */
    static Ref permute(Ref x, int... perm) {
        int r = perm.length;
        long[] os = new long[r];
        for (int i = 0; i < r; i++) os[i] = x.shape[perm[i]];
        long[] xst = new long[r];
        for (int i = r - 1, s = 1; i >= 0; s *= x.dim(i), i--) xst[i] = s;
        double[] out = new double[x.v.length];
        int[] coord = new int[r];
        for (int o = 0; o < out.length; o++) {
            int rem = o;
            for (int i = r - 1; i >= 0; i--) {
                coord[i] = (int) (rem % os[i]);
                rem /= os[i];
            }
            long src = 0;
            for (int i = 0; i < r; i++) src += coord[i] * xst[perm[i]];
            out[o] = x.v[(int) src];
        }
        return new Ref(os, out);
    }

    /** Row-major flatten of everything but the batch. */
    static Ref flatten(Ref x) {
        return new Ref(new long[] {x.shape[0], x.v.length / x.shape[0]}, x.v.clone());
    }

    static Ref dense(Ref x, Ref k, double[] bias) {
        int n = x.dim(0), in = x.dim(1), out = k.dim(1);
        double[] y = new double[n * out];
        for (int b = 0; b < n; b++)
            for (int o = 0; o < out; o++) {
                double s = bias == null ? 0 : bias[o];
                for (int i = 0; i < in; i++) s += x.v[b * in + i] * k.v[i * out + o];
                y[b * out + o] = s;
            }
        return new Ref(new long[] {n, out}, y);
    }

    /** Softmax over the last axis. */
    static Ref softmax(Ref x) {
        int last = x.dim(x.shape.length - 1);
        double[] y = new double[x.v.length];
        for (int r = 0; r < x.v.length / last; r++) {
            double m = Double.NEGATIVE_INFINITY, s = 0;
            for (int i = 0; i < last; i++) m = Math.max(m, x.v[r * last + i]);
            for (int i = 0; i < last; i++) s += Math.exp(x.v[r * last + i] - m);
            for (int i = 0; i < last; i++) y[r * last + i] = Math.exp(x.v[r * last + i] - m) / s;
        }
        return new Ref(x.shape, y);
    }

    static Ref map(Ref x, java.util.function.DoubleUnaryOperator f) {
        double[] y = new double[x.v.length];
        for (int i = 0; i < y.length; i++) y[i] = f.applyAsDouble(x.v[i]);
        return new Ref(x.shape, y);
    }

    static Ref add(Ref a, Ref b) {
        double[] y = new double[a.v.length];
        for (int i = 0; i < y.length; i++) y[i] = a.v[i] + b.v[i];
        return new Ref(a.shape, y);
    }

    /** BatchNormalization over the last axis, inference form. */
    static Ref batchNorm(Ref x, double[] gamma, double[] beta, double[] mean, double[] var, double eps) {
        int c = x.dim(x.shape.length - 1);
        double[] y = new double[x.v.length];
        for (int i = 0; i < y.length; i++) {
            int k = i % c;
            y[i] = (x.v[i] - mean[k]) / Math.sqrt(var[k] + eps) * gamma[k] + beta[k];
        }
        return new Ref(x.shape, y);
    }

    /** Zero padding of H and W, NHWC. */
    static Ref pad(Ref x, int top, int bottom, int left, int right) {
        int n = x.dim(0), h = x.dim(1), w = x.dim(2), c = x.dim(3);
        int oh = h + top + bottom, ow = w + left + right;
        double[] y = new double[n * oh * ow * c];
        for (int b = 0; b < n; b++)
            for (int i = 0; i < h; i++)
                for (int j = 0; j < w; j++)
                    for (int k = 0; k < c; k++) y[((b * oh + i + top) * ow + j + left) * c + k] = x.v[((b * h + i) * w + j) * c + k];
        return new Ref(new long[] {n, oh, ow, c}, y);
    }

    /** Mean over H and W, NHWC → [N, C]. */
    static Ref globalAvg(Ref x) {
        int n = x.dim(0), hw = x.dim(1) * x.dim(2), c = x.dim(3);
        double[] y = new double[n * c];
        for (int b = 0; b < n; b++)
            for (int p = 0; p < hw; p++)
                for (int k = 0; k < c; k++) y[b * c + k] += x.v[(b * hw + p) * c + k] / hw;
        return new Ref(new long[] {n, c}, y);
    }

    /** Concatenation on the last axis. */
    static Ref concatLast(Ref a, Ref b) {
        int ca = a.dim(a.shape.length - 1), cb = b.dim(b.shape.length - 1), rows = a.v.length / ca;
        double[] y = new double[rows * (ca + cb)];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(a.v, r * ca, y, r * (ca + cb), ca);
            System.arraycopy(b.v, r * cb, y, r * (ca + cb) + ca, cb);
        }
        long[] s = a.shape.clone();
        s[s.length - 1] = ca + cb;
        return new Ref(s, y);
    }
}
