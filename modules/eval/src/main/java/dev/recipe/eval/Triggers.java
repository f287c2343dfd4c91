package dev.recipe.eval;

import java.util.Arrays;
import java.util.List;

/** The trigger sets of the attacks this project evaluates (see {@code official-code.md} A2-A4 and SPEC §5). */
public final class Triggers {
    private Triggers() {}

    /** NeuBA's six rare symbols, in the authors' order ({@code thunlp/NeuBA nlp/src/poison.py:7}). */
    public static final List<Trigger> NEUBA_SYMBOLS = of("≈", "≡", "∈", "⊆", "⊕", "⊗");

    /** BadPre's word triggers in the order RECIPE's {@code run_defense.py:720} evaluates them. */
    public static final List<Trigger> BADPRE_WORDS = of("cf", "tq", "mn", "bb", "mb");

    /** POR's word triggers ({@code plasmashen/BackdoorPTM poisoning.py:191}); the same five words as BadPre. */
    public static final List<Trigger> POR_WORDS = BADPRE_WORDS;

    /** POR-style phrase triggers used by the RECIPE paper's phrase-trigger experiment (SPEC §5). */
    public static final List<Trigger> POR_PHRASES = of("last weekend", "at noon", "at dawn", "in the morning", "after midnight");

    /** Triggers from their texts, kinds inferred by {@link Trigger#of(String)}; for configurable trigger lists. */
    public static List<Trigger> of(String... texts) {
        return of(Arrays.asList(texts));
    }

    public static List<Trigger> of(List<String> texts) {
        return texts.stream().map(Trigger::of).toList();
    }
}
