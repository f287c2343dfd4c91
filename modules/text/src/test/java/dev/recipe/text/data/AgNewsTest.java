package dev.recipe.text.data;

import static dev.recipe.text.data.DataTestFiles.counts;
import static dev.recipe.text.data.DataTestFiles.error;
import static dev.recipe.text.data.DataTestFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.recipe.core.SharedData;
import dev.recipe.text.LabelledText;

class AgNewsTest {
    @TempDir Path tmp;

    @Test
    void csvJoinsTitleAndDescriptionAndCleansBackslashes() throws IOException {
        Path p = write(tmp, "test.csv", "\uFEFF\"3\",\"Fears for pension\",\"Unions  say they are \"\"disappointed\"\".\"\r\n"
                + "\r\n"
                + "\"4\",\"Race (SPACE.com)\",\"A second\\team of\\\\rocketeers, \\$10 million\r\nprize\\\"\r\n"
                + "\"1\",\" Title \",\"x\"");
        assertEquals(List.of(
                new LabelledText("Fears for pension Unions say they are \"disappointed\".", 2),
                new LabelledText("Race (SPACE.com) A second team of rocketeers, $10 million prize", 3),
                new LabelledText("Title x", 0)), AgNews.readCsv(p));
    }

    @Test
    void csvErrorsNameFileLineAndExpectation() throws IOException {
        assertTrue(error(AgNews::readCsv, write(tmp, "a.csv", "\"1\",\"t\",\"d\"\n\"5\",\"t\",\"d\"\n"))
                .contains("a.csv:2: expected a class index 1..4 in column 1, got '5'"));
        assertTrue(error(AgNews::readCsv, write(tmp, "b.csv", "\"1\",\"t\",\"d\"\n\"x\",\"t\",\"d\"\n"))
                .contains("b.csv:2: expected a class index 1..4 in column 1, got 'x'"));
        assertTrue(error(AgNews::readCsv, write(tmp, "c.csv", "\"1\",\"multi\nline\",\"d\"\n\"2\",\"t\"\n"))
                .contains("c.csv:3: expected 3 quoted columns (class index 1..4, title, description), got 2"));
        assertTrue(error(AgNews::readCsv, write(tmp, "d.csv", "\"1\",\" \",\"\\\\\"\n"))
                .contains("d.csv:1: empty title and description"));
        assertTrue(error(AgNews::readCsv, write(tmp, "e.csv", "\"1\",\"t\",\"d\"\n\"2\",\"t\"x,\"d\"\n"))
                .contains("e.csv:2: malformed record"));
    }

    @Test
    void tsvAcceptsSpaceTabSpaceAndPlainTab() throws IOException {
        Path p = write(tmp, "styleattack_dev.tsv", "sentence \t label\r\nvote counting has begun . \t 0\r\n\r\n"
                + "a \"quoted\" word\t3\r\n");
        assertEquals(List.of(new LabelledText("vote counting has begun .", 0), new LabelledText("a \"quoted\" word", 3)),
                AgNews.readTsv(p));
    }

    @Test
    void tsvErrorsNameFileLineAndExpectation() throws IOException {
        assertTrue(error(AgNews::readTsv, write(tmp, "a.tsv", "sentence \t label\nfine \t 1\nbad \t 4\n"))
                .contains("a.tsv:3: label 4 out of range, expected 0..3"));
        assertTrue(error(AgNews::readTsv, write(tmp, "b.tsv", "sentence \t label\nbad \t world\n"))
                .contains("b.tsv:2: expected an integer label, got 'world'"));
        assertTrue(error(AgNews::readTsv, write(tmp, "c.tsv", "sentence \t label\nno label\n"))
                .contains("c.tsv:2: expected 2 tab-separated cells as in the header, got 1"));
        assertTrue(error(AgNews::readTsv, write(tmp, "d.tsv", "text \t label\nx \t 1\n"))
                .contains("d.tsv:1: no column 'sentence' in the header; columns are [text, label]"));
        assertTrue(error(AgNews::readTsv, write(tmp, "e.tsv", "sentence \t label\n \t 1\n"))
                .contains("e.tsv:2: empty text in column(s) [sentence]"));
    }

    @Test
    void cleanUndoesTheOriginalEscapes() {
        assertEquals("for $1 billion", AgNews.clean("for \\$1 billion"));
        assertEquals("a b c", AgNews.clean(" a\\\\b\\ c\\"));
    }

    // Expected numbers: Python's csv module on the same files (see the report of the change that added them).
    @Test
    void realOriginalTestCsv() {
        List<LabelledText> rows = AgNews.readCsv(SharedData.require("agnews/test.csv"));
        assertEquals(7600, rows.size());
        assertEquals(List.of(1900, 1900, 1900, 1900), counts(rows, 4));
        assertEquals("2dab128ac8920f41461a00bb719002a95e4e0dc402bfc6f0c6796c83548ab832", DataTestFiles.digest(rows));
        assertEquals(AgNews.LABEL_NAMES, AgNews.readClassNames(SharedData.require("agnews/classes.txt")));
    }

    @Test
    void realStyleAttackTsvs() {
        // rows = `wc -l` minus the header line, except test_1000 whose last line has no newline (wc -l 999).
        List<LabelledText> train = AgNews.readTsv(SharedData.require("agnews/styleattack_train.tsv"));
        assertEquals(11106, train.size());
        assertEquals(List.of(2820, 2801, 2730, 2755), counts(train, 4));
        List<LabelledText> dev = AgNews.readTsv(SharedData.require("agnews/styleattack_dev.tsv"));
        assertEquals(10000, dev.size());
        assertEquals(List.of(2403, 2485, 2667, 2445), counts(dev, 4));
        List<LabelledText> test = AgNews.readTsv(SharedData.require("agnews/styleattack_test.tsv"));
        assertEquals(7600, test.size());
        assertEquals(List.of(1900, 1900, 1900, 1900), counts(test, 4));
        List<LabelledText> test1000 = AgNews.readTsv(SharedData.require("agnews/styleattack_test_1000.tsv"));
        assertEquals(999, test1000.size());
        assertEquals(List.of(267, 274, 205, 253), counts(test1000, 4));
    }
}
