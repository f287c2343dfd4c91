package dev.recipe.train;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Hyperparameters of one {@link Trainer} run: AdamW (Loshchilov &amp; Hutter, 2019, arXiv:1711.05101) with decoupled
 * weight decay and bias correction exactly as {@code torch.optim.AdamW} (or SGD with momentum, {@link Sgd}), a warmup + decay learning-rate
 * {@link Schedule}, global-norm gradient clipping as {@code torch.nn.utils.clip_grad_norm_}, and the set of
 * trainable variables. Validated on construction (also when read back from a checkpoint's JSON).
 *
 * @param learningRate         peak learning rate, finite and {@code > 0}
 * @param weightDecay          AdamW: decoupled weight decay ({@code p *= 1 - lr*wd} before the Adam step); SGD: added
 *                             to the gradient ({@code g + wd*p}) as {@code torch.optim.SGD} does; finite, {@code >= 0}
 * @param beta1                first-moment decay, in [0, 1); PyTorch default 0.9
 * @param beta2                second-moment decay, in [0, 1); PyTorch default 0.999
 * @param eps                  denominator term, finite and {@code > 0}; PyTorch default 1e-8
 * @param epochs               passes over the {@link BatchSource}, {@code >= 1}
 * @param warmupSteps          linear warmup length in optimizer steps, {@code >= 0}
 * @param schedule             learning-rate schedule after warmup
 * @param clipNorm             maximum global L2 norm of all trainable gradients; {@code <= 0} disables clipping; not NaN
 * @param trainable            regular expressions matched with {@link java.util.regex.Matcher#find()} against variable
 *                             names; a variable is trained if any matches; empty = every variable
 * @param seed                 seeds ND4J's RNG before every step (as a function of seed and step), and callers'
 *                             shuffling via {@link EpochPermutation}
 * @param checkpointEverySteps write a checkpoint after every this many steps ({@code >= 0}; 0 = only at the end);
 *                             ignored without a checkpoint directory
 * @param logEverySteps        log progress after every this many steps ({@code >= 0}; 0 = never)
 * @param optimizer            the update rule; null (a checkpoint from before the field) = {@link OptimizerKind#ADAMW}
 * @param momentum             SGD's momentum, in [0, 1); must be 0 for AdamW (betas and eps are AdamW's alone)
 */
public record TrainConfig(
        double learningRate,
        double weightDecay,
        double beta1,
        double beta2,
        double eps,
        int epochs,
        long warmupSteps,
        Schedule schedule,
        double clipNorm,
        List<String> trainable,
        long seed,
        long checkpointEverySteps,
        long logEverySteps,
        OptimizerKind optimizer,
        double momentum) {

    public TrainConfig {
        require(Double.isFinite(learningRate) && learningRate > 0, "learningRate", "finite and > 0", learningRate);
        require(Double.isFinite(weightDecay) && weightDecay >= 0, "weightDecay", "finite and >= 0", weightDecay);
        require(beta1 >= 0 && beta1 < 1, "beta1", "[0, 1)", beta1);
        require(beta2 >= 0 && beta2 < 1, "beta2", "[0, 1)", beta2);
        require(Double.isFinite(eps) && eps > 0, "eps", "finite and > 0", eps);
        require(epochs >= 1, "epochs", ">= 1", epochs);
        require(warmupSteps >= 0, "warmupSteps", ">= 0", warmupSteps);
        require(schedule != null, "schedule", "one of LINEAR, CONSTANT", null);
        require(!Double.isNaN(clipNorm) && clipNorm != Double.POSITIVE_INFINITY, "clipNorm",
                "finite (<= 0 disables clipping)", clipNorm);
        require(trainable != null, "trainable", "a list of regular expressions (empty = all variables)", null);
        trainable = List.copyOf(trainable);
        for (String regex : trainable) {
            try {
                Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("trainable must be a list of valid regular expressions, got '"
                        + regex + "': " + e.getDescription(), e);
            }
        }
        require(checkpointEverySteps >= 0, "checkpointEverySteps", ">= 0 (0 = only at the end)", checkpointEverySteps);
        require(logEverySteps >= 0, "logEverySteps", ">= 0 (0 = never)", logEverySteps);
        // a checkpoint written before the field existed reads back as null: those runs trained with AdamW
        if (optimizer == null) optimizer = OptimizerKind.ADAMW;
        optimizer.checkMomentum(momentum);
    }

    /**
     * PyTorch/transformers defaults around a learning rate and an epoch count: no weight decay, betas (0.9, 0.999),
     * eps 1e-8, no warmup, linear decay, clip norm 1.0 (transformers' {@code max_grad_norm}), all variables trainable,
     * seed 42, checkpoint every 500 steps, log every 50.
     */
    public static TrainConfig of(double learningRate, int epochs) {
        return new TrainConfig(learningRate, 0.0, 0.9, 0.999, 1e-8, epochs, 0, Schedule.LINEAR, 1.0, List.of(), 42,
                500, 50, OptimizerKind.ADAMW, 0.0);
    }

    /** The learning rate of the update at 0-based {@code step} of {@code totalSteps}. */
    public double learningRateAt(long step, long totalSteps) {
        return learningRate * schedule.multiplier(step, warmupSteps, totalSteps);
    }

    /** Whether gradients are clipped at all ({@code clipNorm > 0}). */
    public boolean clips() {
        return clipNorm > 0;
    }

    /** A copy with {@code learningRate} replaced (validated). */
    public TrainConfig withLearningRate(double v) {
        return with(c -> c.learningRate = v);
    }

    /** A copy with {@code weightDecay} replaced (validated). */
    public TrainConfig withWeightDecay(double v) {
        return with(c -> c.weightDecay = v);
    }

    /** A copy with {@code beta1} and {@code beta2} replaced (validated). */
    public TrainConfig withBetas(double b1, double b2) {
        return with(c -> {
            c.beta1 = b1;
            c.beta2 = b2;
        });
    }

    /** A copy with {@code eps} replaced (validated). */
    public TrainConfig withEps(double v) {
        return with(c -> c.eps = v);
    }

    /** A copy with {@code epochs} replaced (validated). */
    public TrainConfig withEpochs(int v) {
        return with(c -> c.epochs = v);
    }

    /** A copy with {@code warmupSteps} replaced (validated). */
    public TrainConfig withWarmupSteps(long v) {
        return with(c -> c.warmupSteps = v);
    }

    /** A copy with {@code schedule} replaced (validated). */
    public TrainConfig withSchedule(Schedule v) {
        return with(c -> c.schedule = v);
    }

    /** A copy with {@code clipNorm} replaced (validated). */
    public TrainConfig withClipNorm(double v) {
        return with(c -> c.clipNorm = v);
    }

    /** A copy with {@code trainable} replaced (validated). */
    public TrainConfig withTrainable(List<String> v) {
        return with(c -> c.trainable = v);
    }

    /** A copy with {@code seed} replaced (validated). */
    public TrainConfig withSeed(long v) {
        return with(c -> c.seed = v);
    }

    /** A copy with {@code checkpointEverySteps} replaced (validated). */
    public TrainConfig withCheckpointEverySteps(long v) {
        return with(c -> c.checkpointEverySteps = v);
    }

    /** A copy with {@code logEverySteps} replaced (validated). */
    public TrainConfig withLogEverySteps(long v) {
        return with(c -> c.logEverySteps = v);
    }

    /** A copy that trains with plain SGD and {@code momentum} (weight decay as SGD applies it; validated). */
    public TrainConfig withSgd(double momentum) {
        return with(c -> {
            c.optimizer = OptimizerKind.SGD;
            c.momentum = momentum;
        });
    }

    /** A copy that trains with AdamW (momentum 0; validated). */
    public TrainConfig withAdamW() {
        return with(c -> {
            c.optimizer = OptimizerKind.ADAMW;
            c.momentum = 0;
        });
    }

    /** The fields as mutable copies, so that each {@code with} method names only the field it changes. */
    private static final class Fields {
        double learningRate, weightDecay, beta1, beta2, eps, clipNorm, momentum;
        int epochs;
        long warmupSteps, seed, checkpointEverySteps, logEverySteps;
        Schedule schedule;
        List<String> trainable;
        OptimizerKind optimizer;

        Fields(TrainConfig c) {
            learningRate = c.learningRate;
            weightDecay = c.weightDecay;
            beta1 = c.beta1;
            beta2 = c.beta2;
            eps = c.eps;
            epochs = c.epochs;
            warmupSteps = c.warmupSteps;
            schedule = c.schedule;
            clipNorm = c.clipNorm;
            trainable = c.trainable;
            seed = c.seed;
            checkpointEverySteps = c.checkpointEverySteps;
            logEverySteps = c.logEverySteps;
            optimizer = c.optimizer;
            momentum = c.momentum;
        }

        TrainConfig build() {
            return new TrainConfig(learningRate, weightDecay, beta1, beta2, eps, epochs, warmupSteps, schedule,
                    clipNorm, trainable, seed, checkpointEverySteps, logEverySteps, optimizer, momentum);
        }
    }

    private TrainConfig with(java.util.function.Consumer<Fields> change) {
        Fields f = new Fields(this);
        change.accept(f);
        return f.build();
    }

    /**
     * The name of the first field that changes the training trajectory and differs from {@code other}, or null.
     * {@code checkpointEverySteps} and {@code logEverySteps} may differ between a run and its resumption.
     */
    public String firstTrajectoryDifference(TrainConfig other) {
        if (Double.compare(learningRate, other.learningRate) != 0) return "learningRate";
        if (Double.compare(weightDecay, other.weightDecay) != 0) return "weightDecay";
        if (Double.compare(beta1, other.beta1) != 0) return "beta1";
        if (Double.compare(beta2, other.beta2) != 0) return "beta2";
        if (Double.compare(eps, other.eps) != 0) return "eps";
        if (epochs != other.epochs) return "epochs";
        if (warmupSteps != other.warmupSteps) return "warmupSteps";
        if (schedule != other.schedule) return "schedule";
        if (Double.compare(clipNorm, other.clipNorm) != 0) return "clipNorm";
        if (!Objects.equals(trainable, other.trainable)) return "trainable";
        if (seed != other.seed) return "seed";
        if (optimizer != other.optimizer) return "optimizer";
        if (Double.compare(momentum, other.momentum) != 0) return "momentum";
        return null;
    }

    private static void require(boolean ok, String field, String range, Object value) {
        if (!ok) throw new IllegalArgumentException(field + " must be " + range + ", got " + value);
    }
}
