package dev.recipe.text.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.recipe.core.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorporaTest {
    @Test
    void filesAndTaskTrainTextsInSpecOrderNeverDevOrTest(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("sst2"));
        for (String split : List.of("train", "dev", "test")) {
            Files.writeString(tmp.resolve("sst2/" + split + ".tsv"), "sentence\tlabel\ngood " + split + "\t1\nbad " + split + "\t0\n");
        }
        Path book = tmp.resolve("book.txt");
        Files.writeString(book, "one sentence\n\n  another one  \n");
        Corpora.Corpus c = Corpora.read(List.of(book.toString(), "task:sst2"), tmp);
        assertEquals(List.of("one sentence", "another one", "good train", "bad train"), c.texts());
        assertEquals(List.of("corpus0", "sst2_train"), List.copyOf(c.files().keySet()));
        assertEquals(tmp.resolve("sst2/train.tsv"), c.files().get("sst2_train"));
        assertEquals(2, c.summary().size());
        assertTrue(c.summary().get(1).startsWith("task:sst2: 2 unlabelled train texts"), c.summary().get(1));
    }

    @Test
    void badSpecsAreNamed(@TempDir Path tmp) {
        String unknown = assertThrows(ConfigException.class, () -> Corpora.read(List.of("task:imdb"), tmp)).getMessage();
        assertTrue(unknown.contains("unknown dataset 'imdb'") && unknown.contains("sst2"), unknown);
        String missing = assertThrows(ConfigException.class, () -> Corpora.read(List.of(tmp.resolve("no.txt").toString()), tmp)).getMessage();
        assertTrue(missing.contains("no.txt") && missing.contains("not found"), missing);
        String noRoot = assertThrows(ConfigException.class, () -> Corpora.read(List.of("task:sst2"), null)).getMessage();
        assertTrue(noRoot.contains("no data root"), noRoot);
        assertThrows(ConfigException.class, () -> Corpora.read(List.of(), tmp));
    }
}
