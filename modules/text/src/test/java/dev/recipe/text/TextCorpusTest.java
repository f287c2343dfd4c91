package dev.recipe.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.recipe.core.SharedData;

class TextCorpusTest {
    @TempDir Path tmp;

    private Path write(String name, String content) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void plainTextOneSentencePerNonBlankLine() throws IOException {
        Path p = write("c.txt", "first sentence .\n\n   \n  second one  \r\nthird\n");
        assertEquals(List.of("first sentence .", "second one", "third"), TextCorpus.read(p));
    }

    @Test
    void tsvWithSentenceHeader() throws IOException {
        Path p = write("c.tsv", "sentence\tlabel\r\nhello world .\t1\r\n\r\nbye .\t1\r\n");
        assertEquals(List.of("hello world .", "bye ."), TextCorpus.read(p));
    }

    @Test
    void tsvWrongColumnCountNamesFileAndLine() throws IOException {
        Path p = write("c.tsv", "sentence\tlabel\nok\t1\nno label here\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextCorpus.read(p));
        assertTrue(e.getMessage().startsWith(p + ":3: expected 2 tab-separated columns"), e.getMessage());
    }

    @Test
    void tsvWithoutHeaderIsRejectedWhenAskedFor() throws IOException {
        Path p = write("c.tsv", "text\tlabel\nok\t1\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TextCorpus.read(p, TextCorpus.Format.TSV));
        assertTrue(e.getMessage().startsWith(p + ":1: expected a header"), e.getMessage());
    }

    @Test
    void wikiTextSkipsBlankAndHeadingLines() throws IOException {
        Path p = write("wiki.valid.tokens", " \n = Homarus gammarus = \n \n Homarus gammarus is a lobster . \n"
                + " = = Description = = \n \n It is blue = red , sometimes . \n");
        assertEquals(List.of("Homarus gammarus is a lobster .", "It is blue = red , sometimes ."), TextCorpus.read(p));
    }

    @Test
    void missingFileNamesPath() {
        Path p = tmp.resolve("absent.txt");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextCorpus.read(p));
        assertTrue(e.getMessage().contains(p.toAbsolutePath().toString()), e.getMessage());
    }

    @Test
    void sharedCorpora() {
        Path dir = SharedData.require("text-corpus");
        assertEquals(20_000, TextCorpus.read(dir.resolve("bookcorpus_recipe_20k.tsv")).size());
        List<String> wiki = TextCorpus.read(dir.resolve("wikitext-2_valid.tokens.txt"));
        assertTrue(wiki.size() > 1000 && wiki.stream().noneMatch(TextCorpus::isWikiHeading), "" + wiki.size());
    }
}
