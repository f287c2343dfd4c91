// Dense and attention products on preallocated outputs (session 23): the forward matmul, and M2.1's matmul_bp against two
// matmul ops (dX = dY·W, dW = dYᵀ·X), for the mini BERT's shapes, W stored [out, in] as Layers.linear does; mean of 20 calls after 5.
// CP=$(cat modules/app/target/classpath.txt); javac -d /tmp/gp -cp "$CP" tools/bench/BpPaths.java
// B=/usr/lib/x86_64-linux-gnu/openblas-openmp; OMP_WAIT_POLICY=PASSIVE java -Xmx2g -Dorg.bytedeco.openblas.load=openblas \
//   -Dorg.bytedeco.javacpp.pathsFirst=true -Djava.library.path=$B -cp "$CP:/tmp/gp" BpPaths   (PyTorch: tools/bench/matmul_peer.py)
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;
public class BpPaths {
  static double t(Runnable r) { for (int i = 0; i < 5; i++) r.run(); long t0 = System.nanoTime(); for (int i = 0; i < 20; i++) r.run(); return (System.nanoTime() - t0) / 1e6 / 20; }
  static MMulTranspose mt(boolean a, boolean b) { return MMulTranspose.builder().transposeA(a).transposeB(b).build(); }
  public static void main(String[] a) {
    for (int round = 0; round < 3; round++) {
    // Z = X · Wᵀ, X [m,k], W [n,k] (graph layout)
    for (int[] s : new int[][]{{2048,256,256},{2048,256,1024},{2048,1024,256}}) {
      int m = s[0], k = s[1], n = s[2];
      INDArray x = Nd4j.rand(DataType.FLOAT, m, k), w = Nd4j.rand(DataType.FLOAT, n, k), dy = Nd4j.rand(DataType.FLOAT, m, n);
      INDArray dx = Nd4j.create(DataType.FLOAT, m, k), dw = Nd4j.create(DataType.FLOAT, n, k), z = Nd4j.create(DataType.FLOAT, m, n);
      double fwd = t(() -> Nd4j.exec(new Mmul(x, w, z, mt(false, true))));
      double bp = t(() -> Nd4j.exec(DynamicCustomOp.builder("matmul_bp").addInputs(x, w, dy).addOutputs(dx, dw).addIntegerArguments(0,1,0).build()));
      INDArray rx = dx.dup(), rw = dw.dup();
      // dX = dY · W ; dW = dYᵀ · X
      double two = t(() -> { Nd4j.exec(new Mmul(dy, w, dx, mt(false,false))); Nd4j.exec(new Mmul(dy, x, dw, mt(true,false))); });
      System.out.printf("round %d dense %dx%d->%d: forward matmul %.2f ms, matmul_bp %.2f ms, two matmul %.2f ms (maxdiff %.1e %.1e)%n", round, m, k, n, fwd, bp, two,
          rx.sub(dx).amaxNumber().doubleValue(), rw.sub(dw).amaxNumber().doubleValue());
    }
    // attention scores S = Q · Kᵀ: [32, 4, 64, 64] (batch, heads, tokens, head width 256 / 4) times its transpose
    INDArray q = Nd4j.rand(DataType.FLOAT, 32,4,64,64), kk = Nd4j.rand(DataType.FLOAT, 32,4,64,64), ds = Nd4j.rand(DataType.FLOAT, 32,4,64,64);
    INDArray dq = q.ulike(), dk = kk.ulike();
    double bp = t(() -> Nd4j.exec(DynamicCustomOp.builder("matmul_bp").addInputs(q, kk, ds).addOutputs(dq, dk).addIntegerArguments(0,1,0).build()));
    INDArray rq = dq.dup(), rk = dk.dup();
    double two = t(() -> { Nd4j.exec(new Mmul(ds, kk, dq, mt(false,false))); Nd4j.exec(new Mmul(ds, q, dk, mt(true,false))); });
    System.out.printf("round %d attention QKt [32,4,64,64]: matmul_bp %.2f ms, two matmul %.2f ms (maxdiff %.1e %.1e)%n", round, bp, two,
        rq.sub(dq).amaxNumber().doubleValue(), rk.sub(dk).amaxNumber().doubleValue());
    }
  }
}
