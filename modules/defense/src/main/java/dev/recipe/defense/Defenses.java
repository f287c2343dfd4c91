package dev.recipe.defense;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.IntConsumer;

import dev.recipe.core.ConfigException;
import dev.recipe.text.Tokenizer;
import dev.recipe.train.BatchSource;
import dev.recipe.zoo.ModelSpec;
import dev.recipe.zoo.bert.BertModel;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The registry: a name and a factory per defense. Adding a defense is one line here plus its config.
 * Budgets of the pruning baselines are fractions of all neurons, the RECIPE appendix's BERT-base counts scaled
 * (FP-GM 3072×4 of 3072×12 = 1/3, FP-GA 3072×6 = 1/2, and 3072×8 = 2/3 against NeuBA; ViT and CLIP: FP-GM 3072×4 =
 * 1/3, FP-GA 3072×5 = 5/12; VGG-16: FP 511 of the last convolution's 512 channels, FP-GM 512 and FP-GA 600 of all
 * 4,224 conv channels).
 */
public final class Defenses {
    private Defenses() {}

    /** Settings a defense factory may read; anything unset keeps the defense's default. */
    public record Options(Integer epochs, Double lambda, Double learningRate, Integer batchSize, Long seed,
                          List<Integer> checkpointEpochs, int maxLen, List<String> regularised, Double sgdMomentum) {
        public static Options defaults() {
            return new Options(null, null, null, null, null, List.of(), 64, List.of(), null);
        }

        /** These options with SGD at {@code momentum} as RECIPE's optimizer (null = the preset's AdamW). */
        public Options withSgdMomentum(Double momentum) {
            return new Options(epochs, lambda, learningRate, batchSize, seed, checkpointEpochs, maxLen, regularised,
                    momentum);
        }

        /**
         * The settings given a value that only some defenses read (RECIPE's training and norm-term settings); seed and
         * maxLen are not listed: every run has them and a defense that needs neither ignores them.
         */
        List<String> specific() {
            List<String> out = new java.util.ArrayList<>();
            if (epochs != null) out.add("epochs");
            if (lambda != null) out.add("lambda");
            if (learningRate != null) out.add("learningRate");
            if (batchSize != null) out.add("batchSize");
            if (checkpointEpochs != null && !checkpointEpochs.isEmpty()) out.add("checkpointEpochs");
            if (regularised != null && !regularised.isEmpty()) out.add("regularised");
            if (sgdMomentum != null) out.add("optimizer");
            return out;
        }

        RecipeConfig apply(RecipeConfig c) {
            if (epochs != null) c = c.withEpochs(epochs);
            if (lambda != null) c = c.withLambda(lambda);
            if (learningRate != null) c = c.withLearningRate(learningRate);
            if (batchSize != null) c = c.withBatchSize(batchSize);
            if (seed != null) c = c.withSeed(seed);
            if (regularised != null && !regularised.isEmpty()) c = c.withRegularised(regularised);
            if (sgdMomentum != null) c = c.withSgd(sgdMomentum);
            return c.withCheckpointEpochs(checkpointEpochs);
        }
    }

    /** A registry line: the factory and the RECIPE-specific settings ({@link Options#specific()}) it reads. */
    private record Entry(Function<Options, Defense> factory, List<String> reads) {}

    /** What the RECIPE presets and ablations read: every training and norm-term setting. */
    private static final List<String> RECIPE_OPTIONS =
            List.of("epochs", "lambda", "learningRate", "batchSize", "checkpointEpochs", "regularised", "optimizer");

    private static final Map<String, Entry> REGISTRY = new LinkedHashMap<>();

    /** Output channels of VGG-16's 13 convolutions (2×64 + 2×128 + 3×256 + 6×512), the VGG budgets' denominator. */
    static final int VGG16_CHANNELS = 4224;

    private static void register(String name, List<String> reads, Function<Options, Defense> factory) {
        REGISTRY.put(name, new Entry(factory, reads));
    }

