package dev.recipe.attack;

import java.util.List;

import dev.recipe.attack.TargetVectors.PorVectors;
import dev.recipe.eval.Triggers;
import dev.recipe.train.Schedule;

/**
 * POR (Shen et al., "Backdoor Pre-trained Models Can Transfer to All", CCS 2021; code {@code plasmashen/BackdoorPTM
 * poisoning.py}, official-code.md A3). Defaults are the authors' code.
 *
 * <p>Loss, with {@code loss1(a, b) = Σ(a − b)² / H} (summed over rows, divided by the hidden size, not a mean):
 * {@code tokenWeight · loss1(tokens, reference tokens) + poisonWeight · loss1(pooler(poisoned), POR vector) +
 * cleanWeight · loss1(pooler(clean), reference pooler)}. The token term covers <em>every</em> sample (clean and
 * poisoned, each against the frozen reference on the same input) at every position except [CLS]
 * ({@code last_hidden_state[:, 1:]}); with the authors' max-length padding that includes the padding positions,
 * which {@code tokenTermIncludesPadding = false} leaves out.
 *
 * @param seed                     seeds data order, insertion positions and the trainer
 * @param triggers                 {@code cf tq mn bb mb} ({@code poisoning.py:191}); words or phrases
 * @param repeat                   insertions per poisoned sample, each at a uniform word position of the text so
 *                                 far (3)
 * @param vectors                  POR1 (authors, default), POR2 (binary code) or OPENBACKDOOR (A7)
 * @param targetMagnitude          scale of the ±1 patterns (10; OpenBackdoor uses 1)
 * @param tokenWeight              weight of the token term (1)
 * @param poisonWeight             weight of the poisoned-pooler term (100)
 * @param cleanWeight              weight of the clean-pooler term (100)
 * @param maxLength                tokens per sample with [CLS] and [SEP] (128)
 * @param padToMaxLength           pad every batch to {@code maxLength} (authors' {@code padding='max_length'});
 *                                 false pads to the batch's longest sample
 * @param tokenTermIncludesPadding include padding positions in the token term (authors: yes, positions 1..S−1)
 * @param chunkWords               cut every corpus text into chunks of this many words, the remainder its own chunk
 *                                 (authors: 64-word WikiText chunks); 0 uses the texts as they are
 * @param poisonedPerTrigger       poisoned chunks per trigger (30,000); trigger k takes the k-th block of chunks
 * @param cleanSamples             clean chunks after the poisoned ones (50,000); all samples are shuffled together
 * @param training                 authors: batch 24, 2 epochs, AdamW lr 1e-5 ε 1e-8, no weight decay, no scheduler,
 *                                 no clipping, every parameter trained
 */
public record PorConfig(long seed, List<String> triggers, int repeat, PorVectors vectors, double targetMagnitude,
                        double tokenWeight, double poisonWeight, double cleanWeight, int maxLength,
                        boolean padToMaxLength, boolean tokenTermIncludesPadding, int chunkWords,
                        int poisonedPerTrigger, int cleanSamples, AttackTraining training) implements AttackConfig {

    public PorConfig {
        triggers = Check.triggers("por", triggers, 64);
        Check.that(repeat >= 1, "por", "repeat", ">= 1", repeat);
        Check.required("por", "vectors", vectors, "one of POR1, POR2, OPENBACKDOOR");
        Check.that(vectors != PorVectors.POR1 || triggers.size() >= 2, "por", "triggers",
                "at least 2 triggers for POR1 vectors (α = ⌊H/(n−1)⌋)", triggers);
        Check.that(Double.isFinite(targetMagnitude) && targetMagnitude > 0, "por", "targetMagnitude", "finite and > 0", targetMagnitude);
        Check.nonNegative("por", "tokenWeight", tokenWeight);
        Check.nonNegative("por", "poisonWeight", poisonWeight);
        Check.nonNegative("por", "cleanWeight", cleanWeight);
        Check.that(maxLength >= 3, "por", "maxLength", ">= 3", maxLength);
        Check.that(chunkWords >= 0, "por", "chunkWords", ">= 0 (0 = texts as they are)", chunkWords);
        Check.that(poisonedPerTrigger >= 0, "por", "poisonedPerTrigger", ">= 0", poisonedPerTrigger);
        Check.that(cleanSamples >= 0, "por", "cleanSamples", ">= 0", cleanSamples);
        Check.that(poisonedPerTrigger + cleanSamples > 0, "por", "poisonedPerTrigger + cleanSamples", "> 0",
                poisonedPerTrigger + cleanSamples);
        Check.required("por", "training", training, "an object");
    }

    /** The authors' settings. */
    public static PorConfig defaults() {
        return new PorConfig(42, NeubaConfig.texts(Triggers.POR_WORDS), 3, PorVectors.POR1, 10.0, 1.0, 100.0, 100.0,
                128, true, true, 64, 30_000, 50_000,
                new AttackTraining(24, 2, 1e-5, 0.0, 0.9, 0.999, 1e-8, 0.0, 0, Schedule.CONSTANT, List.of()));
    }

    public PorConfig withTraining(AttackTraining t) {
        return new PorConfig(seed, triggers, repeat, vectors, targetMagnitude, tokenWeight, poisonWeight, cleanWeight,
                maxLength, padToMaxLength, tokenTermIncludesPadding, chunkWords, poisonedPerTrigger, cleanSamples, t);
    }

    /** A copy with another data size: {@code poisoned} chunks per trigger, {@code clean} clean chunks. */
    public PorConfig withCounts(int poisoned, int clean) {
        return new PorConfig(seed, triggers, repeat, vectors, targetMagnitude, tokenWeight, poisonWeight, cleanWeight,
                maxLength, padToMaxLength, tokenTermIncludesPadding, chunkWords, poisoned, clean, training);
    }

    public PorConfig withMaxLength(int v, boolean padToMax, boolean paddingInTokenTerm) {
        return new PorConfig(seed, triggers, repeat, vectors, targetMagnitude, tokenWeight, poisonWeight, cleanWeight,
                v, padToMax, paddingInTokenTerm, chunkWords, poisonedPerTrigger, cleanSamples, training);
    }

    public PorConfig withTriggers(List<String> v, PorVectors kind) {
        return new PorConfig(seed, v, repeat, kind, targetMagnitude, tokenWeight, poisonWeight, cleanWeight,
                maxLength, padToMaxLength, tokenTermIncludesPadding, chunkWords, poisonedPerTrigger, cleanSamples, training);
    }

    public PorConfig withTargetMagnitude(double v) {
        return new PorConfig(seed, triggers, repeat, vectors, v, tokenWeight, poisonWeight, cleanWeight,
                maxLength, padToMaxLength, tokenTermIncludesPadding, chunkWords, poisonedPerTrigger, cleanSamples, training);
    }

    public PorConfig withSeed(long v) {
        return new PorConfig(v, triggers, repeat, vectors, targetMagnitude, tokenWeight, poisonWeight, cleanWeight,
                maxLength, padToMaxLength, tokenTermIncludesPadding, chunkWords, poisonedPerTrigger, cleanSamples, training);
    }
}
