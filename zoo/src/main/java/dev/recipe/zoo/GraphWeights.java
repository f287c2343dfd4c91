package dev.recipe.zoo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.recipe.core.ConfigException;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A graph's weights (its VARIABLE-kind arrays) by name, and copying stored tensors into them, for every family. */
public final class GraphWeights {
    private GraphWeights() {}

    /** All trainable-kind variables of {@code sd}, by name, in name order. Arrays are live views. */
    public static Map<String, INDArray> of(SameDiff sd) {
        Map<String, INDArray> out = new TreeMap<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) out.put(v.name(), v.getArr());
        }
        return out;
    }

    /**
     * Copies {@code tensors} into the variables of {@code own} with the same names. Every tensor must match its
     * variable's shape; variables absent from {@code tensors} keep their values and are returned (e.g. a fresh
     * classifier). Tensors with no variable are an error unless {@code allowUnused}. Nothing is copied when anything
     * fails. {@code source} (a file) and {@code graph} (e.g. "bert graph (config ...)") name both sides in errors.
     */
    public static List<String> copyInto(Map<String, INDArray> own, Map<String, INDArray> tensors, boolean allowUnused,
                                        String source, String graph) {
        List<String> unused = new ArrayList<>();
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            INDArray target = own.get(e.getKey());
            if (target == null) {
                unused.add(e.getKey());
                continue;
            }
            if (!Arrays.equals(target.shape(), e.getValue().shape())) {
                throw new ConfigException(source + ": tensor '" + e.getKey() + "' has shape "
                        + Arrays.toString(e.getValue().shape()) + " but the " + graph + " expects "
                        + Arrays.toString(target.shape()));
            }
        }
        if (!unused.isEmpty() && !allowUnused) {
            throw new ConfigException(source + ": tensors with no matching variable in the " + graph + ": " + unused);
        }
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, INDArray> e : own.entrySet()) {
            INDArray src = tensors.get(e.getKey());
            if (src == null) missing.add(e.getKey());
            else e.getValue().assign(src.castTo(e.getValue().dataType()));
        }
        return missing;
    }
}
