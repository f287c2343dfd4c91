package dev.recipe.interop;

import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.linalg.api.buffer.DataType;

/** Builds small ONNX models in tests (no Python needed). Dims below 0 are dynamic. */
final class OnnxBuilder {
    private final GraphProto.Builder g = GraphProto.newBuilder().setName("test");
    private final int opset;

    OnnxBuilder(int opset) {
        this.opset = opset;
    }

    OnnxBuilder input(String name, int elemType, long... dims) {
        g.addInput(valueInfo(name, elemType, dims));
        return this;
    }

    OnnxBuilder output(String name) {
        g.addOutput(ValueInfoProto.newBuilder().setName(name));
        return this;
    }

    OnnxBuilder floats(String name, float[] values, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(1);
        for (long d : dims) t.addDims(d);
        for (float v : values) t.addFloatData(v);
        g.addInitializer(t);
        return this;
    }

    OnnxBuilder longs(String name, long[] values, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(7);
        for (long d : dims) t.addDims(d);
        for (long v : values) t.addInt64Data(v);
        g.addInitializer(t);
        return this;
    }

    /** A node; attributes as name/value pairs (Long, Float, long[], TensorProto or String). */
    OnnxBuilder node(String op, String[] inputs, String output, Object... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(op + "_" + g.getNodeCount()).addOutput(output);
        for (String in : inputs) n.addInput(in);
        for (int i = 0; i < attrs.length; i += 2) {
            AttributeProto.Builder a = AttributeProto.newBuilder().setName((String) attrs[i]);
            Object v = attrs[i + 1];
            if (v instanceof Long l) a.setType(AttributeProto.AttributeType.INT).setI(l);
            else if (v instanceof Float f) a.setType(AttributeProto.AttributeType.FLOAT).setF(f);
            else if (v instanceof long[] ls) { a.setType(AttributeProto.AttributeType.INTS); for (long l : ls) a.addInts(l); }
            else if (v instanceof TensorProto t) a.setType(AttributeProto.AttributeType.TENSOR).setT(t);
            else a.setType(AttributeProto.AttributeType.STRING).setS(org.nd4j.shade.protobuf.ByteString.copyFromUtf8((String) v));
            n.addAttribute(a);
        }
        g.addNode(n);
        return this;
    }

    ModelProto build() {
        return ModelProto.newBuilder().setIrVersion(7).setProducerName("test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(opset)).setGraph(g).build();
    }

    OnnxGraph translate(DataType floatType) {
        return OnnxImporter.translate(build(), "test-model", floatType);
    }

    static ValueInfoProto valueInfo(String name, int elemType, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("d" + s.getDimCount())
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(s))).build();
    }
}
