package dev.recipe.text;

import java.util.Arrays;
import java.util.List;

/**
 * What the data pipelines need from a tokenizer, whatever its algorithm: text to ids framed by the start / end
 * special tokens, padding to a fixed length, and the special and vocabulary ids. Implemented by {@link BertTokenizer}
 * (WordPiece; [CLS] text [SEP], [PAD], [MASK]) and {@link ByteLevelBpeTokenizer} (GPT-2 / RoBERTa byte-level BPE;
 * {@code <s>} text {@code </s>}, {@code <pad>}, {@code <mask>}). As in HuggingFace, {@link #clsId} / {@link #sepId} are
 * the ids that frame one sequence: [CLS] / [SEP] for BERT, {@code <s>} / {@code </s>} for RoBERTa.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface Tokenizer {

    /** Padded ids and the matching attention mask (1 = real token, 0 = padding), both {@code [batch][seqLen]}. */
    interface Batch {
        int[][] ids();

        int[][] attentionMask();

        default int size() {
            return ids().length;
        }

        default int seqLen() {
            return ids().length == 0 ? 0 : ids()[0].length;
        }
    }

    /** A {@link Batch} as built by the default {@link #encodeBatch}. */
    record PaddedBatch(int[][] ids, int[][] attentionMask) implements Batch {}

    /** The tokens of {@code text}, without the framing special tokens (HF {@code tokenizer.tokenize(text)}). */
    List<String> tokenize(String text);

    /** Ids of {@code tokens}; tokens not in the vocabulary map to the unknown token (HF {@code convert_tokens_to_ids}). */
    int[] toIds(List<String> tokens);

    /**
     * {@code cls tokens sep}, with the tokens truncated so that the whole is at most {@code maxLen} long (HF
     * {@code encode(text, truncation=True, max_length=maxLen)}: the end token is kept); not padded.
     *
     * @throws IllegalArgumentException if {@code maxLen < 2}
     */
    int[] encode(String text, int maxLen);

    /**
     * {@link #encode} for each text, right-padded with {@link #padId} to exactly {@code maxLen} (HF
     * {@code padding="max_length", truncation=True}), with the attention mask.
     */
    default Batch encodeBatch(List<String> texts, int maxLen) {
        if (maxLen < 2) throw new IllegalArgumentException("maxLen must be >= 2 to hold the start and end tokens: " + maxLen);
        int[][] ids = new int[texts.size()][maxLen];
        int[][] mask = new int[texts.size()][maxLen];
        int pad = padId();
        for (int b = 0; b < ids.length; b++) {
            int[] enc = encode(texts.get(b), maxLen);
            System.arraycopy(enc, 0, ids[b], 0, enc.length);
            Arrays.fill(ids[b], enc.length, maxLen, pad);
            Arrays.fill(mask[b], 0, enc.length, 1);
        }
        return new PaddedBatch(ids, mask);
    }

    /** Number of ids: every id is in {@code [0, vocabSize())}. */
    int vocabSize();

    /** The id of {@code token}, or {@link #unkId} when it is not in the vocabulary. */
    int id(String token);

    boolean contains(String token);

    /** The token with this id. @throws IndexOutOfBoundsException outside {@code [0, vocabSize())} */
    String token(int id);

    int padId();

    int unkId();

    /** The id that starts a sequence ([CLS], {@code <s>}). */
    int clsId();

    /** The id that ends a sequence ([SEP], {@code </s>}). */
    int sepId();

    int maskId();

    /** The ids of all special tokens (HF {@code all_special_ids}), ascending. */
    int[] specialIds();
}
