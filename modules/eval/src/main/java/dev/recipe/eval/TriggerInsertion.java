package dev.recipe.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Where and how often a trigger goes into a sentence, at word level: the sentence is split as Python's
 * {@code text.split()} does ({@link Words}), the trigger's text is inserted as one element at a word index in
 * {@code [0, len(words)]}, and the words are joined with single spaces. With {@code repeat > 1} that is done
 * {@code repeat} times, each time on the text the previous insertion produced (as calling the authors'
 * {@code insert()} repeatedly would), so a phrase's words count as words for the next insertion.
 *
 * <ul>
 *   <li>{@link Position#FIRST}: index 0 (OpenBackdoor's NeuBA / POR evaluation, NeuBA's {@code first}).</li>
 *   <li>{@link Position#LAST}: index {@code len(words)} (NeuBA's {@code last}).</li>
 *   <li>{@link Position#RANDOM}: uniform in {@code [0, len(words)]}, from a {@link SplittableRandom} seeded by
 *       {@code mix(seed, sampleIndex)}, so a sample's positions depend only on the seed and its index in the
 *       original test list, not on which other samples are poisoned or in which order.</li>
 *   <li>{@link Position#AUTHORS_RECIPE}: RECIPE's {@code run_defense.py insert()}: every insertion does
 *       {@code random.seed(seed)} (the authors use 42) then {@code random.randint(0, len(words))}, reproduced
 *       bit-exactly with {@link PythonRandom}. The position is a function of the sentence length only.</li>
 * </ul>
 *
 * @param position the rule
 * @param seed     RANDOM: the base seed; AUTHORS_RECIPE: the value passed to {@code random.seed} (42 in the
 *                 authors' code); FIRST / LAST: unused, recorded as given
 * @param repeat   insertions per sample, at least 1 (POR's training data uses 3; RECIPE's evaluation 1)
 */
public record TriggerInsertion(Position position, long seed, int repeat) {
    public enum Position { FIRST, LAST, RANDOM, AUTHORS_RECIPE }

    /** The seed RECIPE's {@code insert()} passes to {@code random.seed}. */
    public static final long AUTHORS_SEED = 42;

    public TriggerInsertion {
        if (position == null) throw new IllegalArgumentException("insertion position is required");
        if (repeat < 1) throw new IllegalArgumentException("repeat must be at least 1, got " + repeat);
    }

    public static TriggerInsertion first() { return new TriggerInsertion(Position.FIRST, 0, 1); }

    public static TriggerInsertion last() { return new TriggerInsertion(Position.LAST, 0, 1); }

    public static TriggerInsertion random(long seed) { return new TriggerInsertion(Position.RANDOM, seed, 1); }

    /** RECIPE's evaluation rule, {@code random.seed(42); randint(0, len(words))}, one insertion per sample. */
    public static TriggerInsertion authorsRecipe() { return new TriggerInsertion(Position.AUTHORS_RECIPE, AUTHORS_SEED, 1); }

    public TriggerInsertion withRepeat(int n) { return new TriggerInsertion(position, seed, n); }

    public TriggerInsertion withSeed(long s) { return new TriggerInsertion(position, s, repeat); }

    /**
     * The sentence with the trigger inserted {@code repeat} times.
     *
     * @param sampleIndex the sample's index in the original (unfiltered) test list; only RANDOM uses it
     */
    public String insert(String text, Trigger trigger, long sampleIndex) {
        SplittableRandom rng = position == Position.RANDOM ? new SplittableRandom(mix(seed, sampleIndex)) : null;
        String current = text;
        for (int r = 0; r < repeat; r++) {
            List<String> words = new java.util.ArrayList<>(Words.split(current));
            words.add(position(words.size(), rng), trigger.text());
            current = Words.join(words);
        }
        return current;
    }

    private int position(int nWords, SplittableRandom rng) {
        return switch (position) {
            case FIRST -> 0;
            case LAST -> nWords;
            case RANDOM -> rng.nextInt(nWords + 1);
            case AUTHORS_RECIPE -> authorsRecipePosition(nWords, seed);
        };
    }

    /** {@code random.seed(seed); random.randint(0, nWords)} in CPython. */
    public static int authorsRecipePosition(int nWords, long seed) {
        if (nWords < 0) throw new IllegalArgumentException("negative word count " + nWords);
        return new PythonRandom(seed).randint(0, nWords);
    }

    /** Stafford's mix13 finaliser (as in {@link SplittableRandom}) over the seed and the sample index. */
    static long mix(long seed, long sampleIndex) {
        long z = seed + 0x9E3779B97F4A7C15L * (sampleIndex + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The rule in words, for logs and result provenance. */
    public String rule() {
        String where = switch (position) {
            case FIRST -> "insert the trigger before the first word";
            case LAST -> "insert the trigger after the last word";
            case RANDOM -> "insert at a uniform word index in [0, len(words)], SplittableRandom(mix(seed, sample index))";
            case AUTHORS_RECIPE -> "RECIPE run_defense.py insert(): random.seed(" + seed + "); randint(0, len(words)) "
                    + "(CPython MT19937), before every insertion";
        };
        return where + (repeat > 1 ? "; " + repeat + " insertions, each on the previous result" : "; one insertion")
                + "; words = Python text.split(), joined with single spaces";
    }

    /** A JSON-ready description: position, seed, repeat and the rule in words. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("position", position.name());
        m.put("seed", seed);
        m.put("repeat", repeat);
        m.put("rule", rule());
        return m;
    }

    @Override
    public String toString() {
        return position + "(seed=" + seed + ", repeat=" + repeat + ")";
    }
}