    static {
        register("recipe", RECIPE_OPTIONS, o -> recipe("recipe", o.apply(RecipeConfig.faithful(8))));
        register("recipe-extended", RECIPE_OPTIONS, o -> recipe("recipe-extended", o.apply(RecipeConfig.extended(8))));
        register("only-pretrain", RECIPE_OPTIONS, o -> recipe("only-pretrain", o.apply(RecipeConfig.faithful(8)).onlyPretrain()));
        register("only-regularisation", RECIPE_OPTIONS,
                o -> recipe("only-regularisation", o.apply(RecipeConfig.faithful(8)).onlyRegularisation()));
        register("fp", List.of(), o -> pruning("fp", true, 1.0, 0, o.maxLen()));
        register("fp-gm", List.of(), o -> pruning("fp-gm", false, 1.0 / 3, 0, o.maxLen()));
        register("fp-ga", List.of(), o -> pruning("fp-ga", false, 1.0 / 2, 0, o.maxLen()));
        register("fp-ga-neuba", List.of(), o -> pruning("fp-ga-neuba", false, 2.0 / 3, 0, o.maxLen()));
        register("fp-ga-vit", List.of(), o -> pruning("fp-ga-vit", false, 5.0 / 12, 0, o.maxLen()));
        // CLIP's budget is ViT's (3072×5 of the vision tower's 12 × 3072 fc1 neurons); its own line names it in records
        register("fp-ga-clip", List.of(), o -> pruning("fp-ga-clip", false, 5.0 / 12, 0, o.maxLen()));
        // the authors' 511 of VGG-16's 512 last-conv channels: every channel but one (a fraction would round up to all
        // 256 of the mini VGG's, the "catastrophic decline" the authors avoided)
        register("fp-vgg", List.of(), o -> pruning("fp-vgg", true, 1.0, 1, o.maxLen()));
        register("fp-gm-vgg", List.of(), o -> pruning("fp-gm-vgg", false, 512.0 / VGG16_CHANNELS, 0, o.maxLen()));
        register("fp-ga-vgg", List.of(), o -> pruning("fp-ga-vgg", false, 600.0 / VGG16_CHANNELS, 0, o.maxLen()));
        register("reinit-pooler", List.of(), o -> reinit("reinit-pooler", "\\.pooler\\.", o.seed() == null ? 50 : o.seed()));
        register("reinit-last-layer", List.of(), o -> reinit("reinit-last-layer", null, o.seed() == null ? 50 : o.seed()));
        register("clip-extreme", List.of(), o -> clipExtreme(1.0));
    }

    public static List<String> names() {
        return List.copyOf(REGISTRY.keySet());
    }

    public static Defense create(String name, Options options) {
        Entry e = REGISTRY.get(name);
        if (e == null) throw new IllegalArgumentException("unknown defense '" + name + "'; known: " + names());
        // a setting the defense does not read would be silently ignored (e.g. a lambda given to fine-pruning)
        List<String> unread = options.specific().stream().filter(o -> !e.reads().contains(o)).toList();
        if (!unread.isEmpty()) {
            throw new ConfigException("defense '" + name + "' does not use " + unread + (e.reads().isEmpty()
                    ? " (it takes none of " + RECIPE_OPTIONS + ")" : "; it uses " + e.reads()));
        }
        return e.factory().apply(options);
    }

    static Defense recipe(String name, RecipeConfig cfg) {
        return new Defense() {
            public String name() { return name; }
            public Map<String, Object> describe() { return cfg.describe(); }
            @Override
            public Map<String, Object> describeFor(ModelSpec spec) { return cfg.describeFor(spec); }
            public Map<String, Object> apply(BertModel model, Tokenizer tok, List<String> aux, Path work,
                                             BiConsumer<Integer, BertModel> onEpoch) {
                return report(Recipe.purify(model, tok, aux, cfg, work, onEpoch));
            }
            @Override
            public Map<String, Object> applyTo(SameDiff sd, ModelSpec spec, BatchSource aux, Path work, IntConsumer onEpoch) {
                return report(Recipe.purify(sd, spec, aux, cfg, work, onEpoch));
            }
        };
    }

    /** What a RECIPE-family defense reports: norms before and after, steps, time, and the curves. */
    static Map<String, Object> report(Recipe.Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("norm_before", r.totalNormBefore());
        m.put("norm_after", r.totalNormAfter());
        m.put("norms_before", r.normsBefore());
        m.put("norms_after", r.normsAfter());
        m.put("steps", r.training().finalStep());
        m.put("resumed_from", r.training().resumedFrom());
        m.put("seconds", r.training().wallTime().toMillis() / 1e3);
        m.put("curves_first_step", r.training().resumedFrom() + 1);
        m.put("loss_curve", r.loss());
        m.put("pretrain_loss_curve", r.pretrainLoss());
        m.put("norm_curve", r.norm());
        return m;
    }

