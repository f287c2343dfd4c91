package dev.recipe.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * BERT uncased tokenizer: reproduces HuggingFace's {@code BertTokenizer(vocab, do_lower_case=True)} (the slow Python
 * tokenizer of {@code bert-base-uncased}): the literal special tokens [PAD] [UNK] [CLS] [SEP] [MASK] in the text are kept
 * whole (HF splits on {@code all_special_tokens} before tokenizing), the rest goes through {@link BasicTokenizer} and
 * then greedy longest-match-first WordPiece with {@code ##} continuations; a word longer than 100 code points or with
 * no WordPiece split becomes [UNK]. Checked token for token against HF output on ~10k multilingual Wikipedia lines
 * ({@code BertTokenizerGoldenTest}).
 *
 * <p>Thread-safe (immutable).
 */
public final class BertTokenizer implements Tokenizer {

    /** Padded ids and the matching attention mask (1 = real token, 0 = padding), both {@code [batch][maxLen]}. */
    public record Batch(int[][] ids, int[][] attentionMask) implements Tokenizer.Batch {
        @Override
        public int size() {
            return ids.length;
        }

        @Override
        public int seqLen() {
            return ids.length == 0 ? 0 : ids[0].length;
        }
    }

    private final Vocabulary vocab;
    private final BasicTokenizer basic = new BasicTokenizer();
    private final WordPiece wordPiece;

    /** @throws IllegalArgumentException if {@code vocab} lacks one of the five special tokens */
    public BertTokenizer(Vocabulary vocab) {
        this.vocab = vocab.requireSpecials();
        this.wordPiece = new WordPiece(vocab);
    }

    public Vocabulary vocabulary() {
        return vocab;
    }

    /** Word pieces of {@code text}, without [CLS]/[SEP] (HF {@code tokenizer.tokenize(text)}). */
    @Override
    public List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < text.length()) {
            String special = text.charAt(i) == '[' ? specialAt(text, i) : null;
            if (special == null) {
                i++;
                continue;
            }
            tokenizeChunk(text.substring(start, i), out);
            out.add(special);
            i += special.length();
            start = i;
        }
        tokenizeChunk(text.substring(start), out);
        return out;
    }

    private String specialAt(String text, int i) {
        for (String s : Vocabulary.SPECIALS) if (text.startsWith(s, i)) return s;
        return null;
    }

    private void tokenizeChunk(String chunk, List<String> out) {
        if (chunk.isEmpty()) return;
        for (String word : basic.tokenize(chunk)) wordPiece.split(word, out);
    }

    /** Ids of {@code tokens}; unknown tokens map to [UNK]. */
    @Override
    public int[] toIds(List<String> tokens) {
        int[] ids = new int[tokens.size()];
        for (int i = 0; i < ids.length; i++) ids[i] = vocab.id(tokens.get(i));
        return ids;
    }

    /**
     * {@code [CLS] tokens [SEP]}, with the tokens truncated so that the whole is at most {@code maxLen} long (HF
     * {@code encode(text, truncation=True, max_length=maxLen)}: [SEP] is kept); not padded.
     */
    @Override
    public int[] encode(String text, int maxLen) {
        if (maxLen < 2) throw new IllegalArgumentException("maxLen must be >= 2 to hold [CLS] and [SEP]: " + maxLen);
        List<String> tokens = tokenize(text);
        int n = Math.min(tokens.size(), maxLen - 2);
        int[] ids = new int[n + 2];
        ids[0] = vocab.clsId();
        for (int i = 0; i < n; i++) ids[i + 1] = vocab.id(tokens.get(i));
        ids[n + 1] = vocab.sepId();
        return ids;
    }

    /**
     * {@link #encode} for each text, padded with [PAD] to exactly {@code maxLen} (HF
     * {@code padding="max_length", truncation=True}), with the attention mask.
     */
    @Override
    public Batch encodeBatch(List<String> texts, int maxLen) {
        if (maxLen < 2) throw new IllegalArgumentException("maxLen must be >= 2 to hold [CLS] and [SEP]: " + maxLen);
        int[][] ids = new int[texts.size()][maxLen];
        int[][] mask = new int[texts.size()][maxLen];
        int pad = vocab.padId();
        for (int b = 0; b < ids.length; b++) {
            int[] enc = encode(texts.get(b), maxLen);
            System.arraycopy(enc, 0, ids[b], 0, enc.length);
            for (int j = enc.length; j < maxLen; j++) ids[b][j] = pad;
            for (int j = 0; j < enc.length; j++) mask[b][j] = 1;
        }
        return new Batch(ids, mask);
    }

    @Override
    public int vocabSize() {
        return vocab.size();
    }

    @Override
    public int id(String token) {
        return vocab.id(token);
    }

    @Override
    public boolean contains(String token) {
        return vocab.contains(token);
    }

    @Override
    public String token(int id) {
        return vocab.token(id);
    }

    @Override public int padId() { return vocab.padId(); }
    @Override public int unkId() { return vocab.unkId(); }
    @Override public int clsId() { return vocab.clsId(); }
    @Override public int sepId() { return vocab.sepId(); }
    @Override public int maskId() { return vocab.maskId(); }

    /** The ids of [PAD] [UNK] [CLS] [SEP] [MASK], ascending. */
    @Override
    public int[] specialIds() {
        int[] ids = new int[Vocabulary.SPECIALS.size()];
        for (int i = 0; i < ids.length; i++) ids[i] = vocab.id(Vocabulary.SPECIALS.get(i));
        Arrays.sort(ids);
        return ids;
    }
}
