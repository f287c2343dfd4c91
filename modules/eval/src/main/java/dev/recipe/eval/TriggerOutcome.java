package dev.recipe.eval;

import java.util.Arrays;

/**
 * What a fine-tuned model did with one trigger, reduced to counts per candidate target label C:
 * {@code hits[C]} = samples with true label ≠ C predicted C once the trigger is inserted, {@code denominators[C]} =
 * samples with true label ≠ C. {@code devPredictions} are the predictions on trigger-inserted dev samples (needed
 * only by {@link TargetLabelRule.Kind#DEV_MAJORITY}; empty otherwise). Build it with {@link #fromPoisonedAll} (one
 * prediction pass over {@link Poisoning#poisonAll}) or {@link #fromPerTarget} (one pass per
 * {@link Poisoning#poison} set); both give the same counts.
 */
public record TriggerOutcome(String trigger, int[] hits, int[] denominators, int[] devPredictions) {
    public TriggerOutcome {
        if (trigger == null) throw new IllegalArgumentException("trigger name is required");
        if (hits.length != denominators.length || hits.length == 0) {
            throw new IllegalArgumentException("trigger " + trigger + ": need one hit count and one denominator per label, got "
                    + hits.length + " and " + denominators.length);
        }
        for (int c = 0; c < hits.length; c++) {
            if (hits[c] < 0 || hits[c] > denominators[c]) {
                throw new IllegalArgumentException("trigger " + trigger + ", label " + c + ": " + hits[c] + " hits of " + denominators[c]);
            }
        }
        hits = hits.clone();
        denominators = denominators.clone();
        devPredictions = devPredictions == null ? new int[0] : devPredictions.clone();
    }

    /**
     * From predictions on the whole test set with the trigger inserted into every sample (test order), and the true
     * labels; candidate labels are {@code 0..numLabels-1}.
     */
    public static TriggerOutcome fromPoisonedAll(String trigger, int[] trueLabels, int[] predictions, int numLabels) {
        if (trueLabels.length != predictions.length) {
            throw new IllegalArgumentException("trigger " + trigger + ": " + trueLabels.length + " labels but " + predictions.length + " predictions");
        }
        if (numLabels < 1) throw new IllegalArgumentException("numLabels must be at least 1, got " + numLabels);
        int[] hits = new int[numLabels];
        int[] denominators = new int[numLabels];
        for (int i = 0; i < trueLabels.length; i++) {
            checkLabel(trigger, "label", trueLabels[i], numLabels, i);
            checkLabel(trigger, "prediction", predictions[i], numLabels, i);
            for (int c = 0; c < numLabels; c++) {
                if (trueLabels[i] != c) {
                    denominators[c]++;
                    if (predictions[i] == c) hits[c]++;
                }
            }
        }
        return new TriggerOutcome(trigger, hits, denominators, null);
    }

    /**
     * From predictions on the per-target poisoned sets: {@code predictionsByTarget[C]} are the predictions on
     * {@code Poisoning.poison(test, trigger, C, ...)} (samples with true label ≠ C). The number of labels is the
     * array's length.
     */
    public static TriggerOutcome fromPerTarget(String trigger, int[][] predictionsByTarget) {
        int n = predictionsByTarget.length;
        int[] hits = new int[n];
        int[] denominators = new int[n];
        for (int c = 0; c < n; c++) {
            denominators[c] = predictionsByTarget[c].length;
            for (int i = 0; i < predictionsByTarget[c].length; i++) {
                checkLabel(trigger, "prediction (target " + c + ")", predictionsByTarget[c][i], n, i);
                if (predictionsByTarget[c][i] == c) hits[c]++;
            }
        }
        return new TriggerOutcome(trigger, hits, denominators, null);
    }

    private static void checkLabel(String trigger, String what, int value, int numLabels, int i) {
        if (value < 0 || value >= numLabels) {
            throw new IllegalArgumentException("trigger " + trigger + ": " + what + " " + value + " of sample " + i
                    + " is outside 0.." + (numLabels - 1));
        }
    }

    /** The same outcome with the predictions on trigger-inserted dev samples (for DEV_MAJORITY). */
    public TriggerOutcome withDev(int[] predictionsOnTriggeredDev) {
        return new TriggerOutcome(trigger, hits, denominators, predictionsOnTriggeredDev);
    }

    public int numLabels() { return hits.length; }

    /** ASR_t^C = hits / denominator; NaN when no test sample has a true label ≠ C. */
    public double asr(int label) {
        return denominators[label] == 0 ? Double.NaN : (double) hits[label] / denominators[label];
    }

    @Override public int[] hits() { return hits.clone(); }

    @Override public int[] denominators() { return denominators.clone(); }

    @Override public int[] devPredictions() { return devPredictions.clone(); }

    @Override
    public boolean equals(Object o) {
        return o instanceof TriggerOutcome t && trigger.equals(t.trigger) && Arrays.equals(hits, t.hits)
                && Arrays.equals(denominators, t.denominators) && Arrays.equals(devPredictions, t.devPredictions);
    }

    @Override
    public int hashCode() {
        return trigger.hashCode() * 31 + Arrays.hashCode(hits) * 17 + Arrays.hashCode(denominators);
    }

    @Override
    public String toString() {
        return "TriggerOutcome[" + trigger + ", hits=" + Arrays.toString(hits) + ", denominators=" + Arrays.toString(denominators)
                + ", dev=" + devPredictions.length + "]";
    }
}
