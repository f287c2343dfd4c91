package dev.recipe.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Reading the PyTorch golden files of the graph tests ({@code tools/fixtures/export_*_golden.py}). */
public final class Goldens {
    private Goldens() {}

    /** A tensor written as {@code {"shape": [...], "data": [...]}} (data flattened in C order), as doubles. */
    public static INDArray array(JsonNode node) {
        JsonNode data = node.get("data");
        double[] v = new double[data.size()];
        for (int i = 0; i < v.length; i++) v[i] = data.get(i).asDouble();
        long[] shape = new long[node.get("shape").size()];
        for (int i = 0; i < shape.length; i++) shape[i] = node.get("shape").get(i).asLong();
        return Nd4j.createFromArray(v).reshape(shape);
    }

    /** {@code got}, flattened in C order, equals the flat array {@code expected} to 1e-9 in every element. */
    public static void assertClose(JsonNode expected, INDArray got, String what) {
        double[] v = got.dup().data().asDouble();
        assertEquals(expected.size(), v.length, what + ": size");
        double worst = 0;
        for (int i = 0; i < v.length; i++) worst = Math.max(worst, Math.abs(v[i] - expected.get(i).asDouble()));
        assertTrue(worst < 1e-9, what + ": worst absolute difference " + worst);
    }
}
