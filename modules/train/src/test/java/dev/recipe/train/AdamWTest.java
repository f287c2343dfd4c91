package dev.recipe.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class AdamWTest {
    /** The fused loop and the ND4J ops give the same floats, bit for bit, over several steps, with clipping and decay. */
    @Test
    void fusedUpdateIsBitIdenticalToTheOps() {
        Nd4j.getRandom().setSeed(7);
        int n = 10_007;
        INDArray p = Nd4j.randn(DataType.FLOAT, 97, n / 97 + 1), m = Nd4j.zeros(DataType.FLOAT, p.shape()), v = m.dup();
        INDArray p2 = p.dup(), m2 = m.dup(), v2 = v.dup();
        double lr = 3e-4, wd = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        for (int t = 1; t <= 5; t++) {
            INDArray g = Nd4j.randn(DataType.FLOAT, p.shape()).muli(t == 3 ? 1e-6 : 0.05);   // tiny gradients too
            double scale = t % 2 == 0 ? 0.37 : 1.0;
            double bc1 = 1 - Math.pow(b1, t), bc2Sqrt = Math.sqrt(1 - Math.pow(b2, t));
            assertTrue(AdamW.fusable(p, g, m, v));
            AdamW.withOps(p, g, m, v, scale, lr, t == 4 ? 0 : wd, b1, b2, eps, bc1, bc2Sqrt);
            AdamW.fused(p2, g, m2, v2, scale, lr, t == 4 ? 0 : wd, b1, b2, eps, bc1, bc2Sqrt);
            assertArrayEquals(p.data().asFloat(), p2.data().asFloat(), "parameters after step " + t);
            assertArrayEquals(m.data().asFloat(), m2.data().asFloat(), "first moments after step " + t);
            assertArrayEquals(v.data().asFloat(), v2.data().asFloat(), "second moments after step " + t);
        }
    }

    /** Views, other data types and other layouts take the ND4J path. */
    @Test
    void onlyWholeFloatArraysOfOneLayoutAreFused() {
        INDArray p = Nd4j.rand(DataType.FLOAT, 4, 6);
        assertTrue(AdamW.fusable(p, p.dup(), p.dup()));
        assertFalse(AdamW.fusable(p, p.dup('f')));
        assertFalse(AdamW.fusable(p.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all()), Nd4j.rand(DataType.FLOAT, 2, 6)));
        assertFalse(AdamW.fusable(p.castTo(DataType.DOUBLE), p.castTo(DataType.DOUBLE)));
        assertFalse(AdamW.fusable(p, Nd4j.rand(DataType.FLOAT, 6, 4)));
    }
}
