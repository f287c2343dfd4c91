package dev.recipe.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.recipe.core.SharedData;

/**
 * Token-for-token regression against HuggingFace {@code BertTokenizer} (bert-base-uncased) output on ~10k multilingual
 * Wikipedia snippets (Tribuo's regression data, see ../shared/data/bert-vocab/PROVENANCE.txt). Each golden line is
 * {@code raw text \t token \t token ...}; the lines of the known-fails file (the same format) are skipped.
 *
 * <p>The 10,000 inputs split into 9,909 golden lines (all must match) and 91 known fails. 57 of the known fails differ
 * because the reference kept format characters (Cf: U+200C ZWNJ, U+00AD soft hyphen, U+200E...) inside words, which
 * HF's Python {@code _is_control} (category C*) drops; with a Cc-only rule all 10,000 lines match. We follow HF.
 * Not tagged "golden": it needs only the shared text files and runs in about 2 s.
 */
class BertTokenizerGoldenTest {

    @Test
    void matchesHuggingFaceOnEveryLineNotKnownToFail() throws IOException {
        Path dir = SharedData.require("bert-vocab");
        BertTokenizer tokenizer = new BertTokenizer(Vocabulary.load(dir.resolve("vocab.txt")));
        Set<String> knownFails = new HashSet<>();
        int knownFailsMatched = 0;
        for (String line : readLines(dir.resolve("tribuo-regression-text_bert-base-uncased_fails.txt"))) {
            String[] cols = line.split("\t");
            knownFails.add(cols[0]);
            if (tokenizer.tokenize(cols[0]).equals(Arrays.asList(cols).subList(1, cols.length))) knownFailsMatched++;
        }
        List<String> golden = readLines(dir.resolve("tribuo-regression-text_bert-base-uncased.txt"));
        int checked = 0;
        int skipped = 0;
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < golden.size(); i++) {
            String[] cols = golden.get(i).split("\t");
            if (knownFails.contains(cols[0])) {
                skipped++;
                continue;
            }
            List<String> expected = Arrays.asList(cols).subList(1, cols.length);
            List<String> actual = tokenizer.tokenize(cols[0]);
            checked++;
            if (!expected.equals(actual)) {
                mismatches.add("line " + (i + 1) + ": " + cols[0] + "\n  expected " + expected + "\n  actual   " + actual);
            }
        }
        System.out.printf("BertTokenizer golden: %d lines checked, %d mismatches; %d golden lines skipped as known fails;"
                + " known-fails file: %d lines, %d of them match anyway (informational)%n",
                checked, mismatches.size(), skipped, knownFails.size(), knownFailsMatched);
        assertTrue(checked > 9000, "expected ~9.9k golden lines, got " + checked);
        assertEquals(List.of(), mismatches.subList(0, Math.min(5, mismatches.size())),
                mismatches.size() + " of " + checked + " lines differ from HF");
    }

    private static List<String> readLines(Path p) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String l : Files.readAllLines(p, StandardCharsets.UTF_8)) if (!l.isEmpty()) lines.add(l);
        return lines;
    }
}
