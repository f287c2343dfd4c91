package dev.recipe.interop;

import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An imported ONNX model: the SameDiff graph and the map from ONNX names to SameDiff names (ONNX names may hold
 * characters SameDiff reserves, e.g. {@code onnx::Gather_286}). {@code variables} lists the float initializers, which
 * are trainable SameDiff VARIABLEs; integer initializers are constants and not listed.
 */
public record OnnxGraph(SameDiff sd, String source, int opset, Map<String, String> inputs, Map<String, String> outputs,
                        Map<String, String> variables) {
    public OnnxGraph {
        inputs = Map.copyOf(inputs);
        outputs = Map.copyOf(outputs);
        variables = Map.copyOf(variables);
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
