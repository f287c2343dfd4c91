/**
 * Model-free evaluation (SPEC §7): trigger insertion ({@link dev.recipe.eval.Trigger},
 * {@link dev.recipe.eval.TriggerInsertion}, {@link dev.recipe.eval.Poisoning}, with RECIPE's own {@code insert()}
 * reproduced bit-exactly by {@link dev.recipe.eval.PythonRandom}), metrics on predicted labels
 * ({@link dev.recipe.eval.ClassificationMetrics} for ACC and macro-F1, {@link dev.recipe.eval.AttackSuccess} for
 * ASR / AASR / MASR and the clean-model floor, {@link dev.recipe.eval.LabelFlipRate} for PURE's LFR,
 * {@link dev.recipe.eval.SeedStats} for mean ± std over seeds) and results tables
 * ({@link dev.recipe.eval.ResultRecord}, {@link dev.recipe.eval.ResultTable}: JSON, CSV, Markdown, written
 * atomically).
 */
package dev.recipe.eval;
