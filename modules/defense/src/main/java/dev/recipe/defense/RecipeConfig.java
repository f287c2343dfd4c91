package dev.recipe.defense;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.recipe.text.MaskingMode;
import dev.recipe.train.OptimizerKind;
import dev.recipe.train.TrainConfig;
import dev.recipe.zoo.ModelSpec;

/**
 * RECIPE's settings (SPEC §4; {@code official-code.md} A1.1). {@link #faithful} reproduces the authors' BERT code:
 * only the weights the ModelSpec marks trainable for RECIPE (BERT: every {@code intermediate.dense.weight}),
 * AdamW lr 2e-5 eps 1e-8 without weight decay, batch 32, length 64, masks drawn once, linear decay without
 * warm-up, clipping 1.0, seed 50, weight factor 1. {@link #extended} trains every parameter with dynamic masks.
 *
 * @param lambda           weight factor of the norm term (paper sweeps 0.1 … 1.5); 0 = the only-pre-train ablation
 * @param pretrainLoss     false = the only-regularisation ablation (no L_PT, the same number of steps)
 * @param trainable        regular expressions of the trained variables; empty = the ModelSpec's RECIPE default
 * @param regularised      regular expressions (found in the name, as for {@code trainable}) of the weights under the
 *                         norm term; empty = the ModelSpec's
 *                         {@code regularised()} (BERT: the intermediate dense weights). Each must be trained.
 * @param checkpointEpochs epochs after which the model is also saved, for purification-dynamics studies
 * @param optimizer        AdamW (the authors' BERT code) or SGD with {@code momentum}: the RECIPE appendix does not
 *                         state the vision purifications' optimizer ({@code official-code.md} A1.3)
 * @param momentum         SGD's momentum in [0, 1); 0 with AdamW
 */
