package dev.recipe.text;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code sentence\tlabel} files with that header (the SST-2 / OpenBackdoor layout, e.g. shared
 * {@code sst2/train.tsv}). Fields are trimmed; blank lines are skipped; CRLF is fine. Any malformed line is an
 * {@link IllegalArgumentException} naming {@code file:line} and what was expected.
 */
public final class LabelledTsv {
    private LabelledTsv() {}

    public static List<LabelledText> read(Path file) {
        List<String> lines = TextFiles.readLines(file, "labelled TSV file");
        if (lines.isEmpty()) throw new IllegalArgumentException(file + ": empty, expected header 'sentence<TAB>label'");
        String[] header = lines.get(0).split("\t", -1);
        if (header.length != 2 || !header[0].strip().equals("sentence") || !header[1].strip().equals("label")) {
            throw new IllegalArgumentException(TextFiles.where(file, 1) + ": expected header 'sentence<TAB>label', got '"
                    + lines.get(0) + "'");
        }
        List<LabelledText> out = new ArrayList<>(lines.size() - 1);
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) continue;
            String[] cols = line.split("\t", -1);
            String where = TextFiles.where(file, i + 1);
            if (cols.length != 2) {
                throw new IllegalArgumentException(where + ": expected 2 tab-separated columns (sentence, label), got "
                        + cols.length);
            }
            String text = cols[0].strip();
            if (text.isEmpty()) throw new IllegalArgumentException(where + ": empty sentence");
            out.add(new LabelledText(text, parseLabel(cols[1].strip(), where)));
        }
        return out;
    }

    private static int parseLabel(String s, String where) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": expected an integer label, got '" + s + "'");
        }
    }
}
