/**
 * Labelled datasets for the downstream tasks: readers for each file layout ({@link dev.recipe.text.data.AgNews},
 * {@link dev.recipe.text.data.Hsol}, the generic {@link dev.recipe.text.data.LabelledTable} and
 * {@link dev.recipe.text.data.LabelledJsonl}), the {@link dev.recipe.text.data.Dataset} record with its provenance,
 * the {@link dev.recipe.text.data.Datasets} registry ({@code sst2}, {@code agnews}, {@code hsol}), and deterministic
 * seeded {@link dev.recipe.text.data.Subsample}s and {@link dev.recipe.text.data.Splits}.
 */
package dev.recipe.text.data;
