// What a mini RECIPE step allocates through the gradient session's memory manager: allocations, how many reuse a
// cached buffer, releases, fresh bytes per step and the fresh shapes (BENCHMARKS.md, "The peer's allocator").
// Run (after mvn -q -B install -DskipTests), from the repository root:
//   java -Xmx2g -cp "modules/app/target/classes:$(cat modules/app/target/classpath.txt)" tools/bench/MemProbe.java
import dev.recipe.nn.Losses;
import dev.recipe.train.*;
import dev.recipe.zoo.bert.*;
import java.lang.reflect.Method;
import java.util.*;
import org.nd4j.autodiff.samediff.*;
import org.nd4j.autodiff.samediff.internal.*;
import org.nd4j.autodiff.samediff.internal.memory.ArrayCacheMemoryMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;

public class MemProbe {
    static int allocs, reused, releases; static long freshBytes; static Map<String,Integer> freshShapes = new TreeMap<>();
    static Set<Long> seen = new HashSet<>();
    public static void main(String[] a) throws Exception {
        BertConfig c = BertConfig.preset("mini");
        BertModel m = Bert.build(c, Bert.Heads.pretraining(), DataType.FLOAT, 1);
        SameDiff sd = m.graph();
        List<SDVariable> reg = new ArrayList<>();
        for (String n : m.spec().regularised()) reg.add(sd.getVariable(n));
        String loss = sd.getVariable(Bert.MLM_LOSS).add("recipe_loss", Losses.sumOfNorms(sd, "recipe_norm", reg)).name();
        Method bm = Class.forName("dev.recipe.app.BenchCommand").getDeclaredMethod("batch", BertConfig.class, int.class, int.class, boolean.class);
        bm.setAccessible(true);
        Map<String, INDArray> fixed = (Map<String, INDArray>) bm.invoke(null, c, 32, 64, true);
        BatchSource data = new BatchSource() {
            public int batchesPerEpoch() { return 8; }
            public Map<String, INDArray> batch(int e, int i) { return new HashMap<>(fixed); }
        };
        TrainConfig tc = TrainConfig.of(2e-5, 1).withClipNorm(1.0).withTrainable(m.spec().recipeTrainable()).withLogEverySteps(0);
        new Trainer(info -> {
            SameDiff g = sd.getFunction("grad");
            InferenceSession s = g.getSessions().values().iterator().next();
            SessionMemMgr mm = s.getMmgr();
            ArrayCacheMemoryMgr ac = mm instanceof Wrap w ? (ArrayCacheMemoryMgr) w.d : (ArrayCacheMemoryMgr) mm;
            System.out.printf("step %d: allocs %d (reusing a cached buffer %d) releases %d fresh %.1f MB; cache now %.1f MB of max %.1f MB%n",
                info.step(), allocs, reused, releases, freshBytes / 1e6, ac.getCurrentCacheSize() / 1e6, ac.getMaxCacheBytes() / 1e6);
            if (info.step() == 6) freshShapes.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue()).limit(25).forEach(e -> System.out.println("   fresh " + e));
            allocs = reused = releases = 0; freshBytes = 0; freshShapes.clear();
            if (!(mm instanceof Wrap)) s.setMmgr(new Wrap(mm));
        }).fit(sd, loss, data, tc, null);
    }
    static final class Wrap implements SessionMemMgr {
        final SessionMemMgr d; Wrap(SessionMemMgr d) { this.d = d; }
        INDArray note(INDArray r) {
            allocs++;
            if (!seen.add(r.data().address())) reused++;
            else { freshBytes += r.length() * r.dataType().width(); freshShapes.merge(r.dataType() + Arrays.toString(r.shape()), 1, Integer::sum); }
            return r;
        }
        public INDArray allocate(boolean det, DataType t, long... shape) { return note(d.allocate(det, t, shape)); }
        public INDArray allocate(boolean det, LongShapeDescriptor desc) { return note(d.allocate(det, desc)); }
        public INDArray ulike(INDArray arr) { return note(d.ulike(arr)); }
        public INDArray dup(INDArray arr) { return note(d.dup(arr)); }
        public void release(INDArray arr) { releases++; d.release(arr); }
        public void close() { d.close(); }
    }
}
