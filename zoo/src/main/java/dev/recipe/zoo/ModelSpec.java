package dev.recipe.zoo;

import java.util.List;

/**
 * The roles of a model's variables, named once per family so that every attack, defense and analysis is written
 * once (SPEC §3). All names are SameDiff variable names of the model's graph.
 *
 * @param family            model family ("bert", "roberta", "vit"; later "vgg", "clip")
 * @param inputs            input placeholders, in the order a data pipeline fills them
 * @param representation    the [batch, width] output a downstream classifier reads (pooler output or first-token
 *                          hidden state)
 * @param representationKind "pooler" or "first-token"
 * @param neurons           per layer, the activations analysed and pruned as "neurons" ([tokens, units]: BERT's
 *                          intermediate dense outputs before the activation)
 * @param neuronWeights     per layer, the weight [units, in] and bias [units] rows that pruning a neuron zeroes
 * @param firstTokenIndex   [batch] row indices of the first token of each sequence in the flattened [tokens, ·]
 *                          activations (the position at which neurons are read)
 * @param regularised       the weights RECIPE's Σ‖W‖₂ term covers (family default)
 * @param recipeTrainable   regular expressions of the variables RECIPE trains (family default)
 * @param pretrainLoss      the scalar continual pre-training loss (masked LM for BERT), or null when the graph has
 *                          no pre-training head
 */
public record ModelSpec(String family, List<String> inputs, String representation, String representationKind,
                        List<String> neurons, List<NeuronWeights> neuronWeights, String firstTokenIndex,
                        List<String> regularised, List<String> recipeTrainable, String pretrainLoss) {

    /** Whether the family reads text (BERT, RoBERTa: tokenised auxiliary texts, masked LM) rather than images. */
    public boolean readsText() {
        return family.equals("bert") || family.equals("roberta");
    }

    /** The weight and bias whose rows belong to one layer's neurons. */
    public record NeuronWeights(String weight, String bias) {}

    public ModelSpec {
        inputs = List.copyOf(inputs);
        neurons = List.copyOf(neurons);
        neuronWeights = List.copyOf(neuronWeights);
        regularised = List.copyOf(regularised);
        recipeTrainable = List.copyOf(recipeTrainable);
        if (neurons.size() != neuronWeights.size()) {
            throw new IllegalArgumentException("neurons (" + neurons.size() + ") and neuronWeights ("
                    + neuronWeights.size() + ") must name the same layers");
        }
    }
}
