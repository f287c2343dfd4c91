package dev.recipe.core;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes that never leave a partial result: everything goes to a temporary sibling first and is renamed into place
 * only when complete. A crash (even {@code kill -9}) leaves either the old file or the new one, plus at worst a
 * stray {@code .tmp-*} sibling that the next write replaces.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Something that writes a whole file to a stream. */
    @FunctionalInterface
    public interface StreamWriter { void write(OutputStream out) throws IOException; }

    /** Something that fills a fresh directory. */
    @FunctionalInterface
    public interface DirectoryWriter { void write(Path dir) throws IOException; }

    public static void writeString(Path target, String text) {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    public static void write(Path target, StreamWriter writer) {
        Path dir = parentOf(target);
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, ".tmp-" + target.getFileName(), "");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writer.write(out);
            }
            readableByAll(tmp, false);
            move(tmp, target);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("could not write " + target + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    /**
     * Fills a temporary directory and then swaps it in for {@code target} (the old directory, if any, is removed
     * only after the new one is complete).
     */
    public static void writeDirectory(Path target, DirectoryWriter writer) {
        Path parent = parentOf(target);
        Path tmp = null;
        try {
            Files.createDirectories(parent);
            tmp = Files.createTempDirectory(parent, ".tmp-" + target.getFileName());
            writer.write(tmp);
            readableByAll(tmp, true);
            if (Files.exists(target)) {
                Path old = parent.resolve(".old-" + target.getFileName() + "-" + System.nanoTime());
                move(target, old);
                move(tmp, target);
                deleteRecursively(old);
            } else {
                move(tmp, target);
            }
        } catch (IOException e) {
            deleteRecursively(tmp);
            throw new UncheckedIOException("could not write directory " + target + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteRecursively(tmp);
            throw e;
        }
    }

    /** Temp files are created owner-only; results should have the usual rw-r--r-- / rwxr-xr-x. */
    private static void readableByAll(Path p, boolean dir) {
        try {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString(dir ? "rwxr-xr-x" : "rw-r--r--"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: keep the defaults
        }
    }

    private static Path parentOf(Path target) {
        Path abs = target.toAbsolutePath();
        return abs.getParent();
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p == null) return;
        try { Files.deleteIfExists(p); } catch (IOException ignored) { /* best effort */ }
    }

    public static void deleteRecursively(Path p) {
        if (p == null || !Files.exists(p)) return;
        try (Stream<Path> walk = Files.walk(p)) {
            walk.sorted(Comparator.reverseOrder()).forEach(AtomicFiles::deleteQuietly);
        } catch (IOException ignored) { /* best effort */ }
    }
}
