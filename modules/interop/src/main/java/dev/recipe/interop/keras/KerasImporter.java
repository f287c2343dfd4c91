package dev.recipe.interop.keras;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import dev.recipe.interop.Value;
import dev.recipe.nn.SameDiffFixes;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Keras 2 HDF5 model ({@code model.save("m.h5")}, Sequential or Functional) → trainable SameDiff graph, the
 * project's own translator: DL4J's {@code KerasModelImport} yields a ComputationGraph, not SameDiff, and on the
 * project's reference CNN (MTCNN's 48net) it silently leaves PReLU's alpha at zero and fails at Permute → Flatten.
 *
 * <p>Each layer call becomes SameDiff ops through its entry in {@link KerasLayers}; input layers become float
 * placeholders with Keras's shape (batch −1); each layer's output variable is named after the layer. Weights become
 * VARIABLEs (float32 by default) named after their Keras names without the {@code :0} suffix and with Keras's shapes;
 * BatchNormalization's moving statistics, which Keras does not train, become constants. A model using layers or
 * settings outside the table fails before anything is built, with one message listing every offending layer.
 */
public final class KerasImporter {
    private KerasImporter() {}

    /** Imports {@code file} with float32 weights. */
    public static KerasGraph importModel(Path file) {
        return importModel(file, DataType.FLOAT);
    }

    /** Imports {@code file}; weights and inputs become {@code floatType} (DOUBLE for finite-difference checks). */
    public static KerasGraph importModel(Path file, DataType floatType) {
        KerasH5File h5 = KerasH5File.read(file);
        return translate(h5, floatType);
    }

    /** Translates a read file. */
    public static KerasGraph translate(KerasH5File h5, DataType floatType) {
        if (!floatType.isFPType()) throw new IllegalArgumentException("floatType must be floating: " + floatType);
        String source = h5.file().toString();
        KerasModel model = KerasModel.parse(h5.modelConfig(), source);
        requireSupported(model, source);
        SameDiffFixes.install();
        return new Builder(h5, model, floatType, source).build();
    }

    /** Fails with one message listing every layer that cannot be translated, grouped by class. */
    static void requireSupported(KerasModel model, String source) {
        Map<String, List<String>> unknown = new TreeMap<>();
        List<String> settings = new ArrayList<>();
        for (KerasModel.Layer l : model.layers()) {
            if (l.className().equals("InputLayer")) continue;
            String p = KerasLayers.problem(l);
            if (p == null) continue;
            if (KerasLayers.get(l.className()) == null) unknown.computeIfAbsent(l.className(), k -> new ArrayList<>()).add(l.name());
            else settings.add(l.describe() + ": " + p);
        }
        if (unknown.isEmpty() && settings.isEmpty()) return;
        int count = settings.size() + unknown.values().stream().mapToInt(List::size).sum();
        StringBuilder sb = new StringBuilder(source).append(": ").append(count).append(" Keras layer(s) cannot be imported");
        if (!unknown.isEmpty()) {
            sb.append("; unsupported layer classes: ");
            String sep = "";
            for (Map.Entry<String, List<String>> e : unknown.entrySet()) {
                sb.append(sep).append(e.getKey()).append(" (").append(String.join(", ", e.getValue())).append(')');
                sep = ", ";
            }
        }
        if (!settings.isEmpty()) sb.append("; unsupported settings: ").append(String.join("; ", settings));
        sb.append(". Supported layer classes: InputLayer, ").append(String.join(", ", KerasLayers.table().keySet()))
                .append("; activations: ").append(String.join(", ", new java.util.TreeSet<>(KerasLayers.ACTIVATIONS)));
        throw new KerasImportException(sb.toString());
    }

