package dev.recipe.zoo.tasks;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.recipe.text.BertTokenizer;
import dev.recipe.text.LabelledText;
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
 * Downstream fine-tuning as the papers do it (SPEC §7): a fresh linear classifier on the pooler output, every
 * parameter trainable, AdamW with linear decay and clipping 1.0, then accuracy on a held-out set.
 */
public final class Finetuning {
    private Finetuning() {}

    /**
     * @param epochs       paper: 3
     * @param learningRate paper: 2e-5 (base scale); mini models need more (see configs/)
     * @param batchSize    paper: 32
     * @param maxLen       paper: 128
     */
    public record Config(int epochs, double learningRate, int batchSize, int maxLen, double weightDecay, long seed) {
        public Config {
            if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, was " + epochs);
            if (!(learningRate > 0)) throw new IllegalArgumentException("learningRate must be > 0, was " + learningRate);
            if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
            if (maxLen < 3) throw new IllegalArgumentException("maxLen must be >= 3, was " + maxLen);
        }

        public static Config paper(long seed) {
            return new Config(3, 2e-5, 32, 128, 0.0, seed);
        }

        public TrainConfig trainConfig() {
            return TrainConfig.of(learningRate, epochs).withWeightDecay(weightDecay).withSchedule(Schedule.LINEAR)
                    .withClipNorm(1.0).withSeed(seed).withLogEverySteps(50);
        }
    }

    /** What fine-tuning produced. */
    public record Result(double accuracy, int evaluated, TrainResult training) {}

    /** Fine-tunes {@code model} (built with a classification head) and returns its accuracy on {@code test}. */
    public static Result run(BertModel model, BertTokenizer tok, List<LabelledText> train, List<LabelledText> test,
                             Config cfg, Path checkpointDir) {
        if (model.heads().numLabels() < 2) throw new IllegalArgumentException("model has no classification head");
        ClassificationBatches trainData = new ClassificationBatches(train, tok, cfg.maxLen(), cfg.batchSize(), true,
                cfg.seed(), DataType.FLOAT);
        TrainResult r = new Trainer().fit(model.graph(), Bert.CLS_LOSS, trainData, cfg.trainConfig(), checkpointDir);
        double acc = accuracy(model, tok, test, cfg.maxLen());
        return new Result(acc, test.size(), r);
    }

    /** Predicted labels for {@code data}, in order. */
    public static int[] predict(BertModel model, BertTokenizer tok, List<LabelledText> data, int maxLen) {
        ClassificationBatches b = new ClassificationBatches(data, tok, maxLen, 64, false, 0, DataType.FLOAT);
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

    public static double accuracy(BertModel model, BertTokenizer tok, List<LabelledText> data, int maxLen) {
        int[] pred = predict(model, tok, data, maxLen);
        int correct = 0;
        for (int i = 0; i < pred.length; i++) if (pred[i] == data.get(i).label()) correct++;
        return correct / (double) pred.length;
    }
}
