package dev.recipe.nn;

import java.util.Arrays;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A benchmark (a {@code main}, not a test): M2.1's native {@code multiply_bp} / {@code add_bp} against the forward
 * ops {@link BroadcastOps} uses instead ({@code mul} + {@code reduce_sum}), on a mini BERT step's activation shape
 * [32·64, 256] with the operand broadcast per row ([N, 1]) or per feature ([256]). Prints the median milliseconds per
 * call over {@code rounds} rounds of 30 calls. Then the column sums of the per-feature case (the gradient of a
 * [W] operand): {@code reduce_sum} over dimension 0 against the product {@code 1ᵀ·g} that {@link BroadcastOps} uses,
 * on [2048, 256] and on the FFN's [2048, 1024]. Commands in BENCHMARKS.md ("Broadcast backward", "Column sums").
 */
public final class BroadcastBackwardBenchmark {
    private BroadcastBackwardBenchmark() {}

    interface Call {
        void run();
    }

    static double median(Call c, int rounds) {
        double[] t = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 30; i++) c.run();
            t[r] = (System.nanoTime() - t0) / 1e6 / 30;
        }
        Arrays.sort(t);
        return t[rounds / 2];
    }

    static void bp(String op, INDArray x, INDArray y, INDArray g) {
        INDArray dx = Nd4j.create(DataType.FLOAT, x.shape()), dy = Nd4j.create(DataType.FLOAT, y.shape());
        Nd4j.exec(DynamicCustomOp.builder(op).addInputs(x, y, g).addOutputs(dx, dy).build());
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        long n = 32 * 64, w = 256;
        INDArray x = Nd4j.rand(DataType.FLOAT, n, w), g = Nd4j.rand(DataType.FLOAT, n, w);
        INDArray row = Nd4j.rand(DataType.FLOAT, n, 1), col = Nd4j.rand(DataType.FLOAT, w);
        for (int warm = 0; warm < 2; warm++) {
            median(() -> bp("multiply_bp", x, row, g), 1);
            median(() -> g.mul(x).sum(true, 1), 1);
        }
        System.out.printf("multiply, y [N,1]: multiply_bp %.2f ms | mul + reduce_sum %.2f ms%n",
                median(() -> bp("multiply_bp", x, row, g), rounds),
                median(() -> { g.mulColumnVector(row); g.mul(x).sum(true, 1); }, rounds));
        System.out.printf("multiply, y [W]:   multiply_bp %.2f ms | mul + reduce_sum %.2f ms%n",
                median(() -> bp("multiply_bp", x, col, g), rounds),
                median(() -> { g.mulRowVector(col); g.mul(x).sum(0); }, rounds));
        System.out.printf("add, y [W]:        add_bp      %.2f ms | copy + reduce_sum %.2f ms%n",
                median(() -> bp("add_bp", x, col, g), rounds),
                median(() -> { g.dup(); g.sum(0); }, rounds));
        System.out.printf("add, y [N,1]:      add_bp      %.2f ms | copy + reduce_sum %.2f ms%n",
                median(() -> bp("add_bp", x, row, g), rounds),
                median(() -> { g.dup(); g.sum(true, 1); }, rounds));
        for (long width : new long[] {w, 4 * w}) {
            INDArray t = Nd4j.rand(DataType.FLOAT, n, width), ones = Nd4j.ones(DataType.FLOAT, n, 1);
            for (int warm = 0; warm < 2; warm++) {
                median(() -> t.sum(0), 1);
                median(() -> ones.transpose().mmul(t), 1);
            }
            System.out.printf("column sums of [%d,%d]: reduce_sum(0) %.2f ms | 1ᵀ·t (mmul) %.2f ms%n", n, width,
                    median(() -> t.sum(0), rounds), median(() -> ones.transpose().mmul(t), rounds));
        }
    }
}
