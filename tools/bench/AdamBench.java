// Times AdamW.fused on 5.4 M floats (the mini BERT's parameter count) in one slice and in slices of 64 Ki and 1 Mi
// elements run on the common fork-join pool. Session 24 (git show <this commit>:tools/bench/AdamBench.java); run:
//   mvn -q -B install -DskipTests && mkdir -p /tmp/ab && CP="modules/train/target/classes:$(cat modules/app/target/classpath.txt)" \
//   && javac -d /tmp/ab -cp "$CP" tools/bench/AdamBench.java && OMP_WAIT_POLICY=PASSIVE \
//   LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 java -cp "/tmp/ab:$CP" dev.recipe.train.AdamBench
package dev.recipe.train;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
public class AdamBench {
  public static void main(String[] a) {
    System.out.println("common pool parallelism " + java.util.concurrent.ForkJoinPool.commonPool().getParallelism());
    int n = 5_400_000;
    INDArray p = Nd4j.rand(DataType.FLOAT, n), g = Nd4j.rand(DataType.FLOAT, n), m = Nd4j.zeros(DataType.FLOAT, n), v = Nd4j.zeros(DataType.FLOAT, n);
    for (int r = 0; r < 3; r++) for (int slice : new int[]{Integer.MAX_VALUE, 1 << 16, 1 << 20}) {
      long best = Long.MAX_VALUE; long sum = 0;
      for (int i = 0; i < 30; i++) { long t = System.nanoTime(); AdamW.fused(p, g, m, v, 0.5, 1e-4, 0.01, 0.9, 0.999, 1e-8, 0.5, 0.5, slice); long d = System.nanoTime() - t; if (i >= 10) { best = Math.min(best, d); sum += d; } }
      System.out.printf("slice %d: best %.1f ms mean %.1f ms%n", slice, best / 1e6, sum / 20 / 1e6);
    }
  }
}
