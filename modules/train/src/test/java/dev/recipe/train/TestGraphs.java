package dev.recipe.train;

import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Tiny graphs and batch sources for the trainer tests. */
final class TestGraphs {
    private TestGraphs() {}

    /** {@code loss = sum(w * c)} with variable w of 2 elements and placeholder c: the gradient of w is c. */
    static SameDiff linear(float w0, float w1) {
        SameDiff sd = SameDiff.create();
        SDVariable c = sd.placeHolder("c", DataType.FLOAT, 2);
        SDVariable w = sd.var("w", Nd4j.createFromArray(w0, w1));
        w.mul(c).sum("loss");
        return sd;
    }

    /** {@code loss = sum(sqrt(w))}: with an element of w at 0 the loss is finite and the gradient infinite. */
    static SameDiff sqrtAtZero() {
        SameDiff sd = SameDiff.create();
        SDVariable c = sd.placeHolder("c", DataType.FLOAT, 2);
        SDVariable w = sd.var("w", Nd4j.createFromArray(0f, 1f));
        sd.math.sqrt(w).mul(c).sum("loss");
        return sd;
    }

    /** Feeds placeholder "c" with the given rows in turn, one per batch. */
    static BatchSource feed(List<float[]> rows) {
        return new BatchSource() {
            @Override
            public int batchesPerEpoch() {
                return rows.size();
            }

            @Override
            public Map<String, INDArray> batch(int epoch, int index) {
                return Map.of("c", Nd4j.createFromArray(rows.get(index)));
            }
        };
    }

    /** The serialized bytes of an array: equal bytes mean equal shape, type and bit pattern of every element. */
    static byte[] bytes(INDArray a) {
        try {
            return Nd4j.toByteArray(a);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
