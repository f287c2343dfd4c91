package dev.recipe.text.data;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * How a label as written in a file becomes a class index: either the file holds the integer itself
 * ({@link #integers()}, optionally checked to lie in {@code 0..count-1}), or it holds a name that is looked up in a
 * label list ({@link #names}); {@link #derive} builds such a list from the values seen (sorted, so that it does not
 * depend on row order).
 */
public final class LabelCodec {
    private final List<String> names;   // null: the labels are integers
    private final int count;            // integers only: 0..count-1, or -1 for any label >= 0
    private final Map<String, Integer> index;

    private LabelCodec(List<String> names, int count) {
        this.names = names;
        this.count = count;
        this.index = new HashMap<>();
        if (names != null) {
            for (int i = 0; i < names.size(); i++) {
                if (index.put(names.get(i), i) != null) {
                    throw new IllegalArgumentException("duplicate label name '" + names.get(i) + "' in " + names);
                }
            }
        }
    }

    /** Integer labels, any value {@code >= 0}. */
    public static LabelCodec integers() {
        return new LabelCodec(null, -1);
    }

    /** Integer labels in {@code 0..count-1}. */
    public static LabelCodec integers(int count) {
        if (count < 1) throw new IllegalArgumentException("label count must be >= 1: " + count);
        return new LabelCodec(null, count);
    }

    /** Label names: a cell must equal one of them exactly; its index is the label. */
    public static LabelCodec names(List<String> names) {
        if (names.isEmpty()) throw new IllegalArgumentException("label names are empty");
        return new LabelCodec(List.copyOf(names), names.size());
    }

    /** Label names derived from the values seen: distinct and sorted ({@link String#compareTo}). */
    public static LabelCodec derive(Collection<String> values) {
        return names(new ArrayList<>(new TreeSet<>(values)));
    }

    /** The label names when labels are names; empty for integer labels. */
    public Optional<List<String>> labelNames() {
        return Optional.ofNullable(names);
    }

    /** The class index of {@code value} (already trimmed); errors start with {@code where} ("file:line"). */
    public int decode(String value, String where) {
        if (names != null) {
            Integer i = index.get(value);
            if (i == null) {
                throw new IllegalArgumentException(where + ": unknown label '" + value + "'; expected one of " + names);
            }
            return i;
        }
        int label;
        try {
            label = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": expected an integer label, got '" + value + "'");
        }
        return checkRange(label, where);
    }

    /** Checks an integer label read as a number (JSON); name-based codecs reject numbers. */
    int decode(int label, String where) {
        if (names != null) {
            throw new IllegalArgumentException(where + ": expected a label name (one of " + names + "), got the number "
                    + label);
        }
        return checkRange(label, where);
    }

    private int checkRange(int label, String where) {
        if (label < 0 || (count > 0 && label >= count)) {
            throw new IllegalArgumentException(where + ": label " + label + " out of range, expected "
                    + (count > 0 ? "0.." + (count - 1) : "an integer >= 0"));
        }
        return label;
    }

    @Override
    public String toString() {
        return names != null ? "names" + names : count > 0 ? "integers 0.." + (count - 1) : "integers >= 0";
    }
}
