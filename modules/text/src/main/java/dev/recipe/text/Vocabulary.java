package dev.recipe.text;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.recipe.core.AtomicFiles;
import dev.recipe.core.Checksums;

/**
 * An immutable WordPiece vocabulary: token &lt;-&gt; id, where the id is the 0-based line number in {@code vocab.txt}
 * (the format of HuggingFace's {@code BertTokenizer} / Google BERT's {@code load_vocab}, one token per line).
 *
 * <p>Unlike HF's {@code load_vocab}, which silently lets a later duplicate win, a duplicate token or an empty line is an
 * error naming the file and line, because either shifts every later id.
 */
public final class Vocabulary {
    public static final String PAD = "[PAD]";
    public static final String UNK = "[UNK]";
    public static final String CLS = "[CLS]";
    public static final String SEP = "[SEP]";
    public static final String MASK = "[MASK]";
    /** The five BERT special tokens, in the order {@link VocabularyBuilder} gives them ids 0..4. */
    public static final List<String> SPECIALS = List.of(PAD, UNK, CLS, SEP, MASK);

    private final String source;
    private final List<String> tokens;
    private final Map<String, Integer> ids;

    private Vocabulary(String source, List<String> tokens, Map<String, Integer> ids) {
        this.source = source;
        this.tokens = tokens;
        this.ids = ids;
    }

    /**
     * Reads {@code vocab.txt}: UTF-8, one token per line, id = 0-based line number.
     *
     * @throws IllegalArgumentException if the file is missing (naming the path), is not UTF-8, or has an empty line or
     *     a duplicate token (naming {@code file:line})
     */
    public static Vocabulary load(Path vocabTxt) {
        List<String> lines = TextFiles.readLines(vocabTxt, "vocabulary file");
        Map<String, Integer> ids = new HashMap<>(lines.size() * 2);
        for (int i = 0; i < lines.size(); i++) {
            String token = lines.get(i);
            if (token.isEmpty()) {
                throw new IllegalArgumentException(TextFiles.where(vocabTxt, i + 1)
                        + ": empty line (a vocabulary has exactly one token per line, id = line number - 1)");
            }
            Integer first = ids.putIfAbsent(token, i);
            if (first != null) {
                throw new IllegalArgumentException(TextFiles.where(vocabTxt, i + 1) + ": duplicate token '" + token
                        + "' (first at line " + (first + 1) + ")");
            }
        }
        if (lines.isEmpty()) throw new IllegalArgumentException("vocabulary file is empty: " + vocabTxt);
        return new Vocabulary(vocabTxt.toString(), List.copyOf(lines), ids);
    }

    /** A vocabulary whose ids are the list positions (for {@link VocabularyBuilder} and tests). */
    public static Vocabulary of(List<String> tokens) {
        Map<String, Integer> ids = new HashMap<>(tokens.size() * 2);
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (token == null || token.isEmpty() || token.indexOf('\n') >= 0 || token.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("token " + i + " is empty or contains a line break: '" + token + "'");
            }
            Integer first = ids.putIfAbsent(token, i);
            if (first != null) {
                throw new IllegalArgumentException("duplicate token '" + token + "' at ids " + first + " and " + i);
            }
        }
        if (tokens.isEmpty()) throw new IllegalArgumentException("a vocabulary needs at least one token");
        return new Vocabulary("in-memory", List.copyOf(tokens), ids);
    }

    /**
     * Checks that [PAD] [UNK] [CLS] [SEP] [MASK] are all present.
     *
     * @return this
     * @throws IllegalArgumentException naming the missing special tokens and the vocabulary's source
     */
    public Vocabulary requireSpecials() {
        List<String> missing = new ArrayList<>();
        for (String s : SPECIALS) if (!ids.containsKey(s)) missing.add(s);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("vocabulary " + source + " lacks special token(s) " + missing);
        }
        return this;
    }

    public int size() {
        return tokens.size();
    }

    /** The id of {@code token}, or the [UNK] id when absent (HF {@code convert_tokens_to_ids}). */
    public int id(String token) {
        Integer id = ids.get(token);
        return id != null ? id : unkId();
    }

    /** The token with this id. */
    public String token(int id) {
        if (id < 0 || id >= tokens.size()) {
            throw new IndexOutOfBoundsException("token id " + id + " outside [0, " + tokens.size() + ") of " + source);
        }
        return tokens.get(id);
    }

    public boolean contains(String token) {
        return ids.containsKey(token);
    }

    /** All tokens in id order (unmodifiable). */
    public List<String> tokens() {
        return tokens;
    }

    /** Where it came from: the file path, or "in-memory". */
    public String source() {
        return source;
    }

    public int padId() { return specialId(PAD); }
    public int unkId() { return specialId(UNK); }
    public int clsId() { return specialId(CLS); }
    public int sepId() { return specialId(SEP); }
    public int maskId() { return specialId(MASK); }

    private int specialId(String special) {
        Integer id = ids.get(special);
        if (id == null) throw new IllegalStateException("vocabulary " + source + " has no " + special + " token");
        return id;
    }

    /** Writes {@link #canonicalText()} atomically (never a partial file). */
    public void save(Path vocabTxt) {
        AtomicFiles.writeString(vocabTxt, canonicalText());
    }

    /** The file content {@link #save} writes: every token followed by {@code \n}, UTF-8. */
    public String canonicalText() {
        StringBuilder sb = new StringBuilder(tokens.size() * 8);
        for (String t : tokens) sb.append(t).append('\n');
        return sb.toString();
    }

    /** SHA-256 of {@link #canonicalText()}; equals {@code sha256sum vocab.txt} for a file with LF endings and no BOM. */
    public String sha256() {
        return Checksums.sha256(canonicalText());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v && tokens.equals(v.tokens);
    }

    @Override
    public int hashCode() {
        return tokens.hashCode();
    }

    @Override
    public String toString() {
        return "Vocabulary[" + source + ", " + tokens.size() + " tokens]";
    }
}
