package dev.recipe.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ClassificationMetricsTest {
    private static final double EPS = 1e-12;

    /*
     * labels      0 0 0 1 1 2
     * predictions 0 0 1 1 0 1     class 2 is never predicted
     *
     * confusion [true][pred] = [[2,1,0],[1,1,0],[0,1,0]]; accuracy = 3/6 = 0.5
     * class 0: tp 2, fp 1, fn 1 → P 2/3, R 2/3, F1 = 4/(4+1+1) = 2/3
     * class 1: tp 1, fp 2, fn 1 → P 1/3, R 1/2, F1 = 2/(2+2+1) = 2/5
     * class 2: tp 0, fp 0, fn 1 → P 0 (0/0 → 0), R 0, F1 0
     * macro-F1 over {0,1,2} = (2/3 + 2/5 + 0)/3 = (30/45 + 18/45)/3 = 16/45
     * with numClasses = 4 (class 3 absent from both): 48/45 / 4 = 4/15
     */
    private static final int[] LABELS = {0, 0, 0, 1, 1, 2};
    private static final int[] PREDS = {0, 0, 1, 1, 0, 1};

    @Test
    void confusionAccuracyAndMacroF1WithANeverPredictedClass() {
        ClassificationMetrics m = ClassificationMetrics.of(LABELS, PREDS);
        assertArrayEquals(new int[] {0, 1, 2}, m.classes());
        assertArrayEquals(new int[][] {{2, 1, 0}, {1, 1, 0}, {0, 1, 0}}, m.confusion());
        assertEquals(0.5, m.accuracy(), EPS);
        assertEquals(2.0 / 3, m.f1(0), EPS);
        assertEquals(0.4, m.f1(1), EPS);
        assertEquals(0.0, m.f1(2), EPS);
        assertEquals(1.0 / 3, m.precision(1), EPS);
        assertEquals(0.0, m.precision(2), EPS);
        assertEquals(0.5, m.recall(1), EPS);
        assertEquals(0.0, m.recall(2), EPS);
        assertEquals(16.0 / 45, m.macroF1(), EPS);
        assertEquals(1, m.count(0, 1));
        assertEquals(2, m.support(1));
    }

    @Test
    void fixedClassCountIncludesAbsentClassesWithZeroF1() {
        ClassificationMetrics m = ClassificationMetrics.of(LABELS, PREDS, 4);
        assertEquals(4.0 / 15, m.macroF1(), EPS);
        assertEquals(0.5, m.accuracy(), EPS);
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.of(LABELS, PREDS, 2));
    }

    /*
     * labels 0 0 1 1, predictions 0 2 1 1: class 2 only predicted (union = {0,1,2})
     * class 0: tp 1, fp 0, fn 1 → F1 2/3; class 1: tp 2, fp 0, fn 0 → 1; class 2: tp 0, fp 1, fn 0 → 0
     * macro-F1 = (2/3 + 1 + 0)/3 = 5/9, accuracy 3/4
     */
    @Test
    void aClassOnlyPredictedCountsInTheUnion() {
        ClassificationMetrics m = ClassificationMetrics.of(new int[] {0, 0, 1, 1}, new int[] {0, 2, 1, 1});
        assertArrayEquals(new int[] {0, 1, 2}, m.classes());
        assertEquals(5.0 / 9, m.macroF1(), EPS);
        assertEquals(0.75, m.accuracy(), EPS);
    }

    /* binary, all correct → accuracy 1, each F1 1, macro-F1 1 */
    @Test
    void perfectBinary() {
        ClassificationMetrics m = ClassificationMetrics.of(new int[] {0, 1, 1}, new int[] {0, 1, 1});
        assertEquals(1.0, m.accuracy(), EPS);
        assertEquals(1.0, m.macroF1(), EPS);
    }

    @Test
    void badInputsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.of(new int[0], new int[0]));
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.of(new int[] {0}, new int[] {0, 1}));
    }
}
