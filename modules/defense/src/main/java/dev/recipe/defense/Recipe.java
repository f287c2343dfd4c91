package dev.recipe.defense;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;

import dev.recipe.nn.Losses;
import dev.recipe.text.Tokenizer;
import dev.recipe.train.BatchSource;
import dev.recipe.train.Schedule;
import dev.recipe.train.TrainConfig;
import dev.recipe.train.TrainResult;
import dev.recipe.train.Trainer;
import dev.recipe.train.VariableSelection;
import dev.recipe.zoo.GraphWeights;
import dev.recipe.zoo.ModelSpec;
import dev.recipe.zoo.bert.BertModel;
import dev.recipe.zoo.data.MaskedLmBatches;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * RECIPE (SPEC §4): {@code L = λ · Σ_{W ∈ spec.regularised} ‖W‖₂ + L_PT}, the norm term added as variables of the
 * model's own SameDiff graph next to its pre-training loss, minimised on auxiliary data (BERT: unlabelled text under
 * masked LM; ViT: images under its pre-training classifier). Written once for every family through {@link ModelSpec}.
 */
public final class Recipe {
    public static final String NORM = "recipe_norm";
    public static final String LOSS = "recipe_loss";

    private Recipe() {}

    /**
     * What purification did. Curves have one entry per step of this process: {@code pretrainLoss} is L_PT of the
     * step (the loss minus λ times the norm of the weights the step started from), {@code norm} is Σ‖W‖₂ after it.
     * After a resume the curves start at the step after the checkpoint ({@code training.resumedFrom() + 1}) and the
     * first L_PT entry is null: the norm of the checkpoint's weights before that step was not observed.
     */
    public record Result(Map<String, Double> normsBefore, Map<String, Double> normsAfter, List<Double> loss,
                         List<Double> pretrainLoss, List<Double> norm, TrainResult training) {
        public double totalNormBefore() { return normsBefore.values().stream().mapToDouble(Double::doubleValue).sum(); }
        public double totalNormAfter() { return normsAfter.values().stream().mapToDouble(Double::doubleValue).sum(); }
    }

    /** Adds λ·Σ‖W‖₂ (+ the spec's pre-training loss) to the graph; returns the name of the loss to minimise. */
    public static String addLoss(SameDiff sd, ModelSpec spec, double lambda, boolean pretrainLoss) {
        return addLoss(sd, spec, spec.regularised(), lambda, pretrainLoss);
    }

    /** As {@link #addLoss(SameDiff, ModelSpec, double, boolean)} with the norm over {@code regularised}. */
    public static String addLoss(SameDiff sd, ModelSpec spec, List<String> regularised, double lambda, boolean pretrainLoss) {
        if (pretrainLoss && spec.pretrainLoss() == null) {
            throw new IllegalArgumentException("the model has no pre-training head; load it with one (BERT: masked LM)");
        }
        List<SDVariable> reg = new ArrayList<>();
        for (String n : regularised) {
            SDVariable v = sd.getVariable(n);
            if (v == null) throw new IllegalArgumentException("ModelSpec names regularised weight '" + n + "' but the graph has none");
            reg.add(v);
        }
        SDVariable norm = Losses.sumOfNorms(sd, NORM, reg);
        SDVariable total;
        if (!pretrainLoss) total = norm.mul(lambda);
        else if (lambda == 0) total = sd.getVariable(spec.pretrainLoss()).mul(1.0);
        else total = sd.getVariable(spec.pretrainLoss()).add(norm.mul(lambda));
        return sd.identity(LOSS, total).name();
    }

    /** ‖W‖₂ of every regularised weight, from the live arrays. */
    public static Map<String, Double> norms(BertModel model) {
        return norms(model, model.spec().regularised());
    }

    /** ‖W‖₂ of each named weight, from the live arrays. */
    public static Map<String, Double> norms(BertModel model, List<String> names) {
        return norms(model.graph(), names);
    }

