// Native growth per SameDiff call on a tiny graph (10 x [64,32]·[32,32] + tanh, then mean): output or calculateGradients,
// 3,000 calls after 100 warm-up, resident size before and after (System.gc() both times). Arg: output | grad.
// CP=$(cat modules/app/target/classpath.txt); javac -d /tmp/probe -cp "$CP" tools/bench/SessionLeakProbe.java
// LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 MALLOC_CONF=dirty_decay_ms:0,muzzy_decay_ms:0 OMP_NUM_THREADS=1 java -Xmx1g -cp "$CP:/tmp/probe" SessionLeakProbe grad
import java.nio.file.*;
import java.util.*;
import org.nd4j.autodiff.samediff.*;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
public class SessionLeakProbe {
  static long rss() throws Exception { for (String l : Files.readAllLines(Path.of("/proc/self/status"))) if (l.startsWith("VmRSS")) return Long.parseLong(l.replaceAll("\\D", "")) / 1024; return -1; }
  public static void main(String[] a) throws Exception {
    SameDiff sd = SameDiff.create();
    SDVariable in = sd.placeHolder("in", DataType.FLOAT, -1, 32);
    SDVariable w = sd.var("w", Nd4j.rand(DataType.FLOAT, 32, 32));
    SDVariable h = in;
    int layers = 10;
    for (int i = 0; i < layers; i++) h = sd.nn.tanh(sd.mmul(h, w));
    SDVariable loss = h.mean("loss");
    sd.setLossVariables("loss");
    INDArray x = Nd4j.rand(DataType.FLOAT, 64, 32);
    boolean grad = a.length > 0 && a[0].equals("grad");
    boolean nocache = a.length > 1 && a[1].equals("nocache");
    int ops = grad ? 0 : layers * 2 + 1;
    int n = 3000;
    for (int i = 0; i < 100; i++) { if (grad) sd.calculateGradients(Map.of("in", x), "w"); else sd.output(Map.of("in", x), "loss"); }
    if (nocache) { for (var s : sd.getSessions().values()) s.setMmgr(new org.nd4j.autodiff.samediff.internal.memory.NoOpMemoryMgr()); }
    System.gc(); Thread.sleep(300);
    long r0 = rss();
    for (int i = 0; i < n; i++) { if (grad) sd.calculateGradients(Map.of("in", x), "w"); else sd.output(Map.of("in", x), "loss"); }
    System.gc(); Thread.sleep(300);
    long r1 = rss();
    int gops = grad ? sd.getFunction("grad").getOps().size() : ops;
    System.out.printf("%s: %d calls, %d ops in the function: rss %d -> %d MB: %.1f KB/call, %.2f KB/op%n", grad ? "calculateGradients" : "output", n, gops, r0, r1, (r1 - r0) * 1024.0 / n, (r1 - r0) * 1024.0 / n / gops);
  }
}
