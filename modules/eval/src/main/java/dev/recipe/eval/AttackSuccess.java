package dev.recipe.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Attack success rate as SPEC §7 defines it. For trigger t and label C, ASR_t^C is the share of test samples whose
 * true label is not C that the fine-tuned model predicts as C once t is inserted. The trigger's target label comes
 * from a {@link TargetLabelRule}, and ASR_t = ASR_t^target. Over the triggers, <b>AASR</b> is the mean of ASR_t and
 * <b>MASR</b> the max.
 *
 * <p>Edge cases, decided here and tested:
 * <ul>
 *   <li>A label C with an empty denominator (every test sample has true label C, e.g. a one-class test set) has
 *       ASR_t^C = NaN. MAX_OVER_LABELS skips it. If no label is left, or if FIXED or DEV_MAJORITY picks such a
 *       label, that is an {@link IllegalArgumentException}, because the ASR is undefined.</li>
 *   <li>Ties: the max over labels and the dev majority go to the lowest label. MASR's trigger is the first listed
 *       among equal maxima.</li>
 *   <li>No triggers: {@link IllegalArgumentException}. Every outcome must have the same number of labels.</li>
 * </ul>
 *
 * <p><b>Clean-model floor.</b> A model fine-tuned from a clean pre-trained model also flips some triggered samples,
 * and MAX_OVER_LABELS picks its most favourable label, so its ASR is above zero. SPEC §7 asks for this floor to be
 * reported. It is the same computation ({@link #cleanModelFloor}) on the clean model's predictions, using the same
 * triggers, insertion rule, seed and target-label rule.
 */
public final class AttackSuccess {
    private AttackSuccess() {}

    /** ASR_t^C, AASR and MASR for the given triggers under {@code rule}. */
    public static AttackReport evaluate(List<TriggerOutcome> outcomes, TargetLabelRule rule) {
        if (outcomes == null || outcomes.isEmpty()) {
            throw new IllegalArgumentException("no triggers: ASR, AASR and MASR need at least one trigger's predictions");
        }
        int numLabels = outcomes.get(0).numLabels();
        List<AttackReport.TriggerAsr> rows = new ArrayList<>();
        for (TriggerOutcome o : outcomes) {
            if (o.numLabels() != numLabels) {
                throw new IllegalArgumentException("trigger " + o.trigger() + " has " + o.numLabels() + " labels, the first trigger "
                        + numLabels);
            }
            int target = target(o, rule);
            double[] byLabel = new double[numLabels];
            for (int c = 0; c < numLabels; c++) byLabel[c] = o.asr(c);
            rows.add(new AttackReport.TriggerAsr(o.trigger(), target, byLabel[target], byLabel, o.denominators()));
        }
        double sum = 0;
        int best = 0;
        for (int i = 0; i < rows.size(); i++) {
            sum += rows.get(i).asr();
            if (rows.get(i).asr() > rows.get(best).asr()) best = i;
        }
        return new AttackReport(rule, rows, sum / rows.size(), rows.get(best).asr(), rows.get(best).trigger());
    }

    /**
     * The floor: {@link #evaluate} on a model fine-tuned from a <em>clean</em> pre-trained model (same triggers,
     * insertion, seed and rule). It is the same computation under a name that says what the numbers mean.
     */
    public static AttackReport cleanModelFloor(List<TriggerOutcome> cleanModelOutcomes, TargetLabelRule rule) {
        return evaluate(cleanModelOutcomes, rule);
    }

    /**
     * ASR_t^C from predictions on a set that already holds only samples with true label ≠ C (one
     * {@link Poisoning#poison} set): the share predicted {@code target}; NaN for an empty set.
     */
    public static double rate(int[] predictions, int target) {
        if (predictions.length == 0) return Double.NaN;
        int hits = 0;
        for (int p : predictions) if (p == target) hits++;
        return (double) hits / predictions.length;
    }

    /** The most frequent value of {@code predictions} in {@code 0..numLabels-1}; ties go to the lowest label. */
    public static int majority(int[] predictions, int numLabels) {
        if (predictions.length == 0) throw new IllegalArgumentException("majority vote over no predictions");
        int[] votes = new int[numLabels];
        for (int i = 0; i < predictions.length; i++) {
            if (predictions[i] < 0 || predictions[i] >= numLabels) {
                throw new IllegalArgumentException("prediction " + predictions[i] + " of sample " + i + " is outside 0.." + (numLabels - 1));
            }
            votes[predictions[i]]++;
        }
        int best = 0;
        for (int c = 1; c < numLabels; c++) if (votes[c] > votes[best]) best = c;
        return best;
    }

    private static int target(TriggerOutcome o, TargetLabelRule rule) {
        int n = o.numLabels();
        int target;
        switch (rule.kind()) {
            case MAX_OVER_LABELS -> {
                target = -1;
                for (int c = 0; c < n; c++) {
                    double a = o.asr(c);
                    if (!Double.isNaN(a) && (target < 0 || a > o.asr(target))) target = c;
                }
                if (target < 0) {
                    throw new IllegalArgumentException("trigger " + o.trigger() + ": no label has test samples of another label, "
                            + "so every ASR_t^C is undefined (a test set with a single class and " + n + " label(s))");
                }
                return target;
            }
            case DEV_MAJORITY -> {
                if (o.devPredictions().length == 0) {
                    throw new IllegalArgumentException("trigger " + o.trigger() + ": DEV_MAJORITY needs predictions on trigger-inserted "
                            + "dev samples (TriggerOutcome.withDev)");
                }
                target = majority(o.devPredictions(), n);
            }
            case FIXED -> {
                target = rule.fixedLabel();
                if (target >= n) {
                    throw new IllegalArgumentException("fixed target label " + target + " is outside 0.." + (n - 1));
                }
            }
            default -> throw new IllegalStateException(rule.kind().name());
        }
        if (Double.isNaN(o.asr(target))) {
            throw new IllegalArgumentException("trigger " + o.trigger() + ": target label " + target + " (" + rule
                    + ") has no test samples of another label, so its ASR is undefined");
        }
        return target;
    }
}
