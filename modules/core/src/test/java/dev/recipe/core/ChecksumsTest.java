package dev.recipe.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChecksumsTest {
    @Test
    void aFoldersChecksumIsThatOfItsSha256sumListing(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("images"));
        Files.writeString(root.resolve("b.txt"), "bee");
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("sub/a.txt"), "ay");
        // what `cd images && sha256sum b.txt sub/a.txt` prints: every file, sorted by relative path
        String listing = Checksums.sha256("bee") + "  b.txt\n" + Checksums.sha256("ay") + "  sub/a.txt\n";
        String tree = Checksums.sha256(root);
        assertEquals(Checksums.sha256(listing), tree);
        // coreutils: (cd images && sha256sum b.txt sub/a.txt | sha256sum)
        assertEquals("39c55a8545eeaa87e102457599399886c193cf71618916916fd3678e0fc0a6f7", tree);
        assertEquals(tree, Checksums.sha256OfTree(root));
        Files.writeString(root.resolve("sub/a.txt"), "az");
        assertNotEquals(tree, Checksums.sha256(root), "a changed file");
        Files.writeString(root.resolve("sub/a.txt"), "ay");
        assertEquals(tree, Checksums.sha256(root), "the same content again");
        Files.move(root.resolve("b.txt"), root.resolve("c.txt"));
        assertNotEquals(tree, Checksums.sha256(root), "a renamed file");
    }
}
