package dev.recipe.interop.keras;

import java.util.LinkedHashMap;
import java.util.Map;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An imported Keras model: the SameDiff graph and the maps from Keras names to SameDiff names. {@code inputs} are the
 * input layers (placeholders in Keras's layout, e.g. NHWC [-1, 48, 48, 3]); {@code outputs} the output layers (a layer
 * used as an output at its n-th call, n > 0, is keyed {@code name_n}); {@code variables} the trainable weights, keyed
 * by their Keras names ({@code conv1/kernel:0} → SameDiff {@code conv1/kernel}, with Keras's shape); {@code constants}
 * the weights Keras does not train (BatchNormalization's moving mean and variance).
 */
public record KerasGraph(SameDiff sd, String source, String kerasVersion, Map<String, String> inputs,
                         Map<String, String> outputs, Map<String, String> variables, Map<String, String> constants) {
    public KerasGraph {
        inputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        outputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        variables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(variables));
        constants = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(constants));
    }

    /** The SameDiff variable of a Keras input, output, weight name (e.g. {@code conv1/kernel:0}) or layer output. */
    public SDVariable variable(String kerasName) {
        String n = inputs.getOrDefault(kerasName, outputs.getOrDefault(kerasName,
                variables.getOrDefault(kerasName, constants.get(kerasName))));
        if (n == null && sd.hasVariable(kerasName)) n = kerasName;
        if (n == null) throw new IllegalArgumentException(source + ": no input, output, weight or layer named '" + kerasName + "'");
        return sd.getVariable(n);
    }

    /** Runs the graph: inputs and results keyed by Keras names; all outputs when none are named. */
    public Map<String, INDArray> run(Map<String, INDArray> feeds, String... kerasOutputs) {
        Map<String, INDArray> ph = new LinkedHashMap<>();
        feeds.forEach((k, v) -> {
            String n = inputs.get(k);
            if (n == null) throw new IllegalArgumentException(source + ": no model input named '" + k + "'; inputs are " + inputs.keySet());
            ph.put(n, v);
        });
        String[] wanted = kerasOutputs.length > 0 ? kerasOutputs : outputs.keySet().toArray(new String[0]);
        String[] sdNames = new String[wanted.length];
        for (int i = 0; i < wanted.length; i++) {
            sdNames[i] = outputs.containsKey(wanted[i]) ? outputs.get(wanted[i]) : sd.hasVariable(wanted[i]) ? wanted[i] : null;
            if (sdNames[i] == null) throw new IllegalArgumentException(source + ": no output or layer named '" + wanted[i] + "'");
        }
        Map<String, INDArray> res = sd.output(ph, sdNames);
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (int i = 0; i < wanted.length; i++) out.put(wanted[i], res.get(sdNames[i]));
        return out;
    }
}
