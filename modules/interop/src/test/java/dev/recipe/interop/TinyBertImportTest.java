package dev.recipe.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** tinybert.onnx (opset 11, PyTorch 1.8 BERT export) against Tribuo's ONNX Runtime golden outputs. */
class TinyBertImportTest {
    static final double TOLERANCE = 1e-5;

    @Test
    void outputsMatchTheGoldenValuesWithin1e5() {
        TinyBertFixture f = TinyBertFixture.load();
        assertEquals(f.golden.path("expected_num_wordpiece_tokens_excluding_special").asInt() + 2, f.ids.length,
                "wordpiece count of the golden sentence");
        OnnxGraph g = OnnxImporter.importModel(f.model);
        Map<String, INDArray> out = g.run(f.feeds());
        INDArray states = out.get("output_0");
        INDArray pooled = out.get("output_1");
        double[][] expStates = f.tokenStates();
        double[] expPooled = f.pooled();
        assertEquals(java.util.List.of(1L, (long) expStates.length, 50L), java.util.List.of(states.size(0), states.size(1), states.size(2)));
        double maxStates = 0, maxPooled = 0;
        for (int t = 0; t < expStates.length; t++) {
            for (int h = 0; h < 50; h++) maxStates = Math.max(maxStates, Math.abs(states.getDouble(0, t, h) - expStates[t][h]));
        }
        for (int h = 0; h < 50; h++) maxPooled = Math.max(maxPooled, Math.abs(pooled.getDouble(0, h) - expPooled[h]));
        System.out.printf("tinybert max |diff| vs golden: output_0 %.3e, output_1 %.3e%n", maxStates, maxPooled);
        assertTrue(maxStates <= TOLERANCE, "output_0 max |diff| " + maxStates);
        assertTrue(maxPooled <= TOLERANCE, "output_1 max |diff| " + maxPooled);
    }

    @Test
    void initializersAreTrainableFloatVariablesAndInputsPlaceholders() {
        TinyBertFixture f = TinyBertFixture.load();
        OnnxGraph g = OnnxImporter.importModel(f.model);
        assertEquals(java.util.Set.of("input_ids", "attention_mask", "token_type_ids"), g.inputs().keySet());
        for (String in : g.inputs().keySet()) {
            assertEquals(VariableType.PLACEHOLDER, g.variable(in).getVariableType(), in);
            assertEquals(DataType.LONG, g.variable(in).dataType(), in);
        }
        // 17 named float weights + 6 anonymous ones (transposed projection matrices); the 11 int64 ones stay constants
        assertEquals(23, g.variables().size(), g.variables().keySet().toString());
        for (String v : g.variables().keySet()) {
            assertEquals(VariableType.VARIABLE, g.variable(v).getVariableType(), v);
            assertEquals(DataType.FLOAT, g.variable(v).dataType(), v);
        }
        assertEquals(VariableType.VARIABLE, g.sd().getVariable("embeddings.word_embeddings.weight").getVariableType());
    }
}
