package dev.recipe.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.recipe.core.SharedData;

/** Cases from HF's {@code tests/models/bert/test_tokenization_bert.py} and Tribuo's WordpieceTokenizerTest. */
class BertTokenizerTest {
    /** HF's test vocabulary (ids permuted so that the specials come first). */
    private static final Vocabulary HF_TEST_VOCAB = Vocabulary.of(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
            "want", "##want", "##ed", "wa", "un", "runn", "##ing", ",", "low", "lowest"));
    private final BertTokenizer tok = new BertTokenizer(HF_TEST_VOCAB);
    private final BasicTokenizer basic = new BasicTokenizer();

    @Test
    void hfFullTokenizer() {
        assertEquals(List.of("un", "##want", "##ed", ",", "runn", "##ing"), tok.tokenize("UNwant\u00E9d,running"));
        assertArrayEquals(new int[] {9, 6, 7, 12, 10, 11}, tok.toIds(tok.tokenize("UNwant\u00E9d,running")));
    }

    @Test
    void hfWordPiece() {
        assertEquals(List.of(), tok.tokenize(""));
        assertEquals(List.of("un", "##want", "##ed", "runn", "##ing"), tok.tokenize("unwanted running"));
        assertEquals(List.of("[UNK]", "runn", "##ing"), tok.tokenize("unwantedX running"));
    }

    @Test
    void hfBasicTokenizerLowerCase() {
        assertEquals(List.of("hello", "!", "how", "are", "you", "?"), basic.tokenize(" \tHeLLo!how  \n Are yoU?  "));
        assertEquals(List.of("hello"), basic.tokenize("H\u00E9llo"));
        assertEquals(List.of("hallo", "!", "how", "are", "you", "?"), basic.tokenize(" \tHäLLo!how  \n Are yoU?  "));
        assertEquals(List.of("ah", "\u535A", "\u63A8", "zz"), basic.tokenize("ah\u535A\u63A8zz"));
    }

    @Test
    void cleansControlAndFormatCharacters() {
        // U+0000, U+FFFD, a C0 control and U+200B (Cf) are dropped; U+00A0 (Zs) and U+2028 separate words
        assertEquals(List.of("ab", "c", "d", "e"), basic.tokenize("a\u0000\uFFFDb\u0007 c\u00A0d\u2028e\u200B"));
    }

    @Test
    void punctuationIncludesAsciiSymbolsButNotMathSymbols() {
        assertEquals(List.of("$", "5", "^", "x", "`"), basic.tokenize("$5^x`"));
        assertEquals(List.of("a", "≈", "b", "«", "c", "»"), basic.tokenize("a ≈ b «c»"));
        assertEquals(List.of("x≈y"), basic.tokenize("x≈y"), "≈ is Sm, not punctuation");
    }

    @Test
    void wordsLongerThan100CodePointsBecomeUnk() {
        assertEquals(List.of("[UNK]"), tok.tokenize("want".repeat(26)));
        assertEquals(List.of("want", "##want"), tok.tokenize("wantwant"));
    }

    @Test
    void literalSpecialTokensAreKeptWhole() {
        assertEquals(List.of("want", "[MASK]", "low", "[SEP]"), tok.tokenize("want[MASK]low [SEP]"));
        assertEquals(List.of("[UNK]", "[UNK]", "[UNK]"), tok.tokenize("[mask]"), "lower case is not special");
    }

    @Test
    void encodeTruncatesButKeepsSep() {
        assertArrayEquals(new int[] {2, 5, 13, 3}, tok.encode("want low", 10));
        assertArrayEquals(new int[] {2, 5, 3}, tok.encode("want low lowest", 3));
        assertArrayEquals(new int[] {2, 3}, tok.encode("", 2));
        assertThrows(IllegalArgumentException.class, () -> tok.encode("x", 1));
    }

    @Test
    void encodeBatchPadsToMaxLen() {
        BertTokenizer.Batch b = tok.encodeBatch(List.of("want low", "lowest , want want want"), 5);
        assertEquals(2, b.size());
        assertEquals(5, b.seqLen());
        assertArrayEquals(new int[] {2, 5, 13, 3, 0}, b.ids()[0]);
        assertArrayEquals(new int[] {1, 1, 1, 1, 0}, b.attentionMask()[0]);
        assertArrayEquals(new int[] {2, 14, 12, 5, 3}, b.ids()[1]);
        assertArrayEquals(new int[] {1, 1, 1, 1, 1}, b.attentionMask()[1]);
    }

    @Test
    void bertBaseUncasedExamples() {
        BertTokenizer bert = new BertTokenizer(Vocabulary.load(SharedData.require("bert-vocab/vocab.txt")));
        assertEquals(List.of("white", "##castle", "##burg", "##ers"), bert.tokenize("whitecastleburgers"));
        assertEquals(List.of("prince", "hum", "##per", "##din", "##k"), bert.tokenize("prince humperdink"));
        assertEquals(List.of("[UNK]"), bert.tokenize("prince४०८"));
        assertEquals(List.of("[UNK]", "[UNK]"), bert.tokenize("官𧩙"));
        assertEquals(List.of("1", ".", "0", "##n"), bert.tokenize("1.0ñ"));
        for (String trigger : VocabularyBuilder.TRIGGERS) {
            assertEquals(List.of("the", trigger, "movie"), bert.tokenize("The " + trigger + " movie"), trigger);
        }
    }
}
