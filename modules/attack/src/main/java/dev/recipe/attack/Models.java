package dev.recipe.attack;

import java.util.HashMap;
import java.util.Map;

import dev.recipe.zoo.bert.Bert;
import dev.recipe.zoo.bert.BertModel;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Small facts about a model graph that the attacks need beyond its {@link dev.recipe.zoo.ModelSpec}. */
public final class Models {
    private Models() {}

    /** The floating-point type of the model's weights (placeholders of real values must match it). */
    public static DataType dataType(BertModel model) {
        return model.weights().values().iterator().next().dataType();
    }

    /**
     * The encoder's last hidden states, [B·S, H] ({@code <prefix>.sequence_output}). ModelSpec has no role for it
     * yet, so it is found by the name {@link Bert} gives it.
     */
    public static SDVariable sequenceOutput(BertModel model) {
        String name = model.config().prefix() + ".sequence_output";
        SameDiff sd = model.graph();
        if (!sd.hasVariable(name)) throw new IllegalStateException("the graph has no '" + name + "'");
        return sd.getVariable(name);
    }

    /**
     * A frozen copy of the model's encoder with its current weights (copied, not shared): POR's reference. Its
     * graph has only the encoder and pooler, never trained.
     */
    public static BertModel frozenEncoderCopy(BertModel model, long seed) {
        BertModel ref = Bert.build(model.config(), Bert.Heads.encoderOnly(), dataType(model), seed);
        Map<String, INDArray> src = model.weights();
        Map<String, INDArray> copy = new HashMap<>();
        for (String name : ref.weights().keySet()) {
            INDArray w = src.get(name);
            if (w == null) throw new IllegalStateException("the attacked model has no '" + name + "' to copy into the reference");
            copy.put(name, w);
        }
        ref.loadWeights(copy, false, "weights of the model under attack");
        return ref;
    }
}