    /** ‖W‖₂ of each named weight of {@code sd}, from the live arrays (any model family). */
    public static Map<String, Double> norms(SameDiff sd, List<String> names) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String n : names) out.put(n, sd.getVariable(n).getArr().norm2Number().doubleValue());
        return out;
    }

    /**
     * The weights {@code cfg} puts under the norm: the ModelSpec's when {@code cfg.regularised()} is empty, else every
     * weight in whose name one of its regular expressions is found (each must match at least one, and every match must
     * be trained, or its norm would be a constant).
     */
    public static List<String> regularised(BertModel model, RecipeConfig cfg, List<String> trainablePatterns) {
        return regularised(model.graph(), model.spec(), cfg, trainablePatterns);
    }

    /** {@link #regularised(BertModel, RecipeConfig, List)} for any model family's graph and roles. */
    public static List<String> regularised(SameDiff sd, ModelSpec spec, RecipeConfig cfg, List<String> trainablePatterns) {
        if (cfg.regularised().isEmpty()) return spec.regularised();
        List<String> names = new ArrayList<>();
        List<String> weights = GraphWeights.of(sd).keySet().stream().toList();
        for (String re : cfg.regularised()) {
            Pattern p = Pattern.compile(re);
            int before = names.size();
            for (String n : weights) {
                if (p.matcher(n).find() && !names.contains(n)) names.add(n);
            }
            if (names.size() == before) {
                throw new IllegalArgumentException("regularised: pattern '" + re + "' matches no weight of the model");
            }
        }
        List<String> trained = VariableSelection.of(sd, trainablePatterns).trainable();
        for (String n : names) {
            if (!trained.contains(n)) {
                throw new IllegalArgumentException("regularised weight '" + n + "' is not trained (trainable: "
                        + trainablePatterns + "); its norm would be a constant");
            }
        }
        return names;
    }

    /**
     * Purifies {@code model} (built with its pre-training head) in place on auxiliary texts (masked LM).
     *
     * @param checkpointDir  trainer checkpoints (resumable), or null
     * @param onEpochSaved   called with (epoch, model) after each epoch listed in {@code cfg.checkpointEpochs()}
     */
    public static Result purify(BertModel model, Tokenizer tok, List<String> auxTexts, RecipeConfig cfg,
                                Path checkpointDir, BiConsumer<Integer, BertModel> onEpochSaved) {
        if (auxTexts.size() < cfg.batchSize()) {
            throw new IllegalArgumentException("only " + auxTexts.size() + " auxiliary texts for batch size " + cfg.batchSize());
        }
        MaskedLmBatches data = MaskedLmBatches.perText(auxTexts, tok, cfg.seqLen(), cfg.batchSize(), cfg.masking(),
                cfg.seed(), DataType.FLOAT);
        return purify(model.graph(), model.spec(), data, cfg, checkpointDir,
                onEpochSaved == null ? null : epoch -> onEpochSaved.accept(epoch, model));
    }

    /**
     * Purifies any model family's graph in place: {@code data} fills the placeholders of the spec's pre-training loss
     * (BERT: masked-LM batches of auxiliary text; ViT: labelled auxiliary images for its classification head).
     *
     * @param checkpointDir  trainer checkpoints (resumable), or null
     * @param onEpochSaved   called with the epoch after each epoch listed in {@code cfg.checkpointEpochs()}, or null
     */
    public static Result purify(SameDiff sd, ModelSpec spec, BatchSource data, RecipeConfig cfg, Path checkpointDir,
                                IntConsumer onEpochSaved) {
        List<String> trainable = cfg.trainable().isEmpty() ? spec.recipeTrainable() : cfg.trainable();
        List<String> regularised = regularised(sd, spec, cfg, trainable);
        String loss = addLoss(sd, spec, regularised, cfg.lambda(), cfg.pretrainLoss());
        // without L_PT the loss reaches only the norm term's weights: those are trained (a family whose RECIPE trains
        // every variable, e.g. a ViT, would otherwise ask for gradients the loss does not have)
        List<String> trained = cfg.pretrainLoss() ? trainable
                : regularised.stream().map(n -> "^" + Pattern.quote(n) + "$").toList();
        TrainConfig tc = cfg.optimizerOf(TrainConfig.of(cfg.learningRate(), cfg.epochs())
                .withWeightDecay(cfg.weightDecay()).withEps(1e-8).withSchedule(Schedule.LINEAR).withWarmupSteps(0)
                .withClipNorm(cfg.clipNorm()).withSeed(cfg.seed()).withTrainable(trained)
                .withCheckpointEverySteps(checkpointDir == null ? 0 : 25).withLogEverySteps(50));
        Map<String, Double> before = norms(sd, regularised);
        List<Double> losses = new ArrayList<>();
        List<Double> lpt = new ArrayList<>();
        List<Double> normCurve = new ArrayList<>();
        double[] normAtStart = {before.values().stream().mapToDouble(Double::doubleValue).sum()};
        int perEpoch = data.batchesPerEpoch();
        boolean[] startKnown = {false};
        TrainResult r = new Trainer(info -> {
            double n = norms(sd, regularised).values().stream().mapToDouble(Double::doubleValue).sum();
            losses.add(info.loss());
            // L_PT needs the norm of the weights the step started from: known at step 1 (the source model) and after
            // any recorded step, not for the first step after a resume (the checkpoint's weights were never seen)
            boolean known = startKnown[0] || info.step() == 1;
            if (cfg.pretrainLoss()) lpt.add(known ? info.loss() - cfg.lambda() * normAtStart[0] : null);
            startKnown[0] = true;
            normCurve.add(n);
            normAtStart[0] = n;
            int epochDone = info.epoch() + 1;
            if (info.indexInEpoch() == perEpoch - 1 && cfg.checkpointEpochs().contains(epochDone) && onEpochSaved != null) {
                onEpochSaved.accept(epochDone);
            }
        }).fit(sd, loss, data, tc, checkpointDir);
        return new Result(before, norms(sd, regularised), losses, lpt, normCurve, r);
    }
}
