package dev.recipe.text;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

/**
 * GPT-2 / RoBERTa byte-level BPE: reproduces HuggingFace's slow {@code RobertaTokenizer(vocab.json, merges.txt)} with
 * {@code add_prefix_space=False}, whose core is OpenAI's GPT-2 {@code src/encoder.py}:
 * <ol>
 *   <li>literal special tokens {@code <s> <pad> </s> <unk> <mask>} in the text are kept whole, and {@code <mask>}
 *       swallows the whitespace on its left (HF: {@code AddedToken("<mask>", lstrip=True)}, Python {@code rstrip()});
 *   <li>each other piece is pre-tokenised with encoder.py's regex
 *       {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+} ({@code \s} = Unicode
 *       White_Space, as in Python's {@code regex} module);
 *   <li>each pre-token's UTF-8 bytes become printable characters ({@code bytes_to_unicode}: a space becomes
 *       {@code Ġ}, a newline {@code Ċ});
 *   <li>adjacent symbols are merged, always the pair with the lowest rank (line order in merges.txt) first, every
 *       non-overlapping occurrence left to right, until no pair has a rank;
 *   <li>the resulting symbols are looked up in vocab.json.
 * </ol>
 * One text encodes as {@code <s> tokens </s>}. Checked id for id against encoder.py on a learned vocabulary
 * ({@code ByteLevelBpeTokenizerTest}, goldens from {@code tools/fixtures/export_bpe_goldens.py}).
 *
 * <p>Loading is strict where HF is silent, because a damaged file would shift or lose tokens without notice: every
 * error names {@code file:line} and what was expected. vocab.json must be a JSON object of distinct non-empty tokens
 * to the ids {@code 0..n-1}, with the five special tokens and all 256 byte symbols; merges.txt must start with the
 * {@code #version} header (HF drops line 1 unconditionally), then one {@code "a b"} merge per line, no duplicates,
 * with {@code a}, {@code b} and {@code ab} all in vocab.json. A missing final newline is accepted (HF's slow tokenizer
 * would silently drop that last merge; the fast one keeps it, as here).
 *
 * <p>Immutable and thread-safe (the per-word cache is concurrent).
 */
public final class ByteLevelBpeTokenizer implements Tokenizer {
    public static final String BOS = "<s>";
    public static final String PAD = "<pad>";
    public static final String EOS = "</s>";
    public static final String UNK = "<unk>";
    public static final String MASK = "<mask>";
    /** RoBERTa's special tokens, in the order of their ids in roberta-base's vocab.json ({@code <mask>} is last there). */
    public static final List<String> SPECIALS = List.of(BOS, PAD, EOS, UNK, MASK);

    /** Unicode White_Space: what {@code \s} matches in Python's {@code regex} module (Java's {@code \s} is ASCII). */
    static final String WS = "\\t\\n\\x0B\\f\\r\\x20\\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";
    /** encoder.py's {@code self.pat}, with {@code \s} spelled out as {@link #WS}. */
    static final Pattern PRE_TOKENIZER = Pattern.compile("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^" + WS
            + "\\p{L}\\p{N}]+|[" + WS + "]+(?![^" + WS + "])|[" + WS + "]+");

    private static final char[] BYTE_TO_CHAR = bytesToUnicode();
    private static final int[] CHAR_TO_BYTE = invert(BYTE_TO_CHAR);
    private static final int CACHE_LIMIT = 1 << 16;

    private final String source;
    private final String[] tokens;
    private final Map<String, Integer> ids;
    /** Merge rank by {@code first + " " + second} (symbols never contain a space: it is {@code Ġ} after byte mapping). */
    private final Map<String, Integer> ranks;
    private final int[] specialIds;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    private ByteLevelBpeTokenizer(String source, String[] tokens, Map<String, Integer> ids, Map<String, Integer> ranks) {
        this.source = source;
        this.tokens = tokens;
        this.ids = ids;
        this.ranks = ranks;
        int[] sp = new int[SPECIALS.size()];
        for (int i = 0; i < sp.length; i++) sp[i] = ids.get(SPECIALS.get(i));
        Arrays.sort(sp);
        this.specialIds = sp;
    }

