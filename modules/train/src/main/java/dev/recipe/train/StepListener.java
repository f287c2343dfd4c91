package dev.recipe.train;

/** Called by {@link Trainer} after every completed step (after its checkpoint, if one was written). */
@FunctionalInterface
public interface StepListener {
    /** Receives the step's figures; an exception thrown here stops training. */
    void onStep(StepInfo info);
}
