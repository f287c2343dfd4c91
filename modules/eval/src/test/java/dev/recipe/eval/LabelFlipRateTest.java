package dev.recipe.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LabelFlipRateTest {
    /*
     * labels 0 0 0 0 1 1, predictions 0 1 1 0 1 0 → cm = [[2,2],[1,1]]
     * LFR(0) = cm[0][1] / (cm[0][0] + cm[0][1]) = 2/4 = 0.5 = 1 - recall(0); LFR(1) = 1/2
     */
    @Test
    void flipRateOfTheSourceLabel() {
        int[] labels = {0, 0, 0, 0, 1, 1};
        int[] preds = {0, 1, 1, 0, 1, 0};
        assertEquals(0.5, LabelFlipRate.of(labels, preds, 0), 1e-12);
        assertEquals(0.5, LabelFlipRate.of(labels, preds, 1), 1e-12);
        assertEquals(0.5, LabelFlipRate.fromConfusion(new int[][] {{2, 2}, {1, 1}}, 0), 1e-12);
        ClassificationMetrics m = ClassificationMetrics.of(labels, preds);
        assertEquals(1 - m.recall(0), LabelFlipRate.fromConfusion(m.confusion(), 0), 1e-12);
        // 3 of 4 negatives flipped
        assertEquals(0.75, LabelFlipRate.of(new int[] {0, 0, 0, 0}, new int[] {1, 1, 0, 1}, 0), 1e-12);
    }

    @Test
    void noSampleOfTheSourceLabelIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> LabelFlipRate.of(new int[] {1, 1}, new int[] {0, 1}, 0));
        assertThrows(IllegalArgumentException.class, () -> LabelFlipRate.fromConfusion(new int[][] {{0, 0}, {1, 1}}, 0));
    }
}
