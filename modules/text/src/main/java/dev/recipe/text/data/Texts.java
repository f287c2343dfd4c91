package dev.recipe.text.data;

import java.util.regex.Pattern;

/** Small text clean-ups shared by the dataset readers. */
final class Texts {
    private Texts() {}

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    /** Strips and turns every run of whitespace (line breaks and tabs included) into one space. */
    static String collapseWhitespace(String s) {
        return WHITESPACE.matcher(s.strip()).replaceAll(" ");
    }
}
