package dev.recipe.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A benchmark (a {@code main}, not a test): the embedding gradient (scatter-add of [2048, 256] upstream rows into the
 * table) by M2.1's {@code unsorted_segment_sum} against {@code scatter_add} into a zero table, without and with its
 * lock flag (boolean argument 0: one thread; without it the threads race on repeated ids), for a mini BERT's word
 * (8,192 rows, random ids), position (512 rows, ids 0-63 repeated) and token-type (2 rows) tables. Prints the median
 * milliseconds per call over {@code rounds} rounds of 30 calls (BENCHMARKS.md, "Embedding backward").
 */
public final class EmbeddingBackwardBenchmark {
    private EmbeddingBackwardBenchmark() {}

    static void row(String what, long rows, INDArray ids, INDArray g, int rounds) {
        INDArray out = Nd4j.create(DataType.FLOAT, rows, g.size(1));
        BroadcastBackwardBenchmark.Call segment = () -> Nd4j.exec(DynamicCustomOp.builder("unsorted_segment_sum")
                .addInputs(g, ids).addIntegerArguments(rows).addOutputs(out).build());
        BroadcastBackwardBenchmark.Call scatter = () -> {
            INDArray z = Nd4j.zeros(DataType.FLOAT, rows, g.size(1));
            Nd4j.exec(DynamicCustomOp.builder("scatter_add").addInputs(z, ids, g).addOutputs(z).build());
        };
        INDArray oneHot = Nd4j.create(DataType.FLOAT, ids.length(), rows);
        BroadcastBackwardBenchmark.Call product = () -> {
            Nd4j.exec(DynamicCustomOp.builder("onehot").addInputs(ids).addIntegerArguments(-1, (int) rows)
                    .addFloatingPointArguments(1.0, 0.0).addOutputs(oneHot).build());
            oneHot.transpose().mmul(g);
        };
        INDArray sorted = Nd4j.sort(ids.castTo(DataType.FLOAT).dup(), true).castTo(DataType.INT32);
        BroadcastBackwardBenchmark.Call sortedSegment = () -> Nd4j.exec(DynamicCustomOp.builder("segment_sum")
                .addInputs(g, sorted).addOutputs(Nd4j.create(DataType.FLOAT, sorted.getInt((int) sorted.length() - 1) + 1, g.size(1))).build());
        System.out.printf("%-28s onehot^T . g %6.2f ms | segment_sum (ids sorted beforehand) %6.2f ms%n", what,
                BroadcastBackwardBenchmark.median(product, rounds), BroadcastBackwardBenchmark.median(sortedSegment, rounds));
        for (int w = 0; w < 2; w++) {
            BroadcastBackwardBenchmark.median(segment, 1);
            BroadcastBackwardBenchmark.median(scatter, 1);
        }
        BroadcastBackwardBenchmark.Call locked = () -> {
            INDArray z = Nd4j.zeros(DataType.FLOAT, rows, g.size(1));
            Nd4j.exec(DynamicCustomOp.builder("scatter_add").addInputs(z, ids, g).addOutputs(z).addBooleanArguments(true).build());
        };
        segment.run();
        System.out.printf("%-28s unsorted_segment_sum %6.2f ms | scatter_add into zeros %6.2f ms, max |diff| over 30 calls %.2e"
                        + " | with its lock flag %6.2f ms, max |diff| %.2e%n",
                what, BroadcastBackwardBenchmark.median(segment, rounds), BroadcastBackwardBenchmark.median(scatter, rounds),
                worstDiff(out, rows, ids, g, false), BroadcastBackwardBenchmark.median(locked, rounds),
                worstDiff(out, rows, ids, g, true));
    }

    /** The largest difference from {@code reference} over 30 scatter-adds (a race shows in some calls only). */
    static double worstDiff(INDArray reference, long rows, INDArray ids, INDArray g, boolean lock) {
        double worst = 0;
        for (int k = 0; k < 30; k++) {
            INDArray z = Nd4j.zeros(DataType.FLOAT, rows, g.size(1));
            Nd4j.exec(DynamicCustomOp.builder("scatter_add").addInputs(z, ids, g).addOutputs(z).addBooleanArguments(lock).build());
            worst = Math.max(worst, reference.sub(z).amaxNumber().doubleValue());
        }
        return worst;
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int n = 32 * 64;
        INDArray g = Nd4j.rand(DataType.FLOAT, n, 256);
        INDArray word = Nd4j.rand(DataType.FLOAT, n).muli(8192).castTo(DataType.INT32);
        INDArray pos = Nd4j.arange(0, n).fmod(64).castTo(DataType.INT32);
        INDArray type = Nd4j.zeros(DataType.INT32, n);
        row("word  [2048,256] -> 8192", 8192, word, g, rounds);
        row("position [2048,256] -> 512", 512, pos, g, rounds);
        row("type  [2048,256] -> 2", 2, type, g, rounds);
    }
}
