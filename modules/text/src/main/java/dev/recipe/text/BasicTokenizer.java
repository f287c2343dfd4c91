package dev.recipe.text;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * BERT's basic (pre-WordPiece) tokenizer for uncased models: a line-by-line port of HuggingFace's
 * {@code transformers.models.bert.tokenization_bert.BasicTokenizer} with {@code do_lower_case=True},
 * {@code tokenize_chinese_chars=True}, {@code strip_accents=None}.
 *
 * <ol>
 *   <li>{@code _clean_text}: drop U+0000, U+FFFD and control characters (Unicode category C*, except tab, newline,
 *       carriage return); map whitespace (space, tab, newline, CR, category Zs) to a space.</li>
 *   <li>{@code _tokenize_chinese_chars}: surround every CJK ideograph (the CJK Unified Ideographs blocks) by spaces.</li>
 *   <li>{@code whitespace_tokenize}: split on Python's {@code str.split()} whitespace.</li>
 *   <li>per word: {@code lower()}, then {@code _run_strip_accents} (NFD, drop category Mn).</li>
 *   <li>{@code _run_split_on_punc}: every punctuation character (ASCII 33-47, 58-64, 91-96, 123-126, or category P*)
 *       becomes a token of its own.</li>
 * </ol>
 *
 * Stateless and thread-safe.
 */
public final class BasicTokenizer {

    /** Splits {@code text} into normalised words and punctuation, as HF's {@code BasicTokenizer.tokenize}. */
    public List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        String cleaned = cleanText(text);
        int n = cleaned.length();
        int i = 0;
        while (i < n) {
            while (i < n && isPythonSpace(cleaned.charAt(i))) i++;
            int start = i;
            while (i < n && !isPythonSpace(cleaned.charAt(i))) i++;
            if (i > start) splitOnPunctuation(normalize(cleaned.substring(start, i)), out);
        }
        return out;
    }

    /** {@code _clean_text} and {@code _tokenize_chinese_chars} in one pass. */
    private static String cleanText(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp < 0x7F && cp >= 0x20) {
                sb.append((char) cp); // printable ASCII: the common case
            } else if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
                continue;
            } else if (isWhitespace(cp)) {
                sb.append(' ');
            } else if (isChineseChar(cp)) {
                sb.append(' ').appendCodePoint(cp).append(' ');
            } else {
                sb.appendCodePoint(cp);
            }
        }
        return sb.toString();
    }

    /** {@code lower()} then {@code _run_strip_accents}: NFD, then drop non-spacing marks (Mn). */
    private static String normalize(String word) {
        String lower = word.toLowerCase(Locale.ROOT);
        boolean ascii = true;
        for (int i = 0; i < lower.length() && ascii; i++) ascii = lower.charAt(i) < 0x80;
        if (ascii) return lower; // NFD of ASCII is itself and has no marks
        String nfd = Normalizer.normalize(lower, Normalizer.Form.NFD);
        StringBuilder sb = new StringBuilder(nfd.length());
        for (int i = 0; i < nfd.length(); ) {
            int cp = nfd.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.getType(cp) != Character.NON_SPACING_MARK) sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    /** {@code _run_split_on_punc}; empty pieces are not emitted. */
    private static void splitOnPunctuation(String word, List<String> out) {
        int start = 0;
        int i = 0;
        while (i < word.length()) {
            int cp = word.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (isPunctuation(cp)) {
                if (i > start) out.add(word.substring(start, i));
                out.add(word.substring(i, next));
                start = next;
            }
            i = next;
        }
        if (start < word.length()) out.add(word.substring(start));
    }

    /** HF {@code _is_whitespace}. */
    static boolean isWhitespace(int cp) {
        return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || Character.getType(cp) == Character.SPACE_SEPARATOR;
    }

    /** HF {@code _is_control}: category C* except tab, newline and carriage return. */
    static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') return false;
        int t = Character.getType(cp);
        return t == Character.CONTROL || t == Character.FORMAT || t == Character.UNASSIGNED
                || t == Character.PRIVATE_USE || t == Character.SURROGATE;
    }

    /** HF {@code _is_punctuation}: the ASCII non-alphanumerics, or category P*. */
    static boolean isPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
            return true;
        }
        switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION:
                return true;
            default:
                return false;
        }
    }

    /** HF {@code _is_chinese_char}: the CJK Unified Ideographs blocks (not Hangul, Hiragana or Katakana). */
    static boolean isChineseChar(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B820 && cp <= 0x2CEAF) || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    /**
     * Python's {@code str.isspace()} (used by {@code str.split()} in HF's {@code whitespace_tokenize}): bidi classes
     * WS, B, S or category Zs. After {@link #cleanText} only U+2028 / U+2029 and spaces remain of these, but the full
     * set is kept so the method means what its name says. All are in the BMP, so a {@code char} test suffices.
     */
    static boolean isPythonSpace(char c) {
        return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
                || c == 0x3000;
    }
}
