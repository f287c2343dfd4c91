package dev.recipe.eval;

import java.util.ArrayList;
import java.util.List;

import dev.recipe.text.LabelledText;

/**
 * Poisoned test sets for the ASR. Labels are kept as the <em>true</em> labels (RECIPE's script relabels to the
 * target and measures accuracy, which is the same number); {@link AttackSuccess} counts predictions equal to the
 * target label. Every sample is identified by its index in the original test list, which is what
 * {@link TriggerInsertion#insert} receives, so {@link #poison} for any target label is exactly the
 * {@code label != target} subset of {@link #poisonAll}: one prediction pass over {@code poisonAll} serves every
 * candidate target label.
 */
public final class Poisoning {
    private Poisoning() {}

    /**
     * The ASR denominator set for (trigger, target): the test samples whose true label is not {@code targetLabel},
     * each with the trigger inserted, in test order, true labels kept.
     */
    public static List<LabelledText> poison(List<LabelledText> test, Trigger trigger, int targetLabel, TriggerInsertion insertion) {
        List<LabelledText> out = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            LabelledText s = test.get(i);
            if (s.label() != targetLabel) out.add(new LabelledText(insertion.insert(s.text(), trigger, i), s.label()));
        }
        return out;
    }

    /** {@link #poison} with RECIPE's insertion rule ({@link TriggerInsertion#authorsRecipe()}). */
    public static List<LabelledText> poison(List<LabelledText> test, Trigger trigger, int targetLabel) {
        return poison(test, trigger, targetLabel, TriggerInsertion.authorsRecipe());
    }

    /** Every sample with the trigger inserted (true labels kept): for all-label ASR in one pass and for dev voting. */
    public static List<LabelledText> poisonAll(List<LabelledText> samples, Trigger trigger, TriggerInsertion insertion) {
        List<LabelledText> out = new ArrayList<>(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            LabelledText s = samples.get(i);
            out.add(new LabelledText(insertion.insert(s.text(), trigger, i), s.label()));
        }
        return out;
    }

    /** The labels of a list, in order (what {@link ClassificationMetrics} and {@link AttackSuccess} take). */
    public static int[] labels(List<LabelledText> samples) {
        return samples.stream().mapToInt(LabelledText::label).toArray();
    }
}
