package dev.recipe.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@link ByteLevelBpeTokenizer} against OpenAI's GPT-2 {@code encoder.py}, run by
 * {@code tools/fixtures/export_bpe_goldens.py} on a byte-level BPE it learned from ../shared/data (4,000 merges, 4,261
 * tokens in RoBERTa's layout; files and command in {@code src/test/resources/bpe/README.md}), plus framing, padding
 * and the errors for malformed files.
 */
class ByteLevelBpeTokenizerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static Path bpeDir() {
        try {
            return Path.of(ByteLevelBpeTokenizerTest.class.getResource("/bpe/vocab.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final ByteLevelBpeTokenizer TOK = ByteLevelBpeTokenizer.load(bpeDir());

    @Test
    void matchesEncoderPyOnEveryGoldenString() throws IOException {
        List<String> lines = Files.readAllLines(bpeDir().resolve("goldens.jsonl"), StandardCharsets.UTF_8);
        int strings = 0;
        int tokens = 0;
        int roundtrips = 0;
        int withTokenStrings = 0;
        int pretokenized = 0;
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            JsonNode rec = JSON.readTree(lines.get(i));
            String text = rec.get("text").asText();
            int[] expected = ints(rec.get("ids"));
            int[] actual = TOK.encodeIds(text);
            strings++;
            tokens += expected.length;
            if (!java.util.Arrays.equals(expected, actual)) {
                mismatches.add("goldens.jsonl:" + (i + 1) + " " + JSON.writeValueAsString(text) + "\n  expected "
                        + java.util.Arrays.toString(expected) + "\n  actual   " + java.util.Arrays.toString(actual));
                continue;
            }
            if (rec.has("tokens")) {
                withTokenStrings++;
                List<String> expTokens = new ArrayList<>();
                rec.get("tokens").forEach(t -> expTokens.add(t.asText()));
                if (!expTokens.equals(TOK.tokenize(text))) {
                    mismatches.add("goldens.jsonl:" + (i + 1) + " tokens " + expTokens + " vs " + TOK.tokenize(text));
                }
            }
            if (rec.has("pretokens")) {
                pretokenized++;
                List<String> expPre = new ArrayList<>();
                rec.get("pretokens").forEach(t -> expPre.add(t.asText()));
                List<String> actualPre = new ArrayList<>();
                Matcher m = ByteLevelBpeTokenizer.PRE_TOKENIZER.matcher(text);
                while (m.find()) actualPre.add(m.group());
                if (!expPre.equals(actualPre)) {
                    mismatches.add("goldens.jsonl:" + (i + 1) + " pre-tokens " + JSON.writeValueAsString(expPre) + " vs "
                            + JSON.writeValueAsString(actualPre));
                }
            }
            if (rec.get("roundtrip").asBoolean()) {
                roundtrips++;
                if (!text.equals(TOK.decode(actual))) mismatches.add("goldens.jsonl:" + (i + 1) + " decode differs");
            }
        }
        System.out.printf("ByteLevelBpeTokenizer golden: %d strings (%d with token strings, %d with pre-tokens, %d decoded"
                + " back), %d tokens, %d mismatches%n", strings, withTokenStrings, pretokenized, roundtrips, tokens,
                mismatches.size());
        assertEquals(List.of(), mismatches.subList(0, Math.min(5, mismatches.size())),
                mismatches.size() + " of " + strings + " golden strings differ from encoder.py");
        assertEquals(374, strings, "goldens.jsonl has 374 records (74 hand-written + 300 corpus lines)");
        assertTrue(pretokenized > 300, "expected 338 records with pre-tokens, got " + pretokenized);
        assertTrue(tokens > 17000, "expected 17,852 golden tokens, got " + tokens);
    }

    private static int[] ints(JsonNode arr) {
        int[] out = new int[arr.size()];
        for (int i = 0; i < out.length; i++) out[i] = arr.get(i).asInt();
        return out;
    }

    /**
     * The character classes of the pre-tokenising regex equal those of Python's {@code regex} module (the reference's
     * {@code \p{L}}, {@code \p{N}}, {@code \s}) and Python's {@code str.isspace} (the {@code <mask>} lstrip) on every
     * code point that Java's Unicode version has assigned (newer assignments are unknown to Java 17's tables).
     */
    @Test
    void characterClassesMatchPythonOnEveryAssignedCodePoint() throws IOException {
        JsonNode classes = JSON.readTree(bpeDir().resolve("unicode_classes.json").toFile());
        Pattern letter = Pattern.compile("\\p{L}");
        Pattern number = Pattern.compile("\\p{N}");
        Pattern space = Pattern.compile("[" + ByteLevelBpeTokenizer.WS + "]");
        int[] compared = new int[1];
        List<String> diffs = new ArrayList<>();
        compare("L", classes.get("L"), cp -> letter.matcher(Character.toString(cp)).matches(), diffs, compared);
        compare("N", classes.get("N"), cp -> number.matcher(Character.toString(cp)).matches(), diffs, compared);
        compare("s", classes.get("s"), cp -> space.matcher(Character.toString(cp)).matches(), diffs, compared);
        compare("isspace", classes.get("isspace"), ByteLevelBpeTokenizer::isPythonSpace, diffs, compared);
        System.out.printf("character classes: %d code points compared per class (regex %s), %d differences%n",
                compared[0] / 4, classes.get("regex_version").asText(), diffs.size());
        assertEquals(List.of(), diffs.subList(0, Math.min(10, diffs.size())), diffs.size() + " differences");
        assertTrue(compared[0] / 4 > 140_000, "compared " + compared[0] / 4);
    }

    private static void compare(String name, JsonNode ranges, IntPredicate java, List<String> diffs, int[] compared) {
        BitSet python = new BitSet(0x110000);
        for (JsonNode r : ranges) python.set(r.get(0).asInt(), r.get(1).asInt() + 1);
        for (int cp = 0; cp < 0x110000; cp++) {
            if (cp >= 0xD800 && cp <= 0xDFFF) continue;
            if (Character.getType(cp) == Character.UNASSIGNED) continue; // Java's Unicode tables predate it
            compared[0]++;
            if (python.get(cp) != java.test(cp)) diffs.add(name + " U+" + Integer.toHexString(cp) + " python=" + python.get(cp));
        }
    }

    @Test
    void specialIdsFollowRobertaLayout() {
        assertEquals(0, TOK.clsId());
        assertEquals(1, TOK.padId());
        assertEquals(2, TOK.sepId());
        assertEquals(3, TOK.unkId());
        assertEquals(4260, TOK.maskId());
        assertEquals(4261, TOK.vocabSize());
        assertEquals(4000, TOK.mergeCount());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4260}, TOK.specialIds());
        assertEquals("<mask>", TOK.token(4260));
        assertEquals(3, TOK.id("no such token"));
        assertThrows(IndexOutOfBoundsException.class, () -> TOK.token(4261));
    }

    @Test
    void encodeFramesWithStartAndEndAndTruncatesKeepingTheEnd() {
        int[] body = TOK.encodeIds("Hello world!");
        assertArrayEquals(new int[] {43, 516, 82, 1112, 4}, body); // golden line 3
        assertArrayEquals(new int[] {0, 43, 516, 82, 1112, 4, 2}, TOK.encode("Hello world!", 512));
        assertArrayEquals(new int[] {0, 43, 516, 2}, TOK.encode("Hello world!", 4));
        assertArrayEquals(new int[] {0, 2}, TOK.encode("Hello world!", 2));
        assertArrayEquals(new int[] {0, 2}, TOK.encode("", 8));
        assertThrows(IllegalArgumentException.class, () -> TOK.encode("x", 1));
        assertArrayEquals(TOK.toIds(TOK.tokenize("Hello world!")), body);
    }

    @Test
    void encodeBatchPadsWithPadAndMasksPadding() {
        Tokenizer t = TOK;
        Tokenizer.Batch b = t.encodeBatch(List.of("Hello world!", "", "a b c d e f g h i j"), 6);
        assertEquals(3, b.size());
        assertEquals(6, b.seqLen());
        assertArrayEquals(new int[] {0, 43, 516, 82, 1112, 2}, b.ids()[0]);
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1}, b.attentionMask()[0]);
        assertArrayEquals(new int[] {0, 2, 1, 1, 1, 1}, b.ids()[1]);
        assertArrayEquals(new int[] {1, 1, 0, 0, 0, 0}, b.attentionMask()[1]);
        assertEquals(6, b.ids()[2].length);
        assertEquals(2, b.ids()[2][5]);
    }

    @Test
    void literalSpecialTokensAreKeptAndMaskStripsWhitespaceOnItsLeft() {
        assertEquals(List.of("f", "ill", "Ġthe", "<mask>", "Ġplease"), TOK.tokenize("fill the <mask> please"));
        // U+001C is str.isspace() in Python but neither \s nor White_Space: rstrip removes it before <mask>
        assertEquals(TOK.tokenize("a<mask>"), TOK.tokenize("a \u001c\u00a0\t<mask>"));
        assertEquals(List.of("<s>", "<mask>", "</s>"), TOK.tokenize("<s> <mask></s>"));
        assertEquals(List.of("<s>", "Ġ", "</s>"), TOK.tokenize("<s> </s>"));
        assertEquals("<s>Hello</s>", TOK.decode(TOK.encodeIds("<s>Hello</s>")));
    }

    @Test
    void unpairedSurrogateIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TOK.tokenize("ab\uD800c"));
        assertTrue(e.getMessage().contains("unpaired surrogate U+D800 at index 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TOK.tokenize("\uDE00"));
    }

    @Test
    void bertTokenizerIsATokenizerWithTheSameEncoding() {
        Vocabulary v = Vocabulary.of(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "!"));
        BertTokenizer bert = new BertTokenizer(v);
        Tokenizer t = bert;
        assertArrayEquals(new int[] {2, 5, 6, 7, 3}, t.encode("Hello world!", 16));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, t.specialIds());
        assertEquals(8, t.vocabSize());
        assertEquals(4, t.maskId());
        assertEquals("world", t.token(6));
        Tokenizer.Batch b = t.encodeBatch(List.of("hello", "hello world !"), 4);
        assertArrayEquals(new int[][] {{2, 5, 3, 0}, {2, 5, 6, 3}}, b.ids());
        assertArrayEquals(new int[][] {{1, 1, 1, 0}, {1, 1, 1, 1}}, b.attentionMask());
        // the masker built from the tokenizer equals the one built from the vocabulary
        int[][] ids = {{2, 5, 6, 7, 5, 6, 7, 5, 6, 3}};
        int[][] att = {{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}};
        MaskedBatch a = new MlmMasker(v, 0.5, 0.8, 0.1).mask(ids, att, 7);
        MaskedBatch c = new MlmMasker(t, 0.5, 0.8, 0.1).mask(ids, att, 7);
        assertArrayEquals(a.inputIds(), c.inputIds());
        assertArrayEquals(a.maskedLabel(), c.maskedLabel());
    }

    @Test
    void mlmMaskerNeverSelectsRobertaSpecials() {
        int[][] ids = {TOK.encode("the quick brown fox jumps over the lazy dog <mask>", 64)};
        int[][] att = new int[1][ids[0].length];
        java.util.Arrays.fill(att[0], 1);
        MaskedBatch m = new MlmMasker(TOK, 1.0, 1.0, 0.0).mask(ids, att, 1);
        for (int j = 0; j < ids[0].length; j++) {
            boolean special = ids[0][j] == 0 || ids[0][j] == 2 || ids[0][j] == 4260;
            assertEquals(special ? ids[0][j] : TOK.maskId(), m.inputIds()[0][j], "position " + j);
        }
        assertEquals(ids[0].length - 3, m.maskedCount());
    }

    // ------------------------------------------------------------------------------------------------ errors

    private Path[] copyFixture() throws IOException {
        Path v = tmp.resolve("vocab.json");
        Path m = tmp.resolve("merges.txt");
        Files.copy(bpeDir().resolve("vocab.json"), v);
        Files.copy(bpeDir().resolve("merges.txt"), m);
        return new Path[] {v, m};
    }

    private static List<String> lines(Path p) throws IOException {
        return new ArrayList<>(Files.readAllLines(p, StandardCharsets.UTF_8));
    }

    private static void write(Path p, List<String> lines) throws IOException {
        Files.writeString(p, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    }

    private String loadError(Path dir) {
        return assertThrows(IllegalArgumentException.class, () -> ByteLevelBpeTokenizer.load(dir)).getMessage();
    }

    @Test
    void copiedFixtureLoadsAndAcceptsAMissingFinalNewline() throws IOException {
        Path[] f = copyFixture();
        assertEquals(TOK.tokens(), ByteLevelBpeTokenizer.load(tmp).tokens());
        String merges = Files.readString(f[1], StandardCharsets.UTF_8);
        Files.writeString(f[1], merges.substring(0, merges.length() - 1), StandardCharsets.UTF_8);
        assertEquals(4000, ByteLevelBpeTokenizer.load(tmp).mergeCount());
    }

    @Test
    void missingFilesNameThePath() throws IOException {
        String msg = loadError(tmp);
        assertTrue(msg.contains("not found") && msg.contains(tmp.resolve("vocab.json").toString()), msg);
        Files.copy(bpeDir().resolve("vocab.json"), tmp.resolve("vocab.json"));
        msg = loadError(tmp);
        assertTrue(msg.contains("not found") && msg.contains(tmp.resolve("merges.txt").toString()), msg);
    }

    @Test
    void vocabJsonSyntaxErrorNamesFileLineAndColumn() throws IOException {
        Path v = copyFixture()[0];
        List<String> l = lines(v);
        l.set(5, l.get(5).replace(",", "")); // line 6 loses its comma
        write(v, l);
        String msg = loadError(tmp);
        assertTrue(msg.startsWith(v + ":7:") && msg.contains("not valid JSON"), msg);
    }

    @Test
    void vocabJsonNonIntegerIdNamesFileLine() throws IOException {
        Path v = copyFixture()[0];
        List<String> l = lines(v);
        l.set(9, l.get(9).replaceFirst(": \\d+", ": \"x\""));
        write(v, l);
        String msg = loadError(tmp);
        assertTrue(msg.startsWith(v + ":10:") && msg.contains("must be a non-negative integer, found string \"x\""), msg);
    }

    @Test
    void vocabJsonThatIsNotAnObjectIsAnError() throws IOException {
        Path v = copyFixture()[0];
        Files.writeString(v, "[\"a\", \"b\"]\n");
        String msg = loadError(tmp);
        assertTrue(msg.startsWith(v + ":1:1: expected a JSON object"), msg);
    }

    @Test
    void vocabJsonDuplicateTokenNamesBothLines() throws IOException {
        Path v = copyFixture()[0];
        List<String> l = lines(v);
        l.add(20, l.get(10).replaceFirst(": \\d+", ": 99999"));
        write(v, l);
        String msg = loadError(tmp);
        assertTrue(msg.startsWith(v + ":21: duplicate token") && msg.contains("first at line 11"), msg);
    }

    @Test
    void vocabJsonDuplicateIdNamesBothTokens() throws IOException {
        Path v = copyFixture()[0];
        List<String> l = lines(v);
        String id = l.get(10).replaceAll(".*: (\\d+),?", "$1");
        l.set(30, l.get(30).replaceFirst(": \\d+", ": " + id));
        write(v, l);
        String msg = loadError(tmp);
        assertTrue(msg.startsWith(v + ":31: id " + id + " of token") && msg.contains("(line 11)"), msg);
    }

    @Test
    void vocabJsonGapInIdsIsAnError() throws IOException {
        Path v = copyFixture()[0];
        String text = Files.readString(v).replace("\"<mask>\": 4260", "\"<mask>\": 4261");
        Files.writeString(v, text);
        String msg = loadError(tmp);
        assertTrue(msg.contains("id 4260 is missing") && msg.contains("'<mask>'"), msg);
    }

    @Test
    void vocabJsonWithoutASpecialTokenIsAnError() throws IOException {
        Path v = copyFixture()[0];
        Files.writeString(v, Files.readString(v).replace("\"<unk>\"", "\"[UNK]\""));
        String msg = loadError(tmp);
        assertTrue(msg.startsWith(v + ": lacks special token(s) [<unk>]"), msg);
    }

    @Test
    void vocabJsonWithoutAByteSymbolIsAnError() throws IOException {
        Path v = copyFixture()[0];
        Files.writeString(v, Files.readString(v).replace("\"Ā\": ", "\"ĀĀĀ\": "));
        String msg = loadError(tmp);
        assertTrue(msg.contains("lacks the byte symbol 'Ā' (byte 0x00)"), msg);
    }

    @Test
    void mergesWithoutHeaderNamesLineOne() throws IOException {
        Path m = copyFixture()[1];
        List<String> l = lines(m);
        l.remove(0);
        write(m, l);
        String msg = loadError(tmp);
        assertTrue(msg.startsWith(m + ":1: expected the header line '#version: 0.2', found 'Ġ t'"), msg);
        Files.writeString(m, "");
        assertTrue(loadError(tmp).contains(m + ":1: expected the header line '#version: 0.2', the file is empty"));
    }

    @Test
    void malformedMergeLinesNameFileLine() throws IOException {
        Path m = copyFixture()[1];
        for (String bad : new String[] {"Ġt", "Ġ  t", "Ġ t h", "", " t", "Ġ ", "Ġ\tt"}) {
            List<String> l = lines(m);
            l.set(41, bad);
            write(m, l);
            String msg = loadError(tmp);
            assertTrue(msg.startsWith(m + ":42: expected a merge, two symbols separated by one space"), bad + ": " + msg);
        }
    }

    @Test
    void mergeOutsideTheVocabularyNamesFileLine() throws IOException {
        Path m = copyFixture()[1];
        List<String> l = lines(m);
        l.add(100, "q z");
        write(m, l);
        String msg = loadError(tmp);
        assertTrue(msg.startsWith(m + ":101: merge 'q z' makes 'qz', which ") && msg.endsWith("vocab.json lacks"), msg);
        l.set(100, "Ġ 漢");
        write(m, l);
        msg = loadError(tmp);
        assertTrue(msg.startsWith(m + ":101: merge 'Ġ 漢' uses '漢'"), msg);
    }

    @Test
    void duplicateMergeNamesBothLines() throws IOException {
        Path m = copyFixture()[1];
        List<String> l = lines(m);
        l.add(l.get(5));
        write(m, l);
        String msg = loadError(tmp);
        assertTrue(msg.startsWith(m + ":" + l.size() + ": duplicate merge") && msg.contains("(first at line 6)"), msg);
    }

    @Test
    void mergesThatAreNotUtf8NameFileLine() throws IOException {
        Path m = copyFixture()[1];
        byte[] bytes = Files.readAllBytes(m);
        int third = 0;
        for (int i = 0, nl = 0; i < bytes.length; i++) if (bytes[i] == '\n' && ++nl == 2) third = i + 1;
        bytes[third] = (byte) 0xFF;
        Files.write(m, bytes);
        String msg = loadError(tmp);
        assertTrue(msg.startsWith(m + ":3: not valid UTF-8"), msg);
    }
}
