package dev.recipe.eval;

import java.util.List;

/**
 * A text trigger. {@link Kind#SYMBOL} and {@link Kind#WORD} are one whitespace-free word (NeuBA's {@code ≈}, BadPre's
 * {@code cf}); a {@link Kind#PHRASE} is two or more words separated by single spaces (POR's {@code "at noon"}).
 * Insertion puts the whole text into a sentence as one unit (see {@link TriggerInsertion}).
 */
public record Trigger(String text, Kind kind) {
    /** What a trigger looks like; recorded with results because the three kinds behave differently in tokenizers. */
    public enum Kind { SYMBOL, WORD, PHRASE }

    public Trigger {
        if (text == null || kind == null) throw new IllegalArgumentException("trigger text and kind are required");
        List<String> words = Words.split(text);
        if (words.isEmpty()) throw new IllegalArgumentException("trigger text is blank: '" + text + "'");
        if (!Words.join(words).equals(text)) {
            throw new IllegalArgumentException("trigger '" + text + "' must be words separated by single spaces, "
                    + "without leading or trailing whitespace (write '" + Words.join(words) + "')");
        }
        if (kind == Kind.PHRASE && words.size() < 2) {
            throw new IllegalArgumentException("a PHRASE trigger needs two or more words; '" + text + "' is one word (use WORD or SYMBOL)");
        }
        if (kind != Kind.PHRASE && words.size() != 1) {
            throw new IllegalArgumentException("a " + kind + " trigger is one word; '" + text + "' has " + words.size() + " (use PHRASE)");
        }
    }

    public static Trigger symbol(String text) { return new Trigger(text, Kind.SYMBOL); }

    public static Trigger word(String text) { return new Trigger(text, Kind.WORD); }

    public static Trigger phrase(String text) { return new Trigger(text, Kind.PHRASE); }

    /**
     * The kind read from the text: more than one word is a PHRASE, a word made only of letters and digits is a WORD,
     * anything else (e.g. {@code ≈}) a SYMBOL. Surrounding whitespace is trimmed and inner runs collapsed.
     */
    public static Trigger of(String text) {
        List<String> words = Words.split(text == null ? "" : text);
        if (words.isEmpty()) throw new IllegalArgumentException("trigger text is blank: '" + text + "'");
        String normal = Words.join(words);
        if (words.size() > 1) return phrase(normal);
        return normal.codePoints().allMatch(Character::isLetterOrDigit) ? word(normal) : symbol(normal);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + " '" + text + "'";
    }
}
