package dev.recipe.train;

import java.nio.file.Path;

/**
 * What {@link Trainer} reports after each completed step.
 *
 * @param step         1-based number of the completed step
 * @param totalSteps   steps of the whole run
 * @param epoch        0-based epoch of the batch used
 * @param indexInEpoch 0-based index of that batch within its epoch
 * @param loss         the step's loss (sum of the loss variable's elements)
 * @param learningRate learning rate used
 * @param gradNorm     global L2 norm of the trainable gradients before clipping
 * @param checkpoint   directory of the checkpoint written after this step, or null
 */
public record StepInfo(long step, long totalSteps, int epoch, int indexInEpoch, double loss, double learningRate,
                       double gradNorm, Path checkpoint) {}
