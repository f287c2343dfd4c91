package dev.recipe.train;

/**
 * Which update rule a {@link Trainer} applies: {@link #ADAMW} ({@link AdamW}, the default and what every published
 * BERT recipe here uses) or {@link #SGD} ({@link Sgd}, stochastic gradient descent with momentum, as
 * {@code torch.optim.SGD}).
 */
public enum OptimizerKind {
    ADAMW,
    SGD;

    /**
     * Checks a momentum for this rule: in [0, 1) for SGD, 0 for AdamW (whose momentum is beta1).
     *
     * @throws IllegalArgumentException naming the value and what is allowed
     */
    public void checkMomentum(double momentum) {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (momentum != 0 && this != SGD) {
            throw new IllegalArgumentException(
                    "momentum must be 0 unless the optimizer is SGD (AdamW's momentum is beta1), got " + momentum);
        }
    }
}
