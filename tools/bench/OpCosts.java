// What single native ops cost on the mini RECIPE step's shapes (session 21): is matmul_bp wasteful next to two
// products, do the attention products on permuted views pay for the views, and can the masked-LM cross-entropy be
// made cheaper from primitives (log_softmax vs reduce_logsumexp vs max/sub/exp/sum)? Mean of 20 calls after 5.
// CP=$(cat modules/app/target/classpath.txt); javac -d /tmp/opb -cp "$CP" tools/bench/OpCosts.java
// B=/usr/lib/x86_64-linux-gnu/openblas-openmp; java -Xmx2g -Dorg.bytedeco.openblas.load=openblas \
//   -Dorg.bytedeco.javacpp.pathsFirst=true -Djava.library.path=$B -cp "$CP:/tmp/opb" OpCosts
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.reduce.MmulBp;
import org.nd4j.linalg.api.ops.impl.reduce.custom.LogSumExp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.LogSoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

public class OpCosts {
  static double t(Runnable r) { for (int i = 0; i < 5; i++) r.run(); long t0 = System.nanoTime(); for (int i = 0; i < 20; i++) r.run(); return (System.nanoTime() - t0) / 1e6 / 20; }

  public static void main(String[] a) {
    MMulTranspose none = MMulTranspose.allFalse();
    for (int round = 1; round <= 2; round++) {
      System.out.println("round " + round);
      // dense layers: X [2048, k] · W [k, n] (batch 32 x 64 tokens)
      for (int[] s : new int[][]{{2048, 256, 256}, {2048, 256, 1024}, {2048, 1024, 256}}) {
        int m = s[0], k = s[1], n = s[2];
        INDArray x = Nd4j.rand(DataType.FLOAT, m, k), w = Nd4j.rand(DataType.FLOAT, k, n), dz = Nd4j.rand(DataType.FLOAT, m, n);
        INDArray dx = Nd4j.create(DataType.FLOAT, m, k), dw = Nd4j.create(DataType.FLOAT, k, n), z = Nd4j.create(DataType.FLOAT, m, n);
        // the graph's dense layers store W as [out, in] and multiply by its transpose (Layers.linear)
        INDArray wt = w.transpose().dup(), dwt = wt.ulike();
        MMulTranspose tB = MMulTranspose.builder().transposeB(true).build();
        System.out.printf("  %dx%dx%d: matmul_bp %.2f ms, two gemm (dZ·Wt, Xt·dZ) %.2f ms, forward matmul %.2f ms;"
                + " W stored [out, in]: forward X·Wt %.2f ms, matmul_bp %.2f ms, into a new array %.2f ms%n", m, k, n,
            t(() -> Nd4j.exec(new MmulBp(x, w, dz, dx, dw, none))),
            t(() -> { Nd4j.gemm(dz, w, dx, false, true, 1.0, 0.0); Nd4j.gemm(x, dz, dw, true, false, 1.0, 0.0); }),
            t(() -> Nd4j.exec(new Mmul(x, w, z, none))),
            t(() -> Nd4j.exec(new Mmul(x, wt, z, tB))),
            t(() -> Nd4j.exec(new MmulBp(x, wt, dz, dx, dwt, tB))),
            t(() -> Nd4j.exec(new Mmul(x, wt, null, tB))[0].close()));
      }
      // attention scores Q·Kt per head: [32, 4, 64, 64] from [2048, 256] reshaped and permuted, as Layers.attention
      INDArray q = Nd4j.rand(DataType.FLOAT, 2048, 256), k = Nd4j.rand(DataType.FLOAT, 2048, 256);
      INDArray qh = q.reshape(32, 64, 4, 64).permute(0, 2, 1, 3), kh = k.reshape(32, 64, 4, 64).permute(0, 2, 1, 3);
      INDArray qc = qh.dup(), kc = kh.dup(), dzh = Nd4j.rand(DataType.FLOAT, 32, 4, 64, 64);
      INDArray dq = dzh.ulike(), dk = dzh.ulike();
      MMulTranspose tb = MMulTranspose.builder().transposeB(true).build();
      System.out.printf("  attention Q·Kt: on views %.2f ms, contiguous %.2f ms; its matmul_bp on views %.2f ms, contiguous %.2f ms%n",
          t(() -> Nd4j.exec(new Mmul(qh, kh, null, tb))[0].close()), t(() -> Nd4j.exec(new Mmul(qc, kc, null, tb))[0].close()),
          t(() -> Nd4j.exec(new MmulBp(qh, kh, dzh, dq, dk, tb))), t(() -> Nd4j.exec(new MmulBp(qc, kc, dzh, dq, dk, tb))));
      // masked-LM logits: ~330 masked rows x vocabulary 8192
      INDArray lg = Nd4j.randn(DataType.FLOAT, 330, 8192).muli(3), out = lg.ulike();
      System.out.printf("  logits [330, 8192]: log_softmax %.2f ms, reduce_logsumexp %.2f ms; primitives: exp %.2f, max %.2f, sum %.2f, sub per row %.2f, dup %.2f ms%n",
          t(() -> Nd4j.exec(new LogSoftMax(lg, out))), t(() -> Nd4j.exec(new LogSumExp(lg, 1))[0].close()),
          t(() -> Transforms.exp(lg, true).close()), t(() -> lg.max(1).close()), t(() -> lg.sum(1).close()),
          t(() -> lg.subColumnVector(lg.max(1).reshape(330, 1)).close()), t(() -> lg.dup().close()));
    }
  }
}