    /**
     * @param fraction share of the scope's neurons pruned, rounded
     * @param keep     neurons of the scope left unpruned whatever the fraction (0: none)
     */
    static Defense pruning(String name, boolean lastLayerOnly, double fraction, int keep, int maxLen) {
        return new Defense() {
            public String name() { return name; }
            public Map<String, Object> describe() {
                Map<String, Object> m = new TreeMap<>();
                m.put("scope", lastLayerOnly ? "last layer" : "global (all layers)");
                m.put("fraction_of_scope", fraction);
                if (keep > 0) m.put("kept_of_scope", keep);
                m.put("criterion", FinePruning.CRITERION);
                m.put("max_len", maxLen);
                return m;
            }
            @Override
            public Map<String, Object> describeFor(ModelSpec spec) {
                Map<String, Object> m = describe();
                if (!spec.readsText()) m.remove("max_len");
                return m;
            }
            public Map<String, Object> apply(BertModel model, Tokenizer tok, List<String> aux, Path work,
                                             BiConsumer<Integer, BertModel> onEpoch) {
                long t0 = System.nanoTime();
                return pruneLowest(FinePruning.meanActivations(model, tok, aux, maxLen), model.graph(), model.spec(), t0);
            }
            @Override
            public Map<String, Object> applyTo(SameDiff sd, ModelSpec spec, BatchSource aux, Path work, IntConsumer onEpoch) {
                long t0 = System.nanoTime();
                return pruneLowest(FinePruning.meanActivations(sd, spec, aux), sd, spec, t0);
            }
            /** Prunes the scope's lowest-ranked fraction and reports it. */
            private Map<String, Object> pruneLowest(double[][] mean, SameDiff sd, ModelSpec spec, long t0) {
                int last = mean.length - 1;
                List<Integer> layers = lastLayerOnly ? List.of(last) : null;
                int scope = lastLayerOnly ? mean[last].length : java.util.Arrays.stream(mean).mapToInt(a -> a.length).sum();
                int count = Math.min((int) Math.round(scope * fraction), scope - keep);
                List<FinePruning.Neuron> chosen = FinePruning.lowest(mean, layers, count);
                FinePruning.prune(sd, spec, chosen);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("pruned", chosen.size());
                m.put("of", scope);
                m.put("pruned_per_layer", FinePruning.perLayer(chosen));
                m.put("criterion", FinePruning.CRITERION);
                m.put("seconds", (System.nanoTime() - t0) / 1e9);
                return m;
            }
        };
    }

    static Defense reinit(String name, String regexOrNullForLastLayer, long seed) {
        return new Defense() {
            public String name() { return name; }
            public Map<String, Object> describe() {
                return Map.of("target", regexOrNullForLastLayer == null ? "last encoder layer" : regexOrNullForLastLayer,
                        "seed", seed, "init", "normal(0, initializer_range), zero biases, unit LayerNorm gains");
            }
            public Map<String, Object> apply(BertModel model, Tokenizer tok, List<String> aux, Path work,
                                             BiConsumer<Integer, BertModel> onEpoch) {
                String regex = regexOrNullForLastLayer != null ? regexOrNullForLastLayer
                        : "\\.encoder\\.layer\\." + (model.config().numLayers() - 1) + "\\.";
                return Map.of("reinitialised", model.reinitialise(regex, seed));
            }
        };
    }

    /**
     * The RECIPE appendix's comparison (Table 11): every parameter above {@code bound} or below −{@code bound} set to
     * the bound, no auxiliary data and no training. The report counts the clipped values per tensor.
     */
    static Defense clipExtreme(double bound) {
        return new Defense() {
            public String name() { return "clip-extreme"; }
            public Map<String, Object> describe() {
                return Map.of("bound", bound, "scope", "every parameter of the model (all VARIABLEs)");
            }
            public Map<String, Object> apply(BertModel model, Tokenizer tok, List<String> aux, Path work,
                                             BiConsumer<Integer, BertModel> onEpoch) {
                Map<String, Object> clipped = new TreeMap<>();
                long total = 0;
                long params = 0;
                for (Map.Entry<String, org.nd4j.linalg.api.ndarray.INDArray> e : model.weights().entrySet()) {
                    org.nd4j.linalg.api.ndarray.INDArray w = e.getValue();
                    params += w.length();
                    long n = w.scan(org.nd4j.linalg.indexing.conditions.Conditions.absGreaterThan(bound)).longValue();
                    if (n == 0) continue;
                    org.nd4j.linalg.indexing.BooleanIndexing.replaceWhere(w, bound,
                            org.nd4j.linalg.indexing.conditions.Conditions.greaterThan(bound));
                    org.nd4j.linalg.indexing.BooleanIndexing.replaceWhere(w, -bound,
                            org.nd4j.linalg.indexing.conditions.Conditions.lessThan(-bound));
                    clipped.put(e.getKey(), n);
                    total += n;
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("clipped_values", total);
                m.put("of_parameters", params);
                m.put("clipped_per_tensor", clipped);
                return m;
            }
        };
    }
}
