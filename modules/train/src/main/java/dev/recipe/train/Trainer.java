package dev.recipe.train;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains any SameDiff graph on a scalar loss variable with {@link AdamW} (or {@link Sgd}, as
 * {@link TrainConfig#optimizer()} says), a {@link Schedule}d learning rate and global-norm clipping
 * ({@link GradientClipping}), without {@code sd.fit}. Each step:
 * <ol>
 *   <li>seeds ND4J's RNG from (seed, step), takes batch (epoch, index) from the {@link BatchSource};</li>
 *   <li>the loss and the trainable variables' gradients, as {@code sd.calculateGradientsAndOutputs} computes them
 *       but with the session's array cache on ({@link CachedGradients}); the loss value is the sum of the loss
 *       array's elements (the quantity SameDiff differentiates);</li>
 *   <li>throws {@link TrainingDivergedException} if the loss or any gradient is not finite (nothing updated,
 *       no checkpoint written);</li>
 *   <li>clips, updates the trainable variables' arrays in place; other variables are never touched;</li>
 *   <li>writes a checkpoint every {@code checkpointEverySteps} and after the last step (keeping {@link
 *       CheckpointStore#KEEP}), logs every {@code logEverySteps}, calls the {@link StepListener}.</li>
 * </ol>
 * With a checkpoint directory that already holds a checkpoint, {@link #fit} restores variables, optimizer state and
 * loss history from the newest one and continues from the next step; the result is bit-identical to an
 * uninterrupted run, because a batch is a function of (epoch, index) only and every piece of state is saved exactly.
 * Not thread-safe: one fit per graph at a time.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    /**
     * SameDiff's intermediate arrays live off-heap and are freed only when the JVM collects their small Java
     * wrappers; the heap barely grows, so without a nudge the process's resident size climbs by gigabytes between
     * collections (pre-training the mini BERT was ended at 12 GB by JavaCPP's physical-memory limit after 400
     * steps). A collection per step is the {@code rest} phase of {@link StepInfo.Phases}: 26-32 ms of a 620-740 ms mini
     * fine-tuning step (BENCHMARKS.md, "Step phases"), and without it the step is no faster while the resident size
     * grows (2.6-4.1 GB after 33 steps). {@code -Drecipe.gcEverySteps=0} disables it.
     */
    static final long GC_EVERY_STEPS = Long.getLong("recipe.gcEverySteps", 1);

    private final StepListener listener;

    /** A trainer that reports through its log only. */
    public Trainer() {
        this(info -> { });
    }

    /** A trainer that also calls {@code listener} after every step. */
    public Trainer(StepListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Trains {@code sd} for {@code cfg.epochs()} epochs of {@code data}, resuming from the newest complete checkpoint
     * in {@code checkpointDir} if there is one.
     *
     * @param sd            the graph; its variables' arrays are updated in place
     * @param lossVariable  name of the variable to minimize (made the graph's only loss variable)
     * @param data          the batches, keyed by placeholder name
     * @param cfg           hyperparameters
     * @param checkpointDir where {@code step-<n>} checkpoints go, or null for none
     * @return per-step losses, the final step and the wall time of this call
     * @throws TrainingDivergedException on a non-finite loss or gradient
     * @throws IllegalStateException     if the checkpoint does not fit the graph or config
     */
    public TrainResult fit(SameDiff sd, String lossVariable, BatchSource data, TrainConfig cfg, Path checkpointDir) {
        return run(sd, lossVariable, data, cfg, checkpointDir, false);
    }

    /**
     * Like {@link #fit}, but requires a complete checkpoint in {@code checkpointDir} to continue from.
     *
     * @throws IllegalStateException if there is none
     */
    public TrainResult resume(SameDiff sd, String lossVariable, BatchSource data, TrainConfig cfg,
                              Path checkpointDir) {
        Objects.requireNonNull(checkpointDir, "checkpointDir");
        return run(sd, lossVariable, data, cfg, checkpointDir, true);
    }

    private TrainResult run(SameDiff sd, String loss, BatchSource data, TrainConfig cfg, Path checkpointDir,
                            boolean mustResume) {
        long startNanos = System.nanoTime();
        Objects.requireNonNull(sd, "sd");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(cfg, "cfg");
        if (loss == null || !sd.hasVariable(loss)) {
            throw new IllegalArgumentException("lossVariable '" + loss + "' is not a variable of the graph");
        }
        int perEpoch = data.batchesPerEpoch();
        if (perEpoch < 1) throw new IllegalArgumentException("batchesPerEpoch must be >= 1, got " + perEpoch);
        long total = (long) perEpoch * cfg.epochs();
        if (!sd.getLossVariables().equals(List.of(loss))) sd.setLossVariables(loss);

        VariableSelection sel = VariableSelection.of(sd, cfg.trainable());
        Optimizer opt = Optimizer.of(cfg);
        CheckpointStore store = checkpointDir == null ? null : new CheckpointStore(checkpointDir);
        List<Double> losses = new ArrayList<>();
        long first = restore(store, mustResume, sd, sel, cfg, opt, total, losses);
        LOG.info("training {} of {} variables ({} frozen), {} steps ({} epochs x {} batches){}",
                sel.trainable().size(), sel.all().size(), sel.all().size() - sel.trainable().size(), total,
                cfg.epochs(), perEpoch, first > 0 ? ", resuming after step " + first : "");

        Map<String, INDArray> params = new LinkedHashMap<>();
        for (String name : sel.trainable()) params.put(name, sd.getArrForVarName(name));
        ProgressLog progress = new ProgressLog(first, startNanos);
        for (long s = first; s < total; s++) {
            int epoch = (int) (s / perEpoch);
            int index = (int) (s % perEpoch);
            long stepNo = s + 1;
            Nd4j.getRandom().setSeed(EpochPermutation.mix(cfg.seed(), s));
            long t0 = System.nanoTime();
            Map<String, INDArray> batch = data.batch(epoch, index);
            long t1 = System.nanoTime();
            OutAndGrad og = CachedGradients.compute(sd, batch, List.of(loss), sel.trainable());
            long t2 = System.nanoTime();
            double lossValue = lossValue(og.getOutputs().get(loss));
            if (!Double.isFinite(lossValue)) {
                throw new TrainingDivergedException(stepNo, lossValue, null, String.format(
                        "step %d/%d (epoch %d, batch %d): loss is %s; no update and no checkpoint were made for "
                                + "this step", stepNo, total, epoch, index, lossValue));
            }
            Map<String, INDArray> grads = og.getGradients();
            double gradNorm = checkedGlobalNorm(grads, sel.trainable(), stepNo, total, lossValue);
            long t3 = System.nanoTime();
            double lr = cfg.learningRateAt(s, total);
            opt.step(params, grads, cfg.clips() ? GradientClipping.scale(gradNorm, cfg.clipNorm()) : 1.0, lr);
            losses.add(lossValue);
            long t4 = System.nanoTime();

            Path written = null;
            boolean due = stepNo == total || (cfg.checkpointEverySteps() > 0
                    && stepNo % cfg.checkpointEverySteps() == 0);
            if (store != null && due) {
                TrainerState state = new TrainerState(TrainerState.FORMAT_VERSION, stepNo,
                        (int) (stepNo / perEpoch), (int) (stepNo % perEpoch), total, cfg, List.of(),
                        sel.trainable(), List.of(), List.of(), losses);
                written = TrainingCheckpoint.write(store, state, sd, sel, opt);
                store.prune(CheckpointStore.KEEP);
            }
            if (GC_EVERY_STEPS > 0 && stepNo % GC_EVERY_STEPS == 0) System.gc();
            StepInfo info = new StepInfo(stepNo, total, epoch, index, lossValue, lr, gradNorm, written,
                    new StepInfo.Phases(t1 - t0, t2 - t1, t3 - t2, t4 - t3, System.nanoTime() - t4));
            if (cfg.logEverySteps() > 0 && (stepNo % cfg.logEverySteps() == 0 || stepNo == total)) {
                LOG.info(progress.line(info, System.nanoTime()));
            }
            listener.onStep(info);
        }
        Duration wall = Duration.ofNanos(System.nanoTime() - startNanos);
        LOG.info("finished {} steps in {} (this call: {} steps)", total, ProgressLog.duration(wall.toMillis() / 1e3),
                total - first);
        return new TrainResult(losses, total, first, wall);
    }

    /** Restores from the newest checkpoint, if any; returns the number of steps already done. */
    private static long restore(CheckpointStore store, boolean mustResume, SameDiff sd, VariableSelection sel,
                                TrainConfig cfg, Optimizer opt, long total, List<Double> losses) {
        if (store == null) return 0;
        Optional<Path> latest = store.latest();
        if (latest.isEmpty()) {
            if (mustResume) throw new IllegalStateException("no complete checkpoint to resume from in " + store.root());
            return 0;
        }
        TrainerState state = TrainingCheckpoint.restore(latest.get(), sd, sel, cfg, opt);
        if (state.totalSteps() != total) {
            throw new IllegalStateException("checkpoint " + latest.get() + " belongs to a run of "
                    + state.totalSteps() + " steps, this run has " + total
                    + " (batchesPerEpoch x epochs); the data source must be the same to resume");
        }
        if (state.losses().size() != state.step()) {
            throw new IllegalStateException("checkpoint " + latest.get() + " has " + state.losses().size()
                    + " losses for " + state.step() + " steps");
        }
        losses.addAll(state.losses());
        LOG.info("restored checkpoint {} (step {}/{}, next batch: epoch {} index {})", latest.get(), state.step(),
                total, state.epoch(), state.indexInEpoch());
        return state.step();
    }

    private static double lossValue(INDArray out) {
        if (out == null) throw new IllegalStateException("the loss variable produced no output");
        return out.length() == 1 ? out.getDouble(0) : out.sumNumber().doubleValue();
    }

    /** Global gradient norm, or a {@link TrainingDivergedException} naming the first non-finite gradient. */
    private static double checkedGlobalNorm(Map<String, INDArray> grads, List<String> order, long stepNo,
                                            long total, double loss) {
        double sumSq = 0;
        for (String name : order) {
            INDArray g = grads.get(name);
            if (g == null) {
                throw new IllegalStateException("SameDiff returned no gradient for trainable variable '" + name
                        + "' (is it connected to the loss?)");
            }
            double n = g.norm2Number().doubleValue();
            if (!Double.isFinite(n)) {
                throw new TrainingDivergedException(stepNo, loss, name, String.format(
                        "step %d/%d: gradient of variable '%s' is not finite (norm %s, loss %s); no update and no "
                                + "checkpoint were made for this step", stepNo, total, name, n, loss));
            }
            sumSq += n * n;
        }
        return Math.sqrt(sumSq);
    }
}
