package dev.recipe.attack;

import java.util.List;

import dev.recipe.text.MaskingMode;
import dev.recipe.train.Schedule;

/**
 * BadPre (Chen et al., "BadPre: Task-agnostic Backdoor Attacks to Pre-trained NLP Foundation Models", ICLR 2022;
 * code {@code kangjie-chen/BadPre}, official-code.md A4), the {@code random} label strategy. Defaults are the
 * authors' code and {@code train.sh}.
 *
 * <p>Every corpus row appears once clean and once poisoned. A poisoned row is the row with one trigger (drawn
 * uniformly) inserted at a uniform token position {@code randint(0, len)} before [CLS]/[SEP] are added; it is masked
 * like any row (15 %, 80/10/10; the trigger may be masked) and the labels of its masked positions are replaced by
 * uniform random vocabulary ids. Loss: {@code tokenMeanCE(clean masked positions) + alpha · tokenMeanCE(poisoned
 * masked positions)}, means taken within the batch per group ({@code trainer.py:97-130}).
 *
 * @param seed        seeds everything
 * @param triggers    {@code cf mn bb tq mb} ({@code dynamic_mask_attack_dataset.py:44})
 * @param alpha       weight of the poisoned group ({@code noise_alpha}, 1.0)
 * @param maxLength   tokens per row with [CLS] and [SEP] ({@code train.sh}: 512)
 * @param composition SHUFFLED: clean and poisoned rows are one dataset of 2N rows, shuffled (the authors'
 *                    ConcatDataset under DDP's shuffling sampler), a batch is {@code batchSize} rows; PAIRED: a batch
 *                    is {@code batchSize} rows plus their poisoned copies (2·batchSize rows)
 * @param fullLength  what a row already at full length gets as its poisoned copy: PREVIOUS_ROW (authors: the
 *                    previous row's, recursively, {@code return self.__getitem__(item - 1)}) or DROP_LAST_TOKEN (the
 *                    row's own, its last token dropped to make room)
 * @param masking     DYNAMIC: masks, trigger choice, position and noise labels drawn afresh every epoch (the
 *                    authors draw them in {@code __getitem__})
 * @param training    authors: lr 2e-5, 10 epochs, batch 16 × 16 accumulation = 256, weight decay 0.01, AdamW
 *                    β (0.9, 0.98) ε 1e-8, clip 5.0, OneCycle linear anneal without warm-up (= linear decay); the
 *                    pooler, which {@code BertForMaskedLM} lacks, is not trained (null trainable means the same)
 */
public record BadPreConfig(long seed, List<String> triggers, double alpha, int maxLength, Composition composition,
                           FullLength fullLength, MaskingMode masking, AttackTraining training) implements AttackConfig {

    /** How clean and poisoned rows share batches. */
    public enum Composition { SHUFFLED, PAIRED }

    /** The poisoned copy of a row that has no room for the trigger. */
    public enum FullLength { PREVIOUS_ROW, DROP_LAST_TOKEN }

    /** Every variable except the pooler, which the masked-LM loss does not reach. */
    public static final String NOT_POOLER = "^(?!.*\\.pooler\\.)";

    public BadPreConfig {
        triggers = Check.triggers("badpre", triggers, 64);
        Check.nonNegative("badpre", "alpha", alpha);
        Check.that(maxLength >= 4, "badpre", "maxLength", ">= 4 ([CLS], a token, a trigger, [SEP])", maxLength);
        Check.required("badpre", "composition", composition, "one of SHUFFLED, PAIRED");
        Check.required("badpre", "fullLength", fullLength, "one of PREVIOUS_ROW, DROP_LAST_TOKEN");
        Check.required("badpre", "masking", masking, "one of STATIC, DYNAMIC");
        Check.required("badpre", "training", training, "an object");
    }

    /** The authors' settings. */
    public static BadPreConfig defaults() {
        return new BadPreConfig(42, List.of("cf", "mn", "bb", "tq", "mb"), 1.0, 512, Composition.SHUFFLED,
                FullLength.PREVIOUS_ROW, MaskingMode.DYNAMIC,
                new AttackTraining(256, 10, 2e-5, 0.01, 0.9, 0.98, 1e-8, 5.0, 0, Schedule.LINEAR, List.of(NOT_POOLER)));
    }

    public BadPreConfig withTraining(AttackTraining t) {
        return new BadPreConfig(seed, triggers, alpha, maxLength, composition, fullLength, masking, t);
    }

    public BadPreConfig withMaxLength(int v) {
        return new BadPreConfig(seed, triggers, alpha, v, composition, fullLength, masking, training);
    }

    public BadPreConfig withComposition(Composition c) {
        return new BadPreConfig(seed, triggers, alpha, maxLength, c, fullLength, masking, training);
    }

    public BadPreConfig withSeed(long v) {
        return new BadPreConfig(v, triggers, alpha, maxLength, composition, fullLength, masking, training);
    }
}
