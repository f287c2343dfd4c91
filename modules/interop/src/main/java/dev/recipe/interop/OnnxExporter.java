package dev.recipe.interop;

import java.nio.file.Path;
import java.util.Map;

import dev.recipe.core.AtomicFiles;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.TensorProto;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes a copy of an ONNX file with its float initializers replaced by the current values of the imported graph's
 * variables: the same nodes, inputs, outputs, opset and metadata; only the weights differ. Values are written in
 * each initializer's own element type (float32 for PyTorch exports).
 */
public final class OnnxExporter {
    private OnnxExporter() {}

    /** Writes {@code target} (atomically) from {@code original} and the variables of {@code graph}. */
    public static void writeWithInitializers(Path original, OnnxGraph graph, Path target) {
        ModelProto model = OnnxModelFile.read(original);
        ModelProto updated = withInitializers(model, graph, original.toString());
        AtomicFiles.write(target, updated::writeTo);
    }

    static ModelProto withInitializers(ModelProto model, OnnxGraph graph, String source) {
        GraphProto.Builder g = model.getGraph().toBuilder();
        Map<String, String> vars = graph.variables();
        int replaced = 0;
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            String sdName = vars.get(t.getName());
            if (sdName == null) continue; // integer initializers are constants
            INDArray value = graph.sd().getVariable(sdName).getArr();
            g.setInitializer(i, Tensors.withValues(t, value, source));
            replaced++;
        }
        if (replaced != vars.size()) {
            throw new IllegalArgumentException(source + ": the graph has " + vars.size() + " variables but only "
                    + replaced + " match initializers of this file (was it imported from another model?)");
        }
        return model.toBuilder().setGraph(g).build();
    }
}
