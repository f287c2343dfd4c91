package dev.recipe.zoo.tasks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.recipe.core.Json;
import dev.recipe.text.LabelledText;
import dev.recipe.text.Tokenizer;
import dev.recipe.train.Schedule;
import dev.recipe.train.TrainConfig;
import dev.recipe.train.TrainResult;
import dev.recipe.train.Trainer;
import dev.recipe.zoo.bert.Bert;
import dev.recipe.zoo.bert.BertModel;
import dev.recipe.zoo.data.ClassificationBatches;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Downstream fine-tuning as the papers do it (SPEC §7): a fresh linear classifier on the ModelSpec representation
 * (BERT: the pooler output), every parameter trainable, AdamW with linear decay and clipping 1.0. The pooler is
 * kept (RECIPE's code loads it with the checkpoint) or re-initialised, and the model of the last epoch or of the
 * epoch best on dev is kept (RECIPE: last, {@code load_best_model_at_end=false}); both choices are recorded.
 */
public final class Finetuning {
    private Finetuning() {}

    /** What happens to the pre-trained pooler before fine-tuning. */
    public enum PoolerMode { KEEP, REINIT }

    /** Which epoch's weights are evaluated. */
    public enum Selection { LAST_EPOCH, BEST_ON_DEV }

    /**
     * @param epochs       paper: 3
     * @param learningRate paper: 2e-5 (base scale); mini models need more (see configs/)
     * @param batchSize    paper: 32
     * @param maxLen       paper: 128
     * @param pooler       paper code: KEEP
     * @param selection    paper code: LAST_EPOCH
     * @param groupByLength training batches of texts of similar length ({@link ClassificationBatches}); paper code:
     *                     off (random batches); grouped batches run in a shuffled order
     */
    public record Config(int epochs, double learningRate, int batchSize, int maxLen, double weightDecay, long seed,
                         PoolerMode pooler, Selection selection, boolean groupByLength) {
        public Config {
            if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, was " + epochs);
            if (!(learningRate > 0)) throw new IllegalArgumentException("learningRate must be > 0, was " + learningRate);
            if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
            if (maxLen < 3) throw new IllegalArgumentException("maxLen must be >= 3, was " + maxLen);
            if (pooler == null) throw new IllegalArgumentException("pooler must be KEEP or REINIT");
            if (selection == null) throw new IllegalArgumentException("selection must be LAST_EPOCH or BEST_ON_DEV");
        }

        public Config(int epochs, double learningRate, int batchSize, int maxLen, double weightDecay, long seed) {
            this(epochs, learningRate, batchSize, maxLen, weightDecay, seed, PoolerMode.KEEP, Selection.LAST_EPOCH);
        }

        public Config(int epochs, double learningRate, int batchSize, int maxLen, double weightDecay, long seed,
                      PoolerMode pooler, Selection selection) {
            this(epochs, learningRate, batchSize, maxLen, weightDecay, seed, pooler, selection, false);
        }

        public static Config paper(long seed) {
            return new Config(3, 2e-5, 32, 128, 0.0, seed);
        }

        public Config withSeed(long s) {
            return new Config(epochs, learningRate, batchSize, maxLen, weightDecay, s, pooler, selection,
                    groupByLength);
        }

        public TrainConfig trainConfig() {
            return TrainConfig.of(learningRate, epochs).withWeightDecay(weightDecay).withSchedule(Schedule.LINEAR)
                    .withClipNorm(1.0).withSeed(seed).withLogEverySteps(50);
        }

        /** For result records. */
        public Map<String, Object> describe() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epochs", epochs);
            m.put("lr", learningRate);
            m.put("batch", batchSize);
            m.put("max_len", maxLen);
            m.put("weight_decay", weightDecay);
            m.put("seed", seed);
            m.put("pooler", pooler.name().toLowerCase());
            m.put("selection", selection.name().toLowerCase());
            // recorded only when on, so that cells written before the option existed keep matching their settings
            if (groupByLength) m.put("group_by_length", true);
            m.put("optimizer", "AdamW, linear decay, no warm-up, clip 1.0, every parameter trainable");
            return m;
        }
    }

    /**
     * What fine-tuning produced.
     *
     * @param accuracy    on the evaluation set passed to {@link #run}
     * @param devAccuracy per epoch, when a dev set was given (else empty)
     * @param chosenEpoch the epoch whose weights were kept (1-based)
     */
    /** Steps between checkpoints of a resumable fine-tuning ({@link #run} with a checkpoint directory). */
    public static final long CHECKPOINT_EVERY = 50;

    public record Result(double accuracy, int evaluated, TrainResult training, List<Double> devAccuracy,
                         int chosenEpoch) {}

    /** Fine-tunes {@code model} (built with a classification head) and returns its accuracy on {@code test}. */
    public static Result run(BertModel model, Tokenizer tok, List<LabelledText> train, List<LabelledText> test,
                             Config cfg, Path checkpointDir) {
        return run(model, tok, train, List.of(), test, cfg, checkpointDir);
    }

    /**
     * Fine-tunes {@code model}; with a non-empty {@code dev}, measures dev accuracy after every epoch (and keeps the
     * best epoch's weights when {@code cfg.selection()} is BEST_ON_DEV). {@code test} may be empty.
     */
    public static Result run(BertModel model, Tokenizer tok, List<LabelledText> train, List<LabelledText> dev,
                             List<LabelledText> test, Config cfg, Path checkpointDir) {
        if (model.heads().numLabels() < 2) throw new IllegalArgumentException("model has no classification head");
        if (cfg.selection() == Selection.BEST_ON_DEV && dev.isEmpty()) {
            throw new IllegalArgumentException("selection BEST_ON_DEV needs a dev set");
        }
        checkLabels(train, model.heads().numLabels(), "training");
        if (cfg.pooler() == PoolerMode.REINIT) model.reinitialise("\\.pooler\\.", cfg.seed());
        ClassificationBatches trainData = new ClassificationBatches(train, tok, cfg.maxLen(), cfg.batchSize(), true,
                cfg.seed(), DataType.FLOAT, model.config().maxTokens(), cfg.groupByLength());
        checkLength(model, trainData, cfg.maxLen(), "training");
        int perEpoch = trainData.batchesPerEpoch();
        List<Double> devAcc = new ArrayList<>();
        TrainConfig tc = cfg.trainConfig();
        java.nio.file.Path devFile = null;
        if (checkpointDir != null) {
            // resumable: checkpoints, and the per-epoch dev accuracies next to them (the best epoch's weights are not
            // kept, so only LAST_EPOCH selection can resume)
            if (cfg.selection() == Selection.BEST_ON_DEV) {
                throw new IllegalArgumentException("a checkpoint directory needs selection LAST_EPOCH (the best epoch's "
                        + "weights are not checkpointed)");
            }
            tc = tc.withCheckpointEverySteps(CHECKPOINT_EVERY);
            devFile = checkpointDir.resolve("dev-accuracy.json");
            if (java.nio.file.Files.isRegularFile(devFile)) {
                for (Object o : Json.read(devFile, List.class)) devAcc.add(((Number) o).doubleValue());
            }
        }
        java.nio.file.Path devRecord = devFile;
        Map<String, INDArray> best = new HashMap<>();
        int[] bestEpoch = {cfg.epochs()};
        TrainResult r = new Trainer(info -> {
            if (dev.isEmpty() || info.indexInEpoch() != perEpoch - 1) return;
            double acc = accuracy(model, tok, dev, cfg.maxLen());
            // a resumed run measures again the epochs that ended after its checkpoint: this epoch's entry replaces
            // what an earlier process recorded for it and after it (same weights, so the same number)
            while (devAcc.size() > info.epoch()) devAcc.remove(devAcc.size() - 1);
            devAcc.add(acc);
            if (devRecord != null) Json.write(devRecord, devAcc);
            if (cfg.selection() == Selection.BEST_ON_DEV && (best.isEmpty() || acc > devAcc.stream()
                    .limit(devAcc.size() - 1).mapToDouble(Double::doubleValue).max().orElse(-1))) {
                best.clear();
                model.weights().forEach((k, v) -> best.put(k, v.dup()));
                bestEpoch[0] = info.epoch() + 1;
            }
        }).fit(model.graph(), Bert.CLS_LOSS, trainData, tc, checkpointDir);
        if (!dev.isEmpty() && devAcc.size() != cfg.epochs()) {
            // a process that died between the last checkpoint and its dev measurement: the last epoch's can be
            // measured now (these are its weights); an earlier one cannot
            if (devAcc.size() == cfg.epochs() - 1) devAcc.add(accuracy(model, tok, dev, cfg.maxLen()));
            else throw new IllegalStateException(checkpointDir + ": dev accuracies of " + devAcc.size() + " of "
                    + cfg.epochs() + " epochs were recorded; delete the directory to fine-tune again");
        }
        if (cfg.selection() == Selection.BEST_ON_DEV) model.loadWeights(best, false, "best-on-dev snapshot");
        double acc = test.isEmpty() ? Double.NaN : accuracy(model, tok, test, cfg.maxLen());
        return new Result(acc, test.size(), r, devAcc, bestEpoch[0]);
    }

    /**
     * Refuses texts longer than the model's position table (the native lookup would read past it and crash the JVM):
     * checked on the texts, so a maxLen above the table is fine while every text fits.
     */
    private static void checkLength(BertModel model, ClassificationBatches b, int maxLen, String what) {
        model.config().checkSequenceLength(b.longest(), "fine-tuning: the longest " + what + " text (tokens, cut at maxLen "
                + maxLen + "), with");
    }

    private static void checkLabels(List<LabelledText> data, int numLabels, String what) {
        for (int i = 0; i < data.size(); i++) {
            int l = data.get(i).label();
            if (l < 0 || l >= numLabels) {
                throw new IllegalArgumentException(what + " example " + i + " has label " + l + " but the classifier has "
                        + numLabels + " labels (0.." + (numLabels - 1) + ")");
            }
        }
    }

    /** Predicted labels for {@code data}, in order. */
    public static int[] predict(BertModel model, Tokenizer tok, List<LabelledText> data, int maxLen) {
        if (data.isEmpty()) return new int[0];
        ClassificationBatches b = new ClassificationBatches(data, tok, maxLen, 64, false, 0, DataType.FLOAT,
                model.config().maxTokens());
        checkLength(model, b, maxLen, "prediction");
        int[] out = new int[data.size()];
        int k = 0;
        for (int i = 0; i < b.batchesPerEpoch(); i++) {
            Map<String, INDArray> batch = b.batch(0, i);
            batch.remove(Bert.LABELS);
            INDArray logits = model.graph().output(batch, Bert.LOGITS).get(Bert.LOGITS);
            INDArray arg = logits.argMax(1);
            for (int j = 0; j < arg.length(); j++) out[k++] = arg.getInt(j);
        }
        return out;
    }

    public static double accuracy(BertModel model, Tokenizer tok, List<LabelledText> data, int maxLen) {
        int[] pred = predict(model, tok, data, maxLen);
        int correct = 0;
        for (int i = 0; i < pred.length; i++) if (pred[i] == data.get(i).label()) correct++;
        return correct / (double) pred.length;
    }
}
