package dev.recipe.interop;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An imported ONNX model: the SameDiff graph and the map from ONNX names to SameDiff names (ONNX names may hold
 * characters SameDiff reserves, e.g. {@code onnx::Gather_286}). {@code variables} lists the float initializers, which
 * are trainable SameDiff VARIABLEs; integer initializers are constants and not listed. {@code inputs},
 * {@code outputs} and {@code variables} keep the file's order.
 *
 * <p>{@code nodes} is the file's node list (operator type, node name, ONNX input and output names) and {@code values}
 * maps every ONNX value the translation bound (initializers, inputs, each node's first output) to the SameDiff
 * variable holding it: a node output is named after its ONNX output name ({@code /layer.0/dense/Add_output_0}, with
 * reserved characters replaced by '_'), unless the translation passed an existing variable through (Identity,
 * Dropout), in which case it maps to that variable. {@link ImportedRoles} reads both to find layers by structure.
 */
public record OnnxGraph(SameDiff sd, String source, int opset, Map<String, String> inputs, Map<String, String> outputs,
                        Map<String, String> variables, List<Node> nodes, Map<String, String> values) {
    /**
     * One ONNX node: its index in the file, operator type (with the domain when not the default one), name, ONNX
     * input and output names ("" for an omitted optional input) and its INT attributes (e.g. Gemm's transB).
     */
    public record Node(int index, String opType, String name, List<String> inputs, List<String> outputs,
                       Map<String, Long> intAttributes) {
        public Node {
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
            intAttributes = Map.copyOf(intAttributes);
        }

        /** The INT attribute {@code name}, or {@code dflt} when the node has none. */
        public long attr(String name, long dflt) {
            return intAttributes.getOrDefault(name, dflt);
        }
    }

    public OnnxGraph {
        inputs = ordered(inputs);
        outputs = ordered(outputs);
        variables = ordered(variables);
        nodes = List.copyOf(nodes);
        values = ordered(values);
    }

    /** A graph without node structure (roles can then be assigned by name only). */
    public OnnxGraph(SameDiff sd, String source, int opset, Map<String, String> inputs, Map<String, String> outputs,
                     Map<String, String> variables) {
        this(sd, source, opset, inputs, outputs, variables, List.of(), Map.of());
    }

    private static Map<String, String> ordered(Map<String, String> m) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }

    /** The SameDiff variable of the ONNX value {@code onnxName} (an input, output or float initializer). */
    public SDVariable variable(String onnxName) {
        String n = inputs.getOrDefault(onnxName, outputs.getOrDefault(onnxName, variables.get(onnxName)));
        if (n == null) throw new IllegalArgumentException(source + ": no input, output or float initializer named '" + onnxName + "'");
        return sd.getVariable(n);
    }

    /** Runs the graph: inputs and results keyed by their ONNX names; all graph outputs when none are named. */
    public Map<String, INDArray> run(Map<String, INDArray> feeds, String... onnxOutputs) {
        Map<String, INDArray> ph = new LinkedHashMap<>();
        feeds.forEach((k, v) -> {
            String n = inputs.get(k);
            if (n == null) throw new IllegalArgumentException(source + ": no graph input named '" + k + "'; inputs are " + inputs.keySet());
            ph.put(n, v);
        });
        String[] wanted = onnxOutputs.length > 0 ? onnxOutputs : outputs.keySet().toArray(new String[0]);
        String[] sdNames = new String[wanted.length];
        for (int i = 0; i < wanted.length; i++) {
            sdNames[i] = outputs.get(wanted[i]);
            if (sdNames[i] == null) throw new IllegalArgumentException(source + ": no graph output named '" + wanted[i] + "'");
        }
        Map<String, INDArray> res = sd.output(ph, sdNames);
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (int i = 0; i < wanted.length; i++) out.put(wanted[i], res.get(sdNames[i]));
        return out;
    }
}
