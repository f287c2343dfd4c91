package dev.recipe.text;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a whole UTF-8 text file as lines, with errors that name the file (and, for bad bytes, the line). Lines end
 * at {@code \n}, {@code \r\n} or {@code \r}, as in {@link java.io.BufferedReader#readLine()}; a final terminator does
 * not start an extra empty line; a leading byte-order mark is dropped.
 */
public final class TextFiles {
    private TextFiles() {}

    /** The file's lines; {@code what} names the kind of file in errors ("labelled TSV file"). */
    public static List<String> readLines(Path file, String what) {
        return splitLines(readText(file, what));
    }

    /** The whole file as one string: strict UTF-8 (bad bytes name {@code file:line}), leading BOM dropped. */
    public static String readText(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(what + " not found: " + file.toAbsolutePath());
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
        return decodeStrict(bytes, file);
    }

    /** "file:line", the prefix of every parse error. */
    public static String where(Path file, int line) {
        return file + ":" + line;
    }

    private static String decodeStrict(byte[] bytes, Path file) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int line = 1;
            for (int i = 0; i < in.position(); i++) if (bytes[i] == '\n') line++;
            throw new IllegalArgumentException(where(file, line) + ": not valid UTF-8 (byte offset " + in.position() + ")");
        }
        decoder.flush(out);
        out.flip();
        String text = out.toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static List<String> splitLines(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                lines.add(text.substring(start, i));
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') i++;
                start = i + 1;
            }
        }
        if (start < n) lines.add(text.substring(start));
        return lines;
    }
}
