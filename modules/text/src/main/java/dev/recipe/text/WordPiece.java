package dev.recipe.text;

import java.util.List;

/**
 * Greedy longest-match-first WordPiece, as HF's {@code WordpieceTokenizer.tokenize}: a word is split into the longest
 * vocabulary prefix, then the longest {@code ##}-prefixed continuation, and so on; if some position has no match, or
 * the word has more than {@link #MAX_INPUT_CHARS_PER_WORD} code points, the whole word becomes [UNK].
 */
final class WordPiece {
    /** HF's {@code max_input_chars_per_word} default. */
    static final int MAX_INPUT_CHARS_PER_WORD = 100;
    static final String CONTINUATION = "##";

    private final Vocabulary vocab;

    WordPiece(Vocabulary vocab) {
        this.vocab = vocab;
    }

    /** Appends the pieces of one basic-tokenised word to {@code out}. */
    void split(String word, List<String> out) {
        int[] cps = word.codePoints().toArray();
        if (cps.length > MAX_INPUT_CHARS_PER_WORD) {
            out.add(Vocabulary.UNK);
            return;
        }
        int mark = out.size();
        int start = 0;
        while (start < cps.length) {
            String piece = null;
            int end = cps.length;
            for (; end > start; end--) {
                String candidate = new String(cps, start, end - start);
                if (start > 0) candidate = CONTINUATION + candidate;
                if (vocab.contains(candidate)) {
                    piece = candidate;
                    break;
                }
            }
            if (piece == null) {
                out.subList(mark, out.size()).clear();
                out.add(Vocabulary.UNK);
                return;
            }
            out.add(piece);
            start = end;
        }
    }
}
