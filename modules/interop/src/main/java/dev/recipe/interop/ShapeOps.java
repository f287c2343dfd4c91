package dev.recipe.interop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.recipe.nn.EmbeddingLookupOp;
import onnx.Onnx.TensorProto;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** ONNX operators that move, select or reshape data, and {@code Constant}. */
final class ShapeOps {
    private ShapeOps() {}

    static Value constant(NodeContext c) {
        INDArray k;
        TensorProto t = c.attrTensor("value");
        if (t != null) k = Tensors.toArray(t, c.floatType(), c.source());
        else if (c.hasAttr("value_float")) k = Nd4j.scalar(c.floatType(), c.attrFloat("value_float", 0));
        else if (c.hasAttr("value_int")) k = Nd4j.scalar(c.attrInt("value_int", 0));
        else if (c.hasAttr("value_ints")) k = Nd4j.createFromArray(c.attrInts("value_ints", null));
        else throw c.fail("only the value, value_float, value_int and value_ints forms are supported");
        return new Value(c.sd().constant(k), k.shape(), k);
    }

    static Value shape(NodeContext c) {
        Value x = c.in(0);
        SDVariable s = c.dims(x, 0, x.rank());
        INDArray k = x.staticShape() ? Nd4j.createFromArray(x.shape()) : null;
        return new Value(s, new long[] {x.rank()}, k);
    }

    static Value transpose(NodeContext c) {
        Value x = c.in(0);
        int r = x.rank();
        long[] perm = c.attrInts("perm", null);
        int[] p = new int[r];
        for (int i = 0; i < r; i++) p[i] = perm == null ? r - 1 - i : c.axis(perm[i], r);
        long[] s = new long[r];
        for (int i = 0; i < r; i++) s[i] = x.shape()[p[i]];
        return Value.of(c.sd().permute(x.var(), p), s);
    }

    static Value unsqueeze(NodeContext c) {
        Value x = c.in(0);
        long[] axes = c.intsFromAttrOrInput("axes", 1);
        if (axes == null) throw c.fail("axes are required");
        int r = x.rank() + axes.length;
        int[] a = Arrays.stream(axes).mapToInt(v -> c.axis(v, r)).sorted().toArray();
        SDVariable v = x.var();
        INDArray k = x.constant();
        List<Long> shape = new ArrayList<>();
        for (long d : x.shape()) shape.add(d);
        for (int ax : a) {
            v = c.sd().expandDims(v, ax);
            shape.add(ax, 1L);
        }
        long[] s = shape.stream().mapToLong(Long::longValue).toArray();
        return new Value(v, s, k == null ? null : k.reshape(s));
    }

    static Value squeeze(NodeContext c) {
        Value x = c.in(0);
        long[] axes = c.intsFromAttrOrInput("axes", 1);
        long[] shape = x.shape();
        List<Integer> drop = new ArrayList<>();
        for (int i = 0; i < shape.length; i++) {
            boolean listed = false;
            if (axes == null) {
                if (shape[i] < 0) throw c.fail("Squeeze without axes needs static dims; dim " + i + " is dynamic");
                listed = shape[i] == 1;
            } else {
                for (long a : axes) if (c.axis(a, shape.length) == i) listed = true;
            }
            if (listed) drop.add(i);
        }
        SDVariable v = x.var();
        for (int i = drop.size() - 1; i >= 0; i--) v = c.sd().squeeze(v, drop.get(i));
        long[] s = new long[shape.length - drop.size()];
        for (int i = 0, j = 0; i < shape.length; i++) if (!drop.contains(i)) s[j++] = shape[i];
        return new Value(v, s, x.isConstant() ? x.constant().reshape(s) : null);
    }

    static Value concat(NodeContext c) {
        int n = c.inputCount();
        Value first = c.in(0);
        int axis = c.axis(c.attrInt("axis", 0), first.rank());
        SDVariable[] vs = new SDVariable[n];
        long[] s = first.shape();
        s[axis] = 0;
        boolean allConstant = true;
        for (int i = 0; i < n; i++) {
            Value v = c.in(i);
            vs[i] = v.var().dataType() == first.var().dataType() ? v.var() : v.var().castTo(first.var().dataType());
            long d = v.shape()[axis];
            s[axis] = s[axis] < 0 || d < 0 ? -1 : s[axis] + d;
            allConstant &= v.isConstant();
        }
        INDArray k = null;
        if (allConstant) {
            INDArray[] ks = new INDArray[n];
            for (int i = 0; i < n; i++) ks[i] = c.in(i).constant().castTo(first.constant().dataType());
            k = Nd4j.concat(axis, ks);
        }
        return new Value(n == 1 ? vs[0] : c.sd().concat(axis, vs), s, k);
    }

