package dev.recipe.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import onnx.Onnx.ModelProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** import → change weights → export → import gives the changed graph's outputs exactly. */
class OnnxExportTest {
    @TempDir
    Path tmp;

    @Test
    void exportedInitializersReproduceTheModifiedGraphExactly() {
        TinyBertFixture f = TinyBertFixture.load();
        OnnxGraph g = OnnxImporter.importModel(f.model);
        Map<String, INDArray> before = g.run(f.feeds());

        // an update as training would make: the FFN weight (anonymous initializer "193"), the pooler and one word row
        g.variable("193").getArr().addi(0.05);
        g.variable("pooler.dense.weight").getArr().muli(1.5);
        g.variable("embeddings.word_embeddings.weight").getArr().getRow(f.ids[1]).addi(0.3);
        Map<String, INDArray> modified = g.run(f.feeds());
        assertTrue(maxAbsDiff(before.get("output_1"), modified.get("output_1")) > 1e-2, "the change must matter");

        Path out = tmp.resolve("tinybert-updated.onnx");
        OnnxExporter.writeWithInitializers(f.model, g, out);
        OnnxGraph reloaded = OnnxImporter.importModel(out);
        Map<String, INDArray> again = reloaded.run(f.feeds());
        for (String o : modified.keySet()) {
            double d = maxAbsDiff(modified.get(o), again.get(o));
            System.out.printf("export round trip %s: max |diff| %.1e%n", o, d);
            assertEquals(0.0, d, o);
        }
        for (String v : g.variables().keySet()) {
            assertEquals(g.variable(v).getArr(), reloaded.variable(v).getArr(), v);
        }
        // same graph: nodes, inputs, outputs, opset unchanged; only initializer values differ
        ModelProto a = OnnxModelFile.read(f.model), b = OnnxModelFile.read(out);
        assertEquals(a.getGraph().getNodeList(), b.getGraph().getNodeList());
        assertEquals(a.getGraph().getInputList(), b.getGraph().getInputList());
        assertEquals(a.getGraph().getOutputList(), b.getGraph().getOutputList());
        assertEquals(a.getOpsetImportList(), b.getOpsetImportList());
        assertEquals(a.getGraph().getInitializerCount(), b.getGraph().getInitializerCount());
    }

    private static double maxAbsDiff(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue();
    }
}
