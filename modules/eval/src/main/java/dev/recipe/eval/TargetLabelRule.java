package dev.recipe.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the target label of a trigger is chosen after fine-tuning (RECIPE does not release its rule;
 * {@code official-code.md} A1.2 and A7 list the options):
 * <ul>
 *   <li>{@link Kind#MAX_OVER_LABELS}: ASR_t = max over labels C of ASR_t^C (SPEC §7; RECIPE's script prints every
 *       direction). Labels whose denominator is empty are skipped; ties go to the lowest label.</li>
 *   <li>{@link Kind#DEV_MAJORITY}: the label predicted most often on trigger-inserted dev samples (UOR's
 *       {@code get_target_labels}); ties go to the lowest label.</li>
 *   <li>{@link Kind#FIXED}: a given label C (the attacker's configured target, as in OpenBackdoor).</li>
 * </ul>
 */
public record TargetLabelRule(Kind kind, int fixedLabel) {
    public enum Kind { MAX_OVER_LABELS, DEV_MAJORITY, FIXED }

    public TargetLabelRule {
        if (kind == null) throw new IllegalArgumentException("target-label rule kind is required");
        if (kind == Kind.FIXED && fixedLabel < 0) throw new IllegalArgumentException("fixed target label must be ≥ 0, got " + fixedLabel);
        if (kind != Kind.FIXED) fixedLabel = -1;
    }

    public static TargetLabelRule maxOverLabels() { return new TargetLabelRule(Kind.MAX_OVER_LABELS, -1); }

    public static TargetLabelRule devMajority() { return new TargetLabelRule(Kind.DEV_MAJORITY, -1); }

    public static TargetLabelRule fixed(int label) { return new TargetLabelRule(Kind.FIXED, label); }

    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rule", kind.name());
        if (kind == Kind.FIXED) m.put("label", fixedLabel);
        return m;
    }

    @Override
    public String toString() {
        return kind == Kind.FIXED ? "FIXED(" + fixedLabel + ")" : kind.name();
    }
}
