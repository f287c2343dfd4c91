package dev.recipe.zoo.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The checked-in model configs are the presets they claim to be. */
class ConfigFilesTest {
    static Path configs() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("configs/model"))) return p.resolve("configs/model");
        }
        throw new IllegalStateException("configs/model not found");
    }

    @Test
    void baseAndMiniFilesEqualThePresets() {
        assertEquals(BertConfig.base(), BertConfig.read(configs().resolve("bert-base.json")));
        assertEquals(BertConfig.mini(8192), BertConfig.read(configs().resolve("bert-mini.json")));
    }
}