    /** Loads {@code dir/vocab.json} and {@code dir/merges.txt} (a HuggingFace RoBERTa / GPT-2 checkpoint directory). */
    public static ByteLevelBpeTokenizer load(Path dir) {
        return load(dir.resolve("vocab.json"), dir.resolve("merges.txt"));
    }

    /**
     * Loads a byte-level BPE from its two files.
     *
     * @throws IllegalArgumentException if a file is missing (naming its path) or malformed (naming {@code file:line}
     *     and what was expected)
     */
    public static ByteLevelBpeTokenizer load(Path vocabJson, Path mergesTxt) {
        Map<String, Integer> ids = readVocab(vocabJson);
        String[] tokens = new String[ids.size()];
        for (Map.Entry<String, Integer> e : ids.entrySet()) tokens[e.getValue()] = e.getKey();
        List<String> missingSpecials = new ArrayList<>();
        for (String s : SPECIALS) if (!ids.containsKey(s)) missingSpecials.add(s);
        if (!missingSpecials.isEmpty()) {
            throw new IllegalArgumentException(vocabJson + ": lacks special token(s) " + missingSpecials
                    + " (a RoBERTa vocab.json has all of " + SPECIALS + ")");
        }
        for (int b = 0; b < 256; b++) {
            String symbol = String.valueOf(BYTE_TO_CHAR[b]);
            if (!ids.containsKey(symbol)) {
                throw new IllegalArgumentException(vocabJson + ": lacks the byte symbol '" + symbol + "' (byte 0x"
                        + String.format("%02X", b) + "); a byte-level BPE vocabulary has a token for each of the 256 bytes");
            }
        }
        Map<String, Integer> ranks = readMerges(mergesTxt, ids, vocabJson);
        return new ByteLevelBpeTokenizer(vocabJson + " + " + mergesTxt, tokens, Map.copyOf(ids), Map.copyOf(ranks));
    }

