/**
 * Task-agnostic backdoor attacks on pre-trained models (SPEC §5): NeuBA, POR, BadPre and their adaptive variants.
 *
 * <p>An attack is written once for every BERT-family model: it adds its own placeholders and loss terms to the
 * model's SameDiff graph, found through {@link dev.recipe.zoo.ModelSpec} roles and HuggingFace variable names
 * ({@link Attack#addLoss}); it builds its batches as a {@link dev.recipe.train.BatchSource} ({@link Attack#batches});
 * its hyper-parameters are a validated config record whose defaults are the authors' ({@link AttackConfig}); and it
 * is registered by name in {@link Attacks}. {@link Attacks#run} loads a model directory, trains with
 * {@link dev.recipe.train.Trainer} (checkpoints, resume) and writes the backdoored model directory atomically with an
 * {@code attack.json} card.
 */
package dev.recipe.attack;
