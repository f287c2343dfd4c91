package dev.recipe.defense;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.recipe.text.Tokenizer;
import dev.recipe.text.LabelledText;
import dev.recipe.zoo.ModelSpec;
import dev.recipe.zoo.bert.BertModel;
import dev.recipe.zoo.data.ClassificationBatches;
import dev.recipe.train.BatchSource;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Fine-pruning adapted to pre-trained models as in the RECIPE paper (SPEC §6; {@code official-code.md} A6): neurons
 * (the ModelSpec's per-layer units, BERT: intermediate dense outputs before GELU) are ranked by their mean
 * activation at the first token over auxiliary (task-irrelevant, unlabelled) texts or images, lowest first, and pruned by
 * zeroing their weight rows and biases. FP prunes the last layer; FP-GM and FP-GA rank across all layers.
 */
public final class FinePruning {
    private FinePruning() {}

    /** The ranking criterion, recorded with every result. */
    public static final String CRITERION = "mean pre-activation value at the first token (a CNN: over the feature map's "
            + "positions) over the auxiliary texts or images, ascending (lowest pruned first)";

    /** One neuron: layer index into {@link ModelSpec#neurons()}, unit index, and its mean activation. */
    public record Neuron(int layer, int unit, double meanActivation) {}

    /** Mean first-token activation of every neuron over auxiliary texts, per layer [layers][units]. */
    public static double[][] meanActivations(BertModel model, Tokenizer tok, List<String> auxTexts, int maxLen) {
        List<LabelledText> rows = new ArrayList<>();
        for (String t : auxTexts) rows.add(new LabelledText(t, 0));
        ClassificationBatches b = ClassificationBatches.forReading(rows, tok, maxLen, model.config().maxTokens(),
                DataType.FLOAT);
        return meanActivations(model.graph(), model.spec(), b);
    }

    /**
     * Mean first-token activation of every neuron, per layer [layers][units], over every example of one epoch of
     * {@code aux} (any model family: the placeholders the spec's inputs name are fed, the rest of a batch, e.g.
     * labels, is ignored). The neurons are read at the spec's first-token rows (BERT [CLS], ViT class token).
     */
    public static double[][] meanActivations(SameDiff sd, ModelSpec spec, BatchSource aux) {
        double[][] sum = new double[spec.neurons().size()][];
        List<String> wanted = new ArrayList<>(spec.neurons());
        wanted.add(spec.firstTokenIndex());
        long examples = 0;
        for (int i = 0; i < aux.batchesPerEpoch(); i++) {
            Map<String, INDArray> batch = new LinkedHashMap<>(aux.batch(0, i));
            batch.keySet().retainAll(spec.inputs());
            Map<String, INDArray> got = sd.output(batch, wanted.toArray(String[]::new));
            INDArray first = got.get(spec.firstTokenIndex());
            examples += first.length();
            for (int l = 0; l < spec.neurons().size(); l++) {
                INDArray rowsAtFirst = got.get(spec.neurons().get(l)).get(NDArrayIndex.indices(first.toLongVector()), NDArrayIndex.all());
                double[] s = rowsAtFirst.sum(0).toDoubleVector();
                if (sum[l] == null) sum[l] = new double[s.length];
                for (int u = 0; u < s.length; u++) sum[l][u] += s[u];
            }
        }
        if (examples == 0) throw new IllegalArgumentException("no auxiliary examples to rank neurons on");
        for (double[] layer : sum) for (int u = 0; u < layer.length; u++) layer[u] /= examples;
        return sum;
    }

    /** The {@code count} neurons with the lowest mean activation, over {@code layers} (null = all layers). */
    public static List<Neuron> lowest(double[][] mean, List<Integer> layers, int count) {
        List<Neuron> all = new ArrayList<>();
        for (int l = 0; l < mean.length; l++) {
            if (layers != null && !layers.contains(l)) continue;
            for (int u = 0; u < mean[l].length; u++) all.add(new Neuron(l, u, mean[l][u]));
        }
        if (count < 0 || count > all.size()) {
            throw new IllegalArgumentException("cannot prune " + count + " of " + all.size() + " neurons");
        }
        all.sort(Comparator.comparingDouble(Neuron::meanActivation).thenComparingInt(Neuron::layer)
                .thenComparingInt(Neuron::unit));
        return List.copyOf(all.subList(0, count));
    }

    /** Zeroes the weight row and the bias of every neuron in {@code neurons}. */
    public static void prune(BertModel model, List<Neuron> neurons) {
        prune(model.graph(), model.spec(), neurons);
    }

    /**
     * Zeroes the weight row and the bias of every neuron in {@code neurons}, in any family's graph: a dense layer's
     * row [in] of its [units, in] weight, a convolution's output-channel slice [in, kH, kW] of its [out, in, kH, kW].
     */
    public static void prune(SameDiff sd, ModelSpec spec, List<Neuron> neurons) {
        for (Neuron n : neurons) {
            ModelSpec.NeuronWeights nw = spec.neuronWeights().get(n.layer());
            sd.getVariable(nw.weight()).getArr().slice(n.unit(), 0).assign(0);
            sd.getVariable(nw.bias()).getArr().putScalar(n.unit(), 0);
        }
    }

    /** Pruned neurons per layer, for reports. */
    public static Map<Integer, Integer> perLayer(List<Neuron> neurons) {
        Map<Integer, Integer> m = new LinkedHashMap<>();
        for (Neuron n : neurons) m.merge(n.layer(), 1, Integer::sum);
        return m;
    }
}
