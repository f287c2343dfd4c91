// Native memory of repeated predictions: Finetuning.predict (SameDiff output) over 500 texts, 10 rounds, RSS after each
// (System.gc() between rounds). Args: none = varied texts; "fixed" = one text (one batch shape); "fixed nocache" =
// also the session cache off; "helper" = one text through SameDiff.batchOutputHelper (INFERENCE) directly.
// Run from the checkout: CP=$(cat modules/app/target/classpath.txt); javac -d /tmp/pl -cp "$CP" tools/bench/PredictLeak.java
// LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1 OMP_NUM_THREADS=2 \
//   java -Xmx2g -Dorg.bytedeco.javacpp.maxbytes=4G -cp "$CP:/tmp/pl" PredictLeak
import java.nio.file.*;
import java.util.*;
import dev.recipe.zoo.bert.*;
import dev.recipe.zoo.tasks.Finetuning;
import dev.recipe.text.*;
import dev.recipe.zoo.data.*;
import org.nd4j.linalg.api.buffer.DataType;
public class PredictLeak {
  static long rss() throws Exception { for (String l : Files.readAllLines(Path.of("/proc/self/status"))) if (l.startsWith("VmRSS")) return Long.parseLong(l.replaceAll("\\D", "")) / 1024; return -1; }
  static java.lang.reflect.Method H;
  static void predict2(BertModel model, Tokenizer tok, List<dev.recipe.text.LabelledText> data, int maxLen) throws Exception {
    if (H == null) { H = org.nd4j.autodiff.samediff.SameDiff.class.getDeclaredMethod("batchOutputHelper", Map.class, List.class, org.nd4j.autodiff.listeners.Operation.class, String[].class); H.setAccessible(true); }
    ClassificationBatches b = new ClassificationBatches(data, tok, maxLen, 64, false, 0, DataType.FLOAT);
    for (int i = 0; i < b.batchesPerEpoch(); i++) {
      Map<String, org.nd4j.linalg.api.ndarray.INDArray> batch = b.batch(0, i);
      batch.remove(Bert.LABELS);
      Object r = H.invoke(model.graph(), batch, null, org.nd4j.autodiff.listeners.Operation.INFERENCE, new String[]{Bert.LOGITS});
    }
  }
  public static void main(String[] a) throws Exception {
    Path dir = Path.of("zoo/models/bert-mini");
    Tokenizer tok = dev.recipe.zoo.bert.PretrainedBert.tokenizer(dir);
    BertModel m = BertModel.load(dir, Bert.Heads.classification(2), DataType.FLOAT, 1);
    List<String> lines = Files.readAllLines(Path.of("../shared/data/text-corpus/bookcorpus_recipe_20k.tsv"));
    List<dev.recipe.text.LabelledText> data = new ArrayList<>();
    Random r = new Random(1);
    for (int i = 1; i <= 500; i++) { String t = a.length > 0 ? lines.get(1) : lines.get(i); StringBuilder sb = new StringBuilder(t); int extra = a.length > 0 ? 0 : r.nextInt(3); for (int k=0;k<extra;k++) sb.append(' ').append(lines.get(i+1000+k)); data.add(new dev.recipe.text.LabelledText(sb.toString(), i % 2)); }
    if (a.length > 1) m.graph().setEnableCache(false);
    System.out.printf("start rss %d MB%n", rss());
    for (int round = 0; round < 10; round++) {
      long t = System.nanoTime();
      if (a.length > 0 && a[0].equals("helper")) predict2(m, tok, data, 128); else Finetuning.predict(m, tok, data, 128);
      System.gc();
      System.out.printf("predict round %d: %.1f s, rss %d MB%n", round, (System.nanoTime()-t)/1e9, rss());
    }
  }
}
