/**
 * Backdoor removal from a suspect pre-trained model with unlabelled auxiliary data only (SPEC §4, §6): RECIPE,
 * fine-pruning (FP, FP-GM, FP-GA) and re-initialisation.
 */
package dev.recipe.defense;
