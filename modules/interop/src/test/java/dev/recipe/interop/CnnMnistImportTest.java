package dev.recipe.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.recipe.core.SharedData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** cnn_mnist.onnx (opset 9 PyTorch CNN: Conv, MaxPool, Relu, Reshape, Gemm, LogSoftmax) on the first 62 MNIST test digits. */
class CnnMnistImportTest {
    static final String DIR = "models/tribuo-onnx/";

    /** Pixels as stored (0..255) and scaled to 0..1: PROVENANCE reports 62/62 with ONNX Runtime for both. */
    @ParameterizedTest(name = "pixels / {0}")
    @ValueSource(doubles = {1.0, 255.0})
    void classifiesAll62Digits(double scale) throws IOException {
        Path model = SharedData.require(DIR + "cnn_mnist.onnx");
        Path digits = SharedData.require(DIR + "mnist_test_head.libsvm");
        List<String> lines = Files.readAllLines(digits).stream().filter(l -> !l.isBlank()).toList();
        int n = lines.size();
        float[] pixels = new float[n * 784];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            String[] parts = lines.get(i).trim().split("\\s+");
            labels[i] = Integer.parseInt(parts[0]);
            for (int j = 1; j < parts.length; j++) {
                int colon = parts[j].indexOf(':');
                int idx = Integer.parseInt(parts[j].substring(0, colon));
                pixels[i * 784 + idx] = (float) (Double.parseDouble(parts[j].substring(colon + 1)) / scale);
            }
        }
        OnnxGraph g = OnnxImporter.importModel(model);
        INDArray input = Nd4j.createFromArray(pixels).reshape(n, 1, 28, 28);
        INDArray logProbs = g.run(java.util.Map.of("input_image", input)).get("output_probs");
        assertEquals(DataType.FLOAT, logProbs.dataType());
        INDArray predicted = logProbs.argMax(1);
        int correct = 0;
        for (int i = 0; i < n; i++) if (predicted.getInt(i) == labels[i]) correct++;
        System.out.printf("cnn_mnist, pixels / %.0f: %d of %d digits correct%n", scale, correct, n);
        assertEquals(62, n, "digits in " + digits);
        assertEquals(n, correct, "digits classified correctly");
    }
}
