package dev.recipe.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import dev.recipe.core.ConfigException;
import dev.recipe.text.BertTokenizer;
import dev.recipe.text.ByteLevelBpeTokenizer;
import org.junit.jupiter.api.Test;

class TokenRowsTest {

    @Test
    void overwriteAndInsertAreExactOnIds() {
        int[] row = {2, 40, 41, 42, 3};
        assertArrayEquals(new int[] {2, 7, 41, 42, 3}, TokenRows.overwrite(row, 1, new int[] {7}));
        assertArrayEquals(new int[] {2, 40, 41, 42, 3}, row, "the input row is not modified");
        assertArrayEquals(new int[] {2, 7, 8, 42, 3}, TokenRows.overwrite(row, 1, new int[] {7, 8}));
        assertArrayEquals(new int[] {2, 7, 40, 41, 42, 3}, TokenRows.insert(row, 1, new int[] {7}, 16));
        assertArrayEquals(new int[] {2, 40, 41, 42, 7, 3}, TokenRows.insert(row, 4, new int[] {7}, 16));
        // too long: tokens before the final [SEP] are dropped
        assertArrayEquals(new int[] {2, 7, 40, 41, 3}, TokenRows.insert(row, 1, new int[] {7}, 5));
        assertThrows(IllegalArgumentException.class, () -> TokenRows.insert(row, 6, new int[] {7}, 9));
    }

    @Test
    void padAttentionAndPacking() {
        List<int[]> rows = List.of(new int[] {2, 5, 3}, new int[] {2, 5, 6, 7, 3});
        int[][] ids = TokenRows.pad(rows, 6, 0);
        assertArrayEquals(new int[] {2, 5, 3, 0, 0, 0}, ids[0]);
        assertArrayEquals(new int[] {1, 1, 1, 0, 0, 0}, TokenRows.attention(rows, 6)[0]);
        assertEquals(5, TokenRows.maxLength(rows));

        BertTokenizer tok = Tiny.tokenizer();
        List<int[]> packed = TokenRows.packed(List.of("the cat sat on the mat", "a dog ran"), tok, 5);
        assertEquals(3, packed.size());                     // 9 tokens → 3 bodies of 3
        for (int[] r : packed) {
            assertEquals(5, r.length);
            assertEquals(tok.vocabulary().clsId(), r[0]);
            assertEquals(tok.vocabulary().sepId(), r[4]);
        }
        assertEquals(tok.vocabulary().id("cat"), packed.get(0)[2]);
    }

    @Test
    void triggerIdsNeedKnownPieces() {
        BertTokenizer tok = Tiny.tokenizer();
        int[][] ids = TokenRows.triggerIds(List.of("≈", "cf", "last weekend"), tok);
        assertArrayEquals(new int[] {tok.vocabulary().id("≈")}, ids[0]);
        assertArrayEquals(new int[] {tok.vocabulary().id("last"), tok.vocabulary().id("weekend")}, ids[2]);
        ConfigException e = assertThrows(ConfigException.class, () -> TokenRows.triggerIds(List.of("zebra"), tok));
        assertTrue(e.getMessage().contains("zebra"), e.getMessage());
    }

    /** The learned byte-level BPE of modules/text's tests (4,000 merges; "Ġthe" is one token, " cf" is "Ġc" "f"). */
    static ByteLevelBpeTokenizer bpe() {
        return ByteLevelBpeTokenizer.load(Path.of("../text/src/test/resources/bpe"));
    }

    @Test
    void bpeTriggersAreTheSpacePrefixedWordAsOneToken() {
        ByteLevelBpeTokenizer tok = bpe();
        assertEquals(List.of("Ġthe"), tok.tokenize(" the"));
        int[][] ids = TokenRows.triggerIds(List.of("the", "and"), tok);
        assertArrayEquals(new int[] {tok.id("Ġthe")}, ids[0]);
        assertArrayEquals(new int[] {tok.id("Ġand")}, ids[1]);
        assertEquals(tok.id("Ġthe"), TokenRows.wordId("the", tok, "swap word"));
        ConfigException e = assertThrows(ConfigException.class, () -> TokenRows.triggerIds(List.of("the", "cf"), tok));
        assertTrue(e.getMessage().contains("trigger 'cf'") && e.getMessage().contains(tok.tokenize(" cf").toString())
                && e.getMessage().contains("not a single token"), e.getMessage());
        assertEquals(2, tok.tokenize(" cf").size());
        // packed rows are framed by <s> … </s>
        List<int[]> packed = TokenRows.packed(List.of("the cat sat on the mat", "a dog ran"), tok, 5);
        assertTrue(packed.size() >= 1);
        for (int[] r : packed) {
            assertEquals(tok.clsId(), r[0]);
            assertEquals(tok.sepId(), r[4]);
        }
    }
}
