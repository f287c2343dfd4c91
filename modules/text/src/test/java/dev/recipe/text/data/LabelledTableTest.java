package dev.recipe.text.data;

import static dev.recipe.text.data.DataTestFiles.error;
import static dev.recipe.text.data.DataTestFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.recipe.core.SharedData;
import dev.recipe.text.LabelledText;

class LabelledTableTest {
    @TempDir Path tmp;

    @Test
    void csvWithSeveralTextColumnsAndNamedLabels() throws IOException {
        Path p = write(tmp, "news.csv", "\uFEFFid,title,body,topic\r\n1,\"Big, news\",\"line one\r\nline two\",sports\r\n"
                + "\r\n2,,only body,world\r\n");
        LabelledTable table = LabelledTable.csv("title", "topic").withTextColumns("title", "body")
                .withLabels(LabelCodec.names(List.of("world", "sports")));
        assertEquals(List.of(new LabelledText("Big, news line one\r\nline two", 1), new LabelledText("only body", 0)),
                table.read(p));
    }

    @Test
    void derivedLabelNamesAreSortedDistinctValues() throws IOException {
        Path p = write(tmp, "a.tsv", "text\tlabel\r\nx\tpos\r\ny\tneg\r\nz\tpos\r\n");
        LabelledTable table = LabelledTable.tsv("text", "label");
        LabelCodec codec = LabelCodec.derive(table.distinctLabels(p));
        assertEquals(List.of("neg", "pos"), codec.labelNames().orElseThrow());
        assertEquals(List.of(1, 0, 1), table.withLabels(codec).read(p).stream().map(LabelledText::label).toList());
    }

    @Test
    void errorsNameFileLineAndWhatWasExpected() throws IOException {
        LabelledTable tsv = LabelledTable.tsv("sentence", "label");
        assertTrue(error(tsv::read, write(tmp, "a.tsv", "sentence\tlabel\nok\t1\nbad\tpositive\n"))
                .contains("a.tsv:3: expected an integer label, got 'positive'"));
        assertTrue(error(tsv::read, write(tmp, "b.tsv", "sentence\tlabel\nbad\t-1\n"))
                .contains("b.tsv:2: label -1 out of range, expected an integer >= 0"));
        assertTrue(error(tsv::read, write(tmp, "c.tsv", "sentence\tscore\nx\t1\n"))
                .contains("c.tsv:1: no column 'label' in the header; columns are [sentence, score]"));
        assertTrue(error(tsv::read, write(tmp, "d.tsv", "sentence\tlabel\n\nx\t1\textra\n"))
                .contains("d.tsv:3: expected 2 tab-separated cells as in the header, got 3"));
        assertTrue(error(tsv::read, write(tmp, "e.tsv", "sentence\tlabel\n\t1\n"))
                .contains("e.tsv:2: empty text in column(s) [sentence]"));
        assertTrue(error(tsv::read, write(tmp, "f.tsv", "\n\n")).contains("f.tsv: empty, expected a header"));
        LabelledTable named = LabelledTable.csv("text", "label").withLabels(LabelCodec.names(List.of("neg", "pos")));
        assertTrue(error(named::read, write(tmp, "g.csv", "text,label\n\"multi\nline\",pos\nx,neutral\n"))
                .contains("g.csv:4: unknown label 'neutral'; expected one of [neg, pos]"));
        LabelledTable binary = LabelledTable.csv("text", "label").withLabels(LabelCodec.integers(2));
        assertTrue(error(binary::read, write(tmp, "h.csv", "text,label\nx,2\n"))
                .contains("h.csv:2: label 2 out of range, expected 0..1"));
    }

    @Test
    void codecAndTableValidation() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LabelCodec.names(List.of("a", "a")))
                .getMessage().contains("duplicate label name 'a'"));
        assertThrows(IllegalArgumentException.class, () -> LabelCodec.integers(0));
        assertThrows(IllegalArgumentException.class, () -> LabelledTable.tsv("s", "l").withTextColumns());
    }

    @Test
    void realSst2MatchesTheExistingReader() {
        Path train = SharedData.require("sst2/train.tsv");
        LabelledTable table = LabelledTable.tsv("sentence", "label");
        assertEquals(dev.recipe.text.LabelledTsv.read(train), table.read(train));
        assertEquals(Set.of("0", "1"), table.distinctLabels(train));
    }
}
