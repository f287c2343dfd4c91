package dev.recipe.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.recipe.core.Checksums;
import dev.recipe.core.SharedData;

class VocabularyTest {
    @TempDir Path tmp;

    private Path write(String name, String content) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void idsAreLineNumbers() throws IOException {
        Vocabulary v = Vocabulary.load(write("vocab.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\n##lo\n"));
        assertEquals(7, v.size());
        assertEquals(5, v.id("hello"));
        assertEquals("##lo", v.token(6));
        assertTrue(v.contains("##lo"));
        assertFalse(v.contains("absent"));
        assertEquals(1, v.id("absent"), "unknown tokens map to [UNK]");
        assertEquals(List.of(0, 1, 2, 3, 4), List.of(v.padId(), v.unkId(), v.clsId(), v.sepId(), v.maskId()));
        assertSame(v, v.requireSpecials());
        assertThrows(IndexOutOfBoundsException.class, () -> v.token(7));
    }

    @Test
    void crlfAndMissingFinalNewlineAreFine() throws IOException {
        Vocabulary v = Vocabulary.load(write("vocab.txt", "a\r\nb\r\nc"));
        assertEquals(List.of("a", "b", "c"), v.tokens());
    }

    @Test
    void duplicateTokenNamesFileAndBothLines() throws IOException {
        Path p = write("dup.txt", "a\nb\nc\nb\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Vocabulary.load(p));
        assertTrue(e.getMessage().contains(p + ":4"), e.getMessage());
        assertTrue(e.getMessage().contains("duplicate token 'b'") && e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void emptyLineNamesFileAndLine() throws IOException {
        Path p = write("empty.txt", "a\n\nb\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Vocabulary.load(p));
        assertTrue(e.getMessage().startsWith(p + ":2: empty line"), e.getMessage());
    }

    @Test
    void missingFileNamesPath() {
        Path p = tmp.resolve("nope/vocab.txt");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Vocabulary.load(p));
        assertTrue(e.getMessage().contains(p.toAbsolutePath().toString()), e.getMessage());
    }

    @Test
    void invalidUtf8NamesLine() throws IOException {
        Path p = tmp.resolve("bad.txt");
        Files.write(p, new byte[] {'a', '\n', 'b', (byte) 0xC3, '\n'});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Vocabulary.load(p));
        assertTrue(e.getMessage().startsWith(p + ":2: not valid UTF-8"), e.getMessage());
    }

    @Test
    void requireSpecialsNamesTheMissingOnes() {
        Vocabulary v = Vocabulary.of(List.of("[PAD]", "[UNK]", "[SEP]", "x"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, v::requireSpecials);
        assertTrue(e.getMessage().contains("[[CLS], [MASK]]"), e.getMessage());
        IllegalStateException s = assertThrows(IllegalStateException.class, v::maskId);
        assertTrue(s.getMessage().contains("[MASK]"), s.getMessage());
    }

    @Test
    void ofRejectsDuplicatesAndLineBreaks() {
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of("a", "a")));
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of("a", "b\nc")));
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of("")));
    }

    @Test
    void saveRoundTripsAndSha256IsTheFileHash() {
        Vocabulary v = Vocabulary.of(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "≈", "##é"));
        Path p = tmp.resolve("out/vocab.txt");
        v.save(p);
        Vocabulary back = Vocabulary.load(p);
        assertEquals(v, back);
        assertEquals(Checksums.sha256(p), v.sha256());
        assertEquals(v.sha256(), back.sha256());
    }

    @Test
    void bertBaseUncasedVocabulary() {
        Path p = SharedData.require("bert-vocab/vocab.txt");
        Vocabulary v = Vocabulary.load(p).requireSpecials();
        assertEquals(30522, v.size());
        assertEquals(List.of(0, 100, 101, 102, 103), List.of(v.padId(), v.unkId(), v.clsId(), v.sepId(), v.maskId()));
        assertEquals(1606, v.id("≈"));
        assertEquals(12935, v.id("cf"));
        // PROVENANCE.txt: sha256 of the file; the canonical content equals the file
        assertEquals("07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3", v.sha256());
    }
}
