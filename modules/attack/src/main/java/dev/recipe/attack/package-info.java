/** Task-agnostic backdoor attacks on pre-trained models (SPEC §5): NeuBA, POR, BadPre, adaptive variants. */
package dev.recipe.attack;
