package dev.recipe.nn;

import java.util.Set;
import java.util.function.Supplier;

/**
 * The variables that are frozen while a gradient function is being built, so that ops whose backward pass would
 * compute a gradient nobody reads can leave it out ({@link FrozenAwareMmul}: a dense layer with a frozen weight
 * needs {@code dX}, not {@code dW}).
 *
 * <p>Why a scope and not a field of the op: SameDiff re-creates every op from its serialised form when it builds the
 * gradient function, so an op cannot carry a reference to the trainer's choice; the builder of the gradient function
 * ({@code dev.recipe.train.CachedGradients}) names the frozen variables for the duration of the build instead.
 * Outside a scope nothing is frozen and every op keeps its full gradient.
 */
public final class FrozenWeights {
    private static final ThreadLocal<Set<String>> FROZEN = new ThreadLocal<>();

    private FrozenWeights() {}

    /** Runs {@code build} with {@code frozen} as the frozen variables of this thread, then restores the previous set. */
    public static <T> T during(Set<String> frozen, Supplier<T> build) {
        Set<String> before = FROZEN.get();
        FROZEN.set(Set.copyOf(frozen));
        try {
            return build.get();
        } finally {
            if (before == null) FROZEN.remove();
            else FROZEN.set(before);
        }
    }

    /** Whether the variable {@code name} is frozen in the gradient function being built on this thread. */
    public static boolean isFrozen(String name) {
        Set<String> frozen = FROZEN.get();
        return frozen != null && frozen.contains(name);
    }
}
