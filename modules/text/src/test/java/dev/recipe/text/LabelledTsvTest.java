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

class LabelledTsvTest {
    @TempDir Path tmp;

    private Path write(String content) throws IOException {
        Path p = tmp.resolve("data.tsv");
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private String errorFor(String content) throws IOException {
        Path p = write(content);
        return assertThrows(IllegalArgumentException.class, () -> LabelledTsv.read(p)).getMessage();
    }

    @Test
    void readsSentencesAndLabels() throws IOException {
        Path p = write("sentence\tlabel\r\na stirring , funny film\t1\r\n\r\nboring .\t0\r\n");
        assertEquals(List.of(new LabelledText("a stirring , funny film", 1), new LabelledText("boring .", 0)),
                LabelledTsv.read(p));
    }

    @Test
    void wrongColumnCountNamesFileLineAndExpectation() throws IOException {
        String m = errorFor("sentence\tlabel\nfine\t1\ntoo\tmany\t1\n");
        assertTrue(m.contains("data.tsv:3: expected 2 tab-separated columns (sentence, label), got 3"), m);
        m = errorFor("sentence\tlabel\nno label\n");
        assertTrue(m.contains("data.tsv:2: expected 2 tab-separated columns"), m);
    }

    @Test
    void nonIntegerLabelNamesFileLineAndValue() throws IOException {
        String m = errorFor("sentence\tlabel\nfine\t1\nbad\tpositive\n");
        assertTrue(m.contains("data.tsv:3: expected an integer label, got 'positive'"), m);
    }

    @Test
    void badHeaderOrEmptyFile() throws IOException {
        assertTrue(errorFor("text\tlabel\nx\t1\n").contains("data.tsv:1: expected header 'sentence<TAB>label'"));
        assertTrue(errorFor("").contains("empty"));
        assertTrue(errorFor("sentence\tlabel\n \t1\n").contains("data.tsv:2: empty sentence"));
    }

    @Test
    void sst2Train() {
        List<LabelledText> train = LabelledTsv.read(SharedData.require("sst2/train.tsv"));
        assertEquals(6920, train.size());
        assertEquals(3610, train.stream().filter(t -> t.label() == 1).count());
    }
}
