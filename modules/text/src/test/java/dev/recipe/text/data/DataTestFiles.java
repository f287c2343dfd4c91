package dev.recipe.text.data;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.recipe.core.Checksums;
import dev.recipe.text.LabelledText;

/** Helpers for the reader tests: write a small file, read an error message, count and digest rows. */
final class DataTestFiles {
    private DataTestFiles() {}

    static Path write(Path dir, String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    static String error(Function<Path, ?> reader, Path file) {
        return assertThrows(IllegalArgumentException.class, () -> reader.apply(file)).getMessage();
    }

    /** Rows per label 0..n-1. */
    static List<Integer> counts(List<LabelledText> rows, int n) {
        Integer[] c = new Integer[n];
        Arrays.fill(c, 0);
        for (LabelledText t : rows) c[t.label()]++;
        return List.of(c);
    }

    /** SHA-256 of "label\ttext" lines joined by "\n": compared with the same digest computed in Python. */
    static String digest(List<LabelledText> rows) {
        return Checksums.sha256(rows.stream().map(t -> t.label() + "\t" + t.text()).collect(Collectors.joining("\n")));
    }
}