    private static Map<String, Integer> readVocab(Path file) {
        String text = TextFiles.readText(file, "vocabulary file (vocab.json)");
        Map<String, Integer> ids = new HashMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        Map<Integer, String> tokenOf = new HashMap<>();
        try (JsonParser p = new JsonFactory().createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException(at(file, p.currentTokenLocation())
                        + ": expected a JSON object {\"token\": id, ...}, found " + describe(p));
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String token = p.currentName();
                int line = p.currentTokenLocation().getLineNr();
                JsonToken v = p.nextToken();
                if (v != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT || p.getIntValue() < 0) {
                    throw new IllegalArgumentException(at(file, p.currentTokenLocation()) + ": the id of token '" + token
                            + "' must be a non-negative integer, found " + describe(p));
                }
                int id = p.getIntValue();
                if (token.isEmpty()) throw new IllegalArgumentException(at(file, p.currentTokenLocation()) + ": empty token");
                Integer firstLine = lineOf.putIfAbsent(token, line);
                if (firstLine != null) {
                    throw new IllegalArgumentException(file + ":" + line + ": duplicate token '" + token
                            + "' (first at line " + firstLine + ")");
                }
                String other = tokenOf.putIfAbsent(id, token);
                if (other != null) {
                    throw new IllegalArgumentException(file + ":" + line + ": id " + id + " of token '" + token
                            + "' is already the id of '" + other + "' (line " + lineOf.get(other) + ")");
                }
                ids.put(token, id);
            }
            if (p.currentToken() != JsonToken.END_OBJECT) {
                throw new IllegalArgumentException(at(file, p.currentTokenLocation())
                        + ": expected a token string or '}', found " + describe(p));
            }
            if (p.nextToken() != null) {
                throw new IllegalArgumentException(at(file, p.currentTokenLocation())
                        + ": unexpected content after the JSON object: " + describe(p));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(at(file, e.getLocation()) + ": not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot parse " + file + ": " + e.getMessage(), e);
        }
        if (ids.isEmpty()) throw new IllegalArgumentException(file + ": the vocabulary is empty");
        for (int id = 0; id < ids.size(); id++) {
            if (!tokenOf.containsKey(id)) {
                int max = tokenOf.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1);
                throw new IllegalArgumentException(file + ": ids must be 0.." + (ids.size() - 1) + " without gaps for "
                        + ids.size() + " tokens, but id " + id + " is missing (largest id " + max + ", token '"
                        + tokenOf.get(max) + "' at line " + lineOf.get(tokenOf.get(max)) + ")");
            }
        }
        return ids;
    }

    private static Map<String, Integer> readMerges(Path file, Map<String, Integer> vocab, Path vocabJson) {
        List<String> lines = TextFiles.readLines(file, "merges file (merges.txt)");
        if (lines.isEmpty() || !lines.get(0).startsWith("#version")) {
            throw new IllegalArgumentException(TextFiles.where(file, 1) + ": expected the header line '#version: 0.2'"
                    + (lines.isEmpty() ? ", the file is empty" : ", found '" + lines.get(0) + "'")
                    + " (HuggingFace skips line 1 of merges.txt unconditionally)");
        }
        Map<String, Integer> ranks = new HashMap<>(lines.size() * 2);
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            int lineNr = i + 1;
            int sp = line.indexOf(' ');
            if (sp <= 0 || sp == line.length() - 1 || line.indexOf(' ', sp + 1) >= 0 || hasOtherWhitespace(line)) {
                throw new IllegalArgumentException(TextFiles.where(file, lineNr)
                        + ": expected a merge, two symbols separated by one space (like 'Ġ t'), found '" + line + "'");
            }
            String a = line.substring(0, sp);
            String b = line.substring(sp + 1);
            for (String symbol : new String[] {a, b, a + b}) {
                if (!vocab.containsKey(symbol)) {
                    throw new IllegalArgumentException(TextFiles.where(file, lineNr) + ": merge '" + line + "' "
                            + (symbol.equals(a + b) ? "makes" : "uses") + " '" + symbol + "', which " + vocabJson
                            + " lacks");
                }
            }
            Integer first = ranks.putIfAbsent(line, i - 1);
            if (first != null) {
                throw new IllegalArgumentException(TextFiles.where(file, lineNr) + ": duplicate merge '" + line
                        + "' (first at line " + (first + 2) + ")");
            }
        }
        return ranks;
    }

    private static boolean hasOtherWhitespace(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c != ' ' && (Character.isWhitespace(c) || Character.isSpaceChar(c))) return true;
        }
        return false;
    }

    private static String at(Path file, JsonLocation loc) {
        return loc == null ? file.toString() : file + ":" + loc.getLineNr() + ":" + loc.getColumnNr();
    }

    private static String describe(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) return "end of file";
        return switch (t) {
            case VALUE_STRING -> "string \"" + p.getText() + "\"";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number " + p.getText();
            default -> t.asString() != null ? "'" + t.asString() + "'" : t.name();
        };
    }

    // ------------------------------------------------------------------------------------------------- encoding

    /**
     * The BPE tokens of {@code text} as vocab.json spells them ({@code "Ġworld"}), literal special tokens kept whole;
     * without {@code <s>}/{@code </s>} (HF {@code tokenizer.tokenize(text)}).
     *
     * @throws IllegalArgumentException if {@code text} has an unpaired surrogate (no UTF-8 encoding; Python raises too)
     */
    @Override
    public List<String> tokenize(String text) {
        List<String> out = new ArrayList<>();
        for (int id : encodeIds(text)) out.add(tokens[id]);
        return out;
    }

    /**
     * The ids of {@link #tokenize}: encoder.py's {@code Encoder.encode(text)} when the text has no literal special
     * token.
     */
    public int[] encodeIds(String text) {
        IntList out = new IntList(text.length() / 3 + 4);
        int start = 0;
        int i = 0;
        while (i < text.length()) {
            String special = text.charAt(i) == '<' ? specialAt(text, i) : null;
            if (special == null) {
                i++;
                continue;
            }
            String piece = text.substring(start, i);
            if (special.equals(MASK)) piece = pythonRstrip(piece);
            encodePiece(piece, out);
            out.add(ids.get(special));
            i += special.length();
            start = i;
        }
        encodePiece(text.substring(start), out);
        return out.toArray();
    }

    private static String specialAt(String text, int i) {
        for (String s : SPECIALS) if (text.startsWith(s, i)) return s;
        return null;
    }

    private void encodePiece(String piece, IntList out) {
        if (piece.isEmpty()) return;
        checkSurrogates(piece);
        Matcher m = PRE_TOKENIZER.matcher(piece);
        while (m.find()) {
            String word = toByteSymbols(piece.substring(m.start(), m.end()));
            int[] cached = cache.get(word);
            if (cached == null) {
                cached = bpe(word);
                if (cache.size() < CACHE_LIMIT) cache.put(word, cached);
            }
            out.addAll(cached);
        }
    }

    /** encoder.py {@code Encoder.bpe}: merge the lowest-ranked adjacent pair everywhere until none has a rank. */
    private int[] bpe(String word) {
        List<String> symbols = new ArrayList<>(word.length());
        for (int i = 0; i < word.length(); i++) symbols.add(String.valueOf(word.charAt(i)));
        while (symbols.size() > 1) {
            int bestRank = Integer.MAX_VALUE;
            String first = null;
            String second = null;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                Integer r = ranks.get(symbols.get(i) + ' ' + symbols.get(i + 1));
                if (r != null && r < bestRank) {
                    bestRank = r;
                    first = symbols.get(i);
                    second = symbols.get(i + 1);
                }
            }
            if (first == null) break;
            List<String> merged = new ArrayList<>(symbols.size());
            for (int i = 0; i < symbols.size(); ) {
                if (i + 1 < symbols.size() && symbols.get(i).equals(first) && symbols.get(i + 1).equals(second)) {
                    merged.add(first + second);
                    i += 2;
                } else {
                    merged.add(symbols.get(i));
                    i++;
                }
            }
            symbols = merged;
        }
        int[] out = new int[symbols.size()];
        for (int i = 0; i < out.length; i++) out[i] = ids.get(symbols.get(i)); // present: checked when loading
        return out;
    }

    private static String toByteSymbols(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) chars[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        return new String(chars);
    }

    private static void checkSurrogates(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("text has an unpaired surrogate U+" + String.format("%04X", (int) c)
                        + " at index " + i + ", which has no UTF-8 encoding");
            }
        }
    }

    /** Python's {@code str.rstrip()}: drops trailing characters for which {@code str.isspace()} is true. */
    static String pythonRstrip(String s) {
        int end = s.length();
        while (end > 0 && isPythonSpace(s.charAt(end - 1))) end--;
        return s.substring(0, end);
    }

    /** Python's {@code str.isspace()}: Unicode White_Space plus the separators U+001C..U+001F (all in the BMP). */
    static boolean isPythonSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F
                || cp == 0x3000;
    }

    @Override
    public int[] toIds(List<String> tokens) {
        int[] out = new int[tokens.size()];
        for (int i = 0; i < out.length; i++) out[i] = id(tokens.get(i));
        return out;
    }

    /** {@code <s> tokens </s>}, truncated to at most {@code maxLen} with {@code </s>} kept; not padded. */
    @Override
    public int[] encode(String text, int maxLen) {
        if (maxLen < 2) throw new IllegalArgumentException("maxLen must be >= 2 to hold <s> and </s>: " + maxLen);
        int[] body = encodeIds(text);
        int n = Math.min(body.length, maxLen - 2);
        int[] out = new int[n + 2];
        out[0] = clsId();
        System.arraycopy(body, 0, out, 1, n);
        out[n + 1] = sepId();
        return out;
    }

    /**
     * The text of {@code ids}: the tokens' bytes decoded as UTF-8, invalid sequences replaced by U+FFFD (encoder.py
     * {@code decode}, errors='replace'); special tokens are written literally. Inverts {@link #encodeIds} for text
     * without literal special tokens.
     */
    public String decode(int[] ids) {
        StringBuilder out = new StringBuilder();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : ids) {
            String t = token(id);
            if (SPECIALS.contains(t)) {
                out.append(new String(bytes.toByteArray(), StandardCharsets.UTF_8)).append(t);
                bytes.reset();
                continue;
            }
            for (int i = 0; i < t.length(); i++) {
                char c = t.charAt(i);
                int b = c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
                if (b < 0) {
                    throw new IllegalArgumentException("token " + id + " '" + t + "' has the character '" + c
                            + "', which is no byte symbol");
                }
                bytes.write(b);
            }
        }
        return out.append(new String(bytes.toByteArray(), StandardCharsets.UTF_8)).toString();
    }

    @Override
    public int vocabSize() {
        return tokens.length;
    }

    @Override
    public int id(String token) {
        Integer id = ids.get(token);
        return id != null ? id : unkId();
    }

    @Override
    public boolean contains(String token) {
        return ids.containsKey(token);
    }

    @Override
    public String token(int id) {
        if (id < 0 || id >= tokens.length) {
            throw new IndexOutOfBoundsException("token id " + id + " outside [0, " + tokens.length + ") of " + source);
        }
        return tokens[id];
    }

    /** All tokens in id order (a copy). */
    public List<String> tokens() {
        return List.of(tokens);
    }

    /** Number of merges (lines of merges.txt after the header). */
    public int mergeCount() {
        return ranks.size();
    }

    @Override public int padId() { return ids.get(PAD); }
    @Override public int unkId() { return ids.get(UNK); }
    @Override public int clsId() { return ids.get(BOS); }
    @Override public int sepId() { return ids.get(EOS); }
    @Override public int maskId() { return ids.get(MASK); }

    @Override
    public int[] specialIds() {
        return specialIds.clone();
    }

    /** Where it came from: "vocab.json + merges.txt" paths. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "ByteLevelBpeTokenizer[" + source + ", " + tokens.length + " tokens, " + ranks.size() + " merges]";
    }

    // ------------------------------------------------------------------------------------------------- bytes

    /** encoder.py {@code bytes_to_unicode}: printable bytes map to themselves, the others to U+0100 onwards. */
    private static char[] bytesToUnicode() {
        char[] table = new char[256];
        boolean[] printable = new boolean[256];
        for (int b = '!'; b <= '~'; b++) printable[b] = true;
        for (int b = 0xA1; b <= 0xAC; b++) printable[b] = true;
        for (int b = 0xAE; b <= 0xFF; b++) printable[b] = true;
        int n = 0;
        for (int b = 0; b < 256; b++) table[b] = printable[b] ? (char) b : (char) (256 + n++);
        return table;
    }

    private static int[] invert(char[] table) {
        int[] inv = new int[512];
        Arrays.fill(inv, -1);
        for (int b = 0; b < 256; b++) inv[table[b]] = b;
        return inv;
    }

    /** A growable int array. */
    private static final class IntList {
        private int[] a;
        private int n;

        IntList(int capacity) {
            a = new int[Math.max(capacity, 4)];
        }

        void add(int v) {
            if (n == a.length) a = Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }

        void addAll(int[] vs) {
            if (n + vs.length > a.length) a = Arrays.copyOf(a, Math.max(n * 2, n + vs.length));
            System.arraycopy(vs, 0, a, n, vs.length);
            n += vs.length;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
