package dev.recipe.text.data;

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

class CsvRowsTest {
    @TempDir Path tmp;

    private Path write(String content) throws IOException {
        Path p = tmp.resolve("rows.csv");
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void recordsKnowTheLineTheyStartOnDespiteEmbeddedBreaksCrlfBomAndBlankLines() throws IOException {
        Path p = write("\uFEFFa,b\r\n\r\n\"two\r\nlines\",x\r\n\"say \"\"hi\"\"\",y\r\n\n\"three\nline\ncell\",z\nlast,w");
        List<CsvRows.Row> rows = CsvRows.read(p, CsvRows.CSV, "test file");
        assertEquals(List.of(1, 3, 5, 7, 10), rows.stream().map(CsvRows.Row::line).toList());
        assertEquals(List.of("a", "b"), rows.get(0).cells());
        assertEquals(List.of("two\r\nlines", "x"), rows.get(1).cells());
        assertEquals(List.of("say \"hi\"", "y"), rows.get(2).cells());
        assertEquals(List.of("three\nline\ncell", "z"), rows.get(3).cells());
        assertEquals(List.of("last", "w"), rows.get(4).cells());
    }

    @Test
    void tsvTrimsCellsAndIgnoresQuotes() throws IOException {
        Path p = write("sentence \t label\r\nhe said \"no\" . \t 1\r\n");
        List<CsvRows.Row> rows = CsvRows.read(p, CsvRows.TSV, "test file");
        assertEquals(List.of("sentence", "label"), rows.get(0).cells());
        assertEquals(List.of("he said \"no\" .", "1"), rows.get(1).cells());
    }

    @Test
    void unterminatedQuoteNamesFileAndStartLine() throws IOException {
        Path p = write("a,b\nok,1\n\"never closed,2\nmore\n");
        String m = assertThrows(IllegalArgumentException.class, () -> CsvRows.read(p, CsvRows.CSV, "test file"))
                .getMessage();
        assertTrue(m.contains("rows.csv:3: malformed record starting on this line"), m);
    }

    @Test
    void missingColumnListsTheColumns() throws IOException {
        Path p = write("a,b\n");
        CsvRows.Row header = CsvRows.read(p, CsvRows.CSV, "test file").get(0);
        String m = assertThrows(IllegalArgumentException.class, () -> CsvRows.column(p, header, "c")).getMessage();
        assertTrue(m.contains("rows.csv:1: no column 'c' in the header; columns are [a, b]"), m);
    }

    @Test
    void badUtf8NamesFileAndLine() throws IOException {
        Path p = tmp.resolve("rows.csv");
        Files.write(p, new byte[] {'a', ',', 'b', '\n', 'x', (byte) 0xC3, '\n'});
        String m = assertThrows(IllegalArgumentException.class, () -> CsvRows.read(p, CsvRows.CSV, "test file"))
                .getMessage();
        assertTrue(m.contains("rows.csv:2: not valid UTF-8"), m);
    }
}