    private static final class Builder {
        private final KerasH5File h5;
        private final KerasModel model;
        private final DataType floatType;
        private final String source;
        private final SameDiff sd = SameDiff.create();
        private final Map<String, Value> tensors = new HashMap<>();
        private final Set<String> bound = new HashSet<>();
        private final Map<String, SDVariable> weightVars = new HashMap<>();
        private final Set<String> usedWeights = new HashSet<>();
        private final Map<String, String> inputs = new LinkedHashMap<>();
        private final Map<String, String> variables = new LinkedHashMap<>();
        private final Map<String, String> constants = new LinkedHashMap<>();

        Builder(KerasH5File h5, KerasModel model, DataType floatType, String source) {
            this.h5 = h5;
            this.model = model;
            this.floatType = floatType;
            this.source = source;
        }

        KerasGraph build() {
            for (String w : h5.weights().keySet()) {
                if (model.layer(w) == null) throw new KerasImportException(source + ": model_weights has weights for layer '" + w + "', which model_config does not define");
            }
            // pending layer calls, in file order; a call runs once all the tensors it reads exist
            List<KerasModel.Layer> pendingLayer = new ArrayList<>();
            List<Integer> pendingNode = new ArrayList<>();
            for (KerasModel.Layer l : model.layers()) {
                if (l.className().equals("InputLayer")) {
                    input(l);
                    continue;
                }
                for (int n = 0; n < l.inbound().size(); n++) {
                    pendingLayer.add(l);
                    pendingNode.add(n);
                }
            }
            while (!pendingLayer.isEmpty()) {
                boolean progress = false;
                for (int i = 0; i < pendingLayer.size(); i++) {
                    KerasModel.Layer l = pendingLayer.get(i);
                    int node = pendingNode.get(i);
                    List<Value> in = new ArrayList<>();
                    for (KerasModel.TensorRef r : l.inbound().get(node)) {
                        Value v = tensors.get(key(r.layer(), r.node()));
                        if (r.tensor() != 0) throw new KerasImportException(source + ": layer " + l.describe() + " reads output " + r.tensor() + " of '" + r.layer() + "'; only single-output layers are supported");
                        if (v == null) {
                            in = null;
                            break;
                        }
                        in.add(v);
                    }
                    if (in == null) continue;
                    translate(l, node, in);
                    pendingLayer.remove(i);
                    pendingNode.remove(i);
                    i--;
                    progress = true;
                }
                if (!progress) {
                    List<String> stuck = new ArrayList<>();
                    for (int i = 0; i < pendingLayer.size(); i++) stuck.add(pendingLayer.get(i).describe() + " reads " + pendingLayer.get(i).inbound().get(pendingNode.get(i)));
                    throw new KerasImportException(source + ": layers whose inputs no layer produces (missing layers or a cycle): " + String.join("; ", stuck));
                }
            }
            for (Map.Entry<String, List<KerasH5File.Weight>> e : h5.weights().entrySet()) {
                for (KerasH5File.Weight w : e.getValue()) {
                    if (!usedWeights.contains(w.name())) {
                        throw new KerasImportException(source + ": layer '" + e.getKey() + "' stores weight '" + w.name() + "' "
                                + Arrays.toString(w.shape()) + ", which its config (" + model.layer(e.getKey()).className()
                                + ", expecting " + KerasLayers.weightRoles(model.layer(e.getKey())) + ") does not use");
                    }
                }
            }
            Map<String, String> outputs = new LinkedHashMap<>();
            for (KerasModel.TensorRef r : model.outputs()) {
                Value v = tensors.get(key(r.layer(), r.node()));
                if (v == null) throw new KerasImportException(source + ": output " + r + " is produced by no layer");
                outputs.put(r.node() == 0 ? r.layer() : r.layer() + "_" + r.node(), v.var().name());
            }
            for (KerasModel.TensorRef r : model.inputs()) {
                if (!inputs.containsKey(r.layer())) throw new KerasImportException(source + ": input " + r + " is not an InputLayer");
            }
            return new KerasGraph(sd, source, h5.kerasVersion(), inputs, outputs, variables, constants);
        }

