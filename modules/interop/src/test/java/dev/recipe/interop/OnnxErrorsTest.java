package dev.recipe.interop;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

import dev.recipe.core.SharedData;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.ValueInfoProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed, truncated and unsupported models fail with one clear message naming the file; never a hang. */
class OnnxErrorsTest {
    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private static OnnxImportException importFails(Path file) {
        return assertTimeoutPreemptively(LIMIT, () -> assertThrows(OnnxImportException.class, () -> OnnxImporter.importModel(file)));
    }

    @Test
    void truncatedCopiesFailNamingTheFile() throws IOException {
        byte[] all = Files.readAllBytes(SharedData.require(TinyBertFixture.DIR + "tinybert.onnx"));
        for (int len : new int[] {1, 10, 1000, all.length / 2, all.length - 100, all.length - 1}) {
            Path cut = tmp.resolve("tinybert-first-" + len + "-bytes.onnx");
            Files.write(cut, Arrays.copyOf(all, len));
            OnnxImportException e = importFails(cut);
            System.out.println("truncated to " + len + " bytes: " + e.getMessage());
            assertTrue(e.getMessage().startsWith(cut.toString() + ": "), e.getMessage());
        }
    }

    /** Parses cleanly but lacks pieces: the structural checks name what is missing. */
    @Test
    void modelsMissingNodesFailNamingWhatIsMissing() throws IOException {
        ModelProto m = OnnxModelFile.read(SharedData.require(TinyBertFixture.DIR + "tinybert.onnx"));
        GraphProto.Builder tail = m.getGraph().toBuilder().removeNode(m.getGraph().getNodeCount() - 1);
        Path noTail = tmp.resolve("no-last-node.onnx");
        Files.write(noTail, m.toBuilder().setGraph(tail).build().toByteArray());
        String msg = importFails(noTail).getMessage();
        assertTrue(msg.equals(noTail + ": graph output 'output_1' is produced by no node (truncated file?)"), msg);

        GraphProto.Builder middle = m.getGraph().toBuilder().removeNode(40);
        Path noMiddle = tmp.resolve("no-node-40.onnx");
        Files.write(noMiddle, m.toBuilder().setGraph(middle).build().toByteArray());
        msg = importFails(noMiddle).getMessage();
        assertTrue(msg.startsWith(noMiddle + ": node 41 (Unsqueeze 'Unsqueeze_42') reads '73', which no graph input"), msg);
    }

    @Test
    void randomBytesFailNamingTheFile() throws IOException {
        for (int seed = 0; seed < 20; seed++) {
            byte[] junk = new byte[1 + new Random(seed).nextInt(200_000)];
            new Random(seed).nextBytes(junk);
            Path f = tmp.resolve("random-" + seed + ".onnx");
            Files.write(f, junk);
            OnnxImportException e = importFails(f);
            if (seed < 3) System.out.println("random bytes: " + e.getMessage());
            assertTrue(e.getMessage().startsWith(f.toString() + ": "), e.getMessage());
        }
    }

    @Test
    void emptyAndMissingFilesFail() throws IOException {
        Path empty = Files.createFile(tmp.resolve("empty.onnx"));
        assertTrue(importFails(empty).getMessage().contains("empty"));
        Path missing = tmp.resolve("missing.onnx");
        assertTrue(importFails(missing).getMessage().contains("no such file"));
    }

    @Test
    void unsupportedOperatorsAreListedInOneErrorWithCounts() throws IOException {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g").addInput(floatInput("x"));
        String prev = "x";
        String[][] nodes = {{"", "Relu"}, {"", "LSTM"}, {"", "FooBar"}, {"", "Tanh"}, {"", "FooBar"}, {"com.microsoft", "FusedMatMul"}};
        for (int i = 0; i < nodes.length; i++) {
            g.addNode(NodeProto.newBuilder().setDomain(nodes[i][0]).setOpType(nodes[i][1]).setName("n" + i).addInput(prev).addOutput("y" + i));
            prev = "y" + i;
        }
        g.addOutput(floatInput(prev));
        Path file = tmp.resolve("unsupported.onnx");
        Files.write(file, model(g).toByteArray());
        String msg = importFails(file).getMessage();
        System.out.println(msg);
        assertTrue(msg.startsWith(file + ": 3 unsupported ONNX operator type(s): FooBar (2 nodes), LSTM (1 node), "
                + "com.microsoft:FusedMatMul (1 node)."), msg);
    }

    @Test
    void initializerWithTooFewValuesIsReported() throws IOException {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g").addInput(floatInput("x"))
                .addInitializer(TensorProto.newBuilder().setName("w").setDataType(1).addDims(3).addFloatData(1f).addFloatData(2f))
                .addNode(NodeProto.newBuilder().setOpType("Add").addInput("x").addInput("w").addOutput("y"))
                .addOutput(floatInput("y"));
        Path file = tmp.resolve("short-initializer.onnx");
        Files.write(file, model(g).toByteArray());
        String msg = importFails(file).getMessage();
        assertTrue(msg.contains("initializer 'w' has dims [3] (3 values) but holds 2 values"), msg);
    }

    static ValueInfoProto floatInput(String name) {
        return OnnxBuilder.valueInfo(name, 1, -1, 3);
    }

    static ModelProto model(GraphProto.Builder g) {
        return ModelProto.newBuilder().setIrVersion(7).setProducerName("test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g).build();
    }
}
