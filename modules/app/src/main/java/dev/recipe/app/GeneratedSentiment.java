package dev.recipe.app;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import dev.recipe.text.LabelledText;

/**
 * A small binary sentiment task the project generates itself (no third-party data), for the quickstart and tests:
 * template sentences about a film or book whose label is the polarity of the evaluative phrase, with neutral filler
 * and occasional negation ("not good" is negative) so that a bag of words is not quite enough.
 */
public final class GeneratedSentiment {
    private static final String[] SUBJECTS = {"the movie", "this film", "the book", "the story", "the ending",
            "the acting", "the music", "this novel", "the plot", "the characters", "the show", "the writing"};
    private static final String[] VERBS = {"was", "is", "seemed", "felt", "looked", "turned out"};
    private static final String[] POSITIVE = {"good", "great", "wonderful", "beautiful", "funny", "brilliant",
            "lovely", "exciting", "charming", "fine", "perfect", "warm", "clever", "strong"};
    private static final String[] NEGATIVE = {"bad", "boring", "awful", "terrible", "dull", "stupid", "weak",
            "ugly", "poor", "painful", "cold", "empty", "silly", "wrong"};
    private static final String[] OPENERS = {"", "honestly ,", "i think", "to me", "in the end", "after all",
            "for once", "as expected", "my friend said", "i guess"};
    private static final String[] CLOSERS = {"", "and i left early .", "from start to finish .", "at least today .",
            "for most of the time .", "in every way .", "as i remember it .", "."};

    private GeneratedSentiment() {}

    /** Writes the texts of {@link #generate} as a plain corpus file, one sentence a line (atomically). */
    public static void writeCorpus(java.nio.file.Path file, int n, long seed) {
        StringBuilder sb = new StringBuilder();
        for (LabelledText t : generate(n, seed)) sb.append(t.text()).append('\n');
        dev.recipe.core.AtomicFiles.writeString(file, sb.toString());
    }

    /** {@code n} labelled sentences (label 1 positive, 0 negative), balanced, deterministic in {@code seed}. */
    public static List<LabelledText> generate(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<LabelledText> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int label = i % 2;
            boolean negate = rnd.nextInt(4) == 0;
            String[] words = (label == 1) != negate ? POSITIVE : NEGATIVE;
            String adjective = words[rnd.nextInt(words.length)];
            String verb = VERBS[rnd.nextInt(VERBS.length)];
            StringBuilder s = new StringBuilder();
            String opener = OPENERS[rnd.nextInt(OPENERS.length)];
            if (!opener.isEmpty()) s.append(opener).append(' ');
            s.append(SUBJECTS[rnd.nextInt(SUBJECTS.length)]).append(' ').append(verb).append(' ');
            if (negate) s.append("not ");
            if (rnd.nextInt(3) == 0) s.append(rnd.nextBoolean() ? "very " : "really ");
            s.append(adjective);
            String closer = CLOSERS[rnd.nextInt(CLOSERS.length)];
            if (!closer.isEmpty()) s.append(' ').append(closer);
            out.add(new LabelledText(s.toString(), label));
        }
        return out;
    }
}
