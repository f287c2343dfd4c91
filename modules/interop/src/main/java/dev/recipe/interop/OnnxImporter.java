package dev.recipe.interop;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.recipe.nn.SameDiffFixes;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ONNX → SameDiff, the project's own translator (DL4J's ONNX importer is broken in M2.1, see PLATFORM-NOTES).
 * Float initializers become trainable VARIABLEs named as in the ONNX file (float32 by default), integer initializers
 * constants, graph inputs placeholders (dynamic dims as -1); each node is translated by its entry in
 * {@link OnnxOps}. A model with operators outside the table fails before anything is built, with one message
 * listing every unsupported operator and how often it occurs.
 */
public final class OnnxImporter {
    private OnnxImporter() {}

    /** Imports {@code file} with float32 variables. */
    public static OnnxGraph importModel(Path file) {
        return importModel(file, DataType.FLOAT);
    }

    /** Imports {@code file}; floating tensors become {@code floatType} (DOUBLE for finite-difference checks). */
    public static OnnxGraph importModel(Path file, DataType floatType) {
        return translate(OnnxModelFile.read(file), file.toString(), floatType);
    }

    /** Translates a parsed (and validated) model; {@code source} names it in error messages. */
    public static OnnxGraph translate(ModelProto model, String source, DataType floatType) {
        if (!floatType.isFPType()) throw new IllegalArgumentException("floatType must be floating: " + floatType);
        OnnxModelFile.validate(model, source);
        GraphProto g = model.getGraph();
        requireSupported(g, source);
        SameDiffFixes.install();
        int opset = defaultOpset(model);
        SameDiff sd = SameDiff.create();
        Names names = new Names(sd);
        Map<String, Value> values = new LinkedHashMap<>();
        Map<String, String> variables = new LinkedHashMap<>();
        Set<String> initializers = new HashSet<>();
        for (TensorProto t : g.getInitializerList()) {
            INDArray arr = Tensors.toArray(t, floatType, source);
            String name = names.fresh(t.getName());
            boolean trainable = arr.dataType().isFPType();
            SDVariable v = trainable ? sd.var(name, arr) : sd.constant(name, arr);
            if (trainable) variables.put(t.getName(), name);
            values.put(t.getName(), new Value(v, arr.shape(), trainable ? null : arr));
            initializers.add(t.getName());
        }
        Map<String, String> inputs = new LinkedHashMap<>();
        for (ValueInfoProto in : g.getInputList()) {
            if (initializers.contains(in.getName())) continue; // IR < 4 lists initializers among the inputs
            if (!in.getType().hasTensorType()) throw new OnnxImportException(source + ": graph input '" + in.getName() + "' is not a tensor");
            long[] shape = dims(in.getType().getTensorType().getShape());
            DataType type = Tensors.ndType(in.getType().getTensorType().getElemType(), floatType, source + ": graph input '" + in.getName() + "'");
            String name = names.fresh(in.getName());
            values.put(in.getName(), Value.of(sd.placeHolder(name, type, shape), shape));
            inputs.put(in.getName(), name);
        }
        List<OnnxGraph.Node> nodes = new ArrayList<>();
        Set<String> bound = new HashSet<>();
        values.values().forEach(v -> bound.add(v.var().name()));
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            List<Value> in = new ArrayList<>();
            for (String s : n.getInputList()) in.add(s.isEmpty() ? null : values.get(s));
            NodeContext ctx = new NodeContext(sd, n, i, in, opset, floatType, source);
            long extra = n.getOutputList().stream().skip(1).filter(s -> !s.isEmpty()).count();
            if (extra > 0 && !n.getOpType().equals("Dropout")) throw ctx.fail("only the first output is supported");
            Value out;
            try {
                out = OnnxOps.get(n.getDomain(), n.getOpType()).translate(ctx);
            } catch (OnnxImportException e) {
                throw e;
            } catch (RuntimeException e) {
                throw ctx.fail("translation failed: " + e, e);
            }
            String onnxName = n.getOutput(0);
            if (!bound.contains(out.var().name())) {
                out.var().rename(names.fresh(onnxName));
                bound.add(out.var().name());
            }
            values.put(onnxName, out);
            String op = n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx") ? n.getOpType() : n.getDomain() + ":" + n.getOpType();
            Map<String, Long> ints = new LinkedHashMap<>();
            for (AttributeProto a : n.getAttributeList()) if (a.getType() == AttributeProto.AttributeType.INT) ints.put(a.getName(), a.getI());
            nodes.add(new OnnxGraph.Node(i, op, n.getName(), n.getInputList(), n.getOutputList(), ints));
        }
        Map<String, String> outputs = new LinkedHashMap<>();
        for (ValueInfoProto o : g.getOutputList()) outputs.put(o.getName(), values.get(o.getName()).var().name());
        Map<String, String> valueNames = new LinkedHashMap<>();
        values.forEach((k, v) -> valueNames.put(k, v.var().name()));
        return new OnnxGraph(sd, source, opset, inputs, outputs, variables, nodes, valueNames);
    }

    /** Fails with one message listing every operator type that has no translation, with its count. */
    static void requireSupported(GraphProto g, String source) {
        Map<String, Integer> missing = new TreeMap<>();
        for (NodeProto n : g.getNodeList()) {
            if (OnnxOps.get(n.getDomain(), n.getOpType()) == null) {
                String key = n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx") ? n.getOpType() : n.getDomain() + ":" + n.getOpType();
                missing.merge(key, 1, Integer::sum);
            }
        }
        if (missing.isEmpty()) return;
        StringBuilder sb = new StringBuilder(source).append(": ").append(missing.size())
                .append(" unsupported ONNX operator type(s): ");
        String sep = "";
        for (Map.Entry<String, Integer> e : missing.entrySet()) {
            sb.append(sep).append(e.getKey()).append(" (").append(e.getValue()).append(e.getValue() == 1 ? " node)" : " nodes)");
            sep = ", ";
        }
        sb.append(". Supported: ").append(String.join(", ", OnnxOps.table().keySet()));
        throw new OnnxImportException(sb.toString());
    }

    private static int defaultOpset(ModelProto m) {
        for (OperatorSetIdProto o : m.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) return (int) o.getVersion();
        }
        return 1;
    }

    private static long[] dims(TensorShapeProto s) {
        long[] d = new long[s.getDimCount()];
        for (int i = 0; i < d.length; i++) d[i] = s.getDim(i).hasDimValue() ? s.getDim(i).getDimValue() : -1;
        return d;
    }

    /** SameDiff names for ONNX names: characters SameDiff reserves (':' marks output indices) become '_'. */
    private static final class Names {
        private final SameDiff sd;

        Names(SameDiff sd) {
            this.sd = sd;
        }

        String fresh(String onnxName) {
            String base = onnxName.replaceAll("[^A-Za-z0-9_./\\-]", "_");
            if (base.isEmpty()) base = "value";
            String n = base;
            for (int i = 1; sd.hasVariable(n); i++) n = base + "_" + i;
            return n;
        }
    }
}
