package dev.recipe.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of files, folders and strings, as lower-case hex: the identity of data and models in provenance records. */
public final class Checksums {
    private Checksums() {}

    public static String sha256(Path file) {
        if (Files.isDirectory(file)) return sha256OfTree(file);
        MessageDigest md = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " to checksum it: " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * A folder's identity: the SHA-256 of the lines {@code <sha256 of the file>  <path relative to dir, '/'-separated>\n}
     * (as {@code sha256sum} prints them) of every regular file under {@code dir}, sorted by relative path. Renaming,
     * adding, removing or changing a file changes it; the folder's own location and timestamps do not.
     */
    public static String sha256OfTree(Path dir) {
        java.util.TreeMap<String, Path> byRelativePath = new java.util.TreeMap<>();
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile).forEach(f ->
                    byRelativePath.put(dir.relativize(f).toString().replace(java.io.File.separatorChar, '/'), f));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + " to checksum it: " + e.getMessage(), e);
        }
        StringBuilder listing = new StringBuilder();
        byRelativePath.forEach((rel, f) -> listing.append(sha256(f)).append("  ").append(rel).append('\n'));
        return sha256(listing.toString());
    }

    public static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
