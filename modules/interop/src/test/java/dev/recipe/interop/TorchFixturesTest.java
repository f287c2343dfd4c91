package dev.recipe.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * PyTorch 1.13 exports (opsets 11, 14, 17) of a HuggingFace-style BERT, torchvision's VisionTransformer and VGG and a
 * CLIP-style dual encoder, imported with {@link OnnxImporter} in float32, against PyTorch's own outputs.
 */
class TorchFixturesTest {
    static final double TOLERANCE = 1e-4;

    static Stream<Arguments> fixtures() {
        List<Arguments> out = new ArrayList<>();
        for (String name : List.of("bert", "vit", "vgg", "clip")) {
            for (int opset : TorchFixture.OPSETS) out.add(Arguments.of(name, opset));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} opset {1}")
    @MethodSource("fixtures")
    void outputsMatchPyTorchWithin1e4(String name, int opset) {
        TorchFixture f = TorchFixture.load(name);
        OnnxGraph g = OnnxImporter.importModel(TorchFixture.model(name, opset));
        assertEquals(opset, g.opset());
        assertEquals(f.inputs.keySet(), g.inputs().keySet(), "graph inputs");
        assertEquals(f.outputs.keySet(), g.outputs().keySet(), "graph outputs");
        Map<String, INDArray> out = g.run(f.inputs);
        for (String o : f.outputs.keySet()) {
            assertEquals(DataType.FLOAT, out.get(o).dataType(), o);
            double d = TorchFixture.maxAbsDiff(f.outputs.get(o), out.get(o), name + " opset " + opset + " " + o);
            double scale = f.outputs.get(o).amaxNumber().doubleValue();
            System.out.printf("%s opset %d %s: max |diff| %.2e (max |value| %.2f)%n", name, opset, o, d, scale);
            assertTrue(d <= TOLERANCE, name + " opset " + opset + " " + o + ": max |diff| " + d);
        }
    }

    /**
     * Batch and sequence are dynamic in the BERT export: the padded second row alone, cut to its 7 real tokens,
     * gives the same states as in the padded batch (padding gets -10000 in the scores: exactly zero weight).
     */
    @Test
    void bertRunsOnAnotherBatchAndSequenceLength() {
        TorchFixture f = TorchFixture.load("bert");
        OnnxGraph g = OnnxImporter.importModel(TorchFixture.model("bert", TorchFixture.NAMED_OPSET));
        var row = NDArrayIndex.interval(1, 2);
        var first7 = NDArrayIndex.interval(0, 7);
        Map<String, INDArray> feeds = Map.of(
                "input_ids", f.inputs.get("input_ids").get(row, first7).dup(),
                "attention_mask", f.inputs.get("attention_mask").get(row, first7).dup(),
                "token_type_ids", f.inputs.get("token_type_ids").get(row, first7).dup());
        Map<String, INDArray> out = g.run(feeds);
        assertArrayEquals(new long[] {1, 7, 32}, out.get("last_hidden_state").shape());
        double states = TorchFixture.maxAbsDiff(f.outputs.get("last_hidden_state").get(row, first7, NDArrayIndex.all()),
                out.get("last_hidden_state"), "last_hidden_state");
        double pooled = TorchFixture.maxAbsDiff(f.outputs.get("pooler_output").get(row, NDArrayIndex.all()),
                out.get("pooler_output"), "pooler_output");
        double logits = TorchFixture.maxAbsDiff(f.outputs.get("prediction_logits").get(row, first7, NDArrayIndex.all()),
                out.get("prediction_logits"), "prediction_logits");
        System.out.printf("bert [1, 7] vs row 2 of the padded batch: max |diff| %.2e, %.2e, %.2e%n", states, pooled, logits);
        assertTrue(Math.max(states, Math.max(pooled, logits)) <= TOLERANCE, states + " " + pooled + " " + logits);
    }

    /** Exported without constant folding, every parameter keeps its HuggingFace name and shape (PyTorch's [out, in]). */
    @Test
    void namedBertExportKeepsHuggingFaceNames() {
        OnnxGraph g = OnnxImporter.importModel(TorchFixture.model("bert", TorchFixture.NAMED_OPSET));
        Map<String, long[]> expected = new java.util.LinkedHashMap<>();
        expected.put("bert.embeddings.word_embeddings.weight", new long[] {100, 32});
        expected.put("bert.embeddings.position_embeddings.weight", new long[] {64, 32});
        expected.put("bert.embeddings.token_type_embeddings.weight", new long[] {2, 32});
        expected.put("bert.embeddings.LayerNorm.weight", new long[] {32});
        for (int l = 0; l < 2; l++) {
            String p = "bert.encoder.layer." + l + ".";
            for (String qkv : List.of("query", "key", "value")) expected.put(p + "attention.self." + qkv + ".weight", new long[] {32, 32});
            expected.put(p + "attention.output.dense.weight", new long[] {32, 32});
            expected.put(p + "attention.output.LayerNorm.bias", new long[] {32});
            expected.put(p + "intermediate.dense.weight", new long[] {64, 32});
            expected.put(p + "intermediate.dense.bias", new long[] {64});
            expected.put(p + "output.dense.weight", new long[] {32, 64});
            expected.put(p + "output.LayerNorm.weight", new long[] {32});
        }
        expected.put("bert.pooler.dense.weight", new long[] {32, 32});
        expected.put("cls.predictions.transform.dense.weight", new long[] {32, 32});
        expected.put("cls.predictions.transform.LayerNorm.weight", new long[] {32});
        expected.put("cls.predictions.bias", new long[] {100});
        for (var e : expected.entrySet()) {
            assertTrue(g.variables().containsKey(e.getKey()), "missing " + e.getKey() + " in " + g.variables().keySet());
            assertEquals(VariableType.VARIABLE, g.variable(e.getKey()).getVariableType(), e.getKey());
            assertArrayEquals(e.getValue(), g.variable(e.getKey()).getArr().shape(), e.getKey());
        }
        for (String v : g.variables().keySet()) {
            assertTrue(v.startsWith("bert.") || v.startsWith("cls."), "variable without a HuggingFace name: " + v);
        }
        assertEquals(44, g.variables().size(), g.variables().keySet().toString());
    }
}
