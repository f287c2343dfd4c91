package dev.recipe.interop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Times {@link OnnxImporter#importModel} (read + parse + translate into a SameDiff graph with float32 variables) of
 * one ONNX file, {@code repeats} times in this JVM, then runs one forward pass on a [1, 16] batch of token ids to
 * show the imported graph works. Not a test (surefire's 1 GB heap is too small for a bert-base graph); run it as in
 * BENCHMARKS.md:
 *
 * <pre>java -Xmx3g -cp ... dev.recipe.interop.OnnxImportBenchmark runs/fixtures/bert_base_opset14.onnx 3</pre>
 */
public final class OnnxImportBenchmark {
    private OnnxImportBenchmark() {}

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: OnnxImportBenchmark FILE.onnx [repeats (default 3)]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        if (!Files.isRegularFile(file)) {
            System.err.println(file + ": no such file (write it with tools/fixtures/export_onnx_fixtures.py --bert-base runs/fixtures)");
            System.exit(2);
        }
        Nd4j.create(1); // load the native backend before timing
        double[] seconds = new double[repeats];
        OnnxGraph g = null;
        for (int i = 0; i < repeats; i++) {
            g = null;
            System.gc();
            long t0 = System.nanoTime();
            g = OnnxImporter.importModel(file);
            seconds[i] = (System.nanoTime() - t0) / 1e9;
            System.out.printf("import %d of %s: %.2f s (%d float variables, %d SameDiff ops)%n", i + 1, file, seconds[i],
                    g.variables().size(), g.sd().getOps().size());
        }
        double[] sorted = seconds.clone();
        Arrays.sort(sorted);
        System.out.printf("import of %s (%d bytes): runs %s s, median %.2f s%n", file.getFileName(), file.toFile().length(),
                Arrays.toString(Arrays.stream(seconds).map(s -> Math.round(s * 100) / 100.0).toArray()), sorted[repeats / 2]);

        INDArray ids = Nd4j.createFromArray(new long[][] {{101, 7592, 2088, 2003, 1037, 3231, 1997, 1996, 12935, 2944, 3143, 2023, 2003, 1037, 6251, 102}});
        Map<String, INDArray> feeds = Map.of("input_ids", ids, "attention_mask", Nd4j.onesLike(ids), "token_type_ids", Nd4j.zerosLike(ids));
        long t0 = System.nanoTime();
        Map<String, INDArray> out = g.run(feeds);
        double fwd = (System.nanoTime() - t0) / 1e9;
        for (var e : out.entrySet()) {
            INDArray v = e.getValue();
            System.out.printf("first forward pass [1, 16]: %s %s %s, finite: %b%n", e.getKey(), Arrays.toString(v.shape()), v.dataType(),
                    !Double.isNaN(v.sumNumber().doubleValue()) && !Double.isInfinite(v.sumNumber().doubleValue()));
        }
        System.out.printf("first forward pass: %.2f s%n", fwd);
        if (out.get("last_hidden_state").dataType() != DataType.FLOAT) throw new IllegalStateException("expected float32 outputs");
    }
}
