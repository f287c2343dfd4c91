package dev.recipe.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class AttackSuccessTest {
    private static final double EPS = 1e-12;

    /*
     * Three labels, true labels 0 0 1 1 2 2; every label C has denominator 4 (the samples of the other two labels).
     *
     * trigger a, predictions 1 2 1 2 1 2:
     *   C=0: samples 2..5 predicted 1 2 1 2 → 0/4 = 0
     *   C=1: samples 0,1,4,5 predicted 1 2 1 2 → 2/4 = 0.5
     *   C=2: samples 0..3 predicted 1 2 1 2 → 2/4 = 0.5   tie with C=1 → lowest label: target 1, ASR 0.5
     * trigger b, predictions 2 2 2 2 2 2: C=2 → 4/4 = 1; C=0, C=1 → 0 → target 2, ASR 1
     * trigger c, predictions 0 1 0 1 0 0:
     *   C=0: samples 2..5 predicted 0 1 0 0 → 3/4; C=1: samples 0,1,4,5 predicted 0 1 0 0 → 1/4;
     *   C=2: samples 0..3 predicted 0 1 0 1 → 0 → target 0, ASR 0.75
     * AASR = (0.5 + 1 + 0.75)/3 = 0.75; MASR = 1 (trigger b)
     */
    private static final int[] TRUE = {0, 0, 1, 1, 2, 2};
    private static final int[] PRED_A = {1, 2, 1, 2, 1, 2};
    private static final int[] PRED_B = {2, 2, 2, 2, 2, 2};
    private static final int[] PRED_C = {0, 1, 0, 1, 0, 0};

    private static List<TriggerOutcome> threeTriggers() {
        return List.of(TriggerOutcome.fromPoisonedAll("a", TRUE, PRED_A, 3),
                TriggerOutcome.fromPoisonedAll("b", TRUE, PRED_B, 3),
                TriggerOutcome.fromPoisonedAll("c", TRUE, PRED_C, 3));
    }

    @Test
    void asrPerTriggerAndLabelWithTiesGoingToTheLowestLabel() {
        AttackReport r = AttackSuccess.evaluate(threeTriggers(), TargetLabelRule.maxOverLabels());
        AttackReport.TriggerAsr a = r.of("a");
        assertArrayEquals(new double[] {0, 0.5, 0.5}, a.asrByLabel(), EPS);
        assertArrayEquals(new int[] {4, 4, 4}, a.denominators());
        assertEquals(1, a.target());
        assertEquals(0.5, a.asr(), EPS);
        assertEquals(2, r.of("b").target());
        assertEquals(1.0, r.of("b").asr(), EPS);
        assertArrayEquals(new double[] {0.75, 0.25, 0}, r.of("c").asrByLabel(), EPS);
        assertEquals(0, r.of("c").target());
    }

    @Test
    void aasrAndMasrOverThreeTriggers() {
        AttackReport r = AttackSuccess.evaluate(threeTriggers(), TargetLabelRule.maxOverLabels());
        assertEquals(0.75, r.aasr(), EPS);
        assertEquals(1.0, r.masr(), EPS);
        assertEquals("b", r.masrTrigger());
        assertEquals(0.75, (Double) r.flat().get("AASR"), EPS);
        assertEquals((Object) 2, r.flat().get("target[b]"));
    }

    /* Two triggers both at ASR 1 → MASR names the first one listed. */
    @Test
    void masrTieNamesTheFirstTrigger() {
        AttackReport r = AttackSuccess.evaluate(List.of(TriggerOutcome.fromPoisonedAll("x", TRUE, PRED_B, 3),
                TriggerOutcome.fromPoisonedAll("y", TRUE, PRED_B, 3)), TargetLabelRule.maxOverLabels());
        assertEquals("x", r.masrTrigger());
    }

    /* The per-target sets (what Poisoning.poison builds) give the same counts as one pass over the whole set. */
    @Test
    void perTargetSetsGiveTheSameCounts() {
        // trigger a: C=0 → samples 2..5, C=1 → samples 0,1,4,5, C=2 → samples 0..3
        int[][] byTarget = {{1, 2, 1, 2}, {1, 2, 1, 2}, {1, 2, 1, 2}};
        assertEquals(TriggerOutcome.fromPoisonedAll("a", TRUE, PRED_A, 3), TriggerOutcome.fromPerTarget("a", byTarget));
        assertEquals(0.5, AttackSuccess.rate(byTarget[1], 1), EPS);
        assertTrue(Double.isNaN(AttackSuccess.rate(new int[0], 1)));
    }

    /*
     * One-class test set: true labels 1 1 1, predictions 0 1 0, two labels.
     * C=0: denominator 3, predicted 0 twice → 2/3. C=1: denominator 0 → NaN, excluded from the max.
     */
    @Test
    void oneClassTestSetHasAnUndefinedLabelThatTheMaxSkips() {
        TriggerOutcome o = TriggerOutcome.fromPoisonedAll("t", new int[] {1, 1, 1}, new int[] {0, 1, 0}, 2);
        assertTrue(Double.isNaN(o.asr(1)));
        AttackReport r = AttackSuccess.evaluate(List.of(o), TargetLabelRule.maxOverLabels());
        assertEquals(0, r.of("t").target());
        assertEquals(2.0 / 3, r.aasr(), EPS);
        assertTrue(Double.isNaN(r.of("t").asrByLabel()[1]));
        // fixed target with an empty denominator is undefined → error naming the label
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AttackSuccess.evaluate(List.of(o), TargetLabelRule.fixed(1)));
        assertTrue(e.getMessage().contains("target label 1"), e.getMessage());
        // a single label and a single class: nothing is defined
        TriggerOutcome single = TriggerOutcome.fromPoisonedAll("t", new int[] {0, 0}, new int[] {0, 0}, 1);
        assertThrows(IllegalArgumentException.class, () -> AttackSuccess.evaluate(List.of(single), TargetLabelRule.maxOverLabels()));
    }

    @Test
    void emptyTriggerListIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AttackSuccess.evaluate(List.of(), TargetLabelRule.maxOverLabels()));
        assertTrue(e.getMessage().contains("no triggers"), e.getMessage());
    }

    /*
     * FIXED(2) on trigger c → ASR_c^2 = 0 (not the max 0.75).
     * DEV_MAJORITY: dev predictions 1 0 1 0 → tie → label 0 → trigger a: ASR_a^0 = 0;
     *               dev predictions 2 2 0 → label 2 → trigger a: ASR_a^2 = 0.5.
     */
    @Test
    void fixedAndDevMajorityRules() {
        AttackReport fixed = AttackSuccess.evaluate(List.of(TriggerOutcome.fromPoisonedAll("c", TRUE, PRED_C, 3)), TargetLabelRule.fixed(2));
        assertEquals(2, fixed.of("c").target());
        assertEquals(0.0, fixed.aasr(), EPS);
        TriggerOutcome a = TriggerOutcome.fromPoisonedAll("a", TRUE, PRED_A, 3);
        assertEquals(0, AttackSuccess.evaluate(List.of(a.withDev(new int[] {1, 0, 1, 0})), TargetLabelRule.devMajority()).of("a").target());
        AttackReport dev = AttackSuccess.evaluate(List.of(a.withDev(new int[] {2, 2, 0})), TargetLabelRule.devMajority());
        assertEquals(2, dev.of("a").target());
        assertEquals(0.5, dev.aasr(), EPS);
        assertThrows(IllegalArgumentException.class, () -> AttackSuccess.evaluate(List.of(a), TargetLabelRule.devMajority()));
        assertThrows(IllegalArgumentException.class, () -> AttackSuccess.evaluate(List.of(a), TargetLabelRule.fixed(3)));
    }

    /* The clean-model floor is the same computation: a clean model flipping 1 of 4 → floor 0.25, not 0. */
    @Test
    void cleanModelFloorIsTheSameComputation() {
        int[] cleanPreds = {0, 0, 1, 1, 2, 0};   // only sample 5 (true 2) moves, to label 0 → ASR^0 = 1/4
        List<TriggerOutcome> clean = List.of(TriggerOutcome.fromPoisonedAll("a", TRUE, cleanPreds, 3));
        AttackReport floor = AttackSuccess.cleanModelFloor(clean, TargetLabelRule.maxOverLabels());
        assertEquals(AttackSuccess.evaluate(clean, TargetLabelRule.maxOverLabels()), floor);
        assertEquals(0.25, floor.masr(), EPS);
    }

    @Test
    void mismatchedLabelCountsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> AttackSuccess.evaluate(List.of(
                TriggerOutcome.fromPoisonedAll("a", TRUE, PRED_A, 3),
                TriggerOutcome.fromPoisonedAll("b", new int[] {0, 1}, new int[] {1, 1}, 2)), TargetLabelRule.maxOverLabels()));
        assertThrows(IllegalArgumentException.class, () -> TriggerOutcome.fromPoisonedAll("a", TRUE, PRED_A, 2));
    }
}
