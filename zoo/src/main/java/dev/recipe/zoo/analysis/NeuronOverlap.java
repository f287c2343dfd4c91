package dev.recipe.zoo.analysis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.recipe.text.Tokenizer;
import dev.recipe.text.LabelledText;
import dev.recipe.zoo.ModelSpec;
import dev.recipe.zoo.data.ClassificationBatches;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The RECIPE paper's neuron analysis (SPEC §7, paper §4.1 "Pilot Experiment"): neurons are the first-token outputs
 * of every layer's {@link ModelSpec#neurons()} (BERT: intermediate dense, before GELU); a neuron is activated when
 * its value after the activation function is above zero (for GELU and ReLU: when the pre-activation is above zero).
 *
 * <p>The paper does not say whether "activated by the clean data" is decided per sample or per data set. We pair
 * each poisoned sample with the clean sample it was made from and count per pair, summed over the pairs:
 * A = neurons active on both, B = neurons active on the poisoned one; overlap ratio = A ÷ B; poison-only =
 * neurons active on the poisoned one and not on its clean one, reported as a mean per sample.
 *
 * @param samples             number of (clean, poisoned) pairs
 * @param neuronsPerSample    neurons per sample (layers × units)
 * @param activatedByBoth     A, summed over pairs
 * @param activatedByPoisoned B, summed over pairs
 * @param activatedByClean    summed over pairs
 * @param poisonOnly          active on poisoned and not on clean, summed over pairs
 * @param perLayer            the same counts for each layer, in {@link ModelSpec#neurons()} order
 */
public record NeuronOverlap(int samples, int neuronsPerSample, long activatedByBoth, long activatedByPoisoned,
                            long activatedByClean, long poisonOnly, List<NeuronOverlap> perLayer) {

    public static final String DEFINITION = "per (clean, poisoned) pair at the first token; activated = value > 0 "
            + "after the activation; overlap = sum_pairs |active(clean) & active(poisoned)| / "
            + "sum_pairs |active(poisoned)|; poison-only = mean over pairs of |active(poisoned) & !active(clean)|";

    public NeuronOverlap {
        perLayer = perLayer == null ? List.of() : List.copyOf(perLayer);
    }

    /** A ÷ B (NaN when no neuron is activated by a poisoned input). */
    public double overlapRatio() {
        return activatedByPoisoned == 0 ? Double.NaN : activatedByBoth / (double) activatedByPoisoned;
    }

    /** Mean number of neurons per sample activated by the poisoned input only. */
    public double poisonOnlyPerSample() {
        return samples == 0 ? Double.NaN : poisonOnly / (double) samples;
    }

    /** Flat figures for a result record. */
    public Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("samples", samples);
        m.put("neurons_per_sample", neuronsPerSample);
        m.put("overlap_ratio", finiteOrNull(overlapRatio()));
        m.put("poison_only_per_sample", finiteOrNull(poisonOnlyPerSample()));
        m.put("activated_by_both", activatedByBoth);
        m.put("activated_by_poisoned", activatedByPoisoned);
        m.put("activated_by_clean", activatedByClean);
        List<Double> layers = new ArrayList<>();
        for (NeuronOverlap l : perLayer) layers.add(finiteOrNull(l.overlapRatio()));
        m.put("overlap_ratio_per_layer", layers);
        m.put("definition", DEFINITION);
        return m;
    }

    /** NaN (no neuron active on any poisoned input, e.g. after heavy purification) is written as null. */
    public static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /**
     * Measures the overlap on {@code clean.get(i)} paired with {@code poisoned.get(i)}.
     *
     * @param sd   a graph built with {@code spec} (any heads)
     * @param spec names the neuron variables and the first-token index
     * @param positions the longest sequence the model holds ({@code BertConfig.maxTokens()}); texts are cut at it
     *                  or at {@code maxLen}, whichever is shorter
     */
    public static NeuronOverlap measure(SameDiff sd, ModelSpec spec, Tokenizer tok, List<LabelledText> clean,
                                        List<LabelledText> poisoned, int maxLen, int positions, DataType dt) {
        if (clean.size() != poisoned.size()) {
            throw new IllegalArgumentException("clean (" + clean.size() + ") and poisoned (" + poisoned.size()
                    + ") samples must be paired one to one");
        }
        if (clean.isEmpty()) throw new IllegalArgumentException("no samples to analyse");
        List<boolean[][]> c = activations(sd, spec, tok, clean, maxLen, positions, dt);
        List<boolean[][]> p = activations(sd, spec, tok, poisoned, maxLen, positions, dt);
        return count(c, p);
    }

    /**
     * Counts from activation masks: {@code clean.get(layer)[sample][unit]}, the same shapes for {@code poisoned}.
     * Package-visible so that tests can check the counting on hand-made masks.
     */
    static NeuronOverlap count(List<boolean[][]> clean, List<boolean[][]> poisoned) {
        List<NeuronOverlap> layers = new ArrayList<>();
        long both = 0, pois = 0, cl = 0, only = 0;
        int units = 0;
        int n = clean.get(0).length;
        for (int l = 0; l < clean.size(); l++) {
            boolean[][] c = clean.get(l), p = poisoned.get(l);
            long lb = 0, lp = 0, lc = 0, lo = 0;
            for (int i = 0; i < c.length; i++) {
                for (int j = 0; j < c[i].length; j++) {
                    if (p[i][j]) lp++;
                    if (c[i][j]) lc++;
                    if (p[i][j] && c[i][j]) lb++;
                    if (p[i][j] && !c[i][j]) lo++;
                }
            }
            int lu = c[0].length;
            units += lu;
            layers.add(new NeuronOverlap(n, lu, lb, lp, lc, lo, List.of()));
            both += lb; pois += lp; cl += lc; only += lo;
        }
        return new NeuronOverlap(n, units, both, pois, cl, only, layers);
    }

    /** Per layer, [samples][units]: is the neuron's first-token value above zero. */
    static List<boolean[][]> activations(SameDiff sd, ModelSpec spec, Tokenizer tok, List<LabelledText> data,
                                         int maxLen, int positions, DataType dt) {
        ClassificationBatches b = ClassificationBatches.forReading(data, tok, maxLen, positions, dt);
        List<boolean[][]> out = new ArrayList<>();
        for (int l = 0; l < spec.neurons().size(); l++) out.add(new boolean[data.size()][]);
        List<String> wanted = new ArrayList<>(spec.neurons());
        wanted.add(spec.firstTokenIndex());
        int k = 0;
        for (int i = 0; i < b.batchesPerEpoch(); i++) {
            Map<String, INDArray> batch = b.batch(0, i);
            batch.keySet().retainAll(spec.inputs());
            Map<String, INDArray> got = sd.output(batch, wanted.toArray(String[]::new));
            int[] first = got.get(spec.firstTokenIndex()).toIntVector();
            for (int l = 0; l < spec.neurons().size(); l++) {
                INDArray act = got.get(spec.neurons().get(l));
                for (int r = 0; r < first.length; r++) {
                    float[] row = act.getRow(first[r]).toFloatVector();
                    boolean[] on = new boolean[row.length];
                    for (int u = 0; u < row.length; u++) on[u] = row[u] > 0;
                    out.get(l)[k + r] = on;
                }
            }
            k += first.length;
        }
        return out;
    }
}
