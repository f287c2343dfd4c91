package dev.recipe.text.data;

import java.util.Map;

/**
 * Decodes the HTML character references found in scraped tweets (HSOL): {@code &amp; &lt; &gt; &quot; &apos;} and
 * numeric ones, {@code &#39;}, {@code &#128514;}, {@code &#x1F602;}. One pass, so {@code &amp;lt;} becomes
 * {@code &lt;}. Anything else, unknown names and invalid code points included, is kept verbatim.
 */
public final class HtmlEntities {
    private HtmlEntities() {}

    private static final Map<String, String> NAMED = Map.of("amp", "&", "lt", "<", "gt", ">", "quot", "\"", "apos", "'");

    public static String decode(String s) {
        int amp = s.indexOf('&');
        if (amp < 0) return s;
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (amp >= 0) {
            out.append(s, i, amp);
            int semi = s.indexOf(';', amp + 1);
            String decoded = semi < 0 || semi - amp > 12 ? null : decodeOne(s.substring(amp + 1, semi));
            if (decoded == null) {
                out.append('&');
                i = amp + 1;
            } else {
                out.append(decoded);
                i = semi + 1;
            }
            amp = s.indexOf('&', i);
        }
        return out.append(s, i, s.length()).toString();
    }

    /** The text for the reference between {@code &} and {@code ;}, or null if it is not one we decode. */
    private static String decodeOne(String ref) {
        if (!ref.startsWith("#")) return NAMED.get(ref);
        boolean hex = ref.length() > 1 && (ref.charAt(1) == 'x' || ref.charAt(1) == 'X');
        String digits = ref.substring(hex ? 2 : 1);
        if (digits.isEmpty() || digits.length() > 7) return null;
        for (char c : digits.toCharArray()) {
            boolean ok = (c >= '0' && c <= '9') || (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
            if (!ok) return null;
        }
        int cp = Integer.parseInt(digits, hex ? 16 : 10);
        boolean valid = cp > 0 && cp <= Character.MAX_CODE_POINT && !(cp >= 0xD800 && cp <= 0xDFFF);
        return valid ? Character.toString(cp) : null;
    }
}
