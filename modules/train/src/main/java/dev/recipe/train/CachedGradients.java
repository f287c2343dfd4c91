package dev.recipe.train;

import java.lang.ref.WeakReference;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.nd4j.autodiff.listeners.Listener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.autodiff.samediff.config.ExecutionResult;
import org.nd4j.autodiff.samediff.config.SDValue;
import org.nd4j.linalg.api.ndarray.INDArray;

import dev.recipe.nn.FrozenAwareMmul;
import dev.recipe.nn.FrozenWeights;

/**
 * {@code SameDiff.calculateGradientsAndOutputs} with the session's array cache left on.
 *
 * <p>M2.1's {@code calculateGradientsAndOutputs} calls {@code setEnableCache(false)} on the gradient function before
 * every run. The inference session then never hands an array back to its {@code ArrayCacheMemoryMgr} when the last
 * op that reads it has run, so each of a mini BERT step's ~870 op outputs (1.6 GB) is a fresh native allocation,
 * zero-filled by the kernel page by page and freed only when the JVM collects its Java wrapper: the page faults and
 * kernel time measured in BENCHMARKS.md ("What limits SameDiff here"). This class runs the same thing — create the
 * gradient function if needed, pass the listeners, execute the loss outputs and the gradient variables with
 * {@link Operation#TRAINING} through the protected {@code batchOutputHelper}, which is what the library method does —
 * with the cache on; per step 630 of 870 allocations are then served from the cache. The results are bit-identical
 * (CachedGradientsTest). Nothing in the public API does this, hence the reflection.
 *
 * <p>The gradient function is built with every floating-point variable not asked for marked frozen
 * ({@link FrozenWeights}), so that a dense layer with a frozen weight differentiates to {@code dX} alone
 * ({@link FrozenAwareMmul}); it is built again when a later call asks for a variable that was frozen then.
 */
public final class CachedGradients {
    private static final Method BATCH_OUTPUT_HELPER;

    static {
        try {
            BATCH_OUTPUT_HELPER = SameDiff.class.getDeclaredMethod("batchOutputHelper", Map.class, List.class,
                    Operation.class, String[].class);
            BATCH_OUTPUT_HELPER.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError("SameDiff.batchOutputHelper(Map, List, Operation, String...) not "
                    + "found: this class follows ND4J 1.0.0-M2.1's calculateGradientsAndOutputs; " + e);
        }
    }

    /**
     * The variables that were frozen when a gradient function was built here, by the function's identity (SameDiff's
     * own hashCode/equals hash the whole, changing graph, so a WeakHashMap cannot hold it), weakly so that a graph
     * that is gone takes its entry with it.
     */
    private static final Map<Integer, List<FrozenAtBuild>> FROZEN_AT_BUILD = new HashMap<>();

    private record FrozenAtBuild(WeakReference<SameDiff> gradFunction, Set<String> frozen) {}

    private CachedGradients() {}

    private static synchronized Set<String> frozenAtBuild(SameDiff gradFunction) {
        for (FrozenAtBuild f : FROZEN_AT_BUILD.getOrDefault(System.identityHashCode(gradFunction), List.of())) {
            if (f.gradFunction().get() == gradFunction) return f.frozen();
        }
        return null;
    }

    private static synchronized void rememberFrozen(SameDiff gradFunction, Set<String> frozen) {
        FROZEN_AT_BUILD.values().forEach(l -> l.removeIf(f -> f.gradFunction().get() == null));
        FROZEN_AT_BUILD.values().removeIf(List::isEmpty);
        FROZEN_AT_BUILD.computeIfAbsent(System.identityHashCode(gradFunction), k -> new ArrayList<>())
                .add(new FrozenAtBuild(new WeakReference<>(gradFunction), Set.copyOf(frozen)));
    }

    private static void ensureGradFunction(SameDiff sd, Collection<String> variables) {
        SameDiff existing = sd.getFunction("grad");
        if (existing != null) {
            Set<String> frozenThen = frozenAtBuild(existing);
            if (frozenThen == null || variables.stream().noneMatch(frozenThen::contains)) return;
            sd.setLossVariables(sd.getLossVariables().toArray(String[]::new)); // drops the gradient function
        }
        Set<String> frozen = new HashSet<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE && v.dataType().isFPType() && !variables.contains(v.name())) {
                frozen.add(v.name());
            }
        }
        FrozenWeights.during(frozen, () -> {
            sd.createGradFunction();
            return null;
        });
        rememberFrozen(sd.getFunction("grad"), frozen);
    }

    /**
     * The values of {@code outputs} and the gradients of {@code variables} (those without a gradient, i.e. not
     * connected to the loss, are left out, as the library does) for one feed.
     */
    public static OutAndGrad compute(SameDiff sd, Map<String, INDArray> placeholders, Collection<String> outputs,
                                     Collection<String> variables) {
        ensureGradFunction(sd, variables);
        List<String> names = new ArrayList<>(outputs);
        Map<String, String> gradOf = new LinkedHashMap<>();
        for (String v : variables) {
            SDVariable var = sd.getVariable(v);
            if (var == null) throw new IllegalArgumentException("no variable named '" + v + "' in the graph");
            SDVariable g = var.getGradient();
            if (g == null) continue;
            names.add(g.name());
            gradOf.put(v, g.name());
        }
        SameDiff grad = sd.getFunction("grad");
        grad.setEnableCache(true);
        grad.setListeners(sd.getListeners());
        ExecutionResult r;
        try {
            r = (ExecutionResult) BATCH_OUTPUT_HELPER.invoke(grad, placeholders, (List<Listener>) null,
                    Operation.TRAINING, names.toArray(String[]::new));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        }
        Map<String, INDArray> values = new LinkedHashMap<>();
        if (r.hasValues()) {
            for (Map.Entry<String, SDValue> e : r.getValueOutputs().entrySet()) values.put(e.getKey(), e.getValue().getTensorValue());
        } else {
            values.putAll(ExecutionResult.unpack(r.getOutputs()));
        }
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (String n : outputs) out.put(n, values.get(n));
        Map<String, INDArray> grads = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : gradOf.entrySet()) grads.put(e.getKey(), values.get(e.getValue()));
        return new OutAndGrad(out, grads);
    }
}
