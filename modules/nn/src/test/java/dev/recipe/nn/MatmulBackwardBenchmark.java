package dev.recipe.nn;

import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.reduce.MmulBp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A benchmark (a {@code main}, not a test): M2.1's native {@code matmul_bp} against the two forward products that
 * a hand-written gradient would use instead, on the products of a mini BERT step (batch 32, length 64, hidden 256, FFN 1024,
 * 4 heads): the dense layers {@code x · Wᵀ} and attention's {@code q · kᵀ} and {@code p · v}. Prints the median
 * milliseconds per call over {@code rounds} rounds of 30 calls (BENCHMARKS.md, "Matmul backward").
 */
public final class MatmulBackwardBenchmark {
    private MatmulBackwardBenchmark() {}

    static MMulTranspose t(boolean a, boolean b) {
        return MMulTranspose.builder().transposeA(a).transposeB(b).transposeResult(false).build();
    }

    static void row(String what, INDArray x, INDArray y, boolean tA, boolean tB, int rounds) {
        INDArray z = Nd4j.exec(new Mmul(x, y, null, t(tA, tB)))[0];
        INDArray g = Nd4j.rand(DataType.FLOAT, z.shape());
        INDArray dx = Nd4j.create(DataType.FLOAT, x.shape()), dy = Nd4j.create(DataType.FLOAT, y.shape());
        BroadcastBackwardBenchmark.Call nativeBp = () -> Nd4j.exec(new MmulBp(x, y, g, dx, dy, t(tA, tB)));
        // for z = x·yᵀ: dx = g·y, dy = gᵀ·x; for z = x·y: dx = g·yᵀ, dy = xᵀ·g
        BroadcastBackwardBenchmark.Call forward = tB
                ? () -> { Nd4j.exec(new Mmul(g, y, dx, t(false, false))); Nd4j.exec(new Mmul(g, x, dy, t(true, false))); }
                : () -> { Nd4j.exec(new Mmul(g, y, dx, t(false, true))); Nd4j.exec(new Mmul(x, g, dy, t(true, false))); };
        BroadcastBackwardBenchmark.Call fwd = () -> Nd4j.exec(new Mmul(x, y, z, t(tA, tB)));
        for (int w = 0; w < 2; w++) {
            BroadcastBackwardBenchmark.median(nativeBp, 1);
            BroadcastBackwardBenchmark.median(forward, 1);
        }
        System.out.printf("%-34s forward %6.2f ms | matmul_bp %6.2f ms | two products %6.2f ms%n", what,
                BroadcastBackwardBenchmark.median(fwd, rounds), BroadcastBackwardBenchmark.median(nativeBp, rounds),
                BroadcastBackwardBenchmark.median(forward, rounds));
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        long n = 32 * 64;
        row("dense [2048,256]·[256,256]ᵀ", Nd4j.rand(DataType.FLOAT, n, 256), Nd4j.rand(DataType.FLOAT, 256, 256),
                false, true, rounds);
        row("dense [2048,256]·[1024,256]ᵀ", Nd4j.rand(DataType.FLOAT, n, 256), Nd4j.rand(DataType.FLOAT, 1024, 256),
                false, true, rounds);
        row("dense [2048,1024]·[256,1024]ᵀ", Nd4j.rand(DataType.FLOAT, n, 1024), Nd4j.rand(DataType.FLOAT, 256, 1024),
                false, true, rounds);
        row("scores [32,4,64,64]·[..]ᵀ", Nd4j.rand(DataType.FLOAT, 32, 4, 64, 64),
                Nd4j.rand(DataType.FLOAT, 32, 4, 64, 64), false, true, rounds);
        row("context [32,4,64,64]·[..]", Nd4j.rand(DataType.FLOAT, 32, 4, 64, 64),
                Nd4j.rand(DataType.FLOAT, 32, 4, 64, 64), false, false, rounds);
    }
}
