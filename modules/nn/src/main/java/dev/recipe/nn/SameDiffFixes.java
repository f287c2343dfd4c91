package dev.recipe.nn;

import java.io.PrintStream;
import java.lang.reflect.Field;
import java.util.Map;

import org.nd4j.imports.converters.DifferentialFunctionClassHolder;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Process-wide fixes for DL4J/ND4J 1.0.0-M2.1, applied once before any graph is built or loaded:
 * <ul>
 *   <li>maps the native {@code embedding_lookup} op to {@link EmbeddingLookupOp}, so graphs (built here, loaded from
 *       disk, or re-created while SameDiff builds a gradient function) get a working gradient;</li>
 *   <li>maps the native {@code multiply}, {@code add} and {@code subtract} ops to {@link BroadcastOps}' classes, whose
 *       gradient is M2.1's own unless the op carries a broadcast layout (then a faster one);</li>
 *   <li>maps the native {@code matmul} op to {@link FrozenAwareMmul}, which leaves out the gradient of a weight
 *       that is frozen while the gradient function is built ({@link FrozenWeights});</li>
 *   <li>drops the "Added differentiated op ..." line that SameDiff prints to stdout for every op when it builds a
 *       gradient function (100+ lines per graph; PLATFORM-NOTES defect 5).</li>
 * </ul>
 * Registering by reflection is the only hook: the op-class maps of {@link DifferentialFunctionClassHolder} are
 * private and have no public mutator in M2.1.
 */
public final class SameDiffFixes {
    private static volatile boolean installed;

    private SameDiffFixes() {}

    public static synchronized void install() {
        if (installed) return;
        register(new EmbeddingLookupOp().opHash(), EmbeddingLookupOp.class);
        register(new BroadcastOps.Mul().opHash(), BroadcastOps.Mul.class);
        register(new BroadcastOps.Add().opHash(), BroadcastOps.Add.class);
        register(new BroadcastOps.Sub().opHash(), BroadcastOps.Sub.class);
        register(new FrozenAwareMmul().opHash(), FrozenAwareMmul.class);
        silenceGradientBuildNoise();
        installed = true;
    }

    @SuppressWarnings("unchecked")
    private static void register(long hash, Class<?> opClass) {
        DifferentialFunctionClassHolder holder = DifferentialFunctionClassHolder.getInstance();
        try {
            Field single = DifferentialFunctionClassHolder.class.getDeclaredField("customOpHashToClass");
            single.setAccessible(true);
            ((Map<Long, Class<?>>) single.get(holder)).put(hash, opClass);
            Field multi = DifferentialFunctionClassHolder.class.getDeclaredField("customOpHashToClasses");
            multi.setAccessible(true);
            Map<Long, Map<String, Class<?>>> byName = (Map<Long, Map<String, Class<?>>>) multi.get(holder);
            Map<String, Class<?>> classes = byName.get(hash);
            if (classes != null) classes.replaceAll((name, cls) -> opClass);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot register the gradient fix " + opClass.getSimpleName() + " with ND4J "
                    + Nd4j.class.getPackage().getImplementationVersion() + " (expects 1.0.0-M2.1)", e);
        }
    }

    private static void silenceGradientBuildNoise() {
        PrintStream out = System.out;
        if (out instanceof NoiseFilter) return;
        System.setOut(new NoiseFilter(out));
    }

    /** Drops the per-op line SameDiff prints while building a gradient function; passes everything else. */
    private static final class NoiseFilter extends PrintStream {
        NoiseFilter(PrintStream delegate) {
            super(delegate, true);
        }

        @Override
        public void println(String line) {
            if (line != null && line.startsWith("Added differentiated op")) return;
            super.println(line);
        }
    }
}
