// Native memory across seeds, as an evaluation stage runs them: per seed, load bert-mini with a classification head,
// fine-tune on 256 SST-2-like texts (1 epoch, batch 32), predict 500 texts; after each seed print JavaCPP's tracked
// heap and the resident size, with or without closing the sessions' array caches at the end of the seed (arg "release"), and
// with a System.gc() after each seed (third arg "gc").
// CP=$(cat modules/app/target/classpath.txt); javac -d /tmp/sm -cp "$CP" tools/bench/SeedMemory.java
// LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1 OMP_NUM_THREADS=1 \
//   java -Xmx2g -Dorg.bytedeco.javacpp.maxbytes=4G -cp "$CP:/tmp/sm" SeedMemory release|norelease [seeds] [gc]
import java.nio.file.*;
import java.util.*;
import dev.recipe.zoo.bert.*;
import dev.recipe.zoo.tasks.Finetuning;
import dev.recipe.text.*;
import org.nd4j.linalg.api.buffer.DataType;
public class SeedMemory {
  static long rss() throws Exception { for (String l : Files.readAllLines(Path.of("/proc/self/status"))) if (l.startsWith("VmRSS")) return Long.parseLong(l.replaceAll("\\D", "")) / 1024; return -1; }
  // closes the arrays the graph's sessions (inference and gradient) keep for reuse and gives them empty caches
  static int releaseCaches(org.nd4j.autodiff.samediff.SameDiff sd) {
    int n = 0;
    for (org.nd4j.autodiff.samediff.SameDiff g : new org.nd4j.autodiff.samediff.SameDiff[] {sd, sd.getFunction("grad")}) {
      if (g == null) continue;
      for (var s : g.getSessions().values()) {
        var old = s.getMmgr();
        s.setMmgr(new org.nd4j.autodiff.samediff.internal.memory.ArrayCacheMemoryMgr());
        if (old instanceof org.nd4j.autodiff.samediff.internal.memory.ArrayCacheMemoryMgr c) for (var l : c.getArrays().values()) n += l.size();
        old.close();
      }
    }
    return n;
  }
  public static void main(String[] a) throws Exception {
    dev.recipe.nn.SameDiffFixes.install();
    boolean release = a.length > 0 && a[0].equals("release");
    int seeds = a.length > 1 ? Integer.parseInt(a[1]) : 6;
    boolean gc = a.length > 2 && a[2].equals("gc");
    Path dir = Path.of("zoo/models/bert-mini");
    Tokenizer tok = PretrainedBert.tokenizer(dir);
    List<String> lines = Files.readAllLines(Path.of("../shared/data/text-corpus/bookcorpus_recipe_20k.tsv"));
    List<LabelledText> train = new ArrayList<>(), test = new ArrayList<>();
    for (int i = 1; i <= 256; i++) train.add(new LabelledText(lines.get(i), i % 2));
    for (int i = 1000; i < 1500; i++) test.add(new LabelledText(lines.get(i), i % 2));
    System.out.printf("release=%s gc=%s start: rss %d MB%n", release, gc, rss());
    for (int seed = 1; seed <= seeds; seed++) {
      long t = System.nanoTime();
      BertModel m = BertModel.load(dir, Bert.Heads.classification(2), DataType.FLOAT, seed);
      Finetuning.run(m, tok, train, List.of(), List.of(), new Finetuning.Config(1, 2e-5, 32, 64, 0.01, seed), null);
      Finetuning.predict(m, tok, test, 64);
      if (release) System.out.printf("closed %d cached arrays%n", releaseCaches(m.graph()));
      if (gc) { m = null; System.gc(); Thread.sleep(500); }
      Runtime rt = Runtime.getRuntime();
      System.out.printf("seed %d: %.1f s, heap used %d / committed %d MB, rss %d MB%n", seed, (System.nanoTime() - t) / 1e9, (rt.totalMemory() - rt.freeMemory()) >> 20, rt.totalMemory() >> 20, rss());
    }
  }
}
