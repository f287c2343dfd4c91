package dev.recipe.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class GradientClippingTest {

    private static Map<String, INDArray> grads() {
        Map<String, INDArray> g = new LinkedHashMap<>();
        g.put("a", Nd4j.createFromArray(3f, 4f));
        g.put("b", Nd4j.createFromArray(new float[][] {{12f}}));
        return g; // global norm sqrt(9 + 16 + 144) = 13
    }

    @Test
    void clipsToTheGlobalNorm() {
        Map<String, INDArray> g = grads();
        double before = GradientClipping.clipInPlace(g, 1.0);
        assertEquals(13.0, before, 1e-6);
        assertEquals(1.0, GradientClipping.globalNorm(g.values()), 1e-6);
        // every gradient scaled by the same factor, as torch: clip / (norm + 1e-6)
        double s = 1.0 / (13.0 + 1e-6);
        assertArrayEquals(new float[] {(float) (3 * s), (float) (4 * s)}, g.get("a").toFloatVector(), 1e-7f);
        assertEquals(12 * s, g.get("b").getDouble(0, 0), 1e-7);
    }

    @Test
    void leavesGradientsAloneBelowTheLimitOrWhenDisabled() {
        for (double clip : new double[] {13.5, 0.0, -1.0}) {
            Map<String, INDArray> g = grads();
            GradientClipping.clipInPlace(g, clip);
            assertArrayEquals(new float[] {3f, 4f}, g.get("a").toFloatVector(), 0f);
            assertEquals(12f, g.get("b").getFloat(0, 0), 0f);
        }
        assertEquals(1.0, GradientClipping.scale(2.0, 0.0), 0.0);
        assertEquals(1.0, GradientClipping.scale(2.0, 3.0), 0.0);
        assertEquals(0.5 / (2.0 + 1e-6), GradientClipping.scale(2.0, 0.5), 0.0);
    }
}