    /** {@code Reshape}: 0 copies the input's dimension (allowzero=0), -1 is inferred. */
    static Value reshape(NodeContext c) {
        Value x = c.in(0), target = c.in(1);
        if (target.rank() != 1 || target.shape()[0] < 0) throw c.fail("the shape input must be a vector of known length");
        if (!target.isConstant()) {
            // dims known only at run time: assumed free of the copy-marker 0
            return Value.of(c.sd().reshape(x.var(), target.var()), filled(target.shape()[0]));
        }
        long[] t = target.constant().castTo(DataType.LONG).toLongVector();
        boolean dynamicCopy = false;
        for (int i = 0; i < t.length; i++) {
            if (t[i] == 0) {
                if (i >= x.rank()) throw c.fail("shape " + Arrays.toString(t) + " copies dim " + i + " of a rank-" + x.rank() + " input");
                if (x.shape()[i] >= 0) t[i] = x.shape()[i];
                else dynamicCopy = true;
            }
        }
        long[] s = inferred(t, x.shape());
        if (!dynamicCopy) return Value.of(c.sd().reshape(x.var(), t), s);
        SDVariable[] parts = new SDVariable[t.length];
        for (int i = 0; i < t.length; i++) parts[i] = t[i] == 0 ? c.dims(x, i, i + 1) : c.longs(t[i]);
        return Value.of(c.sd().reshape(x.var(), c.sd().concat(0, parts)), s);
    }

    /** {@code Flatten} to 2-D at {@code axis}; products of dims known only at run time are computed in the graph. */
    static Value flatten(NodeContext c) {
        Value x = c.in(0);
        int r = x.rank();
        int axis = c.axis(c.attrInt("axis", 1), r + 1);
        long lead = 1, rest = 1;
        for (int i = 0; i < r; i++) {
            long d = x.shape()[i];
            if (i < axis) lead = lead < 0 || d < 0 ? -1 : lead * d;
            else rest = rest < 0 || d < 0 ? -1 : rest * d;
        }
        SDVariable y;
        if (lead >= 0 || rest >= 0) {
            y = c.sd().reshape(x.var(), lead < 0 ? -1 : lead, rest < 0 ? -1 : rest);
        } else {
            SDVariable shape = c.sd().concat(0, product(c, x, 0, axis), product(c, x, axis, r));
            y = c.sd().reshape(x.var(), shape);
        }
        return Value.of(y, lead, rest);
    }

    /** The product of dims {@code from..to-1} of {@code x} as an int64 vector of length 1. */
    private static SDVariable product(NodeContext c, Value x, int from, int to) {
        if (from == to) return c.longs(1);
        return c.sd().prod(c.dims(x, from, to), true, 0);
    }

    /** {@code ConstantOfShape}: a tensor of the given shape filled with {@code value} (default float 0). */
    static Value constantOfShape(NodeContext c) {
        Value shape = c.in(0);
        TensorProto t = c.attrTensor("value");
        INDArray v = t == null ? Nd4j.scalar(c.floatType(), 0.0) : Tensors.toArray(t, c.floatType(), c.source());
        if (v.length() != 1) throw c.fail("value must hold one element, has " + v.length());
        if (shape.rank() != 1 || shape.shape()[0] < 0) throw c.fail("the shape input must be a vector of known length");
        if (shape.isConstant()) {
            long[] s = shape.constant().castTo(DataType.LONG).toLongVector();
            INDArray k = Nd4j.valueArrayOf(s, v.getDouble(0), v.dataType());
            return new Value(c.sd().constant(k), s, k);
        }
        SDVariable sv = shape.var().dataType() == DataType.LONG ? shape.var() : shape.var().castTo(DataType.LONG);
        return Value.of(c.sd().fill(sv, v.dataType(), v.getDouble(0)), filled(shape.shape()[0]));
    }

    /**
     * {@code Expand}: numpy broadcast of the input against the given shape, as a product with ones of that shape
     * (broadcasting, and a gradient that sums over the broadcast dims).
     */
    static Value expand(NodeContext c) {
        Value x = c.in(0), shape = c.in(1);
        if (shape.rank() != 1 || shape.shape()[0] < 0) throw c.fail("the shape input must be a vector of known length");
        DataType t = x.var().dataType();
        long[] out;
        SDVariable ones;
        if (shape.isConstant()) {
            long[] s = shape.constant().castTo(DataType.LONG).toLongVector();
            out = c.broadcast(x.shape(), s);
            ones = c.sd().constant(Nd4j.ones(t, s));
        } else {
            int r = (int) Math.max(x.rank(), shape.shape()[0]);
            out = new long[r];
            for (int i = 0; i < r; i++) {
                int xi = i - (r - x.rank());
                out[i] = xi >= 0 && x.shape()[xi] > 1 ? x.shape()[xi] : -1;
            }
            SDVariable sv = shape.var().dataType() == DataType.LONG ? shape.var() : shape.var().castTo(DataType.LONG);
            ones = c.sd().fill(sv, t, 1.0);
        }
        SDVariable y = t == DataType.BOOL ? x.var().castTo(DataType.INT).mul(ones.castTo(DataType.INT)).castTo(DataType.BOOL)
                : x.var().mul(ones);
        return c.folded(y, out);
    }

