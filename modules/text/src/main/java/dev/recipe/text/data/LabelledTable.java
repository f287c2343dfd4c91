package dev.recipe.text.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.TreeSet;

import dev.recipe.text.LabelledText;
import dev.recipe.text.TextFiles;

/**
 * Reads a labelled table with a header row: CSV (RFC 4180, see {@link CsvRows#CSV}) or TSV (no quoting, cells
 * trimmed, so {@code a\tb} and {@code a \t b} both work). The text is the named text column, or several named
 * columns joined with one space (empty ones left out); the label column is decoded by a {@link LabelCodec}. Cells are
 * taken as written apart from stripping surrounding whitespace. Blank lines are skipped.
 *
 * <p>Errors name {@code file:line} and what was expected: a missing column (listing the header's columns), a row
 * whose cell count differs from the header's, an empty text, a non-integer or out-of-range label, an unknown label
 * name. Example: {@code LabelledTable.tsv("sentence", "label").read(Path.of("sst2/train.tsv"))}.
 */
public record LabelledTable(Format format, List<String> textColumns, String labelColumn, LabelCodec labels) {
    /** The two layouts. */
    public enum Format { CSV, TSV }

    public LabelledTable {
        textColumns = List.copyOf(textColumns);
        if (textColumns.isEmpty()) throw new IllegalArgumentException("no text column given");
        if (labelColumn == null || labels == null || format == null) {
            throw new IllegalArgumentException("format, labelColumn and labels are required");
        }
    }

    /** A TSV with one text column and integer labels. */
    public static LabelledTable tsv(String textColumn, String labelColumn) {
        return new LabelledTable(Format.TSV, List.of(textColumn), labelColumn, LabelCodec.integers());
    }

    /** A CSV with one text column and integer labels. */
    public static LabelledTable csv(String textColumn, String labelColumn) {
        return new LabelledTable(Format.CSV, List.of(textColumn), labelColumn, LabelCodec.integers());
    }

    /** The same table with the text taken from these columns, joined with one space. */
    public LabelledTable withTextColumns(String... columns) {
        return new LabelledTable(format, List.of(columns), labelColumn, labels);
    }

    /** The same table with labels decoded by {@code codec}. */
    public LabelledTable withLabels(LabelCodec codec) {
        return new LabelledTable(format, textColumns, labelColumn, codec);
    }

    public List<LabelledText> read(Path file) {
        List<CsvRows.Row> rows = rows(file);
        CsvRows.Row header = rows.get(0);
        int[] text = textColumns.stream().mapToInt(c -> CsvRows.column(file, header, c)).toArray();
        int label = CsvRows.column(file, header, labelColumn);
        List<LabelledText> out = new ArrayList<>(rows.size() - 1);
        for (CsvRows.Row row : rows.subList(1, rows.size())) {
            String where = TextFiles.where(file, row.line());
            StringJoiner joined = new StringJoiner(" ");
            for (int c : text) if (!row.get(c).isBlank()) joined.add(row.get(c).strip());
            if (joined.length() == 0) {
                throw new IllegalArgumentException(where + ": empty text in column(s) " + textColumns);
            }
            out.add(new LabelledText(joined.toString(), labels.decode(row.get(label).strip(), where)));
        }
        return out;
    }

    /** The distinct values of the label column, sorted: feed them to {@link LabelCodec#derive} or check them. */
    public TreeSet<String> distinctLabels(Path file) {
        List<CsvRows.Row> rows = rows(file);
        int label = CsvRows.column(file, rows.get(0), labelColumn);
        TreeSet<String> values = new TreeSet<>();
        for (CsvRows.Row row : rows.subList(1, rows.size())) values.add(row.get(label).strip());
        return values;
    }

    /** Header first, every row with as many cells as the header. */
    private List<CsvRows.Row> rows(Path file) {
        String what = format == Format.CSV ? "labelled CSV file" : "labelled TSV file";
        List<CsvRows.Row> rows = CsvRows.read(file, format == Format.CSV ? CsvRows.CSV : CsvRows.TSV, what);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(file + ": empty, expected a header with columns " + textColumns
                    + " and '" + labelColumn + "'");
        }
        String cells = format == Format.CSV ? "comma-separated cells as in the header"
                : "tab-separated cells as in the header";
        for (CsvRows.Row row : rows.subList(1, rows.size())) CsvRows.requireSize(file, row, rows.get(0).size(), cells);
        return rows;
    }
}
