package dev.recipe.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.shade.protobuf.InvalidProtocolBufferException;

/**
 * Reads an ONNX model file into the protobuf classes that ship inside nd4j-api (package {@code onnx}, shaded
 * protobuf 3) and checks that it is structurally whole, so that a truncated or random file fails here with a message
 * naming the file and the problem, before any graph is built. The checks: the bytes parse as a {@code ModelProto};
 * there is a graph with at least one node and one output and an opset; every node input is a graph input, an initializer or the
 * output of an earlier node; every graph output is produced; every initializer holds as many values as its dims say.
 */
public final class OnnxModelFile {
    /** Protobuf's own limit for one message; larger models use external data, which is not supported. */
    private static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private OnnxModelFile() {}

    /** Parses and validates {@code file}; never returns a partial model. */
    public static ModelProto read(Path file) {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size == 0) throw new OnnxImportException(file + ": not an ONNX model: the file is empty");
            if (size > MAX_BYTES) {
                throw new OnnxImportException(file + ": " + size + " bytes is beyond protobuf's 2 GB limit "
                        + "(models with external data are not supported)");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new OnnxImportException(file + ": no such file", e);
        } catch (IOException e) {
            throw new OnnxImportException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(bytes, file.toString());
    }

    /** Parses and validates ONNX bytes; {@code source} names them in error messages. */
    public static ModelProto parse(byte[] bytes, String source) {
        ModelProto model;
        try {
            model = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxImportException(source + ": not a valid ONNX protobuf (truncated or corrupt?): "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new OnnxImportException(source + ": not a valid ONNX protobuf: " + e, e);
        }
        validate(model, source);
        return model;
    }

    static void validate(ModelProto model, String source) {
        if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
            throw new OnnxImportException(source + ": not an ONNX model: no graph with nodes (ir_version "
                    + model.getIrVersion() + ", " + model.getSerializedSize() + " bytes parsed)");
        }
        if (model.getIrVersion() >= 3 && model.getOpsetImportCount() == 0) {
            throw new OnnxImportException(source + ": the model (ir_version " + model.getIrVersion()
                    + ") declares no opset_import (truncated file?)");
        }
        GraphProto g = model.getGraph();
        if (g.getOutputCount() == 0) throw new OnnxImportException(source + ": the graph declares no outputs");
        Set<String> defined = new HashSet<>();
        for (ValueInfoProto in : g.getInputList()) defined.add(in.getName());
        for (TensorProto t : g.getInitializerList()) {
            checkTensorSize(t, source);
            defined.add(t.getName());
        }
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            for (String in : n.getInputList()) {
                if (!in.isEmpty() && !defined.contains(in)) {
                    throw new OnnxImportException(source + ": node " + i + " (" + n.getOpType() + " '" + n.getName()
                            + "') reads '" + in + "', which no graph input, initializer or earlier node defines "
                            + "(truncated file or nodes out of order)");
                }
            }
            defined.addAll(n.getOutputList());
        }
        for (ValueInfoProto out : g.getOutputList()) {
            if (!defined.contains(out.getName())) {
                throw new OnnxImportException(source + ": graph output '" + out.getName()
                        + "' is produced by no node (truncated file?)");
            }
        }
    }

    private static void checkTensorSize(TensorProto t, String source) {
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
            throw new OnnxImportException(source + ": initializer '" + t.getName()
                    + "' keeps its data in an external file, which is not supported");
        }
        long expected = 1;
        for (long d : t.getDimsList()) {
            if (d < 0) throw new OnnxImportException(source + ": initializer '" + t.getName() + "' has dims " + t.getDimsList());
            expected = Math.multiplyExact(expected, d);
        }
        long actual = Tensors.elementCount(t, source);
        if (actual != expected) {
            throw new OnnxImportException(source + ": initializer '" + t.getName() + "' has dims " + t.getDimsList()
                    + " (" + expected + " values) but holds " + actual + " values (truncated or corrupt file)");
        }
    }
}
