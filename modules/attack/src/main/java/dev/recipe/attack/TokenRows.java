package dev.recipe.attack;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.recipe.core.ConfigException;
import dev.recipe.text.BertTokenizer;
import dev.recipe.text.ByteLevelBpeTokenizer;
import dev.recipe.text.Tokenizer;
import dev.recipe.text.Vocabulary;
import dev.recipe.zoo.data.MaskedLmBatches;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Token-id rows ({@code [CLS] … [SEP]}, unpadded) built from texts, and the padding and trigger edits the attacks
 * make on them. Everything is plain {@code int[]} so that every edit is exact and testable on ids.
 */
public final class TokenRows {
    private TokenRows() {}

    /**
     * The texts' tokens concatenated and cut into {@code [CLS] chunk [SEP]} rows of exactly {@code seqLen}, the last
     * partial chunk dropped: HuggingFace's {@code TextDataset} (block_size), which NeuBA's {@code run_mlm.sh} uses.
     */
    public static List<int[]> packed(List<String> texts, Tokenizer tok, int seqLen) {
        return MaskedLmBatches.packedRows(texts, tok, seqLen);
    }

    /** One row per non-empty text, {@code [CLS] tokens [SEP]} with the tokens truncated to {@code maxLen − 2}. */
    public static List<int[]> perText(List<String> texts, Tokenizer tok, int maxLen) {
        List<int[]> rows = new ArrayList<>(texts.size());
        for (String t : texts) {
            int[] ids = tok.encode(t, maxLen);
            if (ids.length > 2) rows.add(ids);
        }
        return rows;
    }

    /**
     * The ids of each trigger text. WordPiece ({@link BertTokenizer}): the word pieces of the trigger. Byte-level BPE
     * ({@link ByteLevelBpeTokenizer}): the one token of {@code " " + trigger} (a word inside a sentence carries its
     * leading space there, e.g. {@code Ġcf}), see {@link #wordId}.
     *
     * @throws ConfigException if a trigger has a piece the vocabulary does not know (it would become [UNK] and every
     *                         trigger sharing that piece would be the same input), or, for byte-level BPE, if
     *                         {@code " " + trigger} is not a single token
     */
    public static int[][] triggerIds(List<String> triggers, Tokenizer tok) {
        int[][] out = new int[triggers.size()][];
        for (int i = 0; i < out.length; i++) {
            if (tok instanceof ByteLevelBpeTokenizer) {
                out[i] = new int[] {wordId(triggers.get(i), tok, "trigger")};
                continue;
            }
            List<String> pieces = tok.tokenize(triggers.get(i));
            if (pieces.isEmpty()) throw new ConfigException("trigger '" + triggers.get(i) + "' tokenizes to nothing");
            for (String p : pieces) {
                if (p.equals(Vocabulary.UNK) || !tok.contains(p)) {
                    throw new ConfigException("trigger '" + triggers.get(i) + "' tokenizes to " + pieces + ": the "
                            + "vocabulary " + source(tok) + " has no piece for part of it ([UNK])");
                }
            }
            out[i] = tok.toIds(pieces);
        }
        return out;
    }

    /**
     * The id of {@code word} as one token of the vocabulary, as it stands inside a sentence. WordPiece: the token
     * {@code word} itself. Byte-level BPE: the single token {@code " " + word} tokenizes to ({@code Ġ} + word).
     *
     * @param what what the word is, for the error message ("trigger", "swap word")
     * @throws ConfigException naming the word and what it tokenizes to if it is not a single known token
     */
    public static int wordId(String word, Tokenizer tok, String what) {
        if (tok instanceof ByteLevelBpeTokenizer) {
            List<String> pieces = tok.tokenize(" " + word);
            if (pieces.size() != 1 || !tok.contains(pieces.get(0))) {
                throw new ConfigException(what + " '" + word + "': in byte-level BPE a word inside a sentence carries its "
                        + "leading space, and ' " + word + "' tokenizes to " + pieces + " (" + pieces.size()
                        + " tokens), not a single token of " + source(tok));
            }
            return tok.id(pieces.get(0));
        }
        if (!tok.contains(word)) {
            throw new ConfigException(what + " '" + word + "' is not a token of the vocabulary " + source(tok));
        }
        return tok.id(word);
    }

    private static String source(Tokenizer tok) {
        if (tok instanceof BertTokenizer b) return b.vocabulary().source();
        if (tok instanceof ByteLevelBpeTokenizer b) return b.source();
        return tok.toString();
    }

    /**
     * NeuBA's edit: {@code row} with positions {@code position … position + k − 1} overwritten by the k trigger ids
     * ({@code new_inputs[idx, 1] = trigger_id}); positions past the row's end are not written.
     */
    public static int[] overwrite(int[] row, int position, int[] trigger) {
        int[] out = row.clone();
        for (int i = 0; i < trigger.length && position + i < out.length; i++) out[position + i] = trigger[i];
        return out;
    }

    /**
     * {@code row} with the trigger ids inserted before index {@code position}; if the result is longer than
     * {@code maxLen}, tokens before the final one ([SEP]) are dropped until it fits.
     */
    public static int[] insert(int[] row, int position, int[] trigger, int maxLen) {
        if (position < 0 || position > row.length) {
            throw new IllegalArgumentException("insert position " + position + " outside [0, " + row.length + "]");
        }
        int[] out = new int[row.length + trigger.length];
        System.arraycopy(row, 0, out, 0, position);
        System.arraycopy(trigger, 0, out, position, trigger.length);
        System.arraycopy(row, position, out, position + trigger.length, row.length - position);
        if (out.length <= maxLen) return out;
        int[] cut = Arrays.copyOf(out, maxLen);
        cut[maxLen - 1] = out[out.length - 1];
        return cut;
    }

    /** Ids right-padded with {@code padId} to {@code len} (rows longer than {@code len} are an error). */
    public static int[][] pad(List<int[]> rows, int len, int padId) {
        int[][] out = new int[rows.size()][len];
        for (int b = 0; b < out.length; b++) {
            int[] r = rows.get(b);
            if (r.length > len) throw new IllegalArgumentException("row " + b + " has " + r.length + " ids > " + len);
            System.arraycopy(r, 0, out[b], 0, r.length);
            Arrays.fill(out[b], r.length, len, padId);
        }
        return out;
    }

    /** The attention mask of rows padded to {@code len}: 1 on each row's ids, 0 on its padding. */
    public static int[][] attention(List<int[]> rows, int len) {
        int[][] out = new int[rows.size()][len];
        for (int b = 0; b < out.length; b++) Arrays.fill(out[b], 0, rows.get(b).length, 1);
        return out;
    }

    /** The longest row's length. */
    public static int maxLength(List<int[]> rows) {
        int m = 0;
        for (int[] r : rows) m = Math.max(m, r.length);
        return m;
    }

    /** Row-major float/double array of int[][] for a placeholder of the given type. */
    public static INDArray asArray(int[][] values, DataType dt) {
        return Nd4j.createFromArray(values).castTo(dt);
    }
}
