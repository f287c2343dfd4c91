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
        // by the native embedding_lookup's hash (graphs written before the op ran gather), and by name under gather's
        // hash, which is what the op now carries (gather's own class stays Gather: registerByName leaves it)
        register(EmbeddingLookupOp.nativeHash(EmbeddingLookupOp.OP_NAME), EmbeddingLookupOp.class);
        registerByName(EmbeddingLookupOp.nativeHash(EmbeddingLookupOp.NATIVE_OP), EmbeddingLookupOp.NATIVE_OP,
                EmbeddingLookupOp.OP_NAME, EmbeddingLookupOp.class);
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

    /**
     * Makes {@code (hash, name)} find {@code opClass} when SameDiff re-creates an op from its serialised form, without
     * changing which class the hash's own op ({@code nativeName}) and its other names find.
     */
    @SuppressWarnings("unchecked")
    private static void registerByName(long hash, String nativeName, String name, Class<?> opClass) {
        DifferentialFunctionClassHolder holder = DifferentialFunctionClassHolder.getInstance();
        try {
            Field single = DifferentialFunctionClassHolder.class.getDeclaredField("customOpHashToClass");
            single.setAccessible(true);
            Class<?> current = ((Map<Long, Class<?>>) single.get(holder)).get(hash);
            Field multi = DifferentialFunctionClassHolder.class.getDeclaredField("customOpHashToClasses");
            multi.setAccessible(true);
            Map<Long, Map<String, Class<?>>> byName = (Map<Long, Map<String, Class<?>>>) multi.get(holder);
            Map<String, Class<?>> classes = byName.computeIfAbsent(hash, h -> new java.util.HashMap<>());
            // a hash with one class was found by hash alone; once it has a by-name entry it is found by name only
            if (current != null) classes.putIfAbsent(nativeName, current);
            classes.put(name, opClass);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot register " + opClass.getSimpleName() + " under '" + name + "' with ND4J "
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