    /** {@code Range(start, limit, delta)} of scalars; folded at import time when all three are constants. */
    static Value range(NodeContext c) {
        Value start = c.in(0), limit = c.in(1), delta = c.in(2);
        for (int i = 0; i < 3; i++) if (c.in(i).rank() != 0) throw c.fail("input " + i + " must be a scalar, has rank " + c.in(i).rank());
        DataType t = start.var().dataType();
        SDVariable y = c.sd().range(start.var(), cast(limit.var(), t), cast(delta.var(), t), t);
        return c.folded(y, new long[] {-1});
    }

    private static SDVariable cast(SDVariable v, DataType t) {
        return v.dataType() == t ? v : v.castTo(t);
    }

    /**
     * {@code Gather}. Float data (embedding tables, activations) goes through the project's {@link EmbeddingLookupOp},
     * whose gradient is right (M2.1's gather gradient is broken): the gathered axis is moved to the front, the rest
     * flattened, rows looked up, and the result reshaped and permuted back. Integer data (shape vectors) uses the
     * plain gather, which needs no gradient. Negative indices count from the end: constant ones are resolved at
     * import time (the native ops read them as garbage), which needs the size of the gathered axis to be static;
     * indices computed at run time must be non-negative.
     */
    static Value gather(NodeContext c) {
        Value data = c.in(0), idx = c.in(1);
        int r = data.rank(), ri = idx.rank();
        int axis = c.axis(c.attrInt("axis", 0), r);
        long[] ds = data.shape();
        if (idx.isConstant()) idx = nonNegative(c, idx, ds[axis], axis);
        long[] out = new long[r - 1 + ri];
        System.arraycopy(ds, 0, out, 0, axis);
        System.arraycopy(idx.shape(), 0, out, axis, ri);
        System.arraycopy(ds, axis + 1, out, axis + ri, r - axis - 1);
        SameDiff sd = c.sd();
        if (!NodeContext.isFloating(data.var())) {
            INDArray k = null;
            if (data.isConstant() && idx.isConstant() && r == 1) {
                long[] ids = idx.constant().castTo(DataType.LONG).toLongVector();
                long[] vals = new long[ids.length];
                for (int i = 0; i < ids.length; i++) vals[i] = data.constant().getLong(ids[i] < 0 ? ids[i] + ds[0] : ids[i]);
                k = Nd4j.createFromArray(vals).castTo(data.constant().dataType()).reshape(out);
            }
            return new Value(sd.gather(data.var(), idx.var(), axis), out, k);
        }
        int[] perm = new int[r];
        perm[0] = axis;
        for (int i = 0, j = 1; i < r; i++) if (i != axis) perm[j++] = i;
        SDVariable table = axis == 0 ? data.var() : sd.permute(data.var(), perm);
        Value permuted = Value.of(table, permute(ds, perm));
        if (r != 2) table = sd.reshape(table, sd.concat(0, c.dims(permuted, 0, 1), c.longs(-1)));
        SDVariable ids = sd.reshape(idx.var(), c.longs(-1));
        SDVariable rows = new EmbeddingLookupOp(sd, table, ids).outputVariable();
        SDVariable rest = c.dims(permuted, 1, r);
        SDVariable shape = ri == 0 ? rest : sd.concat(0, c.dims(idx, 0, ri), rest);
        SDVariable y = sd.reshape(rows, shape);
        if (axis != 0 && ri > 0) {
            int[] back = new int[r - 1 + ri];
            int j = 0;
            for (int i = 0; i < axis; i++) back[j++] = ri + i;
            for (int i = 0; i < ri; i++) back[j++] = i;
            for (int i = ri + axis; i < r - 1 + ri; i++) back[j++] = i;
            y = sd.permute(y, back);
        }
        return Value.of(y, out);
    }

