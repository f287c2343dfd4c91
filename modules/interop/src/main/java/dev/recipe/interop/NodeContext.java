package dev.recipe.interop;

import java.util.Arrays;
import java.util.List;

import onnx.Onnx.AttributeProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What an {@link OnnxOp} sees of the node it translates: inputs as {@link Value}s (null for an omitted optional
 * input), attributes with defaults, the opset, and helpers for shape vectors. Errors thrown through {@link #fail}
 * name the file, the node index, its type and name.
 */
public final class NodeContext {
    private final SameDiff sd;
    private final NodeProto node;
    private final int index;
    private final List<Value> inputs;
    private final int opset;
    private final DataType floatType;
    private final String source;

    NodeContext(SameDiff sd, NodeProto node, int index, List<Value> inputs, int opset, DataType floatType, String source) {
        this.sd = sd;
        this.node = node;
        this.index = index;
        this.inputs = inputs;
        this.opset = opset;
        this.floatType = floatType;
        this.source = source;
    }

    public SameDiff sd() { return sd; }
    public NodeProto node() { return node; }
    public int opset() { return opset; }
    /** The type floating ONNX tensors become (FLOAT by default, DOUBLE for gradient checks). */
    public DataType floatType() { return floatType; }
    public String source() { return source; }

    public int inputCount() { return inputs.size(); }

    /** True when input {@code i} is present (not omitted). */
    public boolean has(int i) { return i < inputs.size() && inputs.get(i) != null; }

    /** Input {@code i}; fails when it is absent. */
    public Value in(int i) {
        if (!has(i)) throw fail("input " + i + " is required");
        return inputs.get(i);
    }

    public SDVariable var(int i) { return in(i).var(); }

    /** The contents of input {@code i}, which must be known at import time (a Constant or integer initializer). */
    public INDArray constant(int i, String what) {
        Value v = in(i);
        if (!v.isConstant()) throw fail(what + " (input " + i + ") must be a constant or an integer initializer");
        return v.constant();
    }

    public OnnxImportException fail(String message) {
        return fail(message, null);
    }

    public OnnxImportException fail(String message, Throwable cause) {
        return new OnnxImportException(source + ": node " + index + " (" + node.getOpType() + " '" + node.getName()
                + "'): " + message, cause);
    }

    private AttributeProto attr(String name) {
        for (AttributeProto a : node.getAttributeList()) if (a.getName().equals(name)) return a;
        return null;
    }

    public boolean hasAttr(String name) { return attr(name) != null; }

    public long attrInt(String name, long dflt) {
        AttributeProto a = attr(name);
        return a == null ? dflt : a.getI();
    }

    public float attrFloat(String name, float dflt) {
        AttributeProto a = attr(name);
        return a == null ? dflt : a.getF();
    }

    public String attrString(String name, String dflt) {
        AttributeProto a = attr(name);
        return a == null ? dflt : a.getS().toStringUtf8();
    }

    /** An INTS attribute, or {@code dflt} (may be null) when absent. */
    public long[] attrInts(String name, long[] dflt) {
        AttributeProto a = attr(name);
        if (a == null) return dflt;
        return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    public TensorProto attrTensor(String name) {
        AttributeProto a = attr(name);
        return a == null || !a.hasT() ? null : a.getT();
    }

    /** {@code axis} in [-rank, rank) as a non-negative axis. */
    public int axis(long axis, int rank) {
        if (axis < -rank || axis >= rank) throw fail("axis " + axis + " is out of range for rank " + rank);
        return (int) (axis < 0 ? axis + rank : axis);
    }

    /** Reads integer values from an attribute (older opsets) or a constant input (newer ones); null if neither. */
    public long[] intsFromAttrOrInput(String attr, int input) {
        long[] a = attrInts(attr, null);
        if (a != null) return a;
        if (has(input)) return constant(input, attr).castTo(DataType.LONG).toLongVector();
        return null;
    }

    /**
     * The dimensions {@code from..to-1} of {@code v} as an int64 vector: a constant when they are known at import
     * time, else taken from the run-time shape.
     */
    public SDVariable dims(Value v, int from, int to) {
        long[] s = Arrays.copyOfRange(v.shape(), from, to);
        boolean known = Arrays.stream(s).allMatch(d -> d >= 0);
        if (known) return sd.constant(Nd4j.createFromArray(s));
        SDVariable shape = sd.shape(v.var());
        if (shape.dataType() != DataType.LONG) shape = shape.castTo(DataType.LONG);
        if (from == 0 && to == v.rank()) return shape;
        return sd.slice(shape, new int[] {from}, to - from);
    }

    /** A constant int64 vector. */
    public SDVariable longs(long... values) {
        return sd.constant(Nd4j.createFromArray(values));
    }

    /** Numpy-style broadcast of two static shapes (-1 stays unknown unless the other side fixes it). */
    public long[] broadcast(long[] a, long[] b) {
        int r = Math.max(a.length, b.length);
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            long x = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1;
            long y = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
            if (x == 1) out[i] = y;
            else if (y == 1) out[i] = x;
            else if (x < 0) out[i] = y;
            else if (y < 0 || x == y) out[i] = x;
            else throw fail("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
        }
        return out;
    }

    /**
     * The result of a translation: when every present input is known at import time, {@code v} is evaluated now and
     * its contents kept as the value's constant (so later shape arithmetic stays static); otherwise {@code shape}.
     */
    public Value folded(SDVariable v, long[] shape) {
        for (Value in : inputs) if (in != null && !in.isConstant()) return Value.of(v, shape);
        INDArray k = v.eval();
        return new Value(v, k.shape(), k);
    }

    static boolean isFloating(SDVariable v) {
        return v.dataType().isFPType();
    }
}
