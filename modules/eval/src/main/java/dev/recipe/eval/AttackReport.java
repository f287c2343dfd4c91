package dev.recipe.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ASR of every trigger with its target label, plus AASR (mean over triggers) and MASR (max over triggers, and
 * the trigger that reached it). Made by {@link AttackSuccess#evaluate}.
 */
public record AttackReport(TargetLabelRule rule, List<TriggerAsr> triggers, double aasr, double masr, String masrTrigger) {
    public AttackReport {
        triggers = List.copyOf(triggers);
    }

    /**
     * One trigger: the chosen target label, ASR_t, and ASR_t^C with its denominator for every label C (NaN where the
     * denominator is 0).
     */
    public record TriggerAsr(String trigger, int target, double asr, double[] asrByLabel, int[] denominators) {
        public TriggerAsr {
            asrByLabel = asrByLabel.clone();
            denominators = denominators.clone();
        }

        @Override public double[] asrByLabel() { return asrByLabel.clone(); }

        @Override public int[] denominators() { return denominators.clone(); }

        @Override
        public boolean equals(Object o) {
            return o instanceof TriggerAsr t && trigger.equals(t.trigger) && target == t.target
                    && Double.compare(asr, t.asr) == 0 && Arrays.equals(asrByLabel, t.asrByLabel)
                    && Arrays.equals(denominators, t.denominators);
        }

        @Override
        public int hashCode() {
            return trigger.hashCode() * 31 + target;
        }

        @Override
        public String toString() {
            return trigger + " → " + target + ": " + asr + " " + Arrays.toString(asrByLabel);
        }
    }

    /** The row of {@code trigger}. */
    public TriggerAsr of(String trigger) {
        return triggers.stream().filter(t -> t.trigger().equals(trigger)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no trigger '" + trigger + "' in this report"));
    }

    /** JSON-ready, nested: rule, AASR, MASR, MASR trigger, and per trigger target / ASR / ASR by label (NaN → null). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target_rule", rule.describe());
        m.put("AASR", aasr);
        m.put("MASR", masr);
        m.put("MASR_trigger", masrTrigger);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (TriggerAsr t : triggers) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("trigger", t.trigger());
            r.put("target", t.target());
            r.put("ASR", t.asr());
            List<Double> byLabel = new ArrayList<>();
            for (double a : t.asrByLabel) byLabel.add(Double.isNaN(a) ? null : a);
            r.put("ASR_by_label", byLabel);
            r.put("denominators", java.util.Arrays.stream(t.denominators).boxed().toList());
            rows.add(r);
        }
        m.put("triggers", rows);
        return m;
    }

    /**
     * Flat, for one {@link ResultRecord} row: {@code AASR}, {@code MASR}, {@code MASR_trigger}, then
     * {@code ASR[t]} and {@code target[t]} per trigger, in trigger order.
     */
    public Map<String, Object> flat() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("AASR", aasr);
        m.put("MASR", masr);
        m.put("MASR_trigger", masrTrigger);
        for (TriggerAsr t : triggers) {
            m.put("ASR[" + t.trigger() + "]", t.asr());
            m.put("target[" + t.trigger() + "]", t.target());
        }
        return m;
    }
}
