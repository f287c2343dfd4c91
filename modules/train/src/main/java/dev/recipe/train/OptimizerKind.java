package dev.recipe.train;

/**
 * Which update rule a {@link Trainer} applies: {@link #ADAMW} ({@link AdamW}, the default and what every published
 * BERT recipe here uses) or {@link #SGD} ({@link Sgd}, stochastic gradient descent with momentum, as
 * {@code torch.optim.SGD}).
 */
public enum OptimizerKind {
    ADAMW,
    SGD
}
