package dev.recipe.zoo.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recipe.core.ConfigException;
import org.junit.jupiter.api.Test;

class BertConfigTest {
    @Test
    void aSequenceLongerThanThePositionTableIsRefusedNotLookedUp() {
        BertConfig bert = BertConfig.tiny();                     // 64 positions from 0
        BertConfig roberta = BertConfig.robertaTiny(99, 1);     // 66 positions, the first at 2 (pad id + 1)
        assertEquals(64, bert.maxTokens());
        assertEquals(64, roberta.maxTokens());
        assertEquals(512, BertConfig.base().maxTokens());
        assertEquals(512, BertConfig.robertaMini(8192, 1).maxTokens());
        bert.checkSequenceLength(64, "maxLen");
        roberta.checkSequenceLength(64, "maxLen");
        ConfigException e = assertThrows(ConfigException.class, () -> roberta.checkSequenceLength(128, "fine-tuning maxLen"));
        assertEquals("fine-tuning maxLen 128 is longer than this roberta model holds: 64 tokens (max_position_embeddings 66, "
                + "positions start at 2); use at most 64", e.getMessage());
        e = assertThrows(ConfigException.class, () -> bert.checkSequenceLength(65, "maxLen"));
        assertTrue(e.getMessage().contains("64 tokens (max_position_embeddings 64)"), e.getMessage());
    }
}