public record RecipeConfig(String preset, double lambda, boolean pretrainLoss, int epochs, double learningRate,
                           int batchSize, int seqLen, MaskingMode masking, double weightDecay, double clipNorm,
                           long seed, List<String> trainable, List<String> regularised,
                           List<Integer> checkpointEpochs, OptimizerKind optimizer, double momentum) {
    /** The extended preset's trainable pattern: every variable whose name has no {@code .pooler.} part. */
    public static final String EVERYTHING_BUT_THE_POOLER = "^(?!.*\\.pooler\\.)";

    public RecipeConfig {
        trainable = List.copyOf(trainable);
        regularised = List.copyOf(regularised);
        checkpointEpochs = List.copyOf(checkpointEpochs);
        if (optimizer == null) {
            throw new IllegalArgumentException("optimizer must be one of " + List.of(OptimizerKind.values()));
        }
        optimizer.checkMomentum(momentum);
        if (!(lambda >= 0) || !Double.isFinite(lambda)) throw new IllegalArgumentException("lambda must be >= 0, was " + lambda);
        if (!pretrainLoss && lambda == 0) {
            throw new IllegalArgumentException("lambda = 0 without the pre-training loss leaves nothing to minimise");
        }
        if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, was " + epochs);
        if (!(learningRate > 0)) throw new IllegalArgumentException("learningRate must be > 0, was " + learningRate);
        if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
        if (seqLen < 4) throw new IllegalArgumentException("seqLen must be >= 4, was " + seqLen);
        for (int e : checkpointEpochs) {
            if (e < 1 || e > epochs) {
                throw new IllegalArgumentException("checkpointEpochs: " + e + " is outside 1.." + epochs);
            }
        }
    }

    /** The authors' BERT code (RECIPE.py), with {@code epochs} (POR 4, BadPre 8, NeuBA 10 at paper scale). */
    public static RecipeConfig faithful(int epochs) {
        return new RecipeConfig("faithful", 1.0, true, epochs, 2e-5, 32, 64, MaskingMode.STATIC, 0.0, 1.0, 50,
                List.of(), List.of(), List.of(), OptimizerKind.ADAMW, 0.0);
    }

    /**
     * Every parameter the pre-training loss reaches trainable (all but the pooler, which the masked-LM head does not
     * read: a variable without a gradient is an error in the trainer), masks drawn anew every epoch (Patronus-style);
     * otherwise as {@link #faithful}.
     */
    public static RecipeConfig extended(int epochs) {
        return new RecipeConfig("extended", 1.0, true, epochs, 2e-5, 32, 64, MaskingMode.DYNAMIC, 0.0, 1.0, 50,
                List.of(EVERYTHING_BUT_THE_POOLER), List.of(), List.of(), OptimizerKind.ADAMW, 0.0);
    }

    public RecipeConfig withLambda(double v) {
        return with(c -> c.lambda = v);
    }

    /** Ablation "only pre-train": λ = 0. */
    public RecipeConfig onlyPretrain() {
        return withLambda(0).named(preset + "/only-pretrain");
    }

    /** Ablation "only regularisation": no L_PT, the same number of steps. */
    public RecipeConfig onlyRegularisation() {
        return with(c -> {
            c.preset = preset + "/only-regularisation";
            c.pretrainLoss = false;
        });
    }

    public RecipeConfig withEpochs(int v) {
        return with(c -> c.epochs = v);
    }

    public RecipeConfig withLearningRate(double v) {
        return with(c -> c.learningRate = v);
    }

    public RecipeConfig withSeed(long v) {
        return with(c -> c.seed = v);
    }

    public RecipeConfig withBatchSize(int v) {
        return with(c -> c.batchSize = v);
    }

    /** The weights under the norm term, as regular expressions over variable names (empty = the ModelSpec's). */
    public RecipeConfig withRegularised(List<String> v) {
        return with(c -> c.regularised = v);
    }

    public RecipeConfig withCheckpointEpochs(List<Integer> v) {
        return with(c -> c.checkpointEpochs = v);
    }

    /** SGD with {@code momentum} instead of AdamW (the learning rate and everything else unchanged). */
    public RecipeConfig withSgd(double momentum) {
        return with(c -> {
            c.optimizer = OptimizerKind.SGD;
            c.momentum = momentum;
        });
    }

    RecipeConfig named(String p) {
        return with(c -> c.preset = p);
    }

    /** The trainer's optimizer settings applied to {@code tc}. */
    TrainConfig optimizerOf(TrainConfig tc) {
        return optimizer == OptimizerKind.SGD ? tc.withSgd(momentum) : tc.withAdamW();
    }

    /** The fields as mutable copies, so that each {@code with} method names only what it changes. */
    private static final class Fields {
        String preset;
        double lambda, learningRate, weightDecay, clipNorm, momentum;
        boolean pretrainLoss;
        int epochs, batchSize, seqLen;
        MaskingMode masking;
        long seed;
        List<String> trainable, regularised;
        List<Integer> checkpointEpochs;
        OptimizerKind optimizer;

        Fields(RecipeConfig c) {
            preset = c.preset;
            lambda = c.lambda;
            pretrainLoss = c.pretrainLoss;
            epochs = c.epochs;
            learningRate = c.learningRate;
            batchSize = c.batchSize;
            seqLen = c.seqLen;
            masking = c.masking;
            weightDecay = c.weightDecay;
            clipNorm = c.clipNorm;
            seed = c.seed;
            trainable = c.trainable;
            regularised = c.regularised;
            checkpointEpochs = c.checkpointEpochs;
            optimizer = c.optimizer;
            momentum = c.momentum;
        }

        RecipeConfig build() {
            return new RecipeConfig(preset, lambda, pretrainLoss, epochs, learningRate, batchSize, seqLen, masking,
                    weightDecay, clipNorm, seed, trainable, regularised, checkpointEpochs, optimizer, momentum);
        }
    }

    private RecipeConfig with(Consumer<Fields> change) {
        Fields f = new Fields(this);
        change.accept(f);
        return f.build();
    }

    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("preset", preset);
        m.put("lambda", lambda);
        m.put("pretrain_loss", pretrainLoss ? "masked LM" : "none (only regularisation)");
        m.put("epochs", epochs);
        m.put("lr", learningRate);
        m.put("batch", batchSize);
        m.put("seq_len", seqLen);
        m.put("masking", masking.name().toLowerCase());
        m.put("weight_decay", weightDecay);
        m.put("clip_norm", clipNorm);
        m.put("seed", seed);
        m.put("trainable", trainable.isEmpty() ? "ModelSpec RECIPE default" : trainable);
        m.put("regularised", regularised.isEmpty() ? "ModelSpec default" : regularised);
        m.put("optimizer", optimizer == OptimizerKind.SGD ? "SGD momentum " + momentum + ", linear decay, no warm-up"
                : "AdamW eps 1e-8, linear decay, no warm-up");
        m.put("checkpoint_epochs", checkpointEpochs);
        return m;
    }

    /**
     * {@link #describe()} as the settings apply to a model of {@code spec}'s family: on a model without a masked-LM
     * head (a ViT) L_PT is its own pre-training classification loss and the text keys (sequence length, masking) do
     * not apply.
     */
    public Map<String, Object> describeFor(ModelSpec spec) {
        Map<String, Object> m = describe();
        if (spec.readsText()) return m;
        if (pretrainLoss) m.put("pretrain_loss", "the model's pre-training classification loss on the auxiliary images");
        m.remove("seq_len");
        m.remove("masking");
        return m;
    }
}
