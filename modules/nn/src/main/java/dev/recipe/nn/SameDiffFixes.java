package dev.recipe.nn;

import java.io.PrintStream;
import java.lang.reflect.Field;
import java.util.HashMap;
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

    private static void register(long hash, Class<?> opClass) {
        classByHash().put(hash, opClass);
        Map<String, Class<?>> classes = classesByHashAndName().get(hash);
        if (classes != null) classes.replaceAll((name, cls) -> opClass);
    }

    /**
     * Makes {@code (hash, name)} find {@code opClass} when SameDiff re-creates an op from its serialised form, without
     * changing which class the hash's own op ({@code nativeName}) and its other names find.
     */
    private static void registerByName(long hash, String nativeName, String name, Class<?> opClass) {
        Class<?> current = classByHash().get(hash);
        Map<String, Class<?>> classes = classesByHashAndName().computeIfAbsent(hash, h -> new HashMap<>());
        // a hash with one class was found by hash alone; once it has a by-name entry it is found by name only
        if (current != null) classes.putIfAbsent(nativeName, current);
        classes.put(name, opClass);
    }

    /** {@link DifferentialFunctionClassHolder}'s private map from a custom op's hash to its class. */
    @SuppressWarnings("unchecked")
    private static Map<Long, Class<?>> classByHash() {
        return (Map<Long, Class<?>>) holderField("customOpHashToClass");
    }

    /** Its private map from a hash shared by several ops to each op's class by name. */
    @SuppressWarnings("unchecked")
    private static Map<Long, Map<String, Class<?>>> classesByHashAndName() {
        return (Map<Long, Map<String, Class<?>>>) holderField("customOpHashToClasses");
    }

    private static Object holderField(String name) {
        try {
            Field field = DifferentialFunctionClassHolder.class.getDeclaredField(name);
            field.setAccessible(true);
            return field.get(DifferentialFunctionClassHolder.getInstance());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reach DifferentialFunctionClassHolder." + name + " to register the"
                    + " op fixes with ND4J " + Nd4j.class.getPackage().getImplementationVersion()
                    + " (expects 1.0.0-M2.1)", e);
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
