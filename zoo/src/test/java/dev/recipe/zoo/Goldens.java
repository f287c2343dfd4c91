package dev.recipe.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.recipe.nn.GradientCheck;
import dev.recipe.nn.Losses;
import dev.recipe.zoo.vision.VisionModel;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Reading the PyTorch golden files of the graph tests ({@code tools/fixtures/export_*_golden.py}), and the gradient check every vision family shares. */
public final class Goldens {
    private Goldens() {}

    /** A golden file on the test class path, e.g. {@code /vit/tiny-vit-golden.json}. */
    public static JsonNode read(String resource) {
        try (InputStream in = Goldens.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException(resource + ": not on the test class path");
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Asserts that the golden's {@code params} name exactly the graph's parameters ({@code family}'s names) and copies
     * them into the live {@code weights}.
     */
    public static void assignParams(JsonNode params, Map<String, INDArray> weights, String family) {
        TreeSet<String> names = new TreeSet<>();
        params.fieldNames().forEachRemaining(names::add);
        assertEquals(names, weights.keySet(), "the graph's parameters are " + family + "'s");
        params.fields().forEachRemaining(e -> weights.get(e.getKey()).assign(array(e.getValue())));
    }

    /**
     * Finite-difference check of RECIPE's objective on a vision model with its pre-training head (the pre-training
     * loss plus Σ‖W‖₂ over the spec's regularised weights), for every parameter, on random images with these labels.
     */
    public static GradientCheck.Report recipeObjective(VisionModel m, int[] labels,
                                                                      int samplesPerVariable) {
        SameDiff sd = m.graph();
        List<SDVariable> reg = new ArrayList<>();
        for (String n : m.spec().regularised()) reg.add(sd.getVariable(n));
        sd.getVariable(m.spec().pretrainLoss()).add(Losses.sumOfNorms(sd, "norm", reg)).rename("total");
        Map<String, INDArray> batch = new HashMap<>();
        Nd4j.getRandom().setSeed(3);
        batch.put(VisionModel.PIXEL_VALUES,
                Nd4j.randn(DataType.DOUBLE, labels.length, 3, m.imageSize(), m.imageSize()));
        batch.put(VisionModel.LABELS, Nd4j.createFromArray(labels));
        List<String> vars = new ArrayList<>(m.weights().keySet());
        GradientCheck.Report r = GradientCheck.check(sd, "total", batch, vars, samplesPerVariable, 1e-6, 11);
        assertTrue(r.passed(1e-5, 1e-9), r.toString());
        assertTrue(r.entries().size() >= vars.size() * Math.min(2, samplesPerVariable), "every parameter is checked");
        return r;
    }

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