        private static String key(String layer, int node) {
            return layer + "#" + node;
        }

        private void input(KerasModel.Layer l) {
            JsonNode shape = l.config().get("batch_input_shape");
            if (shape == null) shape = l.config().get("batch_shape");
            if (shape == null || !shape.isArray() || shape.size() < 2) {
                throw new KerasImportException(source + ": input layer '" + l.name() + "' has no batch_input_shape");
            }
            String dtype = l.config().path("dtype").asText("float32");
            if (!dtype.startsWith("float")) {
                throw new KerasImportException(source + ": input layer '" + l.name() + "' has dtype " + dtype + "; only float inputs are supported");
            }
            long[] s = new long[shape.size()];
            for (int i = 0; i < s.length; i++) s[i] = i == 0 || shape.get(i).isNull() ? -1 : shape.get(i).asLong();
            String name = fresh(l.name());
            SDVariable ph = sd.placeHolder(name, floatType, s);
            bound.add(name);
            tensors.put(key(l.name(), 0), Value.of(ph, s));
            inputs.put(l.name(), name);
        }

        private void translate(KerasModel.Layer l, int node, List<Value> in) {
            KerasLayers.Entry entry = KerasLayers.get(l.className());
            LayerContext ctx = new LayerContext(sd, l, in, floatType, source, role -> weight(l, role));
            Value out;
            try {
                out = entry.translation().apply(ctx);
            } catch (KerasImportException e) {
                throw e;
            } catch (RuntimeException e) {
                throw ctx.fail("translation failed: " + e, e);
            }
            if (!bound.contains(out.var().name())) {
                out.var().rename(fresh(node == 0 ? l.name() : l.name() + "_" + node));
                bound.add(out.var().name());
            }
            tensors.put(key(l.name(), node), out);
        }

        /** The variable of {@code layer}'s weight {@code role}, created on first use (shared by all calls of the layer). */
        private SDVariable weight(KerasModel.Layer layer, String role) {
            List<KerasH5File.Weight> stored = h5.weights().getOrDefault(layer.name(), List.of());
            List<String> roles = KerasLayers.weightRoles(layer);
            KerasH5File.Weight w = null;
            for (KerasH5File.Weight s : stored) if (s.role().equals(role)) w = s;
            if (w == null && stored.size() == roles.size() && roles.contains(role)
                    && stored.stream().noneMatch(s -> roles.contains(s.role()))) {
                w = stored.get(roles.indexOf(role)); // names in an older convention: Keras's order decides
            }
            if (w == null) {
                throw new KerasImportException(source + ": layer " + layer.describe() + " needs weight '" + role + "' (expected "
                        + roles + ") but model_weights/" + layer.name() + " holds "
                        + stored.stream().map(KerasH5File.Weight::name).toList());
            }
            String key = w.name();
            SDVariable v = weightVars.get(key);
            if (v != null) return v;
            INDArray arr = (w.values() instanceof float[] f ? Nd4j.createFromArray(f) : Nd4j.createFromArray((double[]) w.values()))
                    .reshape('c', w.shape()).castTo(floatType);
            String base = key.endsWith(":0") ? key.substring(0, key.length() - 2) : key;
            String name = fresh(base);
            boolean trainable = KerasLayers.trainable(role);
            v = trainable ? sd.var(name, arr) : sd.constant(name, arr);
            (trainable ? variables : constants).put(key, name);
            bound.add(name);
            weightVars.put(key, v);
            usedWeights.add(key);
            return v;
        }

        /** A SameDiff name for a Keras name: characters SameDiff reserves (':' marks output indices) become '_'. */
        private String fresh(String kerasName) {
            String base = kerasName.replaceAll("[^A-Za-z0-9_./\\-]", "_");
            if (base.isEmpty()) base = "value";
            String n = base;
            for (int i = 1; sd.hasVariable(n); i++) n = base + "_" + i;
            return n;
        }
    }
}
