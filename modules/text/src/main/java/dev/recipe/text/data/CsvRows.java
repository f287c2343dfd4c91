package dev.recipe.text.data;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import dev.recipe.text.TextFiles;

/**
 * The records of a delimited file (Apache Commons CSV), each with the line it starts on, so that every later error
 * can name {@code file:line}. The file is read as strict UTF-8 with a leading BOM dropped; line breaks may be
 * {@code \n}, {@code \r\n} or {@code \r}; blank lines are skipped (their line numbers still count).
 */
final class CsvRows {
    private CsvRows() {}

    /** RFC 4180: comma-separated, fields optionally in double quotes, {@code ""} inside quotes, line breaks inside quotes. */
    static final CSVFormat CSV = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(false).get();

    /** Tab-separated, no quoting, cells trimmed: accepts both {@code a\tb} and StyleAttack's {@code a \t b}. */
    static final CSVFormat TSV = CSVFormat.TDF.builder().setQuote(null).setEscape(null).setIgnoreEmptyLines(false)
            .setIgnoreSurroundingSpaces(true).setTrim(true).get();

    /** One record and the (1-based) line of the file on which it starts. */
    record Row(int line, List<String> cells) {
        int size() {
            return cells.size();
        }

        String get(int column) {
            return cells.get(column);
        }
    }

    static List<Row> read(Path file, CSVFormat format, String what) {
        String text = TextFiles.readText(file, what);
        List<Row> rows = new ArrayList<>();
        long before = 0;
        try (CSVParser parser = format.parse(new StringReader(text))) {
            Iterator<CSVRecord> it = parser.iterator();
            while (true) {
                before = parser.getCurrentLineNumber();
                if (!it.hasNext()) break;
                CSVRecord record = it.next();
                if (record.size() == 1 && record.get(0).isBlank()) continue;
                rows.add(new Row(Math.toIntExact(before + 1), record.toList()));
            }
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            Throwable cause = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException(TextFiles.where(file, Math.toIntExact(before + 1))
                    + ": malformed record starting on this line (" + cause.getMessage() + ")", e);
        }
        return rows;
    }

    /** The index of {@code name} in {@code header}, or an error that lists the columns there are. */
    static int column(Path file, Row header, String name) {
        int i = header.cells().indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException(TextFiles.where(file, header.line()) + ": no column '" + name
                    + "' in the header; columns are " + header.cells());
        }
        return i;
    }

    /** Checks that {@code row} has exactly {@code expected} cells. */
    static void requireSize(Path file, Row row, int expected, String what) {
        if (row.size() != expected) {
            throw new IllegalArgumentException(TextFiles.where(file, row.line()) + ": expected " + expected + " "
                    + what + ", got " + row.size());
        }
    }
}
