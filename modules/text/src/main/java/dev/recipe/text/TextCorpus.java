package dev.recipe.text;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Readers for unlabelled pre-training text: one sentence (or paragraph) per entry, surrounding whitespace trimmed,
 * blank lines skipped. Errors name {@code file:line}.
 */
public final class TextCorpus {
    private TextCorpus() {}

    /** The supported layouts. */
    public enum Format {
        /** One sentence per non-blank line. */
        PLAIN,
        /** Tab-separated with a header whose first column is {@code sentence}; the first column is the text. */
        TSV,
        /** WikiText ({@code *.tokens}): paragraphs, with blank lines and {@code " = Heading = "} lines skipped. */
        WIKITEXT
    }

    /**
     * Reads a corpus in the format {@link #detect}ed: TSV when the first line's first tab-separated column is
     * {@code sentence}, WikiText when the file name contains {@code .tokens}, else plain.
     */
    public static List<String> read(Path file) {
        List<String> lines = TextFiles.readLines(file, "corpus file");
        return parse(file, lines, detect(file, lines));
    }

    /** Reads {@code file} as the given format. */
    public static List<String> read(Path file, Format format) {
        return parse(file, TextFiles.readLines(file, "corpus file"), format);
    }

    static Format detect(Path file, List<String> lines) {
        if (!lines.isEmpty() && lines.get(0).split("\t", -1)[0].strip().equals("sentence")) return Format.TSV;
        if (file.getFileName().toString().contains(".tokens")) return Format.WIKITEXT;
        return Format.PLAIN;
    }

    private static List<String> parse(Path file, List<String> lines, Format format) {
        List<String> out = new ArrayList<>(lines.size());
        switch (format) {
            case PLAIN -> {
                for (String line : lines) if (!line.isBlank()) out.add(line.strip());
            }
            case WIKITEXT -> {
                for (String line : lines) if (!line.isBlank() && !isWikiHeading(line)) out.add(line.strip());
            }
            case TSV -> readTsv(file, lines, out);
        }
        return out;
    }

    private static void readTsv(Path file, List<String> lines, List<String> out) {
        if (lines.isEmpty()) throw new IllegalArgumentException(file + ": empty, expected a header starting with 'sentence'");
        String[] header = lines.get(0).split("\t", -1);
        if (!header[0].strip().equals("sentence")) {
            throw new IllegalArgumentException(TextFiles.where(file, 1) + ": expected a header whose first column is"
                    + " 'sentence', got '" + lines.get(0) + "'");
        }
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) continue;
            String[] cols = line.split("\t", -1);
            if (cols.length != header.length) {
                throw new IllegalArgumentException(TextFiles.where(file, i + 1) + ": expected " + header.length
                        + " tab-separated columns as in the header, got " + cols.length);
            }
            if (cols[0].isBlank()) throw new IllegalArgumentException(TextFiles.where(file, i + 1) + ": empty sentence");
            out.add(cols[0].strip());
        }
    }

    /** {@code " = Title = "}, {@code " = = Section = = "} and deeper WikiText headings. */
    static boolean isWikiHeading(String line) {
        String s = line.strip();
        return s.length() >= 3 && s.startsWith("= ") && s.endsWith(" =");
    }
}
