/**
 * Model-free evaluation: inserting triggers into text, and the metrics of the backdoor papers (ACC, macro-F1,
 * ASR per trigger and target label, AASR, MASR, LFR), statistics over seeds, and result tables.
 */
package dev.recipe.eval;
