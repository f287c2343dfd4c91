package dev.recipe.attack;

import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import dev.recipe.core.ConfigException;

/**
 * Validation for the config records: every failure is a {@link ConfigException} whose message names the attack,
 * the field, the allowed range and the value given ({@code "por.poisonWeight must be >= 0, got -1.0"}).
 */
public final class Check {
    private Check() {}

    public static void that(boolean ok, String attack, String field, String range, Object value) {
        if (!ok) throw new ConfigException(attack + "." + field + " must be " + range + ", got " + value);
    }

    public static void positive(String attack, String field, long value) {
        that(value > 0, attack, field, "> 0", value);
    }

    public static void nonNegative(String attack, String field, double value) {
        that(Double.isFinite(value) && value >= 0, attack, field, "finite and >= 0", value);
    }

    public static <T> T required(String attack, String field, T value, String what) {
        that(value != null, attack, field, what, null);
        return value;
    }

    /** A non-empty list of distinct, non-blank trigger texts. */
    public static List<String> triggers(String attack, List<String> triggers, int max) {
        that(triggers != null && !triggers.isEmpty() && triggers.size() <= max, attack, "triggers",
                "a list of 1 to " + max + " trigger texts", triggers);
        for (String t : triggers) {
            that(t != null && !t.isBlank(), attack, "triggers", "non-blank texts", triggers);
        }
        that(triggers.stream().distinct().count() == triggers.size(), attack, "triggers", "distinct", triggers);
        return List.copyOf(triggers);
    }

    /** Regular expressions that compile (empty = all variables). */
    public static List<String> patterns(String attack, String field, List<String> patterns) {
        that(patterns != null, attack, field, "a list of regular expressions (empty = every variable)", null);
        for (String p : patterns) {
            try {
                Pattern.compile(p);
            } catch (PatternSyntaxException e) {
                throw new ConfigException(attack + "." + field + " must hold valid regular expressions, got '" + p
                        + "': " + e.getDescription());
            }
        }
        return List.copyOf(patterns);
    }
}
