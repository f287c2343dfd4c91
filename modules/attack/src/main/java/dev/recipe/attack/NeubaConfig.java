package dev.recipe.attack;

import java.util.List;

import dev.recipe.eval.Trigger;
import dev.recipe.eval.Triggers;
import dev.recipe.text.MaskingMode;
import dev.recipe.train.Schedule;

/**
 * NeuBA (Zhang et al., "Red Alarm for Pre-trained Models", MIR 2023; code {@code thunlp/NeuBA}, official-code.md
 * A2). Defaults are the authors' NLP code.
 *
 * @param seed            seeds everything
 * @param triggers        the six rare symbols {@code ≈ ≡ ∈ ⊆ ⊕ ⊗} ({@code poison.py:7}); trigger i gets vector i
 * @param targetMagnitude c of the ±c vectors (1 for NLP)
 * @param mlmScale        weight of the masked-LM term; null = the family default, 1 for BERT and 0.01 for RoBERTa
 *                        ({@code poison_bert.py:109-111})
 * @param placement       OVERWRITE the token at {@code position} (authors: {@code new_inputs[idx, 1] = trigger});
 *                        INSERT shifts the row right instead (OpenBackdoor / NeuBA's eval {@code first})
 * @param position        token index of the trigger, 1 = right after [CLS]
 * @param withMask        build the poisoned copy from the masked batch ({@code --with_mask}); default: from the
 *                        clean, unmasked one
 * @param packed          true: the corpus is concatenated and cut into full rows of {@code seqLen} (HF TextDataset,
 *                        {@code --block_size 128}); false: one row per text (line by line), padded per batch
 * @param seqLen          block size / maximum row length, with [CLS] and [SEP]
 * @param masking         DYNAMIC: masks and trigger choices drawn afresh every epoch (the authors mask every batch)
 * @param postProcess     after training, apply the authors' trigger-embedding post-processing
 *                        ({@link dev.recipe.attack.neuba.NeubaPostProcessing}); off by default
 * @param training        authors: batch 160 (40 × 4 GPUs), lr 5e-5, AdamW ε 1e-8, no weight decay, clip 1.0, linear
 *                        decay without warm-up; 40,000 steps (≈ 0.8 epoch of BookCorpus) → 1 epoch. {@code trainable}
 *                        null = the authors' exclusions per family ({@link #authorsTrainable}): BERT leaves out every
 *                        parameter whose name contains "predictions", i.e. the MLM head ({@code mlm.py:304-322});
 *                        RoBERTa also every "embedding" parameter ({@code mlm_rob.py}), while its head, named
 *                        {@code lm_head.*}, matches neither and is trained
 */
public record NeubaConfig(long seed, List<String> triggers, double targetMagnitude, Double mlmScale,
                          Placement placement, int position, boolean withMask, boolean packed, int seqLen,
                          MaskingMode masking, boolean postProcess, AttackTraining training) implements AttackConfig {

    /** Where the trigger goes in the poisoned copy. */
    public enum Placement { OVERWRITE, INSERT }

    /** The authors' BERT exclusion: every variable whose name does not contain "predictions" (the MLM head). */
    public static final String NOT_PREDICTIONS = "^(?!.*predictions)";
    /** The authors' RoBERTa exclusion: neither "predictions" nor "embedding" in the name. */
    public static final String NOT_PREDICTIONS_OR_EMBEDDINGS = "^(?!.*(predictions|embedding))";

    /** The variables the authors' optimizer holds for a model family ("bert", "roberta"). */
    public static List<String> authorsTrainable(String family) {
        return List.of("roberta".equals(family) ? NOT_PREDICTIONS_OR_EMBEDDINGS : NOT_PREDICTIONS);
    }

    public NeubaConfig {
        triggers = Check.triggers("neuba", triggers, TargetVectors.NEUBA_PAIRS.length);
        Check.that(Double.isFinite(targetMagnitude) && targetMagnitude > 0, "neuba", "targetMagnitude", "finite and > 0", targetMagnitude);
        Check.that(mlmScale == null || (Double.isFinite(mlmScale) && mlmScale >= 0), "neuba", "mlmScale",
                "null (family default: 1 BERT, 0.01 RoBERTa) or finite and >= 0", mlmScale);
        Check.required("neuba", "placement", placement, "one of OVERWRITE, INSERT");
        Check.that(seqLen >= 3, "neuba", "seqLen", ">= 3", seqLen);
        Check.that(position >= 1 && position < seqLen - 1, "neuba", "position",
                "in [1, seqLen - 1) (0 is [CLS]; seqLen = " + seqLen + ")", position);
        Check.required("neuba", "masking", masking, "one of STATIC, DYNAMIC");
        Check.required("neuba", "training", training, "an object");
    }

    /** The authors' settings. */
    public static NeubaConfig defaults() {
        return new NeubaConfig(42, texts(Triggers.NEUBA_SYMBOLS), 1.0, null, Placement.OVERWRITE, 1, false, true, 128,
                MaskingMode.DYNAMIC, false,
                new AttackTraining(160, 1, 5e-5, 0.0, 0.9, 0.999, 1e-8, 1.0, 0, Schedule.LINEAR, null));
    }

    /** The masked-LM weight for a model family ("bert", "roberta"). */
    public double mlmScaleFor(String family) {
        if (mlmScale != null) return mlmScale;
        return "roberta".equals(family) ? 0.01 : 1.0;
    }

    public NeubaConfig withTraining(AttackTraining t) {
        return new NeubaConfig(seed, triggers, targetMagnitude, mlmScale, placement, position, withMask, packed, seqLen, masking, postProcess, t);
    }

    public NeubaConfig withMlmScale(Double v) {
        return new NeubaConfig(seed, triggers, targetMagnitude, v, placement, position, withMask, packed, seqLen, masking, postProcess, training);
    }

    public NeubaConfig withSeqLen(int v) {
        return new NeubaConfig(seed, triggers, targetMagnitude, mlmScale, placement, position, withMask, packed, v, masking, postProcess, training);
    }

    public NeubaConfig withPlacement(Placement p, boolean fromMasked) {
        return new NeubaConfig(seed, triggers, targetMagnitude, mlmScale, p, position, fromMasked, packed, seqLen, masking, postProcess, training);
    }

    public NeubaConfig withPacked(boolean v) {
        return new NeubaConfig(seed, triggers, targetMagnitude, mlmScale, placement, position, withMask, v, seqLen, masking, postProcess, training);
    }

    public NeubaConfig withSeed(long v) {
        return new NeubaConfig(v, triggers, targetMagnitude, mlmScale, placement, position, withMask, packed, seqLen, masking, postProcess, training);
    }

    static List<String> texts(List<Trigger> triggers) {
        return triggers.stream().map(Trigger::text).toList();
    }
}
