// Native memory and exactness of the embedding-gradient candidates: 200 calls each of unsorted_segment_sum (uss: own
// output; uss_out: into a given output), scatter_add into zeros, and scatter_add with its lock flag (scatter_add_lock),
// [2048, 256] upstream rows into 8,192 table rows with ids drawn from -Ddistinct=N values; prints ms per call, resident
// size before and after (System.gc() between), and the largest difference from the first op's last result.
// CP=$(cat modules/app/target/classpath.txt); javac -d /tmp/sl -cp "$CP" tools/bench/SegmentSumLeak.java
// LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 MALLOC_CONF=dirty_decay_ms:0 OMP_NUM_THREADS=2 \
//   java -Ddistinct=64 -Xmx2g -cp "$CP:/tmp/sl" SegmentSumLeak uss_out scatter_add_lock scatter_add
import java.nio.file.*;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
public class SegmentSumLeak {
  static long rss() throws Exception { for (String l : Files.readAllLines(Path.of("/proc/self/status"))) if (l.startsWith("VmRSS")) return Long.parseLong(l.replaceAll("\\D", "")) / 1024; return -1; }
  public static void main(String[] a) throws Exception {
    int n = 2048, h = 256, v = 8192;
    INDArray g = Nd4j.rand(DataType.FLOAT, n, h);
    int[] idv = new int[n]; java.util.Random r = new java.util.Random(1); for (int i = 0; i < n; i++) idv[i] = r.nextInt(Integer.getInteger("distinct", 200));
    INDArray ids = Nd4j.createFromArray(idv);
    INDArray ref = null;
    for (String op : a) {
      System.gc(); Thread.sleep(500);
      long r0 = rss(); long t0 = System.nanoTime();
      INDArray last = null;
      for (int k = 0; k < 200; k++) {
        INDArray out;
        if (op.equals("uss")) {
          out = Nd4j.exec(DynamicCustomOp.builder("unsorted_segment_sum").addInputs(g, ids).addIntegerArguments(v).build())[0];
        } else if (op.equals("uss_out")) {
          out = Nd4j.create(DataType.FLOAT, v, h);
          Nd4j.exec(DynamicCustomOp.builder("unsorted_segment_sum").addInputs(g, ids).addIntegerArguments(v).addOutputs(out).build());
        } else if (op.equals("scatter_add")) {
          out = Nd4j.create(DataType.FLOAT, v, h);
          Nd4j.exec(DynamicCustomOp.builder("scatter_add").addInputs(out, ids, g).addOutputs(out).callInplace(true).build());
        } else if (op.equals("scatter_add_lock")) {
          out = Nd4j.create(DataType.FLOAT, v, h);
          Nd4j.exec(DynamicCustomOp.builder("scatter_add").addInputs(out, ids, g).addOutputs(out).addBooleanArguments(true).callInplace(true).build());
        } else throw new IllegalArgumentException(op);
        last = out;
        if (k % 50 == 49) System.gc();
      }
      System.gc(); Thread.sleep(500);
      if (ref == null) ref = last.dup();
      System.out.printf("%s: %.2f ms/call, rss %d -> %d MB, max |diff vs first| %.3g%n", op, (System.nanoTime()-t0)/1e6/200, r0, rss(), last.sub(ref).amaxNumber().doubleValue());
    }
  }
}
