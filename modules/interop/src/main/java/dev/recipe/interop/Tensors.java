package dev.recipe.interop;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import onnx.Onnx.TensorProto;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.protobuf.ByteString;

/**
 * ONNX {@code TensorProto} ⇄ ND4J arrays. ONNX tensors are row-major; {@code raw_data} is little-endian. Floating
 * tensors (float16/32/64) become {@code floatType} arrays, INT64 LONG, INT32 INT, INT16 SHORT, INT8 BYTE, UINT8
 * UBYTE, BOOL BOOL. Strings, complex numbers and unsigned 16/32/64-bit integers are not supported.
 */
public final class Tensors {
    private Tensors() {}

    // TensorProto.DataType numbers, as in onnx.proto
    static final int FLOAT = 1, UINT8 = 2, INT8 = 3, INT16 = 5, INT32 = 6, INT64 = 7, BOOL = 9, FLOAT16 = 10, DOUBLE = 11;

    /** Bytes per element in {@code raw_data}, or -1 for a type this class does not read. */
    static int bytesPerElement(int onnxType) {
        switch (onnxType) {
            case FLOAT: case INT32: return 4;
            case INT64: case DOUBLE: return 8;
            case INT16: case FLOAT16: return 2;
            case INT8: case UINT8: case BOOL: return 1;
            default: return -1;
        }
    }

    static String typeName(int onnxType) {
        TensorProto.DataType t = TensorProto.DataType.forNumber(onnxType);
        return t == null ? "data type " + onnxType : t.name();
    }

    /** The ND4J type an ONNX element type becomes; {@code floatType} for every floating type. */
    public static DataType ndType(int onnxType, DataType floatType, String where) {
        switch (onnxType) {
            case FLOAT: case DOUBLE: case FLOAT16: return floatType;
            case INT64: return DataType.LONG;
            case INT32: return DataType.INT;
            case INT16: return DataType.SHORT;
            case INT8: return DataType.BYTE;
            case UINT8: return DataType.UBYTE;
            case BOOL: return DataType.BOOL;
            default: throw new OnnxImportException(where + ": element type " + typeName(onnxType) + " is not supported");
        }
    }

    /** How many values the tensor holds (raw or typed fields). */
    static long elementCount(TensorProto t, String source) {
        int type = t.getDataType();
        if (!t.getRawData().isEmpty()) {
            int b = bytesPerElement(type);
            if (b < 0) throw new OnnxImportException(source + ": tensor '" + t.getName() + "' has unsupported element type " + typeName(type));
            if (t.getRawData().size() % b != 0) {
                throw new OnnxImportException(source + ": tensor '" + t.getName() + "' has " + t.getRawData().size()
                        + " raw bytes, not a multiple of " + b + " (" + typeName(type) + ")");
            }
            return t.getRawData().size() / b;
        }
        switch (type) {
            case FLOAT: return t.getFloatDataCount();
            case DOUBLE: return t.getDoubleDataCount();
            case INT64: return t.getInt64DataCount();
            case INT32: case INT16: case INT8: case UINT8: case BOOL: case FLOAT16: return t.getInt32DataCount();
            default: throw new OnnxImportException(source + ": tensor '" + t.getName() + "' has unsupported element type " + typeName(type));
        }
    }

    static long[] dims(TensorProto t) {
        List<Long> d = t.getDimsList();
        long[] out = new long[d.size()];
        for (int i = 0; i < out.length; i++) out[i] = d.get(i);
        return out;
    }

    /** The tensor as an array of {@link #ndType}; scalars have rank 0. */
    public static INDArray toArray(TensorProto t, DataType floatType, String source) {
        int type = t.getDataType();
        DataType nd = ndType(type, floatType, source + ": tensor '" + t.getName() + "'");
        int n = Math.toIntExact(elementCount(t, source));
        long[] shape = dims(t);
        ByteBuffer raw = t.getRawData().isEmpty() ? null : t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        INDArray flat;
        switch (type) {
            case FLOAT:
                flat = floats(t, raw, n).castTo(floatType);
                break;
            case DOUBLE: case FLOAT16: {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    if (type == DOUBLE) v[i] = raw != null ? raw.getDouble() : t.getDoubleData(i);
                    else v[i] = halfToFloat(raw != null ? raw.getShort() : t.getInt32Data(i));
                }
                flat = Nd4j.createFromArray(v).castTo(floatType);
                break;
            }
            case INT64: {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) v[i] = raw != null ? raw.getLong() : t.getInt64Data(i);
                flat = Nd4j.createFromArray(v);
                break;
            }
            default: {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    if (raw == null) v[i] = t.getInt32Data(i);
                    else if (type == INT32) v[i] = raw.getInt();
                    else if (type == INT16) v[i] = raw.getShort();
                    else if (type == UINT8) v[i] = raw.get() & 0xff;
                    else v[i] = raw.get();
                }
                flat = Nd4j.createFromArray(v).castTo(nd);
            }
        }
        if (shape.length == 0) return flat.reshape(new long[0]);
        return flat.reshape('c', shape);
    }

    private static INDArray floats(TensorProto t, ByteBuffer raw, int n) {
        float[] f = new float[n];
        if (raw != null) raw.asFloatBuffer().get(f);
        else for (int i = 0; i < n; i++) f[i] = t.getFloatData(i);
        return Nd4j.createFromArray(f);
    }

    /** IEEE 754 half precision (binary16) to float. */
    static float halfToFloat(int bits) {
        int sign = (bits >> 15) & 1, exp = (bits >> 10) & 0x1f, mant = bits & 0x3ff;
        float v;
        if (exp == 0) v = mant * 0x1p-24f;
        else if (exp == 31) v = mant == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        else v = (1 + mant / 1024f) * (float) Math.pow(2, exp - 15);
        return sign == 1 ? -v : v;
    }

    /**
     * Replaces the values of {@code original} by {@code values} (same element count), keeping its name, dims and
     * element type; writes {@code raw_data} and clears the typed fields.
     */
    public static TensorProto withValues(TensorProto original, INDArray values, String source) {
        int type = original.getDataType();
        long expected = 1;
        for (long d : original.getDimsList()) expected *= d;
        if (values.length() != expected) {
            throw new IllegalArgumentException(source + ": initializer '" + original.getName() + "' has dims "
                    + original.getDimsList() + " but the graph holds shape " + java.util.Arrays.toString(values.shape()));
        }
        INDArray c = values.dup('c');
        int n = (int) expected;
        ByteBuffer buf;
        switch (type) {
            case FLOAT: {
                buf = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
                float[] f = c.castTo(DataType.FLOAT).data().asFloat();
                for (float v : f) buf.putFloat(v);
                break;
            }
            case DOUBLE: {
                buf = ByteBuffer.allocate(8 * n).order(ByteOrder.LITTLE_ENDIAN);
                for (double v : c.castTo(DataType.DOUBLE).data().asDouble()) buf.putDouble(v);
                break;
            }
            default:
                throw new OnnxImportException(source + ": cannot export initializer '" + original.getName()
                        + "' of type " + typeName(type) + " (only FLOAT and DOUBLE)");
        }
        buf.flip();
        return original.toBuilder().clearFloatData().clearDoubleData().clearInt32Data().clearInt64Data()
                .setRawData(ByteString.copyFrom(buf)).build();
    }
}
