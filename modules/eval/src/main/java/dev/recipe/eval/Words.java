package dev.recipe.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Word-level text as the authors' Python sees it: {@code text.split()} (runs of whitespace separate words, leading
 * and trailing whitespace is dropped) and {@code " ".join(words)}. "Whitespace" is exactly CPython's
 * {@code str.isspace()} set, which differs from Java's {@code \s} and {@link Character#isWhitespace} (it includes
 * U+00A0, U+2007 and U+202F, for example).
 */
public final class Words {
    private Words() {}

    /** {@code text.split()} in Python. */
    public static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        int start = -1;
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            if (isPythonSpace(cp)) {
                if (start >= 0) {
                    words.add(text.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
            i += Character.charCount(cp);
        }
        if (start >= 0) words.add(text.substring(start));
        return words;
    }

    /** {@code " ".join(words)} in Python. */
    public static String join(List<String> words) {
        return String.join(" ", words);
    }

    /** CPython's {@code str.isspace()} for one code point (Unicode category Zs or bidi class WS, B or S). */
    public static boolean isPythonSpace(int cp) {
        switch (cp) {
            case 0x09: case 0x0a: case 0x0b: case 0x0c: case 0x0d:
            case 0x1c: case 0x1d: case 0x1e: case 0x1f: case 0x20:
            case 0x85: case 0xa0: case 0x1680:
            case 0x2028: case 0x2029: case 0x202f: case 0x205f: case 0x3000:
                return true;
            default:
                return cp >= 0x2000 && cp <= 0x200a;
        }
    }
}