    /** Constant indices with negatives (counted from the end) made non-negative, given the axis size {@code n}. */
    private static Value nonNegative(NodeContext c, Value idx, long n, int axis) {
        long[] ids = idx.constant().castTo(DataType.LONG).dup().data().asLong();
        boolean negative = false;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] >= 0) continue;
            if (n < 0) throw c.fail("negative index " + ids[i] + " on axis " + axis + ", whose size is known only at run time");
            ids[i] += n;
            negative = true;
        }
        if (!negative) return idx;
        INDArray k = Nd4j.createFromArray(ids).reshape(idx.shape());
        return new Value(c.sd().constant(k), idx.shape(), k);
    }

    /**
     * {@code Slice} (opset 1-9 attributes, opset 10+ inputs) as a strided slice. Axes and steps must be constants;
     * starts and ends may be computed at run time (e.g. from the sequence length).
     */
    static Value slice(NodeContext c) {
        Value x = c.in(0);
        int r = x.rank();
        boolean attrs = c.opset() < 10;
        long[] axes = attrs ? c.attrInts("axes", null) : (c.has(3) ? c.constant(3, "axes").castTo(DataType.LONG).toLongVector() : null);
        long[] steps = !attrs && c.has(4) ? c.constant(4, "steps").castTo(DataType.LONG).toLongVector() : null;
        int k = attrs ? c.attrInts("starts", new long[0]).length : (int) c.in(1).shape()[0];
        if (axes == null) { axes = new long[k]; for (int i = 0; i < k; i++) axes[i] = i; }
        int[] ax = Arrays.stream(axes).mapToInt(a -> c.axis(a, r)).toArray();
        long[] st = new long[r];
        Arrays.fill(st, 1);
        for (int i = 0; i < k; i++) st[ax[i]] = steps == null ? 1 : steps[i];
        SDVariable begin = bound(c, attrs ? c.attrInts("starts", null) : null, attrs ? null : c.in(1), ax, r, st, true);
        SDVariable end = bound(c, attrs ? c.attrInts("ends", null) : null, attrs ? null : c.in(2), ax, r, st, false);
        int beginMask = 0, endMask = 0;
        for (int d = 0; d < r; d++) {
            int finalD = d;
            if (Arrays.stream(ax).noneMatch(a -> a == finalD)) { beginMask |= 1 << d; endMask |= 1 << d; }
        }
        endMask |= openEnds(c, attrs ? c.attrInts("ends", null) : null, attrs ? null : c.in(2), ax, st);
        SDVariable y = c.sd().stridedSlice(x.var(), begin, end, c.longs(st), beginMask, endMask, 0, 0, 0);
        long[] s = x.shape();
        for (int a : ax) s[a] = -1;
        return Value.of(y, s);
    }

    /** Per-dimension begin or end vector: the sliced axes' values, 0 elsewhere (masked). */
    private static SDVariable bound(NodeContext c, long[] attr, Value input, int[] ax, int r, long[] steps, boolean isBegin) {
        long[] values = attr != null ? attr : input.isConstant() ? input.constant().castTo(DataType.LONG).toLongVector() : null;
        if (values != null) {
            long[] full = new long[r];
            for (int i = 0; i < ax.length; i++) full[ax[i]] = clampHuge(values[i]);
            return c.longs(full);
        }
        SDVariable v = input.var().dataType() == DataType.LONG ? input.var() : input.var().castTo(DataType.LONG);
        SDVariable[] parts = new SDVariable[r];
        for (int d = 0; d < r; d++) {
            parts[d] = c.longs(0);
            for (int i = 0; i < ax.length; i++) if (ax[i] == d) parts[d] = c.sd().slice(v, new int[] {i}, 1);
        }
        return c.sd().concat(0, parts);
    }

    /** End-mask bits for ends beyond any dimension (ONNX writes INT64_MAX / INT64_MIN for "to the end"). */
    private static int openEnds(NodeContext c, long[] attr, Value input, int[] ax, long[] steps) {
        long[] values = attr != null ? attr : input.isConstant() ? input.constant().castTo(DataType.LONG).toLongVector() : null;
        int mask = 0;
        if (values == null) return 0;
        for (int i = 0; i < ax.length; i++) {
            if (steps[ax[i]] > 0 && values[i] >= Integer.MAX_VALUE) mask |= 1 << ax[i];
            if (steps[ax[i]] < 0 && values[i] <= Integer.MIN_VALUE) mask |= 1 << ax[i];
        }
        return mask;
    }

    private static long clampHuge(long v) {
        return Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
    }

    private static long[] permute(long[] s, int[] p) {
        long[] out = new long[p.length];
        for (int i = 0; i < p.length; i++) out[i] = s[p[i]];
        return out;
    }

    private static long[] filled(long n) {
        long[] s = new long[(int) n];
        Arrays.fill(s, -1);
        return s;
    }

    /** Static result shape of a reshape whose target has no 0s left: -1 resolved when the input size is known. */
    private static long[] inferred(long[] t, long[] in) {
        long[] s = t.clone();
        long total = 1;
        for (long d : in) total = total < 0 || d < 0 ? -1 : total * d;
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) unknown = i;
            else known *= s[i];
        }
        if (unknown >= 0 && total >= 0 && known > 0) s[unknown] = total / known;
        return s;
    }
}
