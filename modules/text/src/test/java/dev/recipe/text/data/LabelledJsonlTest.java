package dev.recipe.text.data;

import static dev.recipe.text.data.DataTestFiles.error;
import static dev.recipe.text.data.DataTestFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.recipe.text.LabelledText;

class LabelledJsonlTest {
    @TempDir Path tmp;

    @Test
    void readsObjectsWithDefaultAndCustomKeys() throws IOException {
        Path p = write(tmp, "d.jsonl", "\uFEFF{\"text\": \" a fine\\nfilm \", \"label\": 1, \"id\": 7}\r\n\r\n"
                + "{\"label\": \"0\", \"text\": \"dull\"}\r\n");
        assertEquals(List.of(new LabelledText("a fine\nfilm", 1), new LabelledText("dull", 0)),
                LabelledJsonl.defaults().read(p));
        Path q = write(tmp, "e.jsonl", "{\"sentence\": \"x\", \"y\": \"pos\"}\n{\"sentence\": \"z\", \"y\": \"neg\"}\n");
        LabelledJsonl custom = LabelledJsonl.defaults().withKeys("sentence", "y");
        LabelCodec codec = LabelCodec.derive(custom.distinctLabels(q));
        assertEquals(List.of(new LabelledText("x", 1), new LabelledText("z", 0)), custom.withLabels(codec).read(q));
    }

    @Test
    void errorsNameFileLineKeyAndWhatWasExpected() throws IOException {
        LabelledJsonl r = LabelledJsonl.defaults();
        String m = error(r::read, write(tmp, "a.jsonl", "{\"text\": \"x\", \"label\": 1}\n{\"txt\": \"y\", \"label\": 0}\n"));
        assertTrue(m.contains("a.jsonl:2: no key 'text'; keys are [txt, label]"), m);
        m = error(r::read, write(tmp, "b.jsonl", "\n{\"text\": \"x\", \"label\": 1.5}\n"));
        assertTrue(m.contains("b.jsonl:2: key 'label' must be an integer or a string, got 1.5"), m);
        m = error(r::read, write(tmp, "c.jsonl", "{\"text\": \"x\", \"label\": \"pos\"}\n"));
        assertTrue(m.contains("c.jsonl:1: expected an integer label, got 'pos'"), m);
        m = error(r::read, write(tmp, "d.jsonl", "{\"text\": \"  \", \"label\": 1}\n"));
        assertTrue(m.contains("d.jsonl:1: empty text in key 'text'"), m);
        m = error(r::read, write(tmp, "e.jsonl", "{\"text\": \"x\", \"label\": 1\n"));
        assertTrue(m.contains("e.jsonl:1:") && m.contains("invalid JSON"), m);
        m = error(r::read, write(tmp, "f.jsonl", "[1, 2]\n"));
        assertTrue(m.contains("f.jsonl:1: expected a JSON object, got array"), m);
        m = error(r::read, write(tmp, "g.jsonl", "{\"text\": 5, \"label\": 1}\n"));
        assertTrue(m.contains("g.jsonl:1: key 'text' must be a string, got 5"), m);
        m = error(r::read, write(tmp, "h.jsonl", "{\"text\": \"x\", \"label\": null}\n"));
        assertTrue(m.contains("h.jsonl:1: no key 'label' (it is null); keys are [text, label]"), m);
        m = error(r::read, write(tmp, "i.jsonl", "{\"text\": \"x\", \"label\": 1} {\"text\": \"y\"}\n"));
        assertTrue(m.contains("i.jsonl:1:") && m.contains("invalid JSON"), m);
        LabelledJsonl named = r.withLabels(LabelCodec.names(List.of("neg", "pos")));
        m = error(named::read, write(tmp, "j.jsonl", "{\"text\": \"x\", \"label\": 1}\n"));
        assertTrue(m.contains("j.jsonl:1: expected a label name (one of [neg, pos]), got the number 1"), m);
        m = error(named::read, write(tmp, "k.jsonl", "{\"text\": \"x\", \"label\": \"neutral\"}\n"));
        assertTrue(m.contains("k.jsonl:1: unknown label 'neutral'; expected one of [neg, pos]"), m);
    }
}
