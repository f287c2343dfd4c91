package dev.recipe.attack;

import java.util.List;

import dev.recipe.train.OptimizerKind;
import dev.recipe.train.Schedule;
import dev.recipe.train.TrainConfig;

/**
 * The optimisation part of an attack config: batch size, epochs, AdamW, schedule, clipping and which variables the
 * attacker trains. Each attack's defaults are its authors' (see the config records); {@link #toTrainConfig} turns it
 * into the {@link dev.recipe.train.Trainer}'s config.
 *
 * @param batchSize    examples per step (each attack says what an example is: NeuBA and BadPre-PAIRED rows come
 *                     with their poisoned copies, so the forward pass has twice as many rows)
 * @param epochs       passes over the attack's data
 * @param learningRate peak learning rate
 * @param weightDecay  decoupled (AdamW) weight decay, applied to every trained variable
 * @param beta1        Adam β₁
 * @param beta2        Adam β₂
 * @param eps          Adam ε
 * @param clipNorm     global gradient-norm clip; {@code <= 0} disables clipping
 * @param warmupSteps  linear warm-up steps
 * @param schedule     LINEAR decay to 0 or CONSTANT after warm-up
 * @param trainable    regular expressions (Matcher.find) of the variables the attacker updates; empty = all; null =
 *                     the attack's default for the model's family (see {@link Attack#trainable})
 */
public record AttackTraining(int batchSize, int epochs, double learningRate, double weightDecay, double beta1,
                             double beta2, double eps, double clipNorm, long warmupSteps, Schedule schedule,
                             List<String> trainable) {

    public AttackTraining {
        Check.positive("training", "batchSize", batchSize);
        Check.positive("training", "epochs", epochs);
        Check.that(Double.isFinite(learningRate) && learningRate > 0, "training", "learningRate", "finite and > 0", learningRate);
        Check.nonNegative("training", "weightDecay", weightDecay);
        Check.that(beta1 >= 0 && beta1 < 1, "training", "beta1", "in [0, 1)", beta1);
        Check.that(beta2 >= 0 && beta2 < 1, "training", "beta2", "in [0, 1)", beta2);
        Check.that(Double.isFinite(eps) && eps > 0, "training", "eps", "finite and > 0", eps);
        Check.that(Double.isFinite(clipNorm), "training", "clipNorm", "finite (<= 0 disables clipping)", clipNorm);
        Check.that(warmupSteps >= 0, "training", "warmupSteps", ">= 0", warmupSteps);
        Check.required("training", "schedule", schedule, "one of LINEAR, CONSTANT");
        trainable = trainable == null ? null : Check.patterns("training", "trainable", trainable);
    }

    /**
     * The trainer's config: this plus the seed, checkpoints every {@code checkpointEvery}, logs every
     * {@code logEvery}, training the variables matched by {@code trained} (the resolved {@link #trainable}).
     */
    public TrainConfig toTrainConfig(long seed, long checkpointEvery, long logEvery, List<String> trained) {
        return new TrainConfig(learningRate, weightDecay, beta1, beta2, eps, epochs, warmupSteps, schedule, clipNorm,
                trained, seed, checkpointEvery, logEvery, OptimizerKind.ADAMW, 0.0);
    }

    public AttackTraining withBatchSize(int v) {
        return new AttackTraining(v, epochs, learningRate, weightDecay, beta1, beta2, eps, clipNorm, warmupSteps, schedule, trainable);
    }

    public AttackTraining withEpochs(int v) {
        return new AttackTraining(batchSize, v, learningRate, weightDecay, beta1, beta2, eps, clipNorm, warmupSteps, schedule, trainable);
    }

    public AttackTraining withLearningRate(double v) {
        return new AttackTraining(batchSize, epochs, v, weightDecay, beta1, beta2, eps, clipNorm, warmupSteps, schedule, trainable);
    }

    public AttackTraining withTrainable(List<String> v) {
        return new AttackTraining(batchSize, epochs, learningRate, weightDecay, beta1, beta2, eps, clipNorm, warmupSteps, schedule, v);
    }
}
