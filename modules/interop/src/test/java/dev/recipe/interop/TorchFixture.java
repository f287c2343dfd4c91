package dev.recipe.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A fixture written by {@code tools/fixtures/export_onnx_fixtures.py} (test resources {@code fixtures/}): the model
 * as {@code <name>_opset<k>.onnx} and {@code <name>.json} with the seeded input and PyTorch's float32 outputs, each
 * tensor as {@code {"dtype", "shape", "data"}} (flat, row-major).
 */
final class TorchFixture {
    static final String DIR = "/fixtures/";
    static final int[] OPSETS = {11, 14, 17};
    /** The opset exported without constant folding: every parameter keeps its PyTorch (HuggingFace) name. */
    static final int NAMED_OPSET = 14;

    final String name;
    final Map<String, INDArray> inputs;
    final Map<String, INDArray> outputs;

    private TorchFixture(String name, Map<String, INDArray> inputs, Map<String, INDArray> outputs) {
        this.name = name;
        this.inputs = inputs;
        this.outputs = outputs;
    }

    static TorchFixture load(String name) {
        Path file = resource(name + ".json");
        try {
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            return new TorchFixture(name, tensors(root.path("inputs"), file), tensors(root.path("outputs"), file));
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    static Path model(String name, int opset) {
        return resource(name + "_opset" + opset + ".onnx");
    }

    static Path resource(String file) {
        URL url = TorchFixture.class.getResource(DIR + file);
        if (url == null) {
            throw new IllegalStateException("test resource " + DIR + file + " is missing; write it with "
                    + "/usr/bin/python3 tools/fixtures/export_onnx_fixtures.py");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(url + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, INDArray> tensors(JsonNode node, Path file) {
        if (!node.isObject() || node.isEmpty()) throw new IllegalStateException(file + ": expected a non-empty object of tensors");
        Map<String, INDArray> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), tensor(e.getValue(), file + ": tensor '" + e.getKey() + "'")));
        return out;
    }

    private static INDArray tensor(JsonNode t, String where) {
        JsonNode shapeNode = t.path("shape"), data = t.path("data");
        long[] shape = new long[shapeNode.size()];
        long n = 1;
        for (int i = 0; i < shape.length; i++) n *= shape[i] = shapeNode.get(i).asLong();
        if (data.size() != n) throw new IllegalStateException(where + ": shape " + shapeNode + " needs " + n + " values, has " + data.size());
        INDArray flat;
        switch (t.path("dtype").asText()) {
            case "float32" -> {
                float[] f = new float[(int) n];
                for (int i = 0; i < n; i++) f[i] = (float) data.get(i).asDouble();
                flat = Nd4j.createFromArray(f);
            }
            case "int64" -> {
                long[] l = new long[(int) n];
                for (int i = 0; i < n; i++) l[i] = data.get(i).asLong();
                flat = Nd4j.createFromArray(l);
            }
            default -> throw new IllegalStateException(where + ": dtype '" + t.path("dtype").asText() + "', expected float32 or int64");
        }
        return shape.length == 0 ? flat.reshape(new long[0]) : flat.reshape('c', shape);
    }

    /** Max |a − b| after checking equal shapes. */
    static double maxAbsDiff(INDArray expected, INDArray actual, String what) {
        if (!java.util.Arrays.equals(expected.shape(), actual.shape())) {
            throw new AssertionError(what + ": shape " + java.util.Arrays.toString(actual.shape()) + ", expected "
                    + java.util.Arrays.toString(expected.shape()));
        }
        return expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }
}
